package io.mlapi.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlapi.model.ModelFormatException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading with a model.json: its test rows are the check run, its expectations must hold, its names must fit. */
class OnnxLoaderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> IRIS_FEATURES = List.of("sepal_length", "sepal_width", "petal_length",
      "petal_width");

  @TempDir
  Path repository;

  private final OnnxLoader loader = new OnnxLoader(OnnxSettings.defaults());

  private OnnxModel load(String fixture, String card) {
    return loader.load(OnnxFixtures.publish(repository, "m", 1, OnnxFixtures.bytes(fixture), card), "m", 1);
  }

  /** A card with the first rows of the fixture and scikit-learn's answers for them. */
  private static ObjectNode svmCard(int rows) {
    JsonNode expected = OnnxFixtures.expected("classifier_svm");
    ObjectNode card = JSON.createObjectNode();
    card.put("description", "Iris species");
    card.set("features", JSON.valueToTree(IRIS_FEATURES));
    ArrayNode testRows = card.putArray("testRows");
    ArrayNode labels = JSON.createArrayNode();
    ArrayNode probabilities = JSON.createArrayNode();
    for (int r = 0; r < rows; r++) {
      testRows.add(expected.get("rows").get(r * 50).deepCopy());
      labels.add(expected.get("labels").get(r * 50).deepCopy());
      probabilities.add(expected.get("probabilities").get(r * 50).deepCopy());
    }
    ObjectNode outputs = card.putObject("expected");
    outputs.set("output_label", labels);
    outputs.set("output_probability", probabilities);
    return card;
  }

  @Test
  void card_testRowsAreTheCheck_expectedAnswersMatch_namesAndDescriptionShown() {
    try (OnnxModel model = load("classifier_svm", svmCard(3).toString())) {
      assertThat(model.card().check())
          .isEqualTo(new OnnxCard.Check("testRows", 3, List.of("output_label", "output_probability")));
      assertThat(model.card().description()).isEqualTo("Iris species");
      assertThat(model.card().features()).containsExactlyElementsOf(IRIS_FEATURES);
      assertThat(model.rows().orElseThrow().features()).containsExactlyElementsOf(IRIS_FEATURES);
      assertThat(model.sampleRows()).hasNumberOfRows(3);
    }
  }

  @Test
  void card_expectingOtherAnswers_isRefused() {
    ObjectNode card = svmCard(3);
    ((ArrayNode) card.get("expected").get("output_label")).set(1, "setosa");

    assertThatThrownBy(() -> load("classifier_svm", card.toString()))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageEndingWith("model.onnx: the model answers \"versicolor\" for element 1 of output output_label, "
            + "but model.json's expected.output_label says \"setosa\" (tolerance 1.0E-5)");

    ObjectNode probabilities = svmCard(3);
    ((ArrayNode) probabilities.get("expected").get("output_probability").get(0)).set(0, 0.5);
    assertThatThrownBy(() -> load("classifier_svm", probabilities.toString()))
        .hasMessageContaining("for element 0 of output output_probability, but model.json's "
            + "expected.output_probability says 0.5");

    ObjectNode unknown = svmCard(1);
    ((ObjectNode) unknown.get("expected")).putArray("nope").add(1);
    assertThatThrownBy(() -> load("classifier_svm", unknown.toString()))
        .hasMessageEndingWith("model.json expects values of output \"nope\", which the model does not have; its "
            + "outputs are output_label, output_probability");

    ObjectNode count = svmCard(2);
    ((ArrayNode) count.get("expected").get("output_label")).add("setosa");
    assertThatThrownBy(() -> load("classifier_svm", count.toString()))
        .hasMessageEndingWith("model.json's expected.output_label has 3 values, but the model answers 2 (shape [2]) "
            + "for the test rows");
  }

  @Test
  void card_namesThatDoNotFitTheGraph_areRefused() {
    assertThatThrownBy(() -> load("classifier_svm", "{\"features\": [\"a\", \"b\"]}"))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageEndingWith("model.onnx: the model takes 4 features per row, but 2 names are given");
    assertThatThrownBy(() -> load("classifier_svm", "{\"testRows\": [[1, 2]]}"))
        .hasMessageEndingWith("model.onnx: model.json's testRows have 2 values, but the model takes 4 per row");
    assertThatThrownBy(() -> load("classifier_svm", "{\"classes\": [\"a\", \"b\", \"c\"]}"))
        .hasMessageEndingWith("model.onnx: the classes given ([a, b, c]) are not the ZipMap's "
            + "([setosa, versicolor, virginica])");
    assertThatThrownBy(() -> load("two_inputs", "{\"testRows\": [[1, 2, 3]]}"))
        .hasMessageEndingWith("model.onnx: model.json gives testRows, but the model takes no rows: that needs one FP32 "
            + "or FP64 input of shape [rows, features]; its inputs are a FP32 [-1, 3], b FP32 [-1, 3]");
  }

  @Test
  void card_classesNameTheColumnsOfAProbabilityTensor() {
    try (OnnxModel model = load("network", "{\"classes\": [\"a\", \"b\", \"c\"]}")) {
      assertThat(model.card().classes()).containsExactly("a", "b", "c");
      assertThat(model.rows()).as("no label output: no rows even with classes").isEmpty();
    }
  }

  /** {@code y = Identity(x)} with {@code x} FLOAT of {@code dimensions}, and the given metadata_props. */
  private static byte[] identity(Map<String, String> metadata, long... dimensions) {
    return identity("", metadata, dimensions);
  }

  /** As {@link #identity(Map, long...)}, with the model's {@code doc_string}. */
  private static byte[] identity(String doc, Map<String, String> metadata, long... dimensions) {
    ProtoWriter graph = OnnxGraph.graph("identity", "", List.of(OnnxGraph.node("Identity", "", "identity",
        List.of("x"), List.of("y"), List.of())), List.of(OnnxGraph.tensor("x", OnnxGraph.FLOAT, dimensions)),
        List.of(OnnxGraph.tensor("y", OnnxGraph.FLOAT, dimensions)), List.of());
    return OnnxGraph.model(graph, Map.of("", 15), "tests", "1", 1, doc, metadata);
  }

  @Test
  void exportMetadata_namesTheRowsColumns_andIsCheckedLikeEverythingInTheFile() {
    byte[] named = identity(Map.of("mlapi.features", "[\"a\",\"b\"]"), -1, 2);
    try (OnnxModel model = loader.load(OnnxFixtures.publish(repository, "named", 1, named, null), "named", 1)) {
      assertThat(model.card().features()).containsExactly("a", "b");
    }

    byte[] invalid = identity(Map.of("mlapi.features", "[1, 2]"), -1, 2);
    assertThatThrownBy(() -> loader.load(OnnxFixtures.publish(repository, "invalid", 1, invalid, null), "invalid", 1))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageEndingWith("model.onnx: its metadata mlapi.features must be a JSON list of distinct, non-empty "
            + "names of at most 256 characters");
  }

  @Test
  void docString_isTheDescription_cutAsModelJsonsIs() {
    byte[] described = identity("adds nothing", Map.of(), -1, 2);
    try (OnnxModel model = loader.load(OnnxFixtures.publish(repository, "short", 1, described, null), "short", 1)) {
      assertThat(model.card().description()).isEqualTo("adds nothing");
    }

    byte[] verbose = identity("x".repeat(1_000_000), Map.of(), -1, 2);
    try (OnnxModel model = loader.load(OnnxFixtures.publish(repository, "long", 1, verbose, null), "long", 1)) {
      assertThat(model.card().description()).hasSize(4096).startsWith("xxx").endsWith("x...");
    }
  }

  @Test
  void hugeFixedInput_isRefusedRatherThanGenerated() {
    byte[] huge = identity(Map.of(), 1, 20_000_000);

    assertThatThrownBy(() -> loader.load(OnnxFixtures.publish(repository, "huge", 1, huge, null), "huge", 1))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageEndingWith("model.onnx: input x has shape [1, 20000000]: more than the 16777216 elements mlapi "
            + "generates to check a model");
  }

  @Test
  void card_invalid_isRefusedNamingTheFile() {
    assertThatThrownBy(() -> load("network", "{\"descripton\": \"typo\"}"))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("m/1/model.json: unknown field \"descripton\"");
  }
}
