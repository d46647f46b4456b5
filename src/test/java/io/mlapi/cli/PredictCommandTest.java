package io.mlapi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.model.TrainedModel;
import io.mlapi.model.ModelReader;
import io.mlapi.model.Prediction;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mlapi predict} end to end: files in, files out, exit codes and messages. */
class PredictCommandTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);

  @TempDir
  static Path models;

  @TempDir
  Path dir;

  private static Path iris;
  private static Path irisWithProbabilities;

  /** What one run printed and returned. */
  @BeforeAll
  static void trainModels() {
    assertThat(CommandLineRun.run("train", "--model-dir", models.toString()).exitCode()).isZero();
    assertThat(CommandLineRun.run("train", "--model-dir", models.toString(), "--name", "iris-p", "--probability").exitCode())
        .isZero();
    iris = models.resolve("iris");
    irisWithProbabilities = models.resolve("iris-p");
  }

  private Path write(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, List.of(lines), StandardCharsets.UTF_8);
    return file;
  }

  private CommandLineRun predict(Path model, Path input, Path output, String... more) {
    List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--input", input.toString(),
        "--output", output.toString(), "--progress", "never"));
    args.addAll(List.of(more));
    return CommandLineRun.run(args.toArray(String[]::new));
  }

  private static List<String> labels(TrainedModel model, double[][] rows) {
    Prediction prediction = model.predict(rows, false, false);
    return Stream.of(prediction.classes()).flatMapToInt(java.util.Arrays::stream).mapToObj(model.classes()::get).toList();
  }

  @Test
  void columnsInAnyOrder_otherColumnsPassedThrough_labelsAsModelPredict() throws IOException {
    Path input = write("rows.csv",
        "id,petal_width,note,sepal_length,petal_length,sepal_width",
        "1,0.2,\"plain, with a comma\",5.1,1.4,3.5",
        "",
        "2,1.3,x,5.7,4.2,2.8",
        "3,2.3,,6.9,5.7,3.2");
    Path output = dir.resolve("predictions.csv");

    CommandLineRun run = predict(iris, input, output);

    TrainedModel model = ModelReader.read(iris);
    List<String> expected = labels(model, new double[][] {{5.1, 3.5, 1.4, 0.2}, {5.7, 2.8, 4.2, 1.3}, {6.9, 3.2, 5.7, 2.3}});
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).startsWith("predicted 3 rows with iris version 1 in ").contains("wrote " + output);
    assertThat(Files.readAllLines(output)).containsExactly(
        "id,petal_width,note,sepal_length,petal_length,sepal_width,prediction",
        "1,0.2,\"plain, with a comma\",5.1,1.4,3.5," + expected.get(0),
        "2,1.3,x,5.7,4.2,2.8," + expected.get(1),
        "3,2.3,,6.9,5.7,3.2," + expected.get(2));
    assertThat(expected).containsExactly("setosa", "versicolor", "virginica");
  }

  @Test
  void modelWithProbabilities_addsOneColumnPerClass_equalToModelPredict() throws IOException {
    Path input = write("rows.csv", "sepal_length,sepal_width,petal_length,petal_width", "5.1,3.5,1.4,0.2",
        "6.3,2.5,4.9,1.5");
    Path output = dir.resolve("out.csv");

    CommandLineRun run = predict(irisWithProbabilities, input, output);

    assertThat(run.exitCode()).as(run.err()).isZero();
    TrainedModel model = ModelReader.read(irisWithProbabilities);
    double[][] rows = {{5.1, 3.5, 1.4, 0.2}, {6.3, 2.5, 4.9, 1.5}};
    Prediction prediction = model.predict(rows, true, false);
    List<String> lines = Files.readAllLines(output);
    assertThat(lines.get(0)).isEqualTo("sepal_length,sepal_width,petal_length,petal_width,prediction,"
        + "probability_setosa,probability_versicolor,probability_virginica");
    for (int r = 0; r < rows.length; r++) {
      String[] fields = lines.get(r + 1).split(",");
      assertThat(fields[4]).isEqualTo(model.classes().get(prediction.classes()[r]));
      for (int c = 0; c < 3; c++) {
        assertThat(Double.parseDouble(fields[5 + c])).isEqualTo(prediction.probabilities()[r][c]);
      }
    }
  }

  @Test
  void badRow_onErrorFail_exits2WithItsLine_andLeavesTheOldOutputAlone() throws IOException {
    Path input = write("rows.csv", "sepal_length,sepal_width,petal_length,petal_width", "5.1,3.5,1.4,0.2",
        "5.7,2.8,4.2,1.3", "6.9,3.2,abc,2.3", "6.3,2.5,4.9,1.5");
    Path output = write("out.csv", "an older, good output");

    CommandLineRun run = predict(iris, input, output);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("mlapi predict: " + input + ":4:3: column \"petal_length\": \"abc\" is not a number"
        + System.lineSeparator());
    assertThat(Files.readAllLines(output)).containsExactly("an older, good output");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("rows.csv", "out.csv");
    }
  }

  @Test
  void badRows_onErrorSkip_areListedWithTheirLinesAndLeftOut() throws IOException {
    Path input = write("rows.csv", "sepal_length,sepal_width,petal_length,petal_width", "5.1,3.5,1.4,0.2",
        "5.7,2.8,4.2", "6.9,3.2,5.7,2.3", "6.3,,4.9,1.5", "\"6.3\",\"2.5\",4.9,1.5,9");
    Path output = dir.resolve("out.csv");

    CommandLineRun run = predict(iris, input, output, "--on-error", "skip", "--threads", "2");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).isEqualTo(String.join(System.lineSeparator(),
        "skipped " + input + ":3:4: 3 fields, but the header has 4 columns",
        "skipped " + input + ":5:2: column \"sepal_width\" is empty; every feature needs a number",
        "skipped " + input + ":6:5: 5 fields, but the header has 4 columns", ""));
    assertThat(run.out()).contains("predicted 2 rows").contains("skipped 3 bad rows");
    assertThat(Files.readAllLines(output)).hasSize(3).element(2).asString().startsWith("6.9,3.2,5.7,2.3,");
  }

  @Test
  void missingFeatureColumn_isRefusedNamingIt() throws IOException {
    Path input = write("rows.csv", "sepal_length,petal_length,petal_width", "5.1,1.4,0.2");

    CommandLineRun run = predict(iris, input, dir.resolve("out.csv"));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(input + ":1: no column sepal_width in the header; model iris takes "
        + "sepal_length, sepal_width, petal_length, petal_width");
    assertThat(dir.resolve("out.csv")).doesNotExist();
  }

  @Test
  void inputWithAColumnTheOutputAdds_isRefused() throws IOException {
    Path input = write("rows.csv", "sepal_length,sepal_width,petal_length,petal_width,prediction", "5.1,3.5,1.4,0.2,x");

    CommandLineRun run = predict(iris, input, dir.resolve("out.csv"));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(":1:5: the input has a column \"prediction\" already, which the output adds");
  }

  @Test
  void emptyOrMissingInput_andBadOptions_exit2() throws IOException {
    Path empty = write("empty.csv");
    assertThat(predict(iris, empty, dir.resolve("o.csv")).err())
        .contains(empty + ":1: the file is empty; expected a header row naming the columns");
    CommandLineRun missing = predict(iris, dir.resolve("nope.csv"), dir.resolve("o.csv"));
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("nope.csv: no such file");
    assertThat(predict(iris, empty, dir.resolve("o.csv"), "--on-error", "ignore").err())
        .contains("--on-error must be fail or skip, got \"ignore\"");
    assertThat(predict(iris, empty, dir.resolve("o.csv"), "--threads", "0").err())
        .contains("--threads must be at least 1, got 0");
    assertThat(predict(iris, empty, dir.resolve("o.csv"), "--progress", "sometimes").exitCode()).isEqualTo(2);
    assertThat(predict(iris, empty, dir).err()).contains("is a directory; name a file");
  }

  @Test
  void aMissingModel_andAMissingInput_areBothBadInput_exit2() throws IOException {
    Path input = write("rows.csv", "a", "1");

    CommandLineRun noModel = predict(dir.resolve("no-model"), input, dir.resolve("out.csv"));
    CommandLineRun noInput = predict(iris, dir.resolve("no-input.csv"), dir.resolve("out.csv"));

    assertThat(noModel.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(noModel.err()).isEqualTo("mlapi predict: " + dir.resolve("no-model")
        + ": no model here (expected a directory holding model.json)" + System.lineSeparator());
    assertThat(noInput.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(noInput.err()).isEqualTo("mlapi predict: " + dir.resolve("no-input.csv") + ": no such file"
        + System.lineSeparator());
    assertThat(dir.resolve("out.csv")).doesNotExist();
  }

  @Test
  void progressAlways_drawsABarWithRowsPerSecond() throws IOException {
    Path input = write("rows.csv", "sepal_length,sepal_width,petal_length,petal_width", "5.1,3.5,1.4,0.2");

    CommandLineRun run = CommandLineRun.run("predict", "--model", iris.toString(), "--input", input.toString(), "--output",
        dir.resolve("out.csv").toString(), "--progress", "always");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).startsWith("\r[").contains("] 100%  1 rows  1,000 rows/s").endsWith(System.lineSeparator());
  }
}
