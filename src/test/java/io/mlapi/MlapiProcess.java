package io.mlapi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code ./mlapi} launcher as a child process, for tests that need the packaged
 * application: its output captured, the port it listens on read from it, stopped with SIGTERM.
 * Under failsafe, {@code mlapi.it.javaOpts} carries the JaCoCo agent into the child (as
 * {@code MLAPI_JAVA_OPTS}, which replaces the launcher's own JVM options).
 */
public final class MlapiProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("mlapi listening on http://[^:]+:(\\d+)");
  private static final Pattern GRPC_LISTENING = Pattern.compile("mlapi gRPC listening on [^ ]+:(\\d+)");
  private static final Path PROJECT = Path.of(System.getProperty("user.dir"));

  private final Process process;
  private final List<String> out = Collections.synchronizedList(new ArrayList<>());
  private final List<String> err = Collections.synchronizedList(new ArrayList<>());
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final CompletableFuture<Integer> grpcPort = new CompletableFuture<>();
  private final List<Thread> pumps = new ArrayList<>();

  private MlapiProcess(Process process) {
    this.process = process;
    pump(process.inputReader(StandardCharsets.UTF_8), out, true);
    pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), err, false);
  }

  /** Starts {@code ./mlapi ARGS} in the project directory with {@code env} added to the environment. */
  public static MlapiProcess start(Map<String, String> env, String... args) {
    return start(PROJECT, env, true, args);
  }

  /** Starts {@code ./mlapi ARGS} in {@code directory}, as a user in that directory would. */
  public static MlapiProcess startIn(Path directory, Map<String, String> env, String... args) {
    return start(directory, env, true, args);
  }

  /**
   * Starts {@code ./mlapi ARGS} with the launcher's own JVM options (for serve: its class cache),
   * as a user runs it, rather than the tests' (which carry the coverage agent and no cache).
   */
  public static MlapiProcess startWithLauncherOptions(Map<String, String> env, String... args) {
    return start(PROJECT, env, false, args);
  }

  private static MlapiProcess start(Path directory, Map<String, String> env, boolean testOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(PROJECT.resolve("mlapi").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    // gRPC on a free port unless a test says otherwise: the default (8081) would collide between tests.
    builder.environment().put("GRPC_PORT", "0");
    builder.environment().putAll(env);
    if (testOptions) {
      // Always set, even empty: the launcher's own options would share one class cache in target/
      // between the tests' processes.
      builder.environment().putIfAbsent("MLAPI_JAVA_OPTS", testJavaOptions());
    } else {
      builder.environment().remove("MLAPI_JAVA_OPTS");
    }
    try {
      return new MlapiProcess(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JVM options of the processes tests start: under failsafe, the JaCoCo agent. */
  public static String testJavaOptions() {
    String javaOpts = System.getProperty("mlapi.it.javaOpts", "");
    return javaOpts.startsWith("${") ? "" : javaOpts;
  }

  /** Runs {@code ./mlapi ARGS} to the end and returns its exit code; its output is in {@link #out()} and {@link #err()}. */
  public static MlapiProcess run(Map<String, String> env, String... args) {
    MlapiProcess process = start(env, args);
    process.waitFor(Duration.ofMinutes(2));
    return process;
  }

  private void pump(BufferedReader reader, List<String> lines, boolean findPort) {
    pumps.add(Thread.ofPlatform().daemon().start(() -> {
      try (reader) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          lines.add(line);
          Matcher listening = LISTENING.matcher(line);
          if (findPort && listening.find()) {
            port.complete(Integer.parseInt(listening.group(1)));
          }
          Matcher grpcListening = GRPC_LISTENING.matcher(line);
          if (findPort && grpcListening.find()) {
            grpcPort.complete(Integer.parseInt(grpcListening.group(1)));
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      if (findPort) {
        port.completeExceptionally(new IllegalStateException("mlapi ended without listening"));
        grpcPort.completeExceptionally(new IllegalStateException("mlapi ended without listening for gRPC"));
      }
    }));
  }

  /** The port from "mlapi listening on ...", waiting for it to appear. */
  public int port() {
    try {
      return port.get(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException("no port from mlapi: " + this, e);
    }
  }

  /** The port from "mlapi gRPC listening on ...", waiting for it to appear. */
  public int grpcPort() {
    try {
      return grpcPort.get(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException("no gRPC port from mlapi: " + this, e);
    }
  }

  /** An HTTP client for this server, once it has answered {@code /v2/health/ready} with 200. */
  public Http awaitReady(Duration timeout) {
    Http http = new Http(port());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (http.get("/v2/health/ready").status() == 200) {
          return http;
        }
      } catch (UncheckedIOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException("mlapi did not become ready in " + timeout + ": " + this);
      }
      sleep(Duration.ofMillis(50));
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: the process dies at once, with no shutdown hook and no cleanup. */
  public void kill() {
    process.toHandle().destroyForcibly();
  }

  /**
   * Sends SIGTERM (what Kubernetes and {@code podman stop} send). Through the process handle:
   * {@link Process#destroy()} would also close our ends of its output pipes, losing what it says
   * while it stops.
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** Waits for the exit and returns its status; kills the process if it outlives {@code timeout}. */
  public int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new IllegalStateException("mlapi did not exit within " + timeout + ": " + this);
      }
      for (Thread pump : pumps) {
        pump.join(Duration.ofSeconds(10)); // the last lines of output, read to the end
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int exitValue() {
    return process.exitValue();
  }

  public List<String> out() {
    synchronized (out) {
      return List.copyOf(out);
    }
  }

  public List<String> err() {
    synchronized (err) {
      return List.copyOf(err);
    }
  }

  /** SIGTERM, then the exit (the JaCoCo agent writes its data on the way out). */
  @Override
  public void close() {
    if (process.isAlive()) {
      terminate();
      waitFor(Duration.ofSeconds(30));
    }
  }

  public static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "mlapi process " + process.pid() + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")")
        + "\n--- stdout\n" + String.join("\n", out()) + "\n--- stderr\n" + String.join("\n", err());
  }
}
