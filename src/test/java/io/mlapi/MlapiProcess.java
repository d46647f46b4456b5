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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code mlapi} as a child process: the {@code ./mlapi} launcher, or the packaged jar
 * on this JVM. Output lines are collected as they come, so a test can wait for one.
 */
public final class MlapiProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");
  private final Process process;
  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

  private MlapiProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("(output ended: " + e + ")");
      }
    }, "mlapi-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** The project's root, where surefire and failsafe run. */
  public static Path projectRoot() {
    return Path.of(System.getProperty("user.dir"));
  }

  /** {@code ./mlapi ARGS} from the project root, with extra environment variables. */
  public static MlapiProcess launcher(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(projectRoot().resolve("mlapi").toString());
    command.addAll(List.of(args));
    return start(command, env);
  }

  /** {@code java -jar target/mlapi.jar ARGS} on the JVM running the tests. */
  public static MlapiProcess jar(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(projectRoot().resolve("target/mlapi.jar").toString());
    command.addAll(List.of(args));
    return start(command, env);
  }

  private static MlapiProcess start(List<String> command, Map<String, String> env) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(projectRoot().toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    try {
      return new MlapiProcess(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for a line containing {@code text}; fails with the output so far if none comes in time. */
  public String awaitLine(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      synchronized (lines) {
        for (String line : lines) {
          if (line.contains(text)) {
            return line;
          }
        }
      }
      if (!process.isAlive() && output().indexOf(text) < 0) {
        throw new AssertionError("mlapi exited with " + process.exitValue() + " before printing \"" + text + "\":\n"
            + output());
      }
      Thread.sleep(20); // polling a child's output: there is no event to wait on
    }
    throw new AssertionError("no line with \"" + text + "\" within " + timeout + ":\n" + output());
  }

  /** The port from the "listening on http://host:port" line. */
  public int awaitPort(Duration timeout) throws InterruptedException {
    Matcher matcher = LISTENING.matcher(awaitLine("listening on http://", timeout));
    if (!matcher.find()) {
      throw new AssertionError("no port in the listening line:\n" + output());
    }
    return Integer.parseInt(matcher.group(1));
  }

  public String output() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  public Process process() {
    return process;
  }

  /** Waits for the process to end and returns its exit code; fails if it takes longer than {@code timeout}. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("mlapi still running after " + timeout + ":\n" + output());
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
