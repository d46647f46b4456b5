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
        .contains("--split must be tutorial, shuffle or stratified, got \"random\"");
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

  /** A POSIX shell's words of {@code command}: single quotes as {@link TrainCommand#shellWord} writes them. */
  static java.util.List<String> words(String command) {
    java.util.List<String> words = new java.util.ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < command.length(); i++) {
      char c = command.charAt(i);
      if (c == '\\' && !quoted && i + 1 < command.length()) {
        word.append(command.charAt(++i));
      } else if (c == '\'') {
        quoted = !quoted;
        any = true;
      } else if (c == ' ' && !quoted) {
        if (any || word.length() > 0) {
          words.add(word.toString());
        }
        word.setLength(0);
        any = false;
      } else {
        word.append(c);
      }
    }
    if (any || word.length() > 0) {
      words.add(word.toString());
    }
    return words;
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"wine-format2", "diabetes-format2", "cancer-linear-format2"})
  void committedArtifact_itsRecordedCommandTrainsItAgain_byteForByte(String name) throws Exception {
    Path committed = Path.of(TrainCommandTest.class.getResource("/artifacts/" + name).toURI());
    String command = ModelReader.read(committed).card().command();
    java.util.List<String> args = new java.util.ArrayList<>(words(command).subList(1, words(command).size()));
    args.addAll(java.util.List.of("--repository", dir.toString(), "--progress", "never"));

    CommandLineRun run = CommandLineRun.run(args.toArray(String[]::new));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("reproduce with: " + command);
    TrainedModel again = ModelReader.read(dir.resolve(ModelReader.readCard(committed).name()).resolve("1"));
    for (String file : again.card().files().keySet()) {
      assertThat(dir.resolve(again.name()).resolve("1").resolve(file)).as(file)
          .hasSameBinaryContentAs(committed.resolve(file));
    }
    assertThat(again.card().files()).isEqualTo(ModelReader.readCard(committed).files());
    assertThat(again.card().search()).usingRecursiveComparison().isEqualTo(ModelReader.readCard(committed).search());
    assertThat(again.card().metrics()).usingRecursiveComparison().isEqualTo(ModelReader.readCard(committed).metrics());
  }

  @Test
  void train_badNewOptions_exit2WithTheReason_andWriteNothing() throws IOException {
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--estimator", "knn").err())
        .contains("--estimator must be one of svc, nusvc, svr, nusvr, linear-svc, got \"knn\"");
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--scale", "robust").err())
        .contains("unknown scaler \"robust\"; expected none, standard or minmax");
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--class-weight", "heavy").err())
        .contains("--class-weight must be none or balanced, got \"heavy\"");
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--estimator", "nusvc", "--nu", "1.5").err())
        .contains("nu must be in (0, 1], got 1.5");
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--estimator", "linear-svc", "--loss",
        "log").err()).contains("loss must be squared_hinge or hinge, got \"log\"");
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--estimator", "linear-svc",
        "--probability").err()).contains("linear-svc gives no probabilities");
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--estimator", "svr").err())
        .contains("the target column \"species\" holds \"setosa\", not a number; a regressor (svr, nusvr) needs a "
            + "numeric target");
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--estimator", "svr", "--split",
        "stratified").err()).contains("--split stratified needs classes, and svr is a regressor: use --split shuffle");
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--search", "C=1,x").err())
        .contains("--search: C=x: \"x\" is not a number");
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--search", "loss=hinge").err())
        .contains("--search: svc has no parameter \"loss\" to search; it takes C, coef0, degree, gamma, kernel");
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--search", "C").err())
        .contains("--search: \"C\" should be NAME=VALUE,VALUE,...");
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--search", "C=1", "--cv", "1").err())
        .contains("--cv must be 2 or more folds, got 1");
    assertThat(CommandLineRun.run("train", "--model-dir", dir.toString(), "--split", "shuffle", "--seed", "-1")
        .err()).contains("seed must be between 0 and 2**32 - 1, got -1");
    assertThat(entries()).isZero();
  }

  @Test
  void train_gridSearch_printsTheWinnerAndTheCommand_andTheCardRecordsEveryCandidate() throws URISyntaxException {
    CommandLineRun run = CommandLineRun.run("train", "--data", resource("wine_data.csv").toString(), "--model-dir",
        dir.toString(), "--scale", "standard", "--split", "stratified", "--seed", "42", "--search",
        "C=0.1,1,10;gamma=scale,0.01,0.1", "--cv", "5", "--jobs", "2", "--progress", "always");

    assertThat(run.exitCode()).as(run.err()).isZero();
    // scikit-learn: GridSearchCV(Pipeline(StandardScaler(), SVC()), ..., cv=5) on train_test_split(random_state=42, stratify=y)
    assertThat(run.out()).contains("grid search: 9 candidates x 5 folds, best {C=1, gamma=0.01} with mean accuracy "
        + "0.993103448275862 (std 0.013793103448275846)", "test accuracy 1.0 on 36 rows (stratified split",
        "reproduce with: mlapi train --data " + resource("wine_data.csv") + " --estimator svc");
    assertThat(run.err()).startsWith("\r[").contains("45 fits").endsWith(System.lineSeparator());
    TrainedModel model = ModelReader.read(dir.resolve("wine_data"));
    assertThat(model.card().search().candidates()).hasSize(9);
    assertThat(model.card().parameters().c()).isEqualTo(1.0);
    assertThat(model.card().parameters().gamma()).isEqualTo("0.01");
  }

  @Test
  void train_regressor_printsR2MaeAndRmse() throws URISyntaxException {
    CommandLineRun run = CommandLineRun.run("train", "--data", resource("diabetes.csv").toString(), "--model-dir",
        dir.toString(), "--estimator", "nusvr", "--nu", "0.3", "--C", "50", "--scale", "minmax", "--split", "shuffle",
        "--seed", "1");

    assertThat(run.exitCode()).as(run.err()).isZero();
    TrainedModel model = ModelReader.read(dir.resolve("diabetes"));
    assertThat(model.isRegression()).isTrue();
    assertThat(model.classes()).isEmpty();
    assertThat(run.out()).contains("nu-SVR", "test R² " + model.card().metrics().r2() + ", MAE "
        + model.card().metrics().mae() + ", RMSE " + model.card().metrics().rmse() + " on 89 rows (shuffle split");
    assertThat(model.card().parameters().nu()).isEqualTo(0.3);
  }

  @Test
  void shellWord_quotesWhatAShellWouldSplitOrExpand() {
    assertThat(TrainCommand.shellWord("C=0.1,1;gamma=scale")).isEqualTo("'C=0.1,1;gamma=scale'");
    assertThat(TrainCommand.shellWord("data/wine.csv")).isEqualTo("data/wine.csv");
    assertThat(TrainCommand.shellWord("it's")).isEqualTo("'it'\\''s'");
    assertThat(words("a 'b c' 'it'\\''s'")).containsExactly("a", "b c", "it's");
  }
}
