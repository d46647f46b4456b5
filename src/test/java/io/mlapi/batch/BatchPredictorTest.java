package io.mlapi.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlapi.data.DatasetException;
import io.mlapi.data.DatasetReader;
import io.mlapi.data.Split;
import io.mlapi.model.TrainedModel;
import io.mlapi.model.ModelTrainer;
import io.mlapi.svm.SvcParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchPredictorTest {
  private static final TrainedModel IRIS = new ModelTrainer(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC))
      .train(DatasetReader.iris(), Split.tutorial(150, 0.2), SvcParameters.scikitLearnDefaults(), "iris", 1);

  @TempDir
  Path dir;

  @Test
  void manyChunksOnManyThreads_keepInputOrder_andPredictAsModelPredict() throws IOException {
    SplittableRandom random = new SplittableRandom(3);
    int count = 5_000;
    double[][] rows = new double[count][4];
    List<String> lines = new ArrayList<>(List.of("row,sepal_length,sepal_width,petal_length,petal_width"));
    for (int r = 0; r < count; r++) {
      for (int f = 0; f < 4; f++) {
        rows[r][f] = Math.round(random.nextDouble(0, 8) * 10) / 10.0;
      }
      lines.add(String.format(Locale.ROOT, "%d,%s,%s,%s,%s", r, rows[r][0], rows[r][1], rows[r][2], rows[r][3]));
    }
    Path input = Files.write(dir.resolve("rows.csv"), lines);
    Path output = dir.resolve("out.csv");
    List<Long> progress = new ArrayList<>();

    BatchPredictor.Summary summary = new BatchPredictor(IRIS, 3, 7, BatchPredictor.OnError.FAIL)
        .predict(input, output, (written, bytes) -> progress.add(written));

    int[] expected = IRIS.predict(rows, false, false).classes();
    List<String> written = Files.readAllLines(output);
    assertThat(summary).isEqualTo(new BatchPredictor.Summary(count, 0, List.of()));
    assertThat(written).hasSize(count + 1);
    for (int r = 0; r < count; r++) {
      assertThat(written.get(r + 1)).isEqualTo(lines.get(r + 1) + "," + IRIS.classes().get(expected[r]));
    }
    assertThat(progress).hasSize((count + 6) / 7).isSorted().endsWith((long) count);
  }

  @Test
  void firstBadRowInInputOrder_isTheOneReported_whateverThreadMetItFirst() throws IOException {
    List<String> lines = new ArrayList<>(List.of("sepal_length,sepal_width,petal_length,petal_width"));
    for (int r = 0; r < 200; r++) {
      lines.add(r == 150 || r == 20 ? "1,2,3,x" : "5.1,3.5,1.4,0.2");
    }
    Path input = Files.write(dir.resolve("rows.csv"), lines);

    assertThatThrownBy(() -> new BatchPredictor(IRIS, 4, 3, BatchPredictor.OnError.FAIL)
        .predict(input, dir.resolve("out.csv"), (written, bytes) -> { }))
        .isInstanceOf(DatasetException.class)
        .hasMessage(input + ":22:4: column \"petal_width\": \"x\" is not a number");
    assertThat(dir.resolve("out.csv")).doesNotExist();
  }

  @Test
  void skip_listsTheFirstErrors_andCountsTheRest() throws IOException {
    List<String> lines = new ArrayList<>(List.of("sepal_length,sepal_width,petal_length,petal_width"));
    for (int r = 0; r < 50; r++) {
      lines.add("5.1,3.5,1.4,bad");
      lines.add("5.1,3.5,1.4,0.2");
    }
    Path input = Files.write(dir.resolve("rows.csv"), lines);

    BatchPredictor.Summary summary = new BatchPredictor(IRIS, 2, 16, BatchPredictor.OnError.SKIP)
        .predict(input, dir.resolve("out.csv"), (written, bytes) -> { });

    assertThat(summary.rows()).isEqualTo(50);
    assertThat(summary.skipped()).isEqualTo(50);
    assertThat(summary.errors()).hasSize(BatchPredictor.LISTED_ERRORS)
        .first().asString().isEqualTo(input + ":2:4: column \"petal_width\": \"bad\" is not a number");
  }

  @Test
  void outputDirectoryMissing_isAnIoErrorNamingTheOutput() throws IOException {
    Path input = Files.write(dir.resolve("rows.csv"), List.of("sepal_length,sepal_width,petal_length,petal_width"));
    Path output = dir.resolve("no/such/dir/out.csv");

    assertThatThrownBy(() -> new BatchPredictor(IRIS, 1, 1, BatchPredictor.OnError.FAIL)
        .predict(input, output, (written, bytes) -> { }))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageStartingWith("cannot write " + output);
  }

  @Test
  void constructor_refusesNoThreadsOrEmptyChunks() {
    assertThatThrownBy(() -> new BatchPredictor(IRIS, 0, 1, BatchPredictor.OnError.FAIL))
        .hasMessage("threads must be at least 1, got 0");
    assertThatThrownBy(() -> new BatchPredictor(IRIS, 1, 0, BatchPredictor.OnError.FAIL))
        .hasMessage("chunk size must be at least 1 row, got 0");
  }

  @Test
  void csvField_quotesOnlyWhatNeedsIt() {
    assertThat(BatchPredictor.csvField("setosa")).isEqualTo("setosa");
    assertThat(BatchPredictor.csvField("a,b")).isEqualTo("\"a,b\"");
    assertThat(BatchPredictor.csvField("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(BatchPredictor.csvField(" padded")).isEqualTo("\" padded\"");
    assertThat(BatchPredictor.csvField("")).isEqualTo("\"\"");
  }

  /** A new output's mode is what the umask gives any new file (not createTempFile's 0600). */
  @Test
  void aNewOutput_getsTheModeOfAnyNewFile() throws IOException {
    Path input = Files.writeString(dir.resolve("rows.csv"), "sepal_length,sepal_width,petal_length,petal_width\n"
        + "5.1,3.5,1.4,0.2\n");
    Path reference = Files.createFile(dir.resolve("reference")); // the process' umask at work

    new BatchPredictor(IRIS, 1, 10, BatchPredictor.OnError.FAIL).predict(input, dir.resolve("out.csv"), (r, b) -> { });

    assertThat(Files.getPosixFilePermissions(dir.resolve("out.csv")))
        .isEqualTo(Files.getPosixFilePermissions(reference));
  }

  @Test
  void aReplacedOutput_keepsItsMode() throws IOException {
    Path input = Files.writeString(dir.resolve("rows.csv"), "sepal_length,sepal_width,petal_length,petal_width\n"
        + "5.1,3.5,1.4,0.2\n");
    Path output = Files.writeString(dir.resolve("out.csv"), "old\n");
    var mode = java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----");
    Files.setPosixFilePermissions(output, mode);

    new BatchPredictor(IRIS, 1, 10, BatchPredictor.OnError.FAIL).predict(input, output, (r, b) -> { });

    assertThat(Files.readAllLines(output)).last().isEqualTo("5.1,3.5,1.4,0.2,setosa");
    assertThat(Files.getPosixFilePermissions(output)).isEqualTo(mode);
    try (var leftovers = Files.list(dir)) {
      assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("rows.csv", "out.csv");
    }
  }
}
