package io.mlapi.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.model.Datatype;
import io.mlapi.model.InferenceException;
import io.mlapi.model.ModelFormatException;
import io.mlapi.model.RowPrediction;
import io.mlapi.model.RowSignature;
import io.mlapi.model.Tensor;
import io.mlapi.model.TensorSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX models loaded from the fixtures and run: their inputs and outputs as the graph declares
 * them, and their answers as scikit-learn (or numpy) gives them for the same rows.
 */
class OnnxModelTest {
  private static final double TOLERANCE = 1e-5;

  @TempDir
  Path repository;

  private final OnnxLoader loader = new OnnxLoader(OnnxSettings.defaults());

  private OnnxModel load(String fixture) {
    return loader.load(OnnxFixtures.publish(repository, fixture.replace('_', '-'), 1, fixture),
        fixture.replace('_', '-'), 1);
  }

  private static Tensor rows(String fixture, String input) {
    float[] flat = OnnxFixtures.rowsFlat(fixture);
    int rows = OnnxFixtures.expected(fixture).get("rows").size();
    return new Tensor(input, Datatype.FP32, new long[] {rows, flat.length / rows}, flat);
  }

  @Test
  void linearClassifier_skl2onnxShaped_answersScikitLearnsLabelsAndProbabilities() {
    JsonNode expected = OnnxFixtures.expected("classifier_linear");
    try (OnnxModel model = load("classifier_linear")) {
      assertThat(model.platform()).isEqualTo("onnxruntime_onnx");
      assertThat(model.inputs()).containsExactly(new TensorSpec("float_input", Datatype.FP32, new long[] {-1, 4}));
      assertThat(model.outputs()).containsExactly(new TensorSpec("output_label", Datatype.INT64, new long[] {-1}),
          new TensorSpec("output_probability", Datatype.FP32, new long[] {-1, 3}));
      assertThat(model.defaultOutputs()).containsExactly("output_label", "output_probability");

      List<Tensor> answer = model.infer(List.of(rows("classifier_linear", "float_input")),
          List.of("output_label", "output_probability"));

      long[] labels = (long[]) answer.get(0).data();
      for (int r = 0; r < labels.length; r++) {
        assertThat(labels[r]).as("label of row %d", r).isEqualTo(expected.get("labels").get(r).longValue());
      }
      assertThat(answer.get(1).shape()).containsExactly(150, 3);
      assertProbabilities(answer.get(1), expected.get("probabilities"));
      assertThat(model.rows()).contains(new RowSignature("float_input", List.of("x0", "x1", "x2", "x3"),
          List.of("0", "1", "2"), "output_label", "output_label", "output_probability"));
    }
  }

  @Test
  void concurrentRequests_eachGetTheAnswerToItsOwnRows() throws Exception {
    // Inputs go through reused direct buffers (DirectBuffers): a buffer handed to two requests at
    // once, or given back too early, would answer one request with another's rows.
    JsonNode expected = OnnxFixtures.expected("classifier_linear");
    float[] flat = OnnxFixtures.rowsFlat("classifier_linear");
    int rows = expected.get("rows").size();
    int features = flat.length / rows;
    try (OnnxModel model = load("classifier_linear")) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Integer>> wrong = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int offset = t;
          wrong.add(pool.submit(() -> {
            int mistakes = 0;
            for (int i = 0; i < 2_000; i++) {
              int r = (offset * 37 + i) % rows;
              float[] row = Arrays.copyOfRange(flat, r * features, (r + 1) * features);
              Tensor one = new Tensor("float_input", Datatype.FP32, new long[] {1, features}, row);
              long label = ((long[]) model.infer(List.of(one), List.of("output_label")).get(0).data())[0];
              if (label != expected.get("labels").get(r).longValue()) {
                mistakes++;
              }
            }
            return mistakes;
          }));
        }
        for (Future<Integer> mistakes : wrong) {
          assertThat(mistakes.get()).isZero();
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void svmClassifier_stringLabels_zipMapOfStrings_answersScikitLearns() {
    JsonNode expected = OnnxFixtures.expected("classifier_svm");
    try (OnnxModel model = load("classifier_svm")) {
      List<Tensor> answer = model.infer(List.of(rows("classifier_svm", "float_input")), model.defaultOutputs());

      assertThat(model.isQuick(1)).as("an ONNX graph's cost is unknown").isFalse();
      assertThat(answer.get(0).datatype()).isEqualTo(Datatype.BYTES);
      for (int r = 0; r < 150; r++) {
        assertThat(answer.get(0).string(r)).as("label of row %d", r).isEqualTo(expected.get("labels").get(r).asText());
      }
      assertProbabilities(answer.get(1), expected.get("probabilities"));
      assertThat(model.rows().orElseThrow().classes()).containsExactly("setosa", "versicolor", "virginica");
      assertThat(model.card().classes()).containsExactly("setosa", "versicolor", "virginica");
    }
  }

  @Test
  void predictRows_classifier_givesLabelsAndProbabilitiesByClass() {
    try (OnnxModel model = load("classifier_svm")) {
      RowPrediction prediction = model.predictRows(new double[][] {{5.1, 3.5, 1.4, 0.2}, {6.7, 3.0, 5.2, 2.3}},
          true, false);

      assertThat(prediction.predictions().string(0)).isEqualTo("setosa");
      assertThat(prediction.predictions().string(1)).isEqualTo("virginica");
      assertThat(prediction.probabilities().shape()).containsExactly(2, 3);
      assertThat(prediction.probabilities().number(0)).isGreaterThan(0.9);
      assertThat(prediction.classes()).containsExactly("setosa", "versicolor", "virginica");
    }
  }

  private static void assertProbabilities(Tensor probabilities, JsonNode expected) {
    assertThat(probabilities.datatype()).isEqualTo(Datatype.FP32);
    int classes = (int) probabilities.dimension(1);
    for (int r = 0; r < expected.size(); r++) {
      for (int c = 0; c < classes; c++) {
        assertThat(probabilities.number(r * classes + c)).as("probability of row %d, class %d", r, c)
            .isCloseTo(expected.get(r).get(c).doubleValue(), within(TOLERANCE));
      }
    }
  }

  @Test
  void treeEnsemble_fromGradientBoosting_predictsAsScikitLearn_andServesRowsAsARegressor() {
    JsonNode expected = OnnxFixtures.expected("trees").get("predictions");
    try (OnnxModel model = load("trees")) {
      Tensor answer = model.infer(List.of(rows("trees", "input")), List.of("variable")).get(0);

      assertThat(answer.shape()).containsExactly(50, 1);
      for (int r = 0; r < 50; r++) {
        double want = expected.get(r).doubleValue();
        assertThat(answer.number(r)).as("row %d", r).isCloseTo(want, within(TOLERANCE * Math.max(1, Math.abs(want))));
      }
      RowSignature rows = model.rows().orElseThrow();
      assertThat(rows.predictions()).isEqualTo("variable");
      assertThat(rows.isClassifier()).isFalse();
      assertThat(rows.probabilities()).isNull();
    }
  }

  @Test
  void network_plainOperators_answersNumpys_andEachOutputAlone() {
    JsonNode expected = OnnxFixtures.expected("network");
    try (OnnxModel model = load("network")) {
      List<Tensor> answer = model.infer(List.of(rows("network", "x")), List.of("probabilities"));

      assertThat(answer).extracting(Tensor::name).containsExactly("probabilities");
      Tensor probabilities = answer.get(0);
      for (int r = 0; r < expected.get("rows").size(); r++) {
        for (int c = 0; c < 3; c++) {
          assertThat(probabilities.number(r * 3 + c))
              .isCloseTo(expected.get("probabilities").get(r).get(c).doubleValue(), within(TOLERANCE));
        }
      }
      Tensor logits = model.infer(List.of(rows("network", "x")), List.of("logits", "probabilities")).get(0);
      assertThat(logits.number(4)).isCloseTo(expected.get("logits").get(1).get(1).doubleValue(), within(1e-4));
      assertThat(model.rows()).as("two outputs, neither a label: rows go through V2 only").isEmpty();
    }
  }

  @Test
  void twoInputs_bothBound_outputsInTheOrderAsked() {
    try (OnnxModel model = load("two_inputs")) {
      Tensor a = new Tensor("a", Datatype.FP32, new long[] {1, 3}, new float[] {1, 2, 3});
      Tensor b = new Tensor("b", Datatype.FP32, new long[] {1, 3}, new float[] {4, 5, 6});

      List<Tensor> answer = model.infer(List.of(a, b), List.of("product", "sum"));

      assertThat((float[]) answer.get(0).data()).containsExactly(4, 10, 18);
      assertThat((float[]) answer.get(1).data()).containsExactly(5, 7, 9);
      assertThat(model.inputs()).extracting(TensorSpec::name).containsExactly("a", "b");
      assertThat(model.rows()).isEmpty();
    }
  }

  @Test
  void everyDatatype_passesThroughUnchanged() {
    try (OnnxModel model = load("datatypes")) {
      List<Tensor> inputs = OnnxFixtures.datatypeSamples();
      List<String> outputs = model.outputs().stream().map(TensorSpec::name).toList();

      List<Tensor> answer = model.infer(inputs, outputs);

      for (int i = 0; i < inputs.size(); i++) {
        Tensor in = inputs.get(i);
        assertThat(answer.get(i)).as(outputs.get(i)).isEqualTo(in.named(outputs.get(i)));
      }
      assertThat(model.inputs()).extracting(TensorSpec::datatype).containsExactly(Datatype.FP32, Datatype.FP64,
          Datatype.FP16, Datatype.INT8, Datatype.INT16, Datatype.INT32, Datatype.INT64, Datatype.UINT8, Datatype.BOOL,
          Datatype.BYTES);
    }
  }

  @Test
  void stringInput_categoryMapper_mapsText_andRefusesBytesThatAreNotUtf8() {
    try (OnnxModel model = load("strings")) {
      Tensor colors = Tensor.ofStrings("color", new long[] {3}, new String[] {"blue", "red", "purple"});

      assertThat((long[]) model.infer(List.of(colors), List.of("code")).get(0).data()).containsExactly(2, 0, -1);

      Tensor latin1 = new Tensor("color", Datatype.BYTES, new long[] {2},
          new byte[][] {"red".getBytes(StandardCharsets.UTF_8), {(byte) 0xe9}});
      assertThatThrownBy(() -> model.infer(List.of(latin1), List.of("code")))
          .isInstanceOf(InferenceException.class)
          .hasMessage("input \"color\": element 1 is not UTF-8 text; the model's string tensors hold text");
    }
  }

  @Test
  void closed_laterCallsAreUnavailable_andTheSessionIsFreed() {
    OnnxModel model = load("network");
    Tensor x = new Tensor("x", Datatype.FP32, new long[] {1, 4}, new float[4]);
    model.infer(List.of(x), List.of("logits"));

    model.close();

    assertThat(model.sessionClosed()).isTrue();
    assertThatThrownBy(() -> model.infer(List.of(x), List.of("logits")))
        .isInstanceOf(InferenceException.class)
        .hasMessage("version 1 of model network is no longer served; retry to get the version served now")
        .extracting(e -> ((InferenceException) e).kind()).isEqualTo(InferenceException.Kind.UNAVAILABLE);
    model.close(); // twice is harmless
  }

  @Test
  void card_saysWhatTheGraphAndTheFileSay() throws Exception {
    try (OnnxModel model = load("classifier_linear")) {
      OnnxCard card = model.card();

      assertThat(card.platform()).isEqualTo("onnxruntime_onnx");
      assertThat(card.description()).isEqualTo("StandardScaler + LogisticRegression on Iris");
      assertThat(card.producer().name()).isEqualTo("mlapi scripts/onnx_fixtures.py");
      assertThat(card.producer().graph()).isEqualTo("classifier_linear");
      assertThat(card.file().name()).isEqualTo("model.onnx");
      assertThat(card.file().bytes()).isEqualTo(OnnxFixtures.bytes("classifier_linear").length);
      assertThat(card.file().sha256()).isEqualTo(java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(OnnxFixtures.bytes("classifier_linear"))));
      assertThat(card.session().intraOpThreads()).isEqualTo(1);
      assertThat(card.session().graphOptimization()).isEqualTo("all");
      assertThat(card.check()).isEqualTo(new OnnxCard.Check("generated", 1, List.of()));
      assertThat(model.score()).isEmpty();
      assertThat(model.sampleRows()).isEmpty();
    }
  }

  @Test
  void refused_outputsMlapiCannotAnswer_andTypesTheJavaApiCannotPass() {
    assertThatThrownBy(() -> load("sequence_output"))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageEndingWith("model.onnx: output pieces is a sequence of FLOAT tensors; mlapi answers tensors, and "
            + "sequences of maps of class to probability (scikit-learn's ZipMap) as FP32 tensors");
    assertThatThrownBy(() -> load("uint32_input"))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageEndingWith("model.onnx: input x is a tensor of uint32, which ONNX Runtime's Java API cannot pass; "
            + "mlapi serves FP32, FP64, FP16, INT8, INT16, INT32, INT64, UINT8, BOOL and string (BYTES) tensors");
  }

  @Test
  void refused_brokenFiles_namingFileAndReason() {
    assertThatThrownBy(() -> load("broken_truncated"))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("broken-truncated/1/model.onnx: ONNX Runtime cannot load it: ")
        .hasMessageContaining("Protobuf parsing failed");
    assertThatThrownBy(() -> load("broken_garbage"))
        .hasMessageContaining("ONNX Runtime cannot load it: ").hasMessageContaining("Protobuf parsing failed");
    assertThatThrownBy(() -> load("broken_unsupported_op"))
        .hasMessageContaining("ONNX Runtime cannot load it: ").hasMessageContaining("NoSuchOperator");
    assertThatThrownBy(() -> load("broken_external_data"))
        .hasMessageContaining("ONNX Runtime cannot load it: ")
        .hasMessageContaining("External data path escapes model directory");
  }

  @Test
  void refused_missingTooLargeOrNotAFile() throws Exception {
    Path empty = Files.createDirectories(repository.resolve("empty/1"));
    assertThatThrownBy(() -> loader.load(empty, "empty", 1))
        .isInstanceOf(ModelFormatException.class).hasMessage(empty.resolve("model.onnx") + " is missing");

    Path dir = Files.createDirectories(repository.resolve("folder/1/model.onnx")).getParent();
    assertThatThrownBy(() -> loader.load(dir, "folder", 1))
        .hasMessage(dir.resolve("model.onnx") + " is not a regular file");

    Path network = OnnxFixtures.publish(repository, "network", 1, "network");
    OnnxLoader small = new OnnxLoader(new OnnxSettings(1, OnnxSettings.GraphOptimization.ALL, 100));
    assertThatThrownBy(() -> small.load(network, "network", 1))
        .hasMessage(network.resolve("model.onnx") + " has " + OnnxFixtures.bytes("network").length
            + " bytes, more than the limit of 100 (--onnx-max-model-bytes)");
  }
}
