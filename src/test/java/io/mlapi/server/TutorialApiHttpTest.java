package io.mlapi.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.data.DatasetReader;
import io.mlapi.data.Split;
import io.mlapi.model.Model;
import io.mlapi.model.ModelTrainer;
import io.mlapi.repository.ServedModels;
import io.mlapi.svm.SvcParameters;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tutorial API over real HTTP, as the benchmarks call it: {@code /score}, {@code /predict} with
 * one and many rows, and the errors every bad request gets.
 */
class TutorialApiHttpTest {
  private static final Model IRIS = new ModelTrainer(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC))
      .train(DatasetReader.iris(), Split.tutorial(150, 0.2), SvcParameters.scikitLearnDefaults(), "iris", 1);
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private static ServedModels models;
  private static MlapiServer server;

  @BeforeAll
  static void start() {
    models = new ServedModels();
    ServerConfig config = new ServerConfig("127.0.0.1", 0, 4_000, 100);
    server = MlapiServer.start(config, new InferenceService(models, config.maxRows()));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  record Answer(int status, JsonNode body, HttpResponse<String> response) {}

  private static Answer call(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json")
        .build();
    HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), JsonBodies.MAPPER.readTree(response.body()), response);
  }

  private static String error(String method, String path, String body, int status) throws Exception {
    Answer answer = call(method, path, body);
    assertThat(answer.status()).as(answer.response().body()).isEqualTo(status);
    assertThat(answer.response().headers().firstValue("Content-Type")).hasValue("application/json");
    return answer.body().get("error").asText();
  }

  @Test
  void readiness_followsTheModel_andLivenessAlwaysAnswers() throws Exception {
    ServedModels none = new ServedModels();
    try (MlapiServer empty = MlapiServer.start(ServerConfig.onPort(0), new InferenceService(none, 10))) {
      HttpResponse<String> ready = CLIENT.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + empty.port() + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> score = CLIENT.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + empty.port() + "/score")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(score.statusCode()).isEqualTo(503);
      assertThat(score.body()).contains("no model is loaded yet");
    }
    models.publish(IRIS);
    assertThat(call("GET", "/readyz", null).body().get("status").asText()).isEqualTo("ready");
    assertThat(call("GET", "/healthz", null).body().get("status").asText()).isEqualTo("alive");
  }

  @Test
  void score_getOrPost_isTheTutorialsAccuracy() throws Exception {
    models.publish(IRIS);
    for (String method : new String[] {"GET", "POST"}) {
      Answer answer = call(method, "/score", null);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.response().body()).isEqualTo("{\"score\":0.7}");
      assertThat(answer.response().headers().firstValue("Cache-Control")).hasValue("no-store");
    }
  }

  @Test
  void predict_oneRowAndManyRows_asListsOrNamedObjects() throws Exception {
    models.publish(IRIS);
    Answer one = call("POST", "/predict", "{\"instances\": [[5.1, 3.5, 1.4, 0.2]]}");
    assertThat(one.response().body()).isEqualTo("{\"predictions\":[\"setosa\"],\"model\":\"iris\",\"version\":\"1\"}");

    String hundred = "{\"instances\": [" + String.join(",", Collections.nCopies(100, "[6.9, 3.2, 5.7, 2.3]")) + "]}";
    Answer many = call("POST", "/predict", hundred);
    assertThat(many.status()).isEqualTo(200);
    assertThat(many.body().get("predictions")).hasSize(100).allMatch(label -> label.asText().equals("virginica"));

    Answer named = call("POST", "/predict", "{\"instances\": [{\"petal_width\": 0.2, \"sepal_length\": 5.1, "
        + "\"petal_length\": 1.4, \"sepal_width\": 3.5}]}");
    assertThat(named.body().get("predictions").get(0).asText()).isEqualTo("setosa");
  }

  @Test
  void badRequests_getAClearJsonError() throws Exception {
    models.publish(IRIS);
    assertThat(error("POST", "/predict", "", 400)).isEqualTo("the request body is empty; send a JSON object");
    assertThat(error("POST", "/predict", "{\"instances\": [", 400)).startsWith("malformed JSON: ");
    assertThat(error("POST", "/predict", "[1]", 400)).isEqualTo("the request body must be a JSON object");
    assertThat(error("POST", "/predict", "{}", 400)).startsWith("the body needs \"instances\"");
    assertThat(error("POST", "/predict", "{\"instances\": []}", 400)).isEqualTo("no instances: send at least one row");
    assertThat(error("POST", "/predict", "{\"instances\": [[1, 2, 3]]}", 400))
        .isEqualTo("row 0 has 3 values, but model iris takes 4 features: sepal_length, sepal_width, petal_length, petal_width");
    assertThat(error("POST", "/predict", "{\"instances\": [[1, 2, 3, NaN]]}", 400))
        .isEqualTo("row 0, feature petal_width: NaN is not a finite number");
    assertThat(error("POST", "/predict", "{\"instances\": [[1, 2, 3, \"4\"]]}", 400))
        .isEqualTo("instances[0][3] must be a number, got the string \"4\"");
    assertThat(error("POST", "/predict", "{\"instances\": [7]}", 400))
        .isEqualTo("instances[0] must be a list of numbers or an object of feature name to number, got number");
    assertThat(error("POST", "/predict", "{\"instances\": [{\"petal\": 1}]}", 400))
        .startsWith("row 0: unknown feature \"petal\"");
    assertThat(error("POST", "/predict", "{\"instances\": [{\"sepal_length\": 1}]}", 400))
        .startsWith("row 0: feature \"sepal_width\" is missing");
    assertThat(error("POST", "/predict", "{\"instances\": [[1, 2, 3, 4]], \"probabilities\": \"yes\"}", 400))
        .isEqualTo("\"probabilities\" must be true or false, got the string \"yes\"");
    assertThat(error("POST", "/predict", "{\"instances\": [[1, 2, 3, 4]], \"probabilities\": true}", 400))
        .startsWith("model iris version 1 was trained without probability estimates");
    String tooMany = "{\"instances\": [" + String.join(",", Collections.nCopies(101, "[1]")) + "]}";
    assertThat(error("POST", "/predict", tooMany, 400)).isEqualTo("101 rows is more than the limit of 100 per request");
    assertThat(error("POST", "/predict", "{\"instances\": [[" + "1,".repeat(2_500) + "1]]}", 413))
        .startsWith("the request body is larger than the limit of 4000 bytes");
    assertThat(error("GET", "/nowhere", null, 404)).isEqualTo("no such endpoint: GET /nowhere");
    assertThat(error("GET", "/predict", null, 405)).isEqualTo("GET is not allowed on /predict; use POST");
    assertThat(call("DELETE", "/score", null).response().headers().firstValue("Allow")).hasValue("GET, POST");
  }
}
