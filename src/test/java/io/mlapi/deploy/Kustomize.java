package io.mlapi.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** {@code kubectl kustomize} over the project's deploy/ directories, and the objects it renders. */
final class Kustomize {
  /** The project's deploy/ directory (tests run with the project as working directory). */
  static final Path DEPLOY = Path.of("deploy").toAbsolutePath();

  private Kustomize() {}

  /** Every kustomize directory under deploy/, relative to it (e.g. {@code overlays/local}). */
  static List<String> directories() {
    try (Stream<Path> files = Files.walk(DEPLOY)) {
      return files.filter(file -> file.getFileName().toString().equals("kustomization.yaml"))
          .map(file -> DEPLOY.relativize(file.getParent()).toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new AssertionError("cannot list " + DEPLOY + ": " + e.getMessage(), e);
    }
  }

  /** The YAML {@code kubectl kustomize} renders for {@code dir} (under deploy/, or any path). */
  static String renderYaml(Path dir) {
    try {
      return Command.of("kubectl", "kustomize", dir.toString()).withTimeout(Duration.ofMinutes(1)).run().orFail();
    } catch (Command.CommandNotFound e) {
      throw new AssertionError("kubectl renders deploy/ (kubectl kustomize, with kustomize 5 built in); "
          + e.getMessage(), e);
    }
  }

  /** The strictly typed objects {@code deploy/<dir>} renders. */
  static Rendered render(String dir) {
    return new Rendered(dir, StrictKubernetes.parseAll(renderYaml(DEPLOY.resolve(dir)), "deploy/" + dir));
  }

  /** One rendering: its objects, with lookups by type. */
  record Rendered(String dir, List<Object> objects) {
    <T> List<T> all(Class<T> type) {
      return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T> T only(Class<T> type) {
      List<T> found = all(type);
      if (found.size() != 1) {
        throw new AssertionError("deploy/" + dir + " renders " + found.size() + " " + type.getSimpleName()
            + " objects, expected exactly one");
      }
      return found.get(0);
    }

    /** Every pod these objects make: Deployments', Jobs' and KServe serving runtimes' pod templates. */
    List<Pod> pods() {
      Stream<Pod> deployments = all(Deployment.class).stream()
          .map(d -> Pod.of("Deployment " + d.getMetadata().getName(), d.getSpec().getTemplate()));
      Stream<Pod> jobs = all(Job.class).stream()
          .map(j -> Pod.of("Job " + j.getMetadata().getName(), j.getSpec().getTemplate()));
      Stream<Pod> runtimes = all(KServe.ServingRuntime.class).stream()
          .map(r -> new Pod("ServingRuntime " + r.metadata().getName(), null, r.spec().containers(),
              orEmpty(r.spec().volumes()), orEmpty(r.spec().annotations()), orEmpty(r.spec().labels()), null));
      return Stream.of(deployments, jobs, runtimes).flatMap(s -> s).toList();
    }
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }

  /**
   * A pod as its owner describes it. A KServe runtime has no pod-level security context or
   * grace period of its own (KServe fills them in), so those are null there.
   */
  record Pod(String owner, PodSecurityContext security, List<Container> containers, List<Volume> volumes,
      Map<String, String> annotations, Map<String, String> labels, Long terminationGracePeriodSeconds) {
    static Pod of(String owner, PodTemplateSpec template) {
      PodSpec spec = template.getSpec();
      return new Pod(owner, spec.getSecurityContext(), spec.getContainers(), orEmpty(spec.getVolumes()),
          orEmpty(template.getMetadata().getAnnotations()), orEmpty(template.getMetadata().getLabels()),
          spec.getTerminationGracePeriodSeconds());
    }
  }
}
