package io.mlapi.cli;

import static io.mlapi.cli.PredictCommandTest.mlapi;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.model.Model;
import io.mlapi.model.ModelReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mlapi train} with options other than the tutorial's, and its refusals. */
class TrainCommandTest {
  @TempDir
  Path dir;

  @Test
  void stratifiedSplitWithFixedGamma_trainsAndSavesTheNextVersion() {
    String[] args = {"train", "--model-dir", dir.toString(), "--split", "stratified", "--seed", "3", "--gamma", "0.5",
        "--kernel", "poly", "--degree", "2", "--coef0", "1", "-C", "2"};

    PredictCommandTest.Run first = mlapi(args);
    PredictCommandTest.Run second = mlapi(args);

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out()).contains("trained iris version 1: C-SVC, poly kernel, C=2.0, gamma=0.5 (0.5)")
        .contains("(stratified split, test size 0.2)");
    assertThat(second.out()).contains("trained iris version 2");
    Model model = ModelReader.read(dir.resolve("iris"));
    assertThat(model.version()).isEqualTo(2);
    assertThat(model.card().split().testRows()).isEqualTo(30);
    assertThat(model.card().split().seed()).isEqualTo(3L);
    assertThat(model.card().parameters().gamma()).isEqualTo("0.5");
  }

  @Test
  void gammaAuto_isOneOverTheFeatureCount() {
    PredictCommandTest.Run run = mlapi("train", "--model-dir", dir.toString(), "--gamma", "auto", "--name", "auto");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(ModelReader.read(dir.resolve("auto")).card().parameters().gammaValue()).isEqualTo(0.25);
  }

  @Test
  void badOptions_exit2WithTheReason_andWriteNothing() {
    assertThat(mlapi("train", "--model-dir", dir.toString(), "--gamma", "lots").err())
        .contains("gamma must be \"scale\", \"auto\" or a positive number, got \"lots\"");
    assertThat(mlapi("train", "--model-dir", dir.toString(), "--gamma", "-1").err())
        .contains("gamma must be a positive finite number, got -1.0");
    assertThat(mlapi("train", "--model-dir", dir.toString(), "--split", "random").err())
        .contains("--split must be tutorial or stratified, got \"random\"");
    assertThat(mlapi("train", "--model-dir", dir.toString(), "--test-size", "1").err())
        .contains("test size must be between 0 and 1 (exclusive), got 1.0");
    assertThat(mlapi("train", "--model-dir", dir.toString(), "--target", "colour").err())
        .contains("--target names a column of --data");
    PredictCommandTest.Run missing = mlapi("train", "--model-dir", dir.toString(), "--data", dir.resolve("x.csv").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("x.csv: no such file");
    assertThat(dir.resolve("iris")).doesNotExist();
  }

  @Test
  void defaultName_isTheDataFilesNameMadeSafe() {
    assertThat(TrainCommand.defaultName(null)).isEqualTo("iris");
    assertThat(TrainCommand.defaultName(Path.of("data/wine_data.csv.gz"))).isEqualTo("wine_data");
    assertThat(TrainCommand.defaultName(Path.of("my data!.csv"))).isEqualTo("my_data_");
    assertThat(TrainCommand.defaultName(Path.of("!!!.csv"))).isEqualTo("model");
  }

  @Test
  void noCommand_showsWhatIsNeeded() {
    PredictCommandTest.Run run = mlapi();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("a command is needed: train, serve or predict");
    assertThat(mlapi("--version").out()).startsWith("mlapi ");
  }
}
