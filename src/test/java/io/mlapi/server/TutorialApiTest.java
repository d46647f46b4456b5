package io.mlapi.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.Http;
import io.mlapi.ModelFixtures;
import io.mlapi.data.DatasetReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** The tutorial's {@code /score} and the core's {@code /predict}, on the default model. */
class TutorialApiTest {
  @TempDir
  static Path root;
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() {
    ModelFixtures.publish(root, "iris", 3, true);
    server = new TestServer(root, ServerConfig.onPort(0));
    http = server.http;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void score_tutorialSplit_matchesScikitLearn() {
    for (Http.Response response : List.of(http.get("/score"), http.post("/score", ""))) {
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("Content-Type")).startsWith("application/json");
      assertThat(response.body()).isEqualTo("{\"score\":0.7}");
    }
  }

  @Test
  void predict_all150IrisRows_matchScikitLearnsPredictions() throws IOException {
    JsonNode expected;
    try (InputStream in = getClass().getResourceAsStream("/sklearn/reference.json")) {
      expected = Http.JSON.readTree(in).get("tutorial").get("predictions");
    }
    String rows = Arrays.stream(DatasetReader.iris().features()).map(Arrays::toString)
        .collect(Collectors.joining(",", "{\"instances\":[", "]}"));

    Http.Response response = http.post("/predict", rows);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("predictions")).hasSize(150).isEqualTo(expected);
  }

  @Test
  void predict_listsOrNamedFeatures_givesLabelsModelAndVersion() {
    JsonNode answer = http.post("/predict", "{\"instances\": [[5.1, 3.5, 1.4, 0.2], {\"petal_width\": 1.4, "
        + "\"petal_length\": 4.8, \"sepal_width\": 2.8, \"sepal_length\": 6.8}]}").json();

    assertThat(answer.path("predictions")).extracting(JsonNode::asText).containsExactly("setosa", "versicolor");
    assertThat(answer.path("model").asText()).isEqualTo("iris");
    assertThat(answer.path("version").asText()).isEqualTo("3");
    assertThat(answer.has("probabilities")).isFalse();
  }

  @Test
  void predict_withProbabilities_perClassSummingToOne() {
    JsonNode answer = http.post("/predict", "{\"instances\": [[6.8, 2.8, 4.8, 1.4]], \"probabilities\": true}").json();

    JsonNode row = answer.path("probabilities").get(0);
    assertThat(row.fieldNames()).toIterable().containsExactly("setosa", "versicolor", "virginica");
    assertThat(row.path("setosa").asDouble() + row.path("versicolor").asDouble() + row.path("virginica").asDouble())
        .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      not JSON                         | {"instances": [1,2 | malformed JSON at line 1, column 19: Unexpected end-of-input: expected close marker for Array
      trailing text                    | {"instances": [[1,2,3,4]]} x | malformed JSON at line 1, column 28: Unrecognized token 'x'
      null value                       | {"instances": [[1, 2, null, 4]]} | instances[0][2] must be a number, got null
      minus infinity                   | {"instances": [[1, -Infinity, 3, 4]]} | row 0, feature sepal_width: -Infinity is not a finite number
      too large for a double           | {"instances": [[1, 2, 3, 1e999]]} | row 0, feature petal_width: Infinity is not a finite number
      a row that is a number           | {"instances": [7]} | instances[0] must be a list of numbers or an object of feature name to number, got the number 7
      not an object                    | [1, 2, 3]          | the request body must be a JSON object
      empty body                       |                    | the request body is empty; send a JSON object
      no instances                     | {"rows": []}       | the body needs "instances": a list of rows
      zero rows                        | {"instances": []}  | no rows: send at least one row
      wrong feature count              | {"instances": [[1, 2, 3]]} | row 0 has 3 values, but model iris takes 4 features
      a string value                   | {"instances": [[1, 2, 3, "x"]]} | instances[0][3] must be a number, got the string "x"
      NaN                              | {"instances": [[1, 2, 3, NaN]]} | row 0, feature petal_width: NaN is not a finite number
      a row that is neither            | {"instances": [true]} | instances[0] must be a list of numbers or an object of feature name to number, got true
      unknown feature                  | {"instances": [{"sepal_length": 1, "sepal_width": 1, "petal_length": 1, "petal_width": 1, "colour": 2}]} | row 0: unknown feature "colour"
      missing feature                  | {"instances": [{"sepal_length": 1}]} | row 0: feature "sepal_width" is missing
      probabilities not a boolean      | {"instances": [[1, 2, 3, 4]], "probabilities": "yes"} | "probabilities" must be true or false, got the string "yes"
      a key given twice                | {"instances": [[1, 2, 3, 4]], "instances": [[9, 9, 9, 9]]} | malformed JSON at line 1, column 42: Duplicate field 'instances'
      a feature given twice            | {"instances": [{"sepal_length": 1, "sepal_length": 2}]} | malformed JSON at line 1, column 50: Duplicate field 'sepal_length'
      """)
  void predict_badInput_is400WithTheReason(String what, String body, String error) {
    Http.Response response = http.post("/predict", body == null ? "" : body);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.error()).startsWith(error);
  }
}
