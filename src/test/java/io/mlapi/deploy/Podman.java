package io.mlapi.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The podman CLI, with the settings these machines need (scripts/containers.conf: runc, and
 * ulimits a container may set here) unless CONTAINERS_CONF already names others.
 */
final class Podman {
  private final Map<String, String> environment;

  Podman(Path projectDir) {
    String configured = System.getenv("CONTAINERS_CONF");
    String config = configured != null && !configured.isBlank() ? configured
        : projectDir.resolve("scripts/containers.conf").toString();
    this.environment = Map.of("CONTAINERS_CONF", config);
  }

  Command command(String... arguments) {
    return Command.of("podman").plus(arguments).withEnvironment(environment).withTimeout(Duration.ofMinutes(2));
  }

  /** Runs podman and returns its stdout, failing the test with podman's message when it fails. */
  String run(String... arguments) {
    return command(arguments).run().orFail().strip();
  }

  /**
   * Why podman cannot run containers on this machine, if it cannot: not installed, or its engine
   * does not work here. Whether it can actually start one is known only once an image exists
   * ({@link #whyContainersCannotRun}).
   */
  Optional<String> whyUnusable() {
    try {
      Command.Result info = command("info", "--format", "{{.Host.OCIRuntime.Name}}").run();
      return info.ok() ? Optional.empty()
          : Optional.of("`podman info` fails here: " + info.stderr().strip());
    } catch (Command.CommandNotFound e) {
      return Optional.of("podman is not installed (scripts/ci-setup installs it): " + e.getMessage());
    }
  }

  /** Why a trivial container of {@code image} does not run, if it does not: the engine's fault, not mlapi's. */
  Optional<String> whyContainersCannotRun(String image) {
    Command.Result result = command("run", "--rm", "--entrypoint", "/bin/true", image).run();
    return result.ok() ? Optional.empty()
        : Optional.of("podman cannot start a container here (`podman run --rm --entrypoint /bin/true "
            + image + "` failed): " + result.stderr().strip());
  }

  /** Removes a container or pod, whatever state it is in; for cleanup, so failures are ignored. */
  void removeQuietly(String... arguments) {
    command(arguments).run();
  }
}
