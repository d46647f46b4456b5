package io.mlapi.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlapi.ModelFixtures;
import io.mlapi.data.Dataset;
import io.mlapi.data.DatasetReader;
import io.mlapi.data.Split;
import io.mlapi.model.ModelTrainer;
import io.mlapi.model.RowPrediction;
import io.mlapi.model.TrainedModel;
import io.mlapi.svm.Kernel;
import io.mlapi.svm.SvcModel;
import io.mlapi.svm.SvcParameters;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code mlapi export --onnx}: every model of the scikit-learn parity data sets, exported and run
 * by ONNX Runtime directly and through mlapi's ONNX path, gives mlapi's labels for every row, and
 * its decision values to within float32's reach.
 */
class OnnxExportTest {
  /**
   * Relative to {@code max(1, |value|)}. ONNX-ML's SVMClassifier computes kernel values in float32:
   * for the RBF, sigmoid and (folded into weight vectors) linear kernels that stays within 1e-5; a
   * cubic polynomial kernel's values grow large and cancel in the sum, and reach 1.1e-4 on Iris.
   */
  private static final double TOLERANCE = 1e-5;
  private static final double POLY_TOLERANCE = 2e-4;

  @TempDir
  Path repository;

  static Stream<JsonNode> parityCases() throws IOException {
    try (InputStream in = OnnxExportTest.class.getResourceAsStream("/sklearn/reference.json")) {
      List<JsonNode> cases = new ArrayList<>();
      new ObjectMapper().readTree(in).get("kernels").forEach(cases::add);
      return cases.stream();
    }
  }

  private static Dataset parityData(String file) {
    try {
      return DatasetReader.read(Path.of(OnnxExportTest.class.getResource("/sklearn/" + file).toURI()), null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TrainedModel train(Dataset data, Kernel kernel, boolean probability) {
    return new ModelTrainer(ModelFixtures.CLOCK).train(data, Split.tutorial(data.rowCount(), 0.2),
        SvcParameters.scikitLearnDefaults().withKernel(kernel).withProbability(probability, 0), "parity", 1);
  }

  /** The rows as ONNX Runtime answers them: labels, and the second output's rows. */
  private record Answer(String[] labels, float[] scores, int columns) {}

  private static Answer runDirectly(byte[] onnx, double[][] rows) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    int f = rows[0].length;
    float[] flat = new float[rows.length * f];
    for (int r = 0; r < rows.length; r++) {
      for (int j = 0; j < f; j++) {
        flat[r * f + j] = (float) rows[r][j];
      }
    }
    try (OrtSession session = env.createSession(onnx);
        OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(flat), new long[] {rows.length, f});
        OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, x))) {
      OnnxTensor scores = (OnnxTensor) result.get(1);
      return new Answer((String[]) result.get(0).getValue(), scores.getFloatBuffer().array(),
          (int) scores.getInfo().getShape()[1]);
    }
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("parityCases")
  void everyParityModel_exported_sameLabelsOnEveryRow_andDecisionValuesClose(JsonNode reference) throws Exception {
    Kernel kernel = Kernel.parse(reference.get("kernel").asText());
    Dataset data = parityData(reference.get("file").asText());
    TrainedModel model = train(data, kernel, false);
    SvcModel svm = model.svm();
    double[][] rows = data.features();

    byte[] onnx = OnnxExport.of(model);
    Answer direct = runDirectly(onnx, rows);
    OnnxModel served = new OnnxLoader(OnnxSettings.defaults())
        .load(OnnxFixtures.publish(repository, "parity", 1, onnx, null), "parity", 1);
    RowPrediction throughMlapi = served.predictRows(rows, false, false);

    double tolerance = kernel == Kernel.POLY ? POLY_TOLERANCE : TOLERANCE;
    int k = svm.classCount();
    assertThat(direct.columns()).isEqualTo(k == 2 ? 2 : k * (k - 1) / 2);
    for (int r = 0; r < rows.length; r++) {
      String label = model.classes().get(svm.predict(rows[r]));
      assertThat(direct.labels()[r]).as("ONNX Runtime's label of row %d", r).isEqualTo(label);
      assertThat(throughMlapi.predictions().string(r)).as("mlapi's ONNX label of row %d", r).isEqualTo(label);
      double[] decision = svm.decisionValues(rows[r]);
      for (int p = 0; p < decision.length; p++) {
        // two classes: [-d, d]; more: LIBSVM's pairs in order
        double got = k == 2 ? direct.scores()[r * 2 + 1] : direct.scores()[r * direct.columns() + p];
        assertThat(got).as("decision value %d of row %d", p, r)
            .isCloseTo(decision[p], within(tolerance * Math.max(1, Math.abs(decision[p]))));
      }
      if (k == 2) {
        assertThat(direct.scores()[r * 2]).isEqualTo(-direct.scores()[r * 2 + 1]);
      }
    }
    assertThat(served.rows().orElseThrow().features()).containsExactlyElementsOf(data.featureNames());
    assertThat(served.card().classes()).containsExactlyElementsOf(model.classes());
    served.close();
  }

  @Test
  void probabilities_areLibsvmsPlattScaledCoupling_inFloat32() throws Exception {
    for (String file : List.of("iris.csv", "breast_cancer.csv")) {
      Dataset data = parityData(file);
      TrainedModel model = train(data, Kernel.RBF, true);
      double[][] rows = data.features();

      Answer answer = runDirectly(OnnxExport.of(model), rows);

      int k = model.classes().size();
      assertThat(answer.columns()).isEqualTo(k);
      for (int r = 0; r < rows.length; r++) {
        double[] expected = model.svm().probabilities(rows[r]);
        for (int c = 0; c < k; c++) {
          assertThat((double) answer.scores()[r * k + c]).as("%s row %d class %d", file, r, c)
              .isCloseTo(expected[c], within(TOLERANCE));
        }
        assertThat(answer.labels()[r]).isEqualTo(model.classes().get(model.svm().predict(rows[r])));
      }
    }
  }

  @Test
  void scaling_isAScalerInFrontOfTheSvm() throws Exception {
    Dataset raw = DatasetReader.iris();
    double[] mean = new double[4];
    double[] deviation = new double[4];
    for (double[] row : raw.features()) {
      for (int f = 0; f < 4; f++) {
        mean[f] += row[f] / raw.rowCount();
      }
    }
    for (double[] row : raw.features()) {
      for (int f = 0; f < 4; f++) {
        deviation[f] += (row[f] - mean[f]) * (row[f] - mean[f]) / raw.rowCount();
      }
    }
    double[] inverse = new double[4];
    double[][] scaled = new double[raw.rowCount()][4];
    for (int f = 0; f < 4; f++) {
      inverse[f] = 1 / Math.sqrt(deviation[f]);
      for (int r = 0; r < raw.rowCount(); r++) {
        scaled[r][f] = (raw.features()[r][f] - mean[f]) * inverse[f];
      }
    }
    TrainedModel model = train(new Dataset(raw.source(), raw.sha256(), raw.featureNames(), raw.target(), raw.classes(),
        scaled, raw.targets()), Kernel.RBF, false);

    Answer answer = runDirectly(OnnxExport.of(model, new FeatureScaling(mean, inverse)), raw.features());

    for (int r = 0; r < raw.rowCount(); r++) {
      assertThat(answer.labels()[r]).as("row %d, given unscaled", r)
          .isEqualTo(model.classes().get(model.svm().predict(scaled[r])));
      double[] decision = model.svm().decisionValues(scaled[r]);
      for (int p = 0; p < 3; p++) {
        assertThat((double) answer.scores()[r * 3 + p]).isCloseTo(decision[p], within(TOLERANCE * Math.max(1,
            Math.abs(decision[p]))));
      }
    }
  }

  @Test
  void exportedFile_describesItself() throws Exception {
    TrainedModel model = ModelFixtures.iris("iris", 3, false);
    try (OrtSession session = OrtEnvironment.getEnvironment().createSession(OnnxExport.of(model))) {
      var metadata = session.getMetadata();

      assertThat(metadata.getProducerName()).isEqualTo("mlapi");
      assertThat(metadata.getVersion()).isEqualTo(3);
      assertThat(metadata.getGraphName()).isEqualTo("iris");
      assertThat(metadata.getDescription()).startsWith("mlapi model iris version 3: C-SVC, rbf kernel, trained on "
          + "iris (bundled) (SHA-256 ");
      assertThat(metadata.getCustomMetadata()).containsEntry("mlapi.features",
          "[\"sepal_length\",\"sepal_width\",\"petal_length\",\"petal_width\"]")
          .containsEntry("mlapi.classes", "[\"setosa\",\"versicolor\",\"virginica\"]");
      assertThat(session.getInputInfo()).containsOnlyKeys("input-0");
      assertThat(session.getOutputInfo()).containsOnlyKeys("label", "decision_values");
    }
  }

  @Test
  void namesOrScalingThatDoNotFit_areRefused() {
    SvcModel svm = ModelFixtures.iris(1).svm();
    assertThatThrownBy(() -> OnnxExport.svc(svm, "iris", 1, "", List.of("a"), List.of("x", "y", "z"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the model has 4 features and 3 classes, but 1 feature names and 3 class names are given");
    assertThatThrownBy(() -> OnnxExport.svc(svm, "iris", 1, "", List.of("a", "b", "c", "d"), List.of("x", "y", "z"),
        new FeatureScaling(new double[] {0}, new double[] {1})))
        .hasMessage("the scaling has 1 features, the model 4");
    assertThatThrownBy(() -> new FeatureScaling(new double[] {0, 1}, new double[] {1}))
        .hasMessage("a scaling needs one offset and one scale per feature, got 2 offsets and 1 scales");
    assertThatThrownBy(() -> new FeatureScaling(new double[] {0}, new double[] {Double.NaN}))
        .hasMessage("feature 0: offset 0.0 and scale NaN must be finite");
  }
}
