package io.mlapi.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** An external command the deploy tests run (kubectl, podman, the build), with a time limit. */
record Command(List<String> arguments, Map<String, String> environment, Path directory, Duration timeout) {
  Command {
    arguments = List.copyOf(arguments);
    environment = Map.copyOf(environment);
  }

  static Command of(String... arguments) {
    return new Command(List.of(arguments), Map.of(), Path.of("").toAbsolutePath(), Duration.ofMinutes(2));
  }

  Command withTimeout(Duration limit) {
    return new Command(arguments, environment, directory, limit);
  }

  Command withEnvironment(Map<String, String> variables) {
    return new Command(arguments, variables, directory, timeout);
  }

  Command plus(String... more) {
    List<String> all = new ArrayList<>(arguments);
    all.addAll(List.of(more));
    return new Command(all, environment, directory, timeout);
  }

  /** What a finished command printed, and its exit status. */
  record Result(Command command, int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }

    /** stdout, or an AssertionError naming the command, its status and stderr. */
    String orFail() {
      if (!ok()) {
        throw new AssertionError(command.describe() + " failed with exit status " + exitCode + ":\n"
            + (stderr.isBlank() ? stdout : stderr).strip());
      }
      return stdout;
    }
  }

  String describe() {
    return String.join(" ", arguments);
  }

  /**
   * Runs the command to its end; stdout and stderr are read as it runs, so neither can fill up
   * and stall it.
   *
   * @throws CommandNotFound when the program does not exist or cannot be started
   */
  Result run() {
    ProcessBuilder builder = new ProcessBuilder(arguments).directory(directory.toFile());
    builder.environment().putAll(environment);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new CommandNotFound(arguments.get(0) + " cannot be started: " + e.getMessage(), e);
    }
    try {
      process.getOutputStream().close();
      CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
      CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError(describe() + " did not finish within " + timeout.toSeconds() + " s");
      }
      return new Result(this, process.exitValue(), stdout.join(), stderr.join());
    } catch (IOException e) {
      throw new UncheckedIOException(describe() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new AssertionError("interrupted while running " + describe(), e);
    }
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The program is not installed (or not executable). */
  static final class CommandNotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandNotFound(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
