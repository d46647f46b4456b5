package io.mlapi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.ModelFixtures;
import io.mlapi.data.DatasetReader;
import io.mlapi.data.Scaler;
import io.mlapi.data.Split;
import io.mlapi.model.EstimatorSpec;
import io.mlapi.model.ModelTrainer;
import io.mlapi.model.ModelWriter;
import io.mlapi.model.RowPrediction;
import io.mlapi.model.TrainedModel;
import io.mlapi.model.TrainingPlan;
import io.mlapi.onnx.OnnxLoader;
import io.mlapi.onnx.OnnxModel;
import io.mlapi.onnx.OnnxSettings;
import io.mlapi.svm.SvcParameters;
import io.mlapi.svm.SvmType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mlapi export --onnx} end to end: a trained model in, an ONNX file out that mlapi serves the same. */
class ExportCommandTest {
  @TempDir
  Path dir;

  private Path trained(boolean probability) {
    Path model = dir.resolve("trained");
    new ModelWriter().writeNew(ModelFixtures.iris("iris", 1, probability), model);
    return model;
  }

  @Test
  void export_writesAnOnnxModelThatMlapiServesWithTheSameLabels() throws IOException {
    Path version = Files.createDirectories(dir.resolve("repository/iris-onnx/1"));
    Path output = version.resolve("model.onnx");

    CommandLineRun run = CommandLineRun.run("export", "--onnx", "--model", trained(true).toString(),
        "--output", output.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo("exported iris version 1 (C-SVC, rbf kernel, 43 support vectors) to " + output
        + ", " + Files.size(output) + " bytes\nONNX Runtime gives mlapi's label for 30 of the model's 30 test rows\n");
    assertThat(run.err()).isEmpty();
    try (OnnxModel served = new OnnxLoader(OnnxSettings.defaults()).load(version, "iris-onnx", 1)) {
      RowPrediction prediction = served.predictRows(new double[][] {{5.1, 3.5, 1.4, 0.2}, {6.8, 2.8, 4.8, 1.4}},
          true, false);
      assertThat(prediction.predictions().string(0)).isEqualTo("setosa");
      assertThat(prediction.predictions().string(1)).isEqualTo("versicolor");
      assertThat(prediction.classes()).containsExactly("setosa", "versicolor", "virginica");
      assertThat(prediction.probabilities().shape()).containsExactly(2, 3);
      assertThat(served.rows().orElseThrow().features())
          .containsExactly("sepal_length", "sepal_width", "petal_length", "petal_width");
    }
  }

  @Test
  void export_replacesAnExistingFile_leavingNoTemporaryFiles() throws IOException {
    Path output = dir.resolve("model.onnx");
    Files.writeString(output, "old");

    assertThat(CommandLineRun.run("export", "--onnx", "--model", trained(false).toString(), "--output",
        output.toString()).exitCode()).isZero();

    assertThat(Files.readAllBytes(output)).startsWith(0x08); // ModelProto's field 1, ir_version
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("model.onnx", "trained");
    }
  }

  @Test
  void export_badArguments_exit2WithTheReason_andWriteNothing() throws IOException {
    Path model = trained(false);
    Path output = dir.resolve("out.onnx");

    CommandLineRun noFormat = CommandLineRun.run("export", "--model", model.toString(), "--output", output.toString());
    CommandLineRun directory = CommandLineRun.run("export", "--onnx", "--model", model.toString(), "--output",
        dir.toString());

    assertThat(noFormat.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(noFormat.err()).isEqualTo("mlapi export: say which format to export to: --onnx (the only one so far)\n");
    assertThat(directory.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(directory.err()).isEqualTo("mlapi export: --output " + dir + " is a directory; name a file, e.g. "
        + dir.resolve("model.onnx") + "\n");
    assertThat(Files.exists(output)).isFalse();
  }

  @Test
  void export_brokenOrMissingModel_exits2SayingWhy() throws IOException {
    Path missing = dir.resolve("nothing");
    Path output = dir.resolve("out.onnx");
    CommandLineRun run = CommandLineRun.run("export", "--onnx", "--model", missing.toString(), "--output",
        output.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).isEqualTo("mlapi export: " + missing + ": no model here (expected a directory holding "
        + "model.json)\n");

    Path model = trained(false);
    Files.writeString(model.resolve("model.libsvm"), "garbage");
    CommandLineRun broken = CommandLineRun.run("export", "--onnx", "--model", model.toString(), "--output",
        output.toString());
    assertThat(broken.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(broken.err()).contains("model.libsvm does not match its SHA-256");
    assertThat(Files.exists(output)).isFalse();
    assertThat(List.of(run.out(), broken.out())).containsOnly("");
  }

  @Test
  void export_ofAScaledModel_putsItsScalerInFront_andOnnxRuntimeAnswersAsMlapiDoes() throws IOException {
    for (Scaler.Kind kind : List.of(Scaler.Kind.STANDARD, Scaler.Kind.MINMAX)) {
      TrainedModel native_ = new ModelTrainer(ModelFixtures.CLOCK).train(DatasetReader.iris(), Split.tutorial(150, 0.2),
          new TrainingPlan(EstimatorSpec.of(SvcParameters.scikitLearnDefaults()), kind, null, null), "scaled", 1);
      Path model = dir.resolve("scaled-" + kind);
      new ModelWriter().writeNew(native_, model);
      Path version = Files.createDirectories(dir.resolve("repository-" + kind + "/scaled/1"));

      CommandLineRun run = CommandLineRun.run("export", "--onnx", "--model", model.toString(), "--output",
          version.resolve("model.onnx").toString());

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out()).contains("behind its " + kind.label() + " scaler", "for 30 of the model's 30 test rows");
      try (OnnxModel served = new OnnxLoader(OnnxSettings.defaults()).load(version, "scaled", 1)) {
        double[][] rows = native_.sampleRows();
        RowPrediction onnx = served.predictRows(rows, false, false);
        RowPrediction mlapi = native_.predictRows(rows, false, false);
        for (int r = 0; r < rows.length; r++) {
          assertThat(onnx.predictions().string(r)).as(kind + " row " + r).isEqualTo(mlapi.predictions().string(r));
        }
      }
    }
  }

  @Test
  void export_ofARegressor_isRefusedNamingWhatIsExported() throws Exception {
    Path diabetes = Path.of(getClass().getResource("/sklearn/diabetes.csv").toURI());
    TrainedModel svr = new ModelTrainer(ModelFixtures.CLOCK).train(DatasetReader.read(diabetes, "target"),
        Split.shuffle(442, 0.2, 0),
        TrainingPlan.of(EstimatorSpec.of(SvcParameters.scikitLearnDefaults(SvmType.SVR))), "svr", 1);
    Path model = dir.resolve("svr");
    new ModelWriter().writeNew(svr, model);
    Path output = dir.resolve("svr.onnx");

    CommandLineRun run = CommandLineRun.run("export", "--onnx", "--model", model.toString(), "--output",
        output.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).isEqualTo("mlapi export: --model " + model + ": model svr is a regressor (epsilon-SVR); "
        + "mlapi exports LIBSVM classifiers (svc, nusvc) as ONNX so far\n");
    assertThat(Files.exists(output)).isFalse();
  }
}
