package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed scikit-learn fixture is what scikit-learn really answers: the script runs again
 * with Debian's python3-sklearn (installed by scripts/ci-setup) and must write the same bytes.
 */
class ScikitLearnReferenceIT {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Path PROJECT = Path.of(System.getProperty("user.dir"));

  @TempDir
  Path dir;

  private static boolean hasScikitLearn() throws IOException, InterruptedException {
    if (!Files.isExecutable(PYTHON)) {
      return false;
    }
    Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import sklearn").redirectErrorStream(true).start();
    return probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
  }

  @Test
  void committedFixture_isWhatScikitLearnWritesToday() throws Exception {
    assumeTrue(hasScikitLearn(), "skipped: /usr/bin/python3 has no scikit-learn (apt-get install python3-sklearn, "
        + "as scripts/ci-setup does) to check the committed fixture against");
    Path committed = PROJECT.resolve("src/test/resources/sklearn");

    Process script = new ProcessBuilder(PYTHON.toString(), "scripts/sklearn_reference.py", dir.toString())
        .directory(PROJECT.toFile()).inheritIO().start();
    assertThat(script.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(script.exitValue()).isZero();

    try (Stream<Path> files = Files.list(committed)) {
      for (Path file : files.toList()) {
        assertThat(dir.resolve(file.getFileName())).as(file.getFileName().toString()).hasSameBinaryContentAs(file);
      }
    }
  }
}
