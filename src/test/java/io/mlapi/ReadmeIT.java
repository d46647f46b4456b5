package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.ReadmeExamples.Example;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's examples, run as written: every shell command in its "Try it", "Train" and "Batch
 * predict" sections, in order, against a real {@code ./mlapi serve} started as the README's set-up
 * says, in a directory laid out like a fresh clone (the checkout's files, no models yet), each
 * command's output held to what the README shows below it ({@link ReadmeExamples} has the rules).
 * Examples others add to those sections are run and checked the same way, with no change here.
 */
@Timeout(1200)
class ReadmeIT {
  static final List<String> SECTIONS = List.of("Try it", "Train", "Batch predict");
  private static final Path PROJECT = Path.of(System.getProperty("user.dir"));
  /** Entries of the checkout not in a fresh clone, or made by the examples themselves. */
  private static final Set<String> NOT_LINKED = Set.of(".git", "mlapi", "models", "predictions.csv");
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);

  @TempDir
  Path clone;

  @Test
  void everyExample_runsAsWritten_andPrintsWhatTheReadmeShows() throws IOException {
    List<Example> examples = ReadmeExamples.parse(Files.readString(PROJECT.resolve("README.md")), SECTIONS);
    for (String section : SECTIONS) {
      assertThat(examples).as("examples in the README's section \"" + section + "\"")
          .anyMatch(example -> section.equals(example.section()));
    }
    Path bin = layOutAClone();

    try (MlapiProcess server = MlapiProcess.startIn(clone, java.util.Map.of(), "serve", "--port", "0")) {
      server.awaitReady(Duration.ofMinutes(3));
      List<String> failures = new ArrayList<>();
      int ran = 0;
      for (Example example : examples) {
        Optional<String> missing = example.requires().stream().filter(tool -> !onPath(tool, bin)).findFirst();
        if (missing.isPresent()) {
          System.out.println("ReadmeIT: skipped " + example + ": it requires " + missing.get() + ", not installed here");
          continue;
        }
        String command = example.command().replace("localhost:5000", "localhost:" + server.port())
            .replace("127.0.0.1:5000", "127.0.0.1:" + server.port());
        Run run = run(command, bin);
        ran++;
        ReadmeExamples.mismatch(example, run.output, run.exitCode).ifPresent(why -> failures.add(example + "\n  "
            + why + "\n  it printed:\n    " + run.output.strip().replace("\n", "\n    ")));
      }
      assertThat(failures).as("README examples whose output is not what the README shows").isEmpty();
      assertThat(ran).as("examples run").isPositive();
    }
  }

  /**
   * The checkout's files linked into a new directory (its models and outputs are its own), with
   * {@code ./mlapi} calling the checkout's launcher, and a {@code curl} first on the PATH that
   * also prints each answer's status, as {@code (HTTP 200)} on a line of its own.
   */
  private Path layOutAClone() throws IOException {
    try (Stream<Path> entries = Files.list(PROJECT)) {
      for (Path entry : entries.toList()) {
        if (!NOT_LINKED.contains(entry.getFileName().toString())) {
          Files.createSymbolicLink(clone.resolve(entry.getFileName()), entry);
        }
      }
    }
    script(clone.resolve("mlapi"), "exec '" + PROJECT.resolve("mlapi") + "' \"$@\"");
    Path bin = Files.createDirectories(clone.resolve(".readme-it-bin"));
    Path curl = which("curl").orElseThrow(() -> new IllegalStateException(
        "curl is missing: the README's examples use it; scripts/ci-setup installs it"));
    script(bin.resolve("curl"), "exec '" + curl + "' --silent --show-error --write-out '\\n(HTTP %{http_code})\\n' \"$@\"");
    return bin;
  }

  private static void script(Path file, String body) throws IOException {
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private record Run(String output, int exitCode) {}

  /** {@code command} in bash, in the clone, standard output and error together. */
  private Run run(String command, Path bin) throws IOException {
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(clone.toFile())
        .redirectErrorStream(true);
    builder.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
    builder.environment().put("MLAPI_JAVA_OPTS", MlapiProcess.testJavaOptions());
    Process process = builder.start();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try (InputStream in = process.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try {
      if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
        return new Run("did not end within " + COMMAND_TIMEOUT + " (an example must end by itself)\n"
            + output.getNow(""), -1);
      }
      return new Run(output.get(1, TimeUnit.MINUTES), process.exitValue());
    } catch (Exception e) {
      throw new IllegalStateException("running " + command, e);
    }
  }

  private static boolean onPath(String tool, Path bin) {
    return Files.isExecutable(bin.resolve(tool)) || which(tool).isPresent();
  }

  private static Optional<Path> which(String tool) {
    for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
