package io.mlapi.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.Http;
import io.mlapi.ModelFixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KServe's V1 data plane, as its clients call it. */
class KServeV1ApiTest {
  @TempDir
  static Path root;
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() {
    ModelFixtures.publish(root, "sklearn-iris", 1, false);
    ModelFixtures.publish(root, "iris", 1, false);
    server = new TestServer(root, ServerConfig.onPort(0));
    http = server.http;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void models_listsEveryModel() {
    assertThat(http.get("/v1/models").json().path("models")).extracting(n -> n.asText())
        .containsExactly("iris", "sklearn-iris");
  }

  @Test
  void model_isNameAndReady() {
    Http.Response response = http.get("/v1/models/sklearn-iris");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"name\":\"sklearn-iris\",\"ready\":true}");
  }

  @Test
  void predict_kserveIrisExample_classIndexOneForBoth() {
    Http.Response response = http.post("/v1/models/sklearn-iris:predict",
        "{\"instances\": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"predictions\":[1,1]}");
  }

  @Test
  void predict_namedFeatures_sameCoreAsPredict() {
    assertThat(http.post("/v1/models/iris:predict", "{\"instances\": [{\"sepal_length\": 5.1, \"sepal_width\": 3.5, "
        + "\"petal_length\": 1.4, \"petal_width\": 0.2}]}").body()).isEqualTo("{\"predictions\":[0]}");
  }

  @Test
  void predict_badRows_giveTheCoresError() {
    Http.Response response = http.post("/v1/models/iris:predict", "{\"instances\": [[1, 2, 3]]}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.error()).isEqualTo("row 0 has 3 values, but model iris takes 4 features: sepal_length, "
        + "sepal_width, petal_length, petal_width");
  }

  @Test
  void unknownModel_is404() {
    assertThat(http.get("/v1/models/nope").status()).isEqualTo(404);
    Http.Response predict = http.post("/v1/models/nope:predict", "{\"instances\": [[1, 2, 3, 4]]}");
    assertThat(predict.status()).isEqualTo(404);
    assertThat(predict.error()).isEqualTo("no model named \"nope\"; the models are iris, sklearn-iris");
  }

  @Test
  void verbs_wrongMethodIs405_unknownVerbIs404() {
    Http.Response get = http.get("/v1/models/iris:predict");
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.header("Allow")).isEqualTo("POST");

    Http.Response post = http.post("/v1/models/iris", "{}");
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.header("Allow")).isEqualTo("GET, HEAD");

    assertThat(http.post("/v1/models/iris:nope", "{}").status()).isEqualTo(404);
  }

  @Test
  void explain_is501WithAJsonError_afterTheModelIsFound() {
    Http.Response explain = http.post("/v1/models/iris:explain", "{\"instances\": [[1, 2, 3, 4]]}");
    assertThat(explain.status()).isEqualTo(501);
    assertThat(explain.error()).isEqualTo("model iris has no explainer: mlapi serves predictions only "
        + "(POST /v1/models/iris:predict)");
    assertThat(http.post("/v1/models/nope:explain", "{}").status()).isEqualTo(404);
  }

  @Test
  void predict_inputsAsWellAsInstances_butNotBoth() {
    Http.Response inputs = http.post("/v1/models/sklearn-iris:predict",
        "{\"inputs\": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}");
    assertThat(inputs.status()).as(inputs.toString()).isEqualTo(200);
    assertThat(inputs.json().path("predictions").toString()).isEqualTo("[1,1]");

    Http.Response named = http.post("/v1/models/iris:predict", "{\"inputs\": [{\"sepal_length\": 1}]}");
    assertThat(named.error()).startsWith("row 0: feature \"sepal_width\" is missing");
    Http.Response bad = http.post("/v1/models/iris:predict", "{\"inputs\": [[1, 2, \"x\", 4]]}");
    assertThat(bad.error()).isEqualTo("inputs[0][2] must be a number, got the string \"x\"");

    Http.Response both = http.post("/v1/models/iris:predict", "{\"instances\": [[1, 2, 3, 4]], \"inputs\": [[1, 2, 3, 4]]}");
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.error()).isEqualTo("the body has both \"instances\" and \"inputs\"; send the rows in one of them");
  }
}
