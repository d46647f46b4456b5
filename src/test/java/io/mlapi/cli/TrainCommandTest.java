package io.mlapi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.model.TrainedModel;
import io.mlapi.model.ModelReader;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
  @TempDir
  Path dir;

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(TrainCommandTest.class.getResource("/sklearn/" + name).toURI());
  }

  private long entries() throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.count();
    }
  }

  @Test
  void train_noOptions_isTheTutorialModel_printsAccuracyAndWhereItWent() {
    CommandLineRun run = CommandLineRun.run("train", "--model-dir", dir.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).contains(
        "trained iris version 1: C-SVC, rbf kernel, C=1.0, gamma=0.0663312707340641 (scale), 43 support vectors, "
            + "120 training rows",
        "test accuracy 0.7 on 30 rows (tutorial split, test size 0.2)",
        "saved to " + dir.resolve("iris"));
    TrainedModel model = ModelReader.read(dir.resolve("iris"));
    assertThat(model.accuracy()).isEqualTo(0.7);
    assertThat(model.card().createdAt()).isEqualTo("2026-11-29T12:00:00Z");
  }

  @Test
  void train_again_replacesTheModelWithTheNextVersion() {
    CommandLineRun.run("train", "--model-dir", dir.toString());
    CommandLineRun run = CommandLineRun.run("train", "--model-dir", dir.toString(), "--kernel", "linear");

    assertThat(run.exitCode()).isZero();
    TrainedModel model = ModelReader.read(dir.resolve("iris"));
    assertThat(model.version()).isEqualTo(2);
    assertThat(model.card().parameters().kernel()).isEqualTo("linear");
  }

  @Test
  void train_csvWithOptions_usesTheFileNameAndEveryOption() throws URISyntaxException {
    CommandLineRun run = CommandLineRun.run("train", "--data", resource("wine_data.csv").toString(),
        "--model-dir", dir.toString(), "--kernel", "poly", "--degree", "2", "--coef0", "1", "--C", "0.5",
        "--gamma", "auto", "--split", "stratified", "--test-size", "0.25", "--seed", "9", "--version", "7",
        "--probability");

    assertThat(run.exitCode()).as(run.err()).isZero();
    TrainedModel model = ModelReader.read(dir.resolve("wine_data"));
    assertThat(model.name()).isEqualTo("wine_data");
    assertThat(model.version()).isEqualTo(7);
    assertThat(model.hasProbabilities()).isTrue();
    var p = model.card().parameters();
    assertThat(p.kernel()).isEqualTo("poly");
    assertThat(p.degree()).isEqualTo(2);
    assertThat(p.coef0()).isEqualTo(1.0);
    assertThat(p.c()).isEqualTo(0.5);
    assertThat(p.gamma()).isEqualTo("auto");
    assertThat(p.gammaValue()).isEqualTo(1.0 / 13);
    assertThat(model.card().split().method()).isEqualTo("stratified");
    assertThat(model.card().split().seed()).isEqualTo(9L);
    assertThat(model.card().split().testRows()).isEqualTo(45);
  }

  @Test
  void train_badCsv_printsOneLineNamingFileLineColumn_exits2_writesNothing() throws IOException {
    Path csv = Files.writeString(dir.resolve("bad.csv"), "a,b,label\n1,2,x\n3,oops,y\n");

    CommandLineRun run = CommandLineRun.run("train", "--data", csv.toString(), "--model-dir", dir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("mlapi train: " + csv + ":3:2: column \"b\": \"oops\" is not a number"
        + System.lineSeparator());
    assertThat(run.out()).isEmpty();
    assertThat(entries()).isEqualTo(1); // only bad.csv
  }

  @Test
  void train_badCsvCases_allExit2WithTheirReason() throws IOException {
    String[][] cases = {
        {"a,b,label\n1,2,x\n", "--target", "species", ":1: no column \"species\" in the header"},
        {"a,b,label\n1,2,x\n3,4\n", "--target", "label", ":3:3: 2 fields, but the header has 3 columns"},
        {"", "--target", "label", ":1: the file is empty"},
        {"a,label\n1,x\n2,x\n", "--target", "label", ":1:2: the target column \"label\" holds one class only"},
    };
    for (String[] c : cases) {
      Path csv = Files.writeString(dir.resolve("case.csv"), c[0]);
      CommandLineRun run = CommandLineRun.run("train", "--data", csv.toString(), c[1], c[2],
          "--model-dir", dir.resolve("models").toString());
      assertThat(run.exitCode()).as(c[3]).isEqualTo(2);
      assertThat(run.err()).startsWith("mlapi train: " + csv + c[3]).hasLineCount(1);
    }
    assertThat(dir.resolve("models")).doesNotExist();
  }

  @Test
  void train_tutorialSplitLeavingOneClass_suggestsAStratifiedSplit() throws IOException {
    Path csv = Files.writeString(dir.resolve("sorted.csv"), "x,label\n1,a\n2,a\n3,a\n4,a\n5,b\n");

    CommandLineRun run = CommandLineRun.run("train", "--data", csv.toString(), "--model-dir", dir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(csv + ": the 4 training rows hold one class only (\"a\")",
        "try --split stratified");
  }

  @Test
  void train_badParameters_exit2WithTheReason() {
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--kernel", "cubic").err())
        .isEqualTo("mlapi train: unknown kernel \"cubic\"; expected one of linear, poly, rbf, sigmoid"
            + System.lineSeparator());
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--C", "-1").exitCode()).isEqualTo(2);
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--split", "random").err())
        .contains("--split must be tutorial or stratified, got \"random\"");
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--version", "0").err())
        .contains("version must be a positive integer, got 0");
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--name", "../x").err())
        .contains("model name must be 1-128 letters");
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--test-size", "x").exitCode())
        .isEqualTo(2);
  }

  @Test
  void train_badGammaTestSizeTargetOrDataFile_exit2WithTheReason_andWriteNothing() {
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--gamma", "lots").err())
        .contains("gamma must be \"scale\", \"auto\" or a positive number, got \"lots\"");
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--gamma", "-1").err())
        .contains("gamma must be a positive finite number, got -1.0");
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--test-size", "1").err())
        .contains("test size must be between 0 and 1 (exclusive), got 1.0");
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--target", "colour").err())
        .contains("--target names a column of --data; the bundled Iris data's is \"species\"");
    CommandLineRun missing = CommandLineRun.run("train", "--model-dir", dir.toString(), "--data",
        dir.resolve("x.csv").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains(dir.resolve("x.csv") + ": no such file");
    assertThat(dir.resolve("iris")).doesNotExist();
  }

  @Test
  void train_overARealDirectory_refusesAndKeepsIt() throws IOException {
    Files.createDirectories(dir.resolve("iris"));
    Files.writeString(dir.resolve("iris/clf.joblib"), "old");

    CommandLineRun run = CommandLineRun.run("train", "--model-dir", dir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("is a directory, not a model link written by mlapi");
    assertThat(dir.resolve("iris/clf.joblib")).hasContent("old");
  }

  @Test
  void defaultName_isTheFileNameWithoutExtensionsMadeSafe() {
    assertThat(TrainCommand.defaultName(null)).isEqualTo("iris");
    assertThat(TrainCommand.defaultName(Path.of("/data/wine_data.csv.gz"))).isEqualTo("wine_data");
    assertThat(TrainCommand.defaultName(Path.of("my data (2).csv"))).isEqualTo("my_data__2_");
    assertThat(TrainCommand.defaultName(Path.of(".hidden"))).isEqualTo("hidden");
  }

  @Test
  void help_listsCommandsAndOptions() {
    assertThat(CommandLineRun.run("--help").out()).contains("train", "serve");
    assertThat(CommandLineRun.run("train", "--help").out())
        .contains("--data", "--target", "--kernel", "--C", "--gamma", "--degree", "--coef0", "--probability",
            "--split", "--test-size", "--seed", "--name", "--version", "--model-dir", "--model-file");
    assertThat(CommandLineRun.run().exitCode()).isEqualTo(2);
    assertThat(CommandLineRun.run("--version").out()).startsWith("mlapi ");
  }
}
