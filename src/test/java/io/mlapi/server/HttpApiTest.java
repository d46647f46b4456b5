package io.mlapi.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlapi.data.DatasetReader;
import io.mlapi.model.Model;
import io.mlapi.model.TestModels;
import io.mlapi.repository.ServedModels;
import io.mlapi.svm.SvcParameters;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The tutorial API over real HTTP, against the tutorial's model. */
class HttpApiTest {
  private static RunningServer server;

  @BeforeAll
  static void start() {
    ServedModels models = new ServedModels();
    models.publish(TestModels.tutorial(1));
    server = RunningServer.start(models);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String rows(double[][] rows) {
    return Arrays.stream(rows).map(Arrays::toString).collect(Collectors.joining(",", "{\"instances\":[", "]}"));
  }

  @Test
  void score_tutorialSplit_matchesScikitLearn() {
    for (String method : List.of("GET", "POST")) {
      RunningServer.Response response = server.send(method, "/score", null);

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.contentType()).startsWith("application/json");
      assertThat(response.body()).isEqualTo("{\"score\":0.7}");
    }
  }

  @Test
  void predict_all150IrisRows_matchScikitLearnsPredictions() throws IOException {
    JsonNode expected;
    try (InputStream in = getClass().getResourceAsStream("/sklearn/reference.json")) {
      expected = new ObjectMapper().readTree(in).get("tutorial").get("predictions");
    }

    RunningServer.Response response = server.post("/predict", rows(DatasetReader.iris().features()));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("predictions")).isEqualTo(expected);
    assertThat(response.json().get("model").asText()).isEqualTo("iris");
    assertThat(response.json().get("version").asText()).isEqualTo("1");
  }

  @Test
  void predict_namedFeaturesInAnyOrder_answerLikePositionalRows() {
    RunningServer.Response named = server.post("/predict", """
        {"instances": [{"petal_width": 0.2, "petal_length": 1.4, "sepal_width": 3.5, "sepal_length": 5.1},
                       {"sepal_length": 6.8, "sepal_width": 2.8, "petal_length": 4.8, "petal_width": 1.4}]}""");
    RunningServer.Response positional = server.post("/predict", "{\"instances\": [[5.1,3.5,1.4,0.2],[6.8,2.8,4.8,1.4]]}");

    assertThat(named.status()).isEqualTo(200);
    assertThat(named.json().get("predictions")).isEqualTo(positional.json().get("predictions"));
    assertThat(named.json().get("predictions").get(0).asText()).isEqualTo("setosa");
    assertThat(named.json().get("predictions").get(1).asText()).isEqualTo("versicolor");
  }

  @Test
  void healthz_isAlive() {
    RunningServer.Response response = server.get("/healthz");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("status").asText()).isEqualTo("alive");
  }

  @Test
  void readyz_modelLoaded_isReady() {
    assertThat(server.get("/readyz").status()).isEqualTo(200);
  }

  static Stream<Arguments> badRequests() {
    String features = "sepal_length, sepal_width, petal_length, petal_width";
    return Stream.of(
        Arguments.of("POST", "/predict", "{\"instances\": [[1,2,3", 400,
            "malformed JSON at line 1, column 22: Unexpected end-of-input: expected close marker for Array"),
        Arguments.of("POST", "/predict", "{\"instances\": [[1,2,3,4]]} trailing", 400,
            "malformed JSON at line 1, column 28: Unrecognized token 'trailing': was expecting (JSON String, Number "
                + "(or 'NaN'/'+INF'/'-INF'), Array, Object or token 'null', 'true' or 'false')"),
        Arguments.of("POST", "/predict", "", 400, "the request body is empty; send a JSON object"),
        Arguments.of("POST", "/predict", "[1,2]", 400, "the request body must be a JSON object"),
        Arguments.of("POST", "/predict", "{}", 400, "the body needs \"instances\": a list of rows, each a list of "
            + "numbers or an object of feature name to number"),
        Arguments.of("POST", "/predict", "{\"instances\": []}", 400, "no instances: send at least one row"),
        Arguments.of("POST", "/predict", "{\"instances\": [[1,2,3]]}", 400,
            "row 0 has 3 values, but model iris takes 4 features: " + features),
        Arguments.of("POST", "/predict", "{\"instances\": [[1,2,3,4],[1,2,3,4,5]]}", 400,
            "row 1 has 5 values, but model iris takes 4 features: " + features),
        Arguments.of("POST", "/predict", "{\"instances\": [[1,2,3,\"4\"]]}", 400,
            "instances[0][3] must be a number, got the string \"4\""),
        Arguments.of("POST", "/predict", "{\"instances\": [[1,2,null,4]]}", 400,
            "instances[0][2] must be a number, got null"),
        Arguments.of("POST", "/predict", "{\"instances\": [[1,2,3,NaN]]}", 400,
            "row 0, feature petal_width: NaN is not a finite number"),
        Arguments.of("POST", "/predict", "{\"instances\": [[1,-Infinity,3,4]]}", 400,
            "row 0, feature sepal_width: -Infinity is not a finite number"),
        Arguments.of("POST", "/predict", "{\"instances\": [[1,2,3,1e999]]}", 400,
            "row 0, feature petal_width: Infinity is not a finite number"),
        Arguments.of("POST", "/predict", "{\"instances\": [{\"sepal_length\":1,\"sepal_width\":2,\"petal_length\":3,"
            + "\"petal_widht\":4}]}", 400, "row 0: unknown feature \"petal_widht\"; model iris takes " + features),
        Arguments.of("POST", "/predict", "{\"instances\": [{\"sepal_length\":1}]}", 400,
            "row 0: feature \"sepal_width\" is missing; model iris takes " + features),
        Arguments.of("POST", "/predict", "{\"instances\": [7]}", 400,
            "instances[0] must be a list of numbers or an object of feature name to number, got number"),
        Arguments.of("POST", "/predict", "{\"instances\": [[1,2,3,4]], \"probabilities\": \"yes\"}", 400,
            "\"probabilities\" must be true or false, got the string \"yes\""),
        Arguments.of("POST", "/predict", "{\"instances\": [[1,2,3,4]], \"probabilities\": true}", 400,
            "model iris version 1 was trained without probability estimates; train it with --probability to get them"),
        Arguments.of("GET", "/nowhere", null, 404, "no such endpoint: GET /nowhere"),
        Arguments.of("GET", "/predict", null, 405, "GET is not allowed on /predict; use POST"),
        Arguments.of("DELETE", "/score", null, 405, "DELETE is not allowed on /score; use GET, POST"),
        Arguments.of("POST", "/healthz", "{}", 405, "POST is not allowed on /healthz; use GET"));
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @MethodSource("badRequests")
  void badRequest_getsItsStatusAndAJsonError(String method, String path, String body, int status, String error) {
    RunningServer.Response response = server.send(method, path, body);

    assertThat(response.status()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/json");
    assertThat(response.error()).isEqualTo(error);
  }

  @Test
  void methodNotAllowed_listsTheAllowedMethods() {
    assertThat(server.send("PUT", "/score", "{}").headers().firstValue("Allow")).hasValue("GET, POST");
  }

  @Test
  void bodyOverTheLimit_is413WithAJsonError() {
    ServedModels models = new ServedModels();
    models.publish(TestModels.tutorial(1));
    try (RunningServer small = RunningServer.start(models, new ServerConfig("127.0.0.1", 0, 100, 10))) {
      String body = "{\"instances\": [" + "[5.1,3.5,1.4,0.2],".repeat(20) + "[5.1,3.5,1.4,0.2]]}";

      RunningServer.Response response = small.post("/predict", body);

      assertThat(response.status()).isEqualTo(413);
      assertThat(response.error())
          .isEqualTo("the request body is larger than the limit of 100 bytes; send fewer rows per request or raise "
              + "--max-request-bytes");
      assertThat(small.post("/predict", "{\"instances\": [[5.1,3.5,1.4,0.2]]}").status()).isEqualTo(200);
    }
  }

  @Test
  void rowsOverTheLimit_areRefused() {
    ServedModels models = new ServedModels();
    models.publish(TestModels.tutorial(1));
    try (RunningServer small = RunningServer.start(models, new ServerConfig("127.0.0.1", 0, 1 << 20, 2))) {
      RunningServer.Response response = small.post("/predict", "{\"instances\": [[1,2,3,4],[1,2,3,4],[1,2,3,4]]}");

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.error()).isEqualTo("3 rows is more than the limit of 2 per request");
    }
  }

  @Test
  void beforeAModelLoads_notReady_andPredictionsAre503() {
    ServedModels models = new ServedModels();
    try (RunningServer empty = RunningServer.start(models)) {
      assertThat(empty.get("/healthz").status()).isEqualTo(200);
      assertThat(empty.get("/readyz").status()).isEqualTo(503);
      assertThat(empty.get("/readyz").error()).isEqualTo("not ready: no model is loaded yet");
      assertThat(empty.get("/score").status()).isEqualTo(503);
      assertThat(empty.post("/predict", "{\"instances\": [[1,2,3,4]]}").error())
          .isEqualTo("no model is loaded yet; retry when /readyz answers 200");

      models.publish(TestModels.tutorial(1));

      assertThat(empty.get("/readyz").status()).isEqualTo(200);
      assertThat(empty.get("/score").body()).isEqualTo("{\"score\":0.7}");
    }
  }

  @Test
  void predict_modelWithProbabilities_returnsOneProbabilityPerClass() {
    ServedModels models = new ServedModels();
    Model model = TestModels.tutorial(SvcParameters.scikitLearnDefaults().withProbability(true, 0), 3);
    models.publish(model);
    try (RunningServer probabilistic = RunningServer.start(models)) {
      RunningServer.Response response = probabilistic.post("/predict",
          "{\"instances\": [[5.1,3.5,1.4,0.2],[6.0,3.4,4.5,1.6]], \"probabilities\": true}");

      assertThat(response.status()).isEqualTo(200);
      JsonNode probabilities = response.json().get("probabilities");
      assertThat(probabilities).hasSize(2);
      List<String> classes = new ArrayList<>();
      probabilities.get(0).fieldNames().forEachRemaining(classes::add);
      assertThat(classes).containsExactly("setosa", "versicolor", "virginica");
      double sum = 0;
      for (JsonNode p : probabilities.get(0)) {
        sum += p.asDouble();
      }
      assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
      assertThat(probabilities.get(0).get("setosa").asDouble()).isGreaterThan(0.5);
      assertThat(response.json().get("version").asText()).isEqualTo("3");
    }
  }
}
