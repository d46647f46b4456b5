package io.mlapi;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Prometheus' promtool (Debian's {@code prometheus}, installed by {@code scripts/ci-setup}), run by tests. */
public final class Promtool {
  private Promtool() {}

  /** What a promtool run printed (stdout and stderr together), and its exit status. */
  public record Result(int exitCode, String output) {}

  /** Runs {@code promtool ARGUMENTS}, with {@code stdin} (or nothing) as its input. */
  public static Result run(String stdin, String... arguments) {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(arguments));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("promtool cannot be started (scripts/ci-setup installs Debian's prometheus): " + e, e);
    }
    try {
      CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
        try {
          return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      try (OutputStream in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("promtool " + String.join(" ", arguments) + " took over 60 s");
      }
      return new Result(process.exitValue(), output.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** {@code promtool check metrics} of an exposition: what it complains of, empty when nothing. */
  public static String checkMetrics(String exposition) {
    Result result = run(exposition, "check", "metrics");
    return result.exitCode() == 0 ? "" : "exit " + result.exitCode() + ": " + result.output();
  }
}
