package io.mlapi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.mlapi.data.DatasetReader;
import io.mlapi.data.Split;
import io.mlapi.grpc.v2.GRPCInferenceServiceGrpc;
import io.mlapi.grpc.v2.ModelInferRequest;
import io.mlapi.grpc.v2.ModelInferResponse;
import io.mlapi.model.MlapiVersion;
import io.mlapi.model.TrainedModel;
import io.mlapi.model.ModelTrainer;
import io.mlapi.model.ModelWriter;
import io.mlapi.onnx.OnnxFixtures;
import io.mlapi.svm.Kernel;
import io.mlapi.svm.SvcParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real image, built by Jib from the Maven build on a base made here (scripts/image-base), run
 * by podman the way Kubernetes runs it, and the rendered local overlay, KServe runtime, training
 * Job and serve-from-claim pods run by {@code podman kube play}. Skipped, loudly and counted, only
 * where podman cannot run containers or the base cannot be made (not root, no debootstrap).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerImageIT {
  private static final Path PROJECT = Path.of("").toAbsolutePath();
  private static final Path WORK = PROJECT.resolve("target/container-it");
  /** What `mlapi serve` answers on /score for the tutorial's model, baked into the image. */
  private static final double TUTORIAL_SCORE = 0.7;
  private static final long LIMIT_BYTES = 200L * 1000 * 1000;
  /** The image's user (pom.xml image.user). */
  private static final long IMAGE_UID = 65532;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  private final Podman podman = new Podman(PROJECT);
  private final String tag = UUID.randomUUID().toString().substring(0, 8);
  private final HttpClient http = HttpClient.newHttpClient();
  /** podman commands that remove what the tests started, run at the end whatever happened. */
  private final List<List<String>> cleanups = new ArrayList<>();
  private String image;
  private Optional<String> skipReason = Optional.empty();

  @BeforeAll
  void buildAndLoadTheImage() throws IOException {
    skipReason = podman.whyUnusable();
    if (skipReason.isPresent()) {
      announceSkip();
      return;
    }
    Files.createDirectories(WORK);

    long start = System.nanoTime();
    Command.Result base = Command.of(PROJECT.resolve("scripts/image-base").toString())
        .withTimeout(Duration.ofMinutes(10)).run();
    if (base.exitCode() == 3) {
      skipReason = Optional.of("the base image cannot be made here: " + base.stderr().strip());
      announceSkip();
      return;
    }
    Path baseArchive = Path.of(base.orFail().strip());
    report("base image (scripts/image-base, cached after the first run)", start);

    start = System.nanoTime();
    Path archive = WORK.resolve("mlapi-it.tar");
    // The image profile's own steps after `package` (which the build has run, and with it ONNX
    // Runtime's jar repacked for the image): its labels (initialize), the image's model, the class
    // path and the AOT cache's training run in the base, and Jib.
    Command.of(PROJECT.resolve("mvnw").toString(), "-B", "-q", "-Pimage", "initialize",
            "exec:exec@image-model", "resources:copy-resources@image-model",
            "dependency:build-classpath@image-classpath", "exec:exec@image-aot", "jib:buildTar",
            "-Dimage.base=tar://" + baseArchive, "-Dimage.name=mlapi-it:" + tag,
            "-Djib.outputPaths.tar=" + archive)
        .withTimeout(Duration.ofMinutes(10)).run().orFail();
    report("image build (AOT cache training run and Jib)", start);

    start = System.nanoTime();
    podman.run("load", "-q", "-i", archive.toString());
    image = "localhost/mlapi-it:" + tag;
    report("podman load", start);
    skipReason = podman.whyContainersCannotRun(image);
    skipReason.ifPresent(why -> announceSkip());
  }

  /** Each test is reported skipped, with the reason, rather than the class vanishing from the counts. */
  @BeforeEach
  void skipWherePodmanCannotRun() {
    skipReason.ifPresent(Assumptions::abort);
  }

  @AfterAll
  void removeEverything() {
    for (List<String> cleanup : cleanups.reversed()) {
      podman.removeQuietly(cleanup.toArray(String[]::new));
    }
    if (image != null) {
      podman.removeQuietly("rmi", "-f", image);
    }
    http.close();
  }

  private void announceSkip() {
    // Loud on purpose: skipped container tests must never pass for green ones.
    System.err.println("\n*** SKIPPED container tests (ContainerImageIT): " + skipReason.orElseThrow() + "\n");
  }

  private static void report(String what, long startNanos) {
    System.out.printf("ContainerImageIT: %s took %.1f s%n", what, (System.nanoTime() - startNanos) / 1e9);
  }

  @Test
  void imageRunsServeAsANumericNonRootUserOnPort5000AndIsLabelledAndSmall() throws IOException {
    JsonNode inspect = JSON.readTree(podman.run("image", "inspect", image)).get(0);
    JsonNode config = inspect.path("Config");
    String user = config.path("User").asText();
    assertThat(user).as("the image's user, uid:gid").matches("[1-9][0-9]*:[0-9]+");
    assertThat(config.path("ExposedPorts").has("5000/tcp")).as("exposed ports %s", config.path("ExposedPorts"))
        .isTrue();
    assertThat(config.path("Cmd")).extracting(JsonNode::asText).containsExactly("serve");
    assertThat(config.path("Entrypoint").toString()).contains("io.mlapi.Main");
    assertThat(config.path("Env")).extracting(JsonNode::asText).contains("MODEL_DIR=" + ServeContainer.IMAGE_MODEL_DIR);

    JsonNode labels = config.path("Labels");
    assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo(MlapiVersion.VALUE);
    assertThat(labels.path("org.opencontainers.image.source").asText()).isNotBlank();
    Command.Result head = Command.of("git", "-C", PROJECT.toString(), "rev-parse", "HEAD").run();
    assertThat(labels.path("org.opencontainers.image.revision").asText())
        .isEqualTo(head.ok() ? head.stdout().strip() : "unknown");

    long size = inspect.path("Size").asLong();
    System.out.printf("ContainerImageIT: image size %.1f MB%n", size / 1e6);
    assertThat(size).as("image size in bytes").isPositive().isLessThan(LIMIT_BYTES);
  }

  @Test
  void theImageRunsOnJava25WithTheAotCacheMadeForIt() throws IOException {
    JsonNode entrypoint = JSON.readTree(podman.run("image", "inspect", image)).get(0).path("Config").path("Entrypoint");
    List<String> command = new ArrayList<>();
    entrypoint.forEach(part -> command.add(part.asText()));
    assertThat(command).as("the image's entrypoint").contains("-XX:AOTCache=/app/mlapi.aot");
    // With -XX:AOTMode=on the JVM refuses to start unless it takes the cache: made for another
    // runtime, other jars or another class path, it would be ignored silently otherwise.
    List<String> run = new ArrayList<>(List.of("run", "--rm", "--read-only", "--entrypoint", command.get(0), image,
        "-XX:AOTMode=on"));
    run.addAll(command.subList(1, command.size()));
    run.add("--version");
    Command.Result version = podman.command(run.toArray(String[]::new)).run();
    assertThat(version.exitCode()).as("java with the cache required: %s%s", version.stdout(), version.stderr())
        .isZero();
    assertThat(version.stdout()).contains("Java 25");
  }

  @Test
  void servesTheBakedModelWithAReadOnlyRootAndStopsCleanlyOnSigterm() {
    long grace = baseDeployment().getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
    String name = "mlapi-it-run-" + tag;
    long start = System.nanoTime();
    // As the base Deployment runs it: its user, a read-only root with only a scratch /tmp
    // writable, no capabilities, no privilege escalation.
    podman.run("run", "-d", "--name", name, "--read-only", "--read-only-tmpfs=false",
        "--tmpfs", "/tmp:rw,size=64m,mode=1777", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
        "-p", "127.0.0.1::5000", image);
    cleanups.add(List.of("rm", "-f", "-t", "0", name));
    int port = publishedPort(name, 5000);
    awaitReady(port, name);
    report("container start until /readyz answers 200", start);
    System.out.printf("ContainerImageIT: the server says: %s%n", logs(name).lines()
        .filter(line -> line.startsWith("ready ") || line.startsWith("warmed up ")).toList());

    assertThat(get(port, "/score")).isEqualTo("{\"score\":" + TUTORIAL_SCORE + "}");
    assertThat(post(port, "/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [2, 4], "
        + "\"datatype\": \"FP32\", \"data\": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}]}"))
        .contains("\"name\":\"predict\",\"datatype\":\"INT64\",\"shape\":[2],\"data\":[1,1]");
    assertThat(podman.run("exec", name, "id", "-u")).isEqualTo(Long.toString(IMAGE_UID));
    assertThat(logs(name)).contains("from " + ServeContainer.IMAGE_MODEL_DIR + "/iris");

    start = System.nanoTime();
    podman.command("stop", "-t", Long.toString(grace), name).withTimeout(Duration.ofSeconds(grace + 30)).run()
        .orFail();
    double stopSeconds = (System.nanoTime() - start) / 1e9;
    report("podman stop (SIGTERM) until the container exited", start);
    int exitCode = Integer.parseInt(podman.run("inspect", "--format", "{{.State.ExitCode}}", name));
    // The server drains and exits 0 on SIGTERM; 143 would be the JVM's bare exit on the signal,
    // 137 podman's SIGKILL after the grace period.
    assertThat(exitCode).as("exit status after SIGTERM; its log:%n%s", logs(name)).isZero();
    assertThat(stopSeconds).as("seconds to stop, within the pods' grace period").isLessThan(grace);
  }

  @Test
  void aModelDirectoryMountedOnModelDirReplacesTheBakedModel(@TempDir Path temp) throws IOException {
    Path models = Files.createDirectories(temp.resolve("models"));
    TrainedModel linear = trainIris(Kernel.LINEAR, models.resolve("iris"));
    assertThat(linear.accuracy()).as("a score that tells the mounted model from the baked one")
        .isNotEqualTo(TUTORIAL_SCORE);
    String name = "mlapi-it-mounted-" + tag;
    podman.run("run", "-d", "--name", name, "--read-only", "--tmpfs", "/tmp",
        "-v", models + ":" + ServeContainer.IMAGE_MODEL_DIR + ":ro", "-p", "127.0.0.1::5000", image);
    cleanups.add(List.of("rm", "-f", "-t", "0", name));
    int port = publishedPort(name, 5000);
    awaitReady(port, name);
    assertThat(get(port, "/score")).isEqualTo("{\"score\":" + linear.accuracy() + "}");
  }

  /**
   * What the image's cut-down runtime (scripts/image-base's modules) and its repacked ONNX Runtime
   * jar must carry: an ONNX model served over REST, and the gRPC server (Netty, protobuf) answering
   * health and inference, with the AOT cache in use and no warning about native access.
   */
  @Test
  void anOnnxModelOverRestAndGrpc_onTheImagesRuntime(@TempDir Path temp) throws IOException {
    Path repository = Files.createDirectories(temp.resolve("repository"));
    OnnxFixtures.publish(repository, "clf", 1, "classifier_svm");
    makeReadable(repository);
    String name = "mlapi-it-onnx-" + tag;
    podman.run("run", "-d", "--name", name, "--read-only", "--tmpfs", "/tmp",
        "-v", repository + ":/repository:ro", "-p", "127.0.0.1::5000", "-p", "127.0.0.1::8081", image,
        "serve", "--repository", "/repository");
    cleanups.add(List.of("rm", "-f", "-t", "0", name));
    int port = publishedPort(name, 5000);
    awaitReady(port, name);

    assertThat(post(port, "/v2/models/clf/infer", "{\"inputs\": [{\"name\": \"float_input\", \"shape\": [1, 4], "
        + "\"datatype\": \"FP32\", \"data\": [5.1, 3.5, 1.4, 0.2]}], \"outputs\": [{\"name\": \"output_label\"}]}"))
        .contains("\"data\":[\"setosa\"]");
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", publishedPort(name, 8081)).usePlaintext()
        .build();
    try {
      assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
      ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("clf");
      request.addInputsBuilder().setName("float_input").setDatatype("FP32").addShape(1).addShape(4)
          .getContentsBuilder().addAllFp32Contents(List.of(5.1f, 3.5f, 1.4f, 0.2f));
      request.addOutputsBuilder().setName("output_label");
      ModelInferResponse answer = GRPCInferenceServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, TimeUnit.SECONDS).modelInfer(request.build());
      assertThat(answer.getOutputs(0).getContents().getBytesContents(0).toStringUtf8()).isEqualTo("setosa");
    } finally {
      channel.shutdownNow();
    }
    assertThat(logs(name)).as("the server's log").doesNotContain("WARNING", "Exception");
  }

  @Test
  void podmanKubePlayRunsTheLocalOverlayUntilReadyAndItAnswersScore() throws IOException {
    int hostPort = freePort();
    // The local overlay as it is, with this test's image and names (so it meets nobody's own
    // `mlapi` pod) and its port published on loopback only (podman would bind 0.0.0.0:5000).
    Path kustomization = Files.createDirectories(WORK.resolve("kube-local"));
    Files.writeString(kustomization.resolve("kustomization.yaml"), """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources:
          - %s
        nameSuffix: -it-%s
        images:
          - name: mlapi
            newName: localhost/mlapi-it
            newTag: "%s"
        patches:
          - target:
              kind: Deployment
            patch: |-
              - op: add
                path: /spec/template/spec/containers/0/ports/0/hostPort
                value: %d
              - op: add
                path: /spec/template/spec/containers/0/ports/0/hostIP
                value: 127.0.0.1
        """.formatted(kustomization.relativize(Kustomize.DEPLOY.resolve("overlays/local")), tag, tag, hostPort));
    String rendered = Kustomize.renderYaml(kustomization);
    Deployment deployment = StrictKubernetes.parseAll(rendered, "local overlay for podman").stream()
        .filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst().orElseThrow();
    Path yaml = Files.writeString(WORK.resolve("kube-local.yaml"), rendered);

    long start = System.nanoTime();
    podman.run("kube", "play", yaml.toString());
    cleanups.add(List.of("kube", "down", yaml.toString()));
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    String podName = deployment.getMetadata().getName() + "-pod-0";
    String containerName = podName + "-" + container.getName();
    awaitProbe(containerName, container.getReadinessProbe(), container.getStartupProbe());
    report("podman kube play until the readiness probe passes", start);

    assertThat(podman.run("pod", "inspect", "--format", "{{.State}}", podName)).isEqualTo("Running");
    JsonNode inspect = JSON.readTree(podman.run("container", "inspect", containerName)).get(0);
    assertThat(inspect.path("HostConfig").path("ReadonlyRootfs").asBoolean()).as("read-only root").isTrue();
    assertThat(inspect.path("Config").path("User").asText()).startsWith(Long.toString(IMAGE_UID));
    assertThat(inspect.path("EffectiveCaps")).as("capabilities").isEmpty();
    // podman turns the liveness probe into a health check (curl in the container); run it once.
    assertThat(podman.command("healthcheck", "run", containerName).run().ok())
        .as("podman's health check from the liveness probe").isTrue();
    assertThat(get(hostPort, "/score")).isEqualTo("{\"score\":" + TUTORIAL_SCORE + "}");

    podman.run("kube", "down", yaml.toString());
    assertThat(podman.command("pod", "exists", podName).run().ok()).as("pod left after kube down").isFalse();
  }

  @Test
  void podmanKubePlayRunsTheKServeRuntimeOnPort8080WithTheModelInMntModels(@TempDir Path temp) throws IOException {
    Kustomize.Rendered kserve = Kustomize.render("kserve");
    KServe.ServingRuntime runtime = kserve.only(KServe.ServingRuntime.class);
    Container container = runtime.spec().containers().get(0);
    // KServe fills in the runtime's templates: {{.Name}} is the InferenceService's name.
    String service = kserve.only(KServe.InferenceService.class).metadata().getName();
    container.setArgs(container.getArgs().stream().map(arg -> arg.replace("{{.Name}}", service)).toList());
    ServeContainer server = ServeContainer.of(container).orElseThrow();
    assertThat(container.getPorts()).extracting(ContainerPort::getContainerPort).containsExactly(server.port());
    TrainedModel poly = trainIris(Kernel.POLY, Files.createDirectories(temp.resolve("storage")).resolve("iris"));
    // What KServe makes of the runtime: its container in a pod, the model's storage on /mnt/models.
    container.getVolumeMounts().add(new VolumeMountBuilder().withName("kserve-model")
        .withMountPath(server.modelPath()).withReadOnly(true).build());
    int hostPort = publishOnLoopback(container);
    PodSpec pod = new PodSpecBuilder().withContainers(container).withVolumes(runtime.spec().volumes())
        .addToVolumes(hostPathVolume("kserve-model", temp.resolve("storage/iris"))).build();

    String name = playPod("mlapi-it-kserve-" + tag, pod);
    awaitProbe(name, container.getReadinessProbe(), null);
    assertThat(get(hostPort, "/score")).isEqualTo("{\"score\":" + poly.accuracy() + "}");
    assertThat(get(hostPort, "/v2/models/" + service + "/ready")).contains("\"ready\":true");
  }

  @Test
  void theTrainingJobTrainsIntoTheClaimAndServeFromClaimServesWhatItWrote(@TempDir Path temp) throws IOException {
    // podman's volume for a claim is not Kubernetes' (it is root's, and filled from the image), so
    // a directory owned by the pods' user stands in for the mlapi-models claim in both pods.
    Path claim = Files.createDirectories(temp.resolve("claim"));
    makeReadable(temp);
    Files.setAttribute(claim, "unix:uid", (int) IMAGE_UID);
    Files.setAttribute(claim, "unix:gid", (int) IMAGE_UID);
    Kustomize.Rendered training = Kustomize.render("training-job");
    String claimName = training.only(PersistentVolumeClaim.class).getMetadata().getName();

    PodSpec job = onHostPath(training.only(Job.class).getSpec().getTemplate().getSpec(), claimName, claim);
    String trainer = playPod("mlapi-it-train-" + tag, job);
    assertThat(podman.command("wait", trainer).withTimeout(Duration.ofMinutes(2)).run().orFail().strip())
        .as("exit status of the training Job's container; its log:%n%s", logs(trainer)).isEqualTo("0");
    assertThat(logs(trainer)).contains("saved to " + ServeContainer.IMAGE_MODEL_DIR + "/iris");

    Deployment deployment = Kustomize.render("training-job/serve-from-claim").only(Deployment.class);
    PodSpec serving = onHostPath(deployment.getSpec().getTemplate().getSpec(), claimName, claim);
    Container server = serving.getContainers().get(0);
    int hostPort = publishOnLoopback(server);
    String name = playPod("mlapi-it-claim-" + tag, serving);
    awaitProbe(name, server.getReadinessProbe(), server.getStartupProbe());
    assertThat(get(hostPort, "/score")).isEqualTo("{\"score\":" + TUTORIAL_SCORE + "}");
    assertThat(logs(name)).contains("serving iris version 1 from the models in " + ServeContainer.IMAGE_MODEL_DIR
        + " (test accuracy 0.7)");
  }

  /** {@code spec} with this test's image, and the claim's volumes on {@code dir} instead. */
  private PodSpec onHostPath(PodSpec spec, String claimName, Path dir) {
    spec.getContainers().forEach(c -> c.setImage(image));
    spec.setVolumes(spec.getVolumes().stream().map(volume -> volume.getPersistentVolumeClaim() != null
        && volume.getPersistentVolumeClaim().getClaimName().equals(claimName)
        ? hostPathVolume(volume.getName(), dir) : volume).toList());
    return spec;
  }

  private static Volume hostPathVolume(String name, Path dir) {
    return new VolumeBuilder().withName(name).withNewHostPath().withPath(dir.toString()).withType("Directory")
        .endHostPath().build();
  }

  /** Publishes the container's (first) port on a free loopback port, as the local overlay test does. */
  private static int publishOnLoopback(Container container) throws IOException {
    int hostPort = freePort();
    container.getPorts().get(0).setHostPort(hostPort);
    container.getPorts().get(0).setHostIP("127.0.0.1");
    return hostPort;
  }

  /**
   * Runs {@code spec} as a pod named {@code name} with {@code podman kube play} (with this test's
   * image), removed at the end; returns the name of its first container.
   */
  private String playPod(String name, PodSpec spec) throws IOException {
    spec.getContainers().forEach(c -> c.setImage(image));
    Pod pod = new PodBuilder().withNewMetadata().withName(name).endMetadata().withSpec(spec).build();
    Path yaml = WORK.resolve(name + ".yaml");
    YAML.writeValue(yaml.toFile(), pod);
    podman.run("kube", "play", yaml.toString());
    cleanups.add(List.of("kube", "down", yaml.toString()));
    return name + "-" + spec.getContainers().get(0).getName();
  }

  private static Deployment baseDeployment() {
    return Kustomize.render("base").only(Deployment.class);
  }

  /** Trains the Iris model with {@code kernel} into the plain directory {@code dir}, readable by the image's user. */
  private static TrainedModel trainIris(Kernel kernel, Path dir) throws IOException {
    TrainedModel model = new ModelTrainer(Clock.systemUTC()).train(DatasetReader.iris(), Split.tutorial(150, 0.2),
        SvcParameters.scikitLearnDefaults().withKernel(kernel), "iris", 1);
    TrainedModel written = new ModelWriter().writeNew(model, dir);
    makeReadable(dir.getParent().getParent());
    return written;
  }

  /** Opens {@code root} and all below it to the image's user (JUnit makes temporary directories private). */
  private static void makeReadable(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.toList()) {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
            Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
  }

  private int publishedPort(String container, int port) {
    String binding = podman.run("port", container, port + "/tcp");
    return Integer.parseInt(binding.substring(binding.lastIndexOf(':') + 1).strip());
  }

  private void awaitReady(int port, String container) {
    Poll.until("GET /readyz answering 200 from " + container, Duration.ofSeconds(60), () -> {
      if (status(port, "/readyz") == 200) {
        return Optional.of(true);
      }
      assertThat(podman.run("inspect", "--format", "{{.State.Running}}", container))
          .as("%s is running; its log:%n%s", container, logs(container))
          .isEqualTo("true");
      return Optional.empty();
    });
  }

  private String logs(String container) {
    Command.Result logs = podman.command("logs", container).run();
    return logs.stdout() + logs.stderr();
  }

  /** Runs the probe's HTTP GET inside the container, as the kubelet would, until it passes. */
  private void awaitProbe(String container, Probe probe, Probe startup) {
    var get = probe.getHttpGet();
    String url = "http://127.0.0.1:" + get.getPort().getIntVal() + get.getPath();
    Duration limit = startup == null ? Duration.ofSeconds(60)
        : Duration.ofSeconds((long) startup.getPeriodSeconds() * startup.getFailureThreshold());
    Poll.until("the readiness probe (GET " + url + ") of " + container, limit, () ->
        podman.command("exec", container, "curl", "-fsS", "-o", "/dev/null", url).run().ok()
            ? Optional.of(true) : Optional.empty());
  }

  private int status(int port, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private String get(int port, String path) {
    return ok(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build());
  }

  private String post(int port, String path, String json) {
    return ok(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  /** The body of {@code request}'s answer, which must be 200. */
  private String ok(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("status of %s %s: %s", request.method(), request.uri().getPath(),
          response.body()).isEqualTo(200);
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
