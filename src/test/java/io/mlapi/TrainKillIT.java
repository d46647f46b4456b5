package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.model.TrainedModel;
import io.mlapi.model.ModelReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@code mlapi train} with SIGKILL while it writes the model, for real: the model it was
 * replacing must still load, whole and unchanged. (ModelWriterTest crashes the writer at every
 * step in-process; this proves the same of a dying process and a real file system.)
 */
@Timeout(600)
class TrainKillIT {
  private static final Duration RUN = Duration.ofSeconds(120);

  @TempDir
  Path dir;

  /** Two separable classes; 90% held out, so the test rows the writer saves take a while to write. */
  private Path bigCsv() throws IOException {
    Path csv = dir.resolve("big.csv");
    SplittableRandom random = new SplittableRandom(1);
    try (BufferedWriter out = Files.newBufferedWriter(csv)) {
      out.write("a,b,c,d,label\n");
      for (int i = 0; i < 30_000; i++) {
        double a = random.nextDouble();
        double b = random.nextDouble();
        out.write(String.format(Locale.ROOT, "%.6f,%.6f,%.6f,%.6f,%s%n", a, b, random.nextDouble(),
            random.nextDouble(), a + b > 1 ? "high" : "low"));
      }
    }
    return csv;
  }

  private static boolean writing(Path models) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(models, ".big.tmp-*")) {
      return entries.iterator().hasNext();
    }
  }

  @Test
  void killedMidWrite_previousModelStaysIntact() throws Exception {
    Path csv = bigCsv();
    Path models = dir.resolve("models");
    String[] train = {"train", "--data", csv.toString(), "--kernel", "linear", "--test-size", "0.9",
        "--model-dir", models.toString()};
    MlapiProcess first = MlapiProcess.run(Map.of(), train);
    assertThat(first.exitValue()).as(first.toString()).isZero();
    TrainedModel before = ModelReader.read(models.resolve("big"));

    int killedWhileWriting = 0;
    for (int attempt = 0; attempt < 4; attempt++) {
      MlapiProcess second = MlapiProcess.start(Map.of(), train);
      while (second.isAlive() && !writing(models)) {
        Thread.onSpinWait(); // watch for the writer's temporary directory, then kill at once
      }
      if (second.isAlive()) {
        second.kill();
        killedWhileWriting++;
      }
      second.waitFor(RUN);
      TrainedModel after = ModelReader.read(models.resolve("big"));
      assertThat(after.version()).isEqualTo(before.version());
      assertThat(after.card()).usingRecursiveComparison().isEqualTo(before.card());
    }
    System.out.println("TrainKillIT: " + killedWhileWriting + " of 4 kills landed while the model was being written");
    assertThat(killedWhileWriting).as("kills that landed while the model was being written").isPositive();

    MlapiProcess last = MlapiProcess.run(Map.of(), train);
    assertThat(last.exitValue()).as(last.toString()).isZero();
    assertThat(ModelReader.read(models.resolve("big")).version()).isEqualTo(before.version() + 1);
    assertThat(writing(models)).as("leftovers of the killed writers are cleared").isFalse();
  }
}
