package io.mlapi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.mlapi.ModelFixtures;
import io.mlapi.metrics.Metrics;
import io.mlapi.model.MlapiVersion;
import io.mlapi.repository.ModelLoader;
import io.mlapi.repository.ModelRepository;
import io.mlapi.repository.RepositoryDirectory;
import io.mlapi.repository.VersionPolicies;
import io.mlapi.inference.InferenceService;
import io.mlapi.server.MlapiServer;
import io.mlapi.server.ServerConfig;
import java.io.IOException;
import java.io.Writer;
import java.io.UncheckedIOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Files;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders every kustomize directory under deploy/ with {@code kubectl kustomize}, parses the
 * result strictly into Kubernetes' types ({@link StrictKubernetes}) and holds the objects to what
 * a deployment needs to work: selectors that reach the pods, probes on paths and ports the server
 * really serves, pods locked down, pinned images, and each overlay's promises.
 */
class KustomizeManifestsTest {
  /** The kustomize directories the project promises; more may exist, and every one is checked. */
  private static final List<String> PROMISED = List.of("base", "overlays/ibm-cloud", "overlays/production",
      "overlays/local", "kserve", "kserve-grpc", "training-job", "training-job/serve-from-claim");

  /** The image `./mvnw -Pimage package` builds (pom.xml image.name), which local runs use. */
  private static final String BUILT_IMAGE = "mlapi:" + MlapiVersion.VALUE;
  /** The user the image runs as (pom.xml image.user). */
  private static final long IMAGE_USER = 65532;
  /** How long the server drains after SIGTERM before it exits, at most (its default grace). */
  private static final long SERVER_DRAIN_SECONDS = 20;

  private static final Map<String, Kustomize.Rendered> RENDERED = new ConcurrentHashMap<>();

  static List<String> directories() {
    return Kustomize.directories();
  }

  private static Kustomize.Rendered rendered(String dir) {
    return RENDERED.computeIfAbsent(dir, Kustomize::render);
  }

  private static Stream<ServeContainer> servers(Kustomize.Rendered rendered) {
    return rendered.pods().stream().flatMap(pod -> pod.containers().stream())
        .flatMap(c -> ServeContainer.of(c).stream());
  }

  // ---- every directory ----

  @Test
  void everyPromisedDirectoryIsAKustomization() {
    assertThat(directories()).containsAll(PROMISED);
  }

  @ParameterizedTest
  @MethodSource("directories")
  void rendersOnlyObjectsOfKnownKindsWithKnownFields(String dir) {
    assertThat(rendered(dir).objects()).as("deploy/%s renders objects", dir).isNotEmpty();
  }

  @ParameterizedTest
  @MethodSource("directories")
  void everyObjectLivesInTheMlapiNamespace(String dir) {
    for (Object object : rendered(dir).objects()) {
      String namespace = object instanceof HasMetadata k8s ? k8s.getMetadata().getNamespace()
          : object instanceof KServe.ServingRuntime r ? r.metadata().getNamespace()
          : ((KServe.InferenceService) object).metadata().getNamespace();
      if (object instanceof Namespace ns) {
        assertThat(ns.getMetadata().getName()).isEqualTo("mlapi");
      } else {
        assertThat(namespace).as("namespace of %s in deploy/%s", object.getClass().getSimpleName(), dir)
            .isEqualTo("mlapi");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("directories")
  void deploymentSelectorsMatchTheirOwnPods(String dir) {
    for (Deployment deployment : rendered(dir).all(Deployment.class)) {
      var selector = deployment.getSpec().getSelector();
      assertThat(selector.getMatchExpressions()).isNullOrEmpty();
      assertThat(selector.getMatchLabels()).isNotEmpty();
      assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
          .as("pod labels of Deployment %s", deployment.getMetadata().getName())
          .containsAllEntriesOf(selector.getMatchLabels());
    }
  }

  @ParameterizedTest
  @MethodSource("directories")
  void everyServiceReachesTheServingPodsOnTheServerPort(String dir) {
    Kustomize.Rendered rendered = rendered(dir);
    for (Service service : rendered.all(Service.class)) {
      String name = service.getMetadata().getName();
      Map<String, String> selector = service.getSpec().getSelector();
      assertThat(selector).as("selector of Service %s (the tutorial's NodePort had none)", name).isNotEmpty();
      List<Kustomize.Pod> selected = rendered.pods().stream()
          .filter(pod -> pod.labels().entrySet().containsAll(selector.entrySet())).toList();
      assertThat(selected).as("pods Service %s selects", name).extracting(Kustomize.Pod::owner)
          .containsExactly("Deployment mlapi");
      ServeContainer server = servers(rendered)
          .filter(s -> selected.get(0).containers().contains(s.container())).findFirst().orElseThrow();
      for (ServicePort port : service.getSpec().getPorts()) {
        assertThat(port.getPort()).as("port of Service %s", name).isEqualTo(5000);
        assertThat(containerPort(server.container(), port.getTargetPort()))
            .as("Service %s targetPort %s", name, port.getTargetPort())
            .contains(server.port());
      }
    }
  }

  /** The container port a Service's targetPort (a number or a port name) designates. */
  private static Optional<Integer> containerPort(Container container, IntOrString target) {
    Stream<ContainerPort> ports = container.getPorts() == null ? Stream.empty() : container.getPorts().stream();
    if (target.getIntVal() != null) {
      return ports.map(ContainerPort::getContainerPort).filter(target.getIntVal()::equals).findFirst();
    }
    return ports.filter(p -> target.getStrVal().equals(p.getName())).map(ContainerPort::getContainerPort).findFirst();
  }

  @ParameterizedTest
  @MethodSource("directories")
  void everyPodRunsLockedDown(String dir) {
    for (Kustomize.Pod pod : rendered(dir).pods()) {
      var podSecurity = pod.security();
      for (Container container : pod.containers()) {
        String where = pod.owner() + " container " + container.getName() + " in deploy/" + dir;
        SecurityContext security = container.getSecurityContext();
        assertThat(security).as("securityContext of %s", where).isNotNull();
        Boolean nonRoot = security.getRunAsNonRoot() != null ? security.getRunAsNonRoot()
            : podSecurity == null ? null : podSecurity.getRunAsNonRoot();
        assertThat(nonRoot).as("runAsNonRoot of %s", where).isTrue();
        Long user = security.getRunAsUser() != null ? security.getRunAsUser()
            : podSecurity == null ? null : podSecurity.getRunAsUser();
        assertThat(user).as("runAsUser of %s (the image's user)", where).isEqualTo(IMAGE_USER);
        assertThat(security.getAllowPrivilegeEscalation()).as("allowPrivilegeEscalation of %s", where).isFalse();
        assertThat(security.getReadOnlyRootFilesystem()).as("readOnlyRootFilesystem of %s", where).isTrue();
        assertThat(security.getPrivileged()).as("privileged of %s", where).isNotEqualTo(Boolean.TRUE);
        assertThat(security.getCapabilities().getDrop()).as("dropped capabilities of %s", where).contains("ALL");
        assertThat(security.getCapabilities().getAdd()).as("added capabilities of %s", where).isNullOrEmpty();
        var seccomp = security.getSeccompProfile() != null ? security.getSeccompProfile()
            : podSecurity == null ? null : podSecurity.getSeccompProfile();
        assertThat(seccomp).as("seccompProfile of %s", where).isNotNull();
        assertThat(seccomp.getType()).as("seccompProfile of %s", where).isEqualTo("RuntimeDefault");

        var resources = container.getResources();
        assertThat(resources.getRequests()).as("requests of %s", where).containsKeys("cpu", "memory");
        assertThat(resources.getLimits()).as("limits of %s", where).containsKeys("cpu", "memory");

        assertThat(mountedVolume(pod, container, "/tmp")).as("/tmp of %s (the root filesystem is read-only)", where)
            .hasValueSatisfying(volume -> assertThat(volume.getEmptyDir()).isNotNull());
      }
    }
  }

  private static Optional<Volume> mountedVolume(Kustomize.Pod pod, Container container, String path) {
    List<VolumeMount> mounts = container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
    return mounts.stream().filter(m -> m.getMountPath().equals(path)).findFirst()
        .flatMap(m -> pod.volumes().stream().filter(v -> v.getName().equals(m.getName())).findFirst());
  }

  @ParameterizedTest
  @MethodSource("directories")
  void everyServerHasProbesScrapingAndAGraceThatCoversItsDrain(String dir) {
    for (Kustomize.Pod pod : rendered(dir).pods()) {
      for (Container container : pod.containers()) {
        Optional<ServeContainer> server = ServeContainer.of(container);
        if (server.isEmpty()) {
          continue;
        }
        String where = pod.owner() + " in deploy/" + dir;
        int port = server.get().port();
        assertThat(container.getPorts()).as("ports of %s", where).extracting(ContainerPort::getContainerPort)
            .containsExactly(port);
        List<Probe> probes = new ArrayList<>(List.of(container.getReadinessProbe(), container.getLivenessProbe()));
        if (pod.owner().startsWith("Deployment")) {
          probes.add(container.getStartupProbe());
        }
        for (Probe probe : probes) {
          assertThat(probe).as("readiness, liveness (and a Deployment's startup) probe of %s", where).isNotNull();
          assertThat(probe.getHttpGet()).as("a probe of %s asks over HTTP", where).isNotNull();
          // A number, not the port's name: podman kube play turns a named port into port 0.
          assertThat(probe.getHttpGet().getPort().getIntVal()).as("probe port of %s", where).isEqualTo(port);
        }
        assertThat(pod.annotations()).as("Prometheus annotations of %s", where)
            .containsEntry("prometheus.io/scrape", "true")
            .containsEntry("prometheus.io/port", Integer.toString(port))
            .containsEntry("prometheus.io/path", "/metrics");
        if (pod.terminationGracePeriodSeconds() != null || pod.owner().startsWith("Deployment")) {
          assertThat(pod.terminationGracePeriodSeconds()).as("terminationGracePeriodSeconds of %s", where)
              .isGreaterThanOrEqualTo(SERVER_DRAIN_SECONDS + 10);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("directories")
  void imagesAreOneAndPinned(String dir) {
    Set<String> images = rendered(dir).pods().stream().flatMap(pod -> pod.containers().stream())
        .map(Container::getImage).collect(Collectors.toCollection(TreeSet::new));
    for (String image : images) {
      assertThat(image).as("image in deploy/%s", dir).doesNotEndWith(":latest");
      String lastPart = image.substring(image.lastIndexOf('/') + 1);
      assertThat(lastPart.contains(":") || lastPart.contains("@sha256:"))
          .as("%s in deploy/%s names a tag or digest", image, dir).isTrue();
    }
    assertThat(images).as("images in deploy/%s: one image trains and serves", dir).hasSizeLessThanOrEqualTo(1);
  }

  /**
   * Probes must ask what they mean: liveness and startup answer as soon as the process does, even
   * while no model is loaded (else a slow first load would get the pod killed), and readiness
   * fails until a model is loaded. Checked against the real server, with the real routes.
   */
  @Test
  void probePathsAreServedAndMeanWhatTheProbeAsks() {
    Set<String> liveness = new TreeSet<>();
    Set<String> readiness = new TreeSet<>();
    for (String dir : directories()) {
      servers(rendered(dir)).map(ServeContainer::container).forEach(c -> {
        liveness.add(c.getLivenessProbe().getHttpGet().getPath());
        if (c.getStartupProbe() != null) {
          liveness.add(c.getStartupProbe().getHttpGet().getPath());
        }
        readiness.add(c.getReadinessProbe().getHttpGet().getPath());
      });
    }
    assertThat(liveness).isNotEmpty();
    assertThat(readiness).isNotEmpty();

    try (ProbedServer server = ProbedServer.start(); HttpClient http = HttpClient.newHttpClient()) {
      Function<String, Integer> status = path -> get(http, server.port(), path);
      for (String path : liveness) {
        assertThat(status.apply(path)).as("liveness/startup %s before a model is loaded", path).isEqualTo(200);
      }
      for (String path : readiness) {
        assertThat(status.apply(path)).as("readiness %s before a model is loaded", path).isEqualTo(503);
      }
      server.loadTheTutorialModel();
      for (String path : liveness) {
        assertThat(status.apply(path)).as("liveness/startup %s with a model", path).isEqualTo(200);
      }
      for (String path : readiness) {
        assertThat(status.apply(path)).as("readiness %s with a model", path).isEqualTo(200);
      }
    }
  }

  /** The real server with its real routes, on a free port, over a repository the test fills when it wants. */
  private record ProbedServer(MlapiServer server, ModelRepository repository, Path root) implements AutoCloseable {
    static ProbedServer start() {
      Path root;
      try {
        root = Files.createTempDirectory("mlapi-probes");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Metrics metrics = new Metrics();
      ModelRepository repository = new ModelRepository(new RepositoryDirectory(root), ModelLoader.trained(), VersionPolicies.latest(),
          metrics, null);
      ServerConfig config = ServerConfig.onPort(0);
      MlapiServer server = MlapiServer.start(config, new InferenceService(repository, metrics, config.maxRows()),
          metrics, new PrintWriter(Writer.nullWriter()), ModelFixtures.CLOCK);
      return new ProbedServer(server, repository, root);
    }

    int port() {
      return server.port();
    }

    void loadTheTutorialModel() {
      ModelFixtures.publish(root, "iris", 1, false);
      repository.poll();
    }

    @Override
    public void close() {
      server.close();
    }
  }

  private static int get(HttpClient http, int port, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new AssertionError("GET " + path + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  // ---- each directory's own promises ----

  @Test
  void baseIsTheTutorialsDeploymentDoneProperly() {
    Kustomize.Rendered base = rendered("base");
    assertThat(base.only(Namespace.class).getMetadata().getName()).isEqualTo("mlapi");
    Deployment deployment = base.only(Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers()).extracting(Container::getImage)
        .containsExactly(BUILT_IMAGE);
    assertThat(base.all(Service.class)).extracting(s -> s.getMetadata().getName() + ":" + s.getSpec().getType())
        .containsExactlyInAnyOrder("mlapi:ClusterIP", "mlapi-nodeport:NodePort");
  }

  @Test
  void ibmCloudPullsFromContainerRegistryWithTheCopiedSecret() {
    Kustomize.Rendered ibm = rendered("overlays/ibm-cloud");
    var pod = ibm.only(Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getImage()).startsWith("de.icr.io/");
    assertThat(pod.getImagePullSecrets()).extracting(LocalObjectReference::getName).containsExactly("all-icr-io");
    assertThat(ibm.all(Service.class)).extracting(s -> s.getSpec().getType())
        .containsExactlyInAnyOrder("LoadBalancer", "NodePort");
  }

  @Test
  void productionScalesOnCpuSurvivesDrainsAndAdmitsOnlyTheApiPort() {
    Kustomize.Rendered production = rendered("overlays/production");
    Deployment deployment = production.only(Deployment.class);
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(deployment.getSpec().getReplicas()).as("replicas: the autoscaler owns them").isNull();
    String image = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    assertThat(image).doesNotEndWith(":latest").doesNotContain("SNAPSHOT");

    HorizontalPodAutoscaler hpa = production.only(HorizontalPodAutoscaler.class);
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
    assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThan(hpa.getSpec().getMinReplicas());
    assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(metric -> {
      assertThat(metric.getType()).isEqualTo("Resource");
      assertThat(metric.getResource().getName()).isEqualTo("cpu");
      assertThat(metric.getResource().getTarget().getAverageUtilization()).isBetween(1, 100);
    });

    PodDisruptionBudget budget = production.only(PodDisruptionBudget.class);
    assertThat(podLabels).containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
    assertThat(budget.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));

    NetworkPolicy policy = production.only(NetworkPolicy.class);
    assertThat(podLabels).containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    int serverPort = servers(production).findFirst().orElseThrow().port();
    assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
      assertThat(rule.getFrom()).as("sources: any").isNullOrEmpty();
      assertThat(rule.getPorts()).extracting(NetworkPolicyPort::getPort, NetworkPolicyPort::getProtocol)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(new IntOrString(serverPort), "TCP"));
    });

    List<TopologySpreadConstraint> spread = deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints();
    assertThat(spread).extracting(TopologySpreadConstraint::getTopologyKey)
        .contains("kubernetes.io/hostname", "topology.kubernetes.io/zone");
    for (TopologySpreadConstraint constraint : spread) {
      assertThat(podLabels).containsAllEntriesOf(constraint.getLabelSelector().getMatchLabels());
    }
  }

  @Test
  void localRunsTheImageBuiltHereWithoutPullingAndOnOneReplica() {
    Deployment deployment = rendered("overlays/local").only(Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(BUILT_IMAGE);
    assertThat(container.getImagePullPolicy()).isEqualTo("Never");
  }

  @Test
  void kserveRuntimeServesTheV2ProtocolOnPort8080FromMntModels() {
    Kustomize.Rendered kserve = rendered("kserve");
    KServe.ServingRuntime runtime = kserve.only(KServe.ServingRuntime.class);
    assertThat(runtime.spec().protocolVersions()).contains("v2");
    assertThat(runtime.spec().containers()).extracting(Container::getName).containsExactly("kserve-container");
    ServeContainer server = ServeContainer.of(runtime.spec().containers().get(0)).orElseThrow();
    assertThat(server.port()).isEqualTo(8080);
    assertThat(server.container().getArgs()).as("the port comes from args").contains("--port=8080");
    assertThat(server.modelPath()).isEqualTo("/mnt/models");
    assertThat(runtime.spec().annotations())
        .containsEntry("prometheus.kserve.io/port", "8080")
        .containsEntry("prometheus.kserve.io/path", "/metrics");

    assertThat(server.modelName()).as("the model is served under the InferenceService's name, whatever it is")
        .isEqualTo("{{.Name}}");
    assertThat(server.grpcPort()).isEqualTo(8081);

    KServe.InferenceService service = kserve.only(KServe.InferenceService.class);
    KServe.ModelSpec model = service.spec().predictor().model();
    assertThat(service.metadata().getName()).isEqualTo("iris");
    assertThat(model.ports()).as("REST: KServe's default port, 8080").isNull();
    assertThat(model.runtime()).isEqualTo(runtime.metadata().getName());
    assertThat(runtime.spec().supportedModelFormats()).extracting(KServe.SupportedModelFormat::name)
        .contains(model.modelFormat().name());
    assertThat(runtime.spec().protocolVersions()).contains(model.protocolVersion());
    String claim = rendered("training-job").only(PersistentVolumeClaim.class).getMetadata().getName();
    assertThat(model.storageUri()).as("the model the training Job writes").isEqualTo("pvc://" + claim + "/iris");
  }

  @Test
  void kserveGrpc_routesTheInferenceServiceToTheRuntimesGrpcPort() {
    Kustomize.Rendered grpc = rendered("kserve-grpc");
    KServe.ServingRuntime runtime = grpc.only(KServe.ServingRuntime.class);
    ServeContainer server = ServeContainer.of(runtime.spec().containers().get(0)).orElseThrow();
    KServe.ModelSpec model = grpc.only(KServe.InferenceService.class).spec().predictor().model();

    assertThat(model.protocolVersion()).isEqualTo("grpc-v2");
    assertThat(runtime.spec().protocolVersions()).contains(model.protocolVersion());
    assertThat(model.ports()).as("KServe sends gRPC to the port named h2c").singleElement().satisfies(port -> {
      assertThat(port.getName()).isEqualTo("h2c");
      assertThat(port.getContainerPort()).isEqualTo(server.grpcPort());
    });
  }

  /**
   * The images a cluster pulls are named in each kustomization's images: with the registry as a
   * placeholder the docs say to set; the training Job and the KServe runtime run the same image.
   */
  @Test
  void kserveAndTheTrainingJob_pullTheSameImageFromTheConfiguredRegistry() {
    Set<String> images = new TreeSet<>();
    for (String dir : List.of("kserve", "kserve-grpc", "training-job")) {
      rendered(dir).pods().forEach(pod -> pod.containers().forEach(c -> images.add(c.getImage())));
    }
    assertThat(images).singleElement().satisfies(image -> assertThat(image)
        .startsWith("registry.example.com/").doesNotContain("SNAPSHOT"));
  }

  @Test
  void trainingJobWritesTheModelIntoTheClaimThatServeFromClaimReads() {
    Kustomize.Rendered training = rendered("training-job");
    String claim = training.only(PersistentVolumeClaim.class).getMetadata().getName();
    Job job = training.only(Job.class);
    var jobPod = Kustomize.Pod.of("Job", job.getSpec().getTemplate());
    assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isIn("Never", "OnFailure");
    Container trainer = jobPod.containers().get(0);
    assertThat(trainer.getArgs()).first().isEqualTo("train");
    String jobModelDir = ServeContainer.setting(trainer, trainer.getArgs(), "--model-dir", "MODEL_DIR",
        ServeContainer.IMAGE_MODEL_DIR);
    assertThat(claimMountedAt(jobPod, trainer, jobModelDir)).as("the Job's model directory is the claim")
        .contains(claim);
    assertThat(trainer.getVolumeMounts()).filteredOn(m -> m.getMountPath().equals(jobModelDir))
        .allSatisfy(m -> assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE));

    Kustomize.Rendered serving = rendered("training-job/serve-from-claim");
    Kustomize.Pod servingPod = serving.pods().get(0);
    ServeContainer server = servers(serving).findFirst().orElseThrow();
    String servingModelDir = server.modelPath().substring(0, server.modelPath().lastIndexOf('/'));
    assertThat(servingModelDir).isEqualTo(jobModelDir);
    assertThat(claimMountedAt(servingPod, server.container(), servingModelDir))
        .as("the serving pods' model directory is the claim").contains(claim);
    assertThat(server.container().getVolumeMounts()).filteredOn(m -> m.getMountPath().equals(servingModelDir))
        .singleElement().satisfies(m -> assertThat(m.getReadOnly()).as("served read-only").isTrue());
  }

  private static Optional<String> claimMountedAt(Kustomize.Pod pod, Container container, String path) {
    return mountedVolume(pod, container, path).map(Volume::getPersistentVolumeClaim)
        .filter(Objects::nonNull).map(c -> c.getClaimName());
  }
}
