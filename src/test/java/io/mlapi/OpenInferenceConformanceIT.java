package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Open Inference Protocol V2 (KServe's required_api.md) and its model repository extension,
 * against the real {@code ./mlapi serve}: every endpoint, its success shape and each error code.
 *
 * <p>The repository: {@code iris} versions 1 (no probabilities), 2 (probabilities) and 3 (broken),
 * all served by policy; {@code sklearn-irisv2} for KServe's documented example; {@code spare} to unload.
 */
@Timeout(120)
class OpenInferenceConformanceIT {
  private static final String TOKEN = "s3cret";
  private static final String KSERVE_IRIS_EXAMPLE = """
      {
        "inputs": [
          {
            "name": "input-0",
            "shape": [2, 4],
            "datatype": "FP32",
            "data": [
              [6.8, 2.8, 4.8, 1.4],
              [6.0, 3.4, 4.5, 1.6]
            ]
          }
        ]
      }""";

  @TempDir
  static Path repository;
  private static MlapiProcess mlapi;
  private static Http http;

  @BeforeAll
  static void serve() {
    ModelFixtures.publish(repository, "iris", 1, false);
    Path v2 = ModelFixtures.publish(repository, "iris", 2, true);
    ModelFixtures.publishCorrupt(v2, repository.resolve("iris/3"), 3);
    ModelFixtures.publish(repository, "sklearn-irisv2", 1, false);
    ModelFixtures.publish(repository, "spare", 1, false);
    mlapi = MlapiProcess.start(Map.of(), "serve", "--port", "0", "--repository", repository.toString(),
        "--version-policy", "iris=all", "--default-model", "iris", "--admin-token", TOKEN, "--max-rows", "100",
        "--max-request-bytes", "65536", "--poll-interval", "0", "--drain-delay", "0s");
    http = mlapi.awaitReady(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    mlapi.terminate();
    assertThat(mlapi.waitFor(Duration.ofSeconds(30))).as(mlapi.toString()).isZero();
  }

  private static String infer(String shape, String datatype, String data) {
    return "{\"inputs\": [{\"name\": \"input-0\", \"shape\": " + shape + ", \"datatype\": \"" + datatype
        + "\", \"data\": " + data + "}]}";
  }

  private static String inferWithOutputs(String... outputs) {
    String requested = String.join(", ", java.util.Arrays.stream(outputs).map(o -> "{\"name\": \"" + o + "\"}").toList());
    return "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [2, 4], \"datatype\": \"FP64\", \"data\": "
        + "[6.8, 2.8, 4.8, 1.4, 5.1, 3.5, 1.4, 0.2]}], \"outputs\": [" + requested + "]}";
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  private static JsonNode output(JsonNode response, String name) {
    for (JsonNode output : response.path("outputs")) {
      if (output.path("name").asText().equals(name)) {
        return output;
      }
    }
    throw new AssertionError("no output " + name + " in " + response);
  }

  @Test
  void serverMetadata_nameVersionAndTheRepositoryExtension() {
    JsonNode metadata = http.get("/v2").json();

    assertThat(metadata.path("name").asText()).isEqualTo("mlapi");
    assertThat(metadata.path("version").asText()).isNotBlank();
    assertThat(texts(metadata.path("extensions"))).containsExactly("model_repository", "binary_tensor_data");
  }

  @Test
  void health_liveAndReady() {
    assertThat(http.get("/v2/health/live").body()).isEqualTo("{\"live\":true}");
    assertThat(http.get("/v2/health/ready").body()).isEqualTo("{\"ready\":true}");
    assertThat(http.get("/readyz").status()).isEqualTo(200);
  }

  @Test
  void modelMetadata_newestVersion_tensorsAndEveryVersionsState() {
    JsonNode metadata = http.get("/v2/models/iris").json();

    assertThat(metadata.path("name").asText()).isEqualTo("iris");
    assertThat(texts(metadata.path("versions"))).containsExactly("2", "1");
    assertThat(metadata.path("platform").asText()).isEqualTo("mlapi_libsvm");
    assertThat(metadata.path("inputs").toString())
        .isEqualTo("[{\"name\":\"input-0\",\"datatype\":\"FP64\",\"shape\":[-1,4]}]");
    assertThat(metadata.path("outputs").toString()).isEqualTo("[{\"name\":\"predict\",\"datatype\":\"INT64\","
        + "\"shape\":[-1]},{\"name\":\"label\",\"datatype\":\"BYTES\",\"shape\":[-1]},{\"name\":\"predict_proba\","
        + "\"datatype\":\"FP64\",\"shape\":[-1,3]},{\"name\":\"decision_function\",\"datatype\":\"FP64\","
        + "\"shape\":[-1,3]}]");
    JsonNode mlapiPart = metadata.path("mlapi");
    assertThat(mlapiPart.path("version").asText()).isEqualTo("2");
    assertThat(texts(mlapiPart.path("features")))
        .containsExactly("sepal_length", "sepal_width", "petal_length", "petal_width");
    assertThat(texts(mlapiPart.path("classes"))).containsExactly("setosa", "versicolor", "virginica");
    JsonNode broken = mlapiPart.path("versions").get(0);
    assertThat(broken.path("version").asText()).isEqualTo("3");
    assertThat(broken.path("state").asText()).isEqualTo("UNAVAILABLE");
    assertThat(broken.path("reason").asText()).contains("model.libsvm does not match its SHA-256");
  }

  @Test
  void modelMetadata_ofAVersion_describesThatVersion() {
    JsonNode metadata = http.get("/v2/models/iris/versions/1").json();

    assertThat(metadata.path("mlapi").path("version").asText()).isEqualTo("1");
    assertThat(metadata.path("outputs").findValuesAsText("name")).containsExactly("predict", "label",
        "decision_function"); // version 1 was trained without probabilities
  }

  @Test
  void modelReady_servedVersionsAre200_theBrokenOne503_unknownOnes404() {
    assertThat(http.get("/v2/models/iris/ready").body()).isEqualTo("{\"name\":\"iris\",\"ready\":true}");
    assertThat(http.get("/v2/models/iris/versions/1/ready").status()).isEqualTo(200);

    Http.Response broken = http.get("/v2/models/iris/versions/3/ready");
    assertThat(broken.status()).isEqualTo(503);
    assertThat(broken.error()).startsWith("version 3 of model iris is not served: ").contains("SHA-256");

    assertThat(http.get("/v2/models/iris/versions/9/ready").error())
        .isEqualTo("model iris has no version \"9\"; its versions are 3, 2, 1");
    assertThat(http.get("/v2/models/iris/versions/abc/ready").status()).isEqualTo(404);
    Http.Response unknown = http.get("/v2/models/nope/ready");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).isEqualTo("no model named \"nope\"; the models are iris, sklearn-irisv2, spare");
    assertThat(http.get("/v2/models/nope").status()).isEqualTo(404);
  }

  @Test
  void infer_kserveIrisExampleUnchanged_answersClassIndexOneForBoth() {
    Http.Response response = http.send(http.request("/v2/models/sklearn-irisv2/infer")
        .header("Content-Type", "application/json").header("X-Request-Id", "kserve-example")
        .POST(HttpRequest.BodyPublishers.ofString(KSERVE_IRIS_EXAMPLE)).build());

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"model_name\":\"sklearn-irisv2\",\"model_version\":\"1\","
        + "\"id\":\"kserve-example\",\"outputs\":[{\"name\":\"predict\",\"datatype\":\"INT64\",\"shape\":[2],"
        + "\"data\":[1,1]}]}");
  }

  @Test
  void infer_echoesTheRequestsId() {
    JsonNode answer = http.post("/v2/models/iris/infer", "{\"id\": \"42\", \"inputs\": [{\"name\": \"x\", "
        + "\"shape\": [1, 4], \"datatype\": \"FP64\", \"data\": [5.1, 3.5, 1.4, 0.2]}]}").json();

    assertThat(answer.path("id").asText()).isEqualTo("42");
    assertThat(answer.path("model_version").asText()).isEqualTo("2");
    assertThat(output(answer, "predict").path("data").toString()).isEqualTo("[0]");
  }

  @Test
  void infer_flatOrNested_everyNumericDatatype_sameAnswer() {
    String nested = "[[7, 3, 5, 2], [5, 3, 1, 0]]";
    String flat = "[7, 3, 5, 2, 5, 3, 1, 0]";
    for (String datatype : List.of("FP32", "FP64", "INT32", "INT64")) {
      for (String data : List.of(nested, flat)) {
        Http.Response response = http.post("/v2/models/iris/infer", infer("[2, 4]", datatype, data));

        assertThat(response.status()).as(datatype + " " + data + ": " + response).isEqualTo(200);
        assertThat(output(response.json(), "predict").path("data").toString()).isEqualTo("[1,0]");
      }
    }
  }

  @Test
  void infer_requestedOutputs_inTheOrderAsked_withTheirShapes() {
    JsonNode answer = http.post("/v2/models/iris/infer",
        inferWithOutputs("label", "predict_proba", "decision_function", "predict")).json();

    assertThat(answer.path("outputs").findValuesAsText("name"))
        .containsExactly("label", "predict_proba", "decision_function", "predict");
    assertThat(output(answer, "label").toString())
        .isEqualTo("{\"name\":\"label\",\"datatype\":\"BYTES\",\"shape\":[2],\"data\":[\"versicolor\",\"setosa\"]}");
    JsonNode proba = output(answer, "predict_proba");
    assertThat(proba.path("datatype").asText()).isEqualTo("FP64");
    assertThat(proba.path("shape").toString()).isEqualTo("[2,3]");
    assertThat(proba.path("data")).hasSize(6);
    double firstRow = proba.path("data").get(0).asDouble() + proba.path("data").get(1).asDouble()
        + proba.path("data").get(2).asDouble();
    assertThat(firstRow).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
    JsonNode decision = output(answer, "decision_function");
    assertThat(decision.path("shape").toString()).isEqualTo("[2,3]");
    assertThat(output(answer, "predict").path("data").toString()).isEqualTo("[1,0]");
  }

  @Test
  void infer_ofAVersion_answersFromThatVersion() {
    JsonNode answer = http.post("/v2/models/iris/versions/1/infer", inferWithOutputs("predict")).json();

    assertThat(answer.path("model_version").asText()).isEqualTo("1");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      three features            | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP64", "data": [1, 2, 3]}]} | input "x" has shape [1, 3], but model iris takes 4 features per row (sepal_length, sepal_width, petal_length, petal_width)
      three dimensions          | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 1, 4], "datatype": "FP64", "data": [1, 2, 3, 4]}]} | input "x" has shape [1, 1, 4], but model iris takes [-1, 4] (-1: any size)
      fewer values than shape   | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [2, 4], "datatype": "FP64", "data": [1, 2, 3, 4]}]} | inputs[0].data has 4 values, but shape [2, 4] needs 8 values
      a short nested row        | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [2, 4], "datatype": "FP64", "data": [[1, 2, 3, 4], [1, 2]]}]} | inputs[0].data holds fewer values than shape [2, 4] needs (8)
      BYTES input               | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "BYTES", "data": ["a", "b", "c", "d"]}]} | input "x" is BYTES, but model iris takes FP64 there
      NaN                       | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, NaN, 4]}]} | row 0, feature petal_length: NaN is not a finite number
      FP32 overflow             | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 1e39, 4]}]} | row 0, feature petal_length: Infinity is not a finite number
      a fraction as INT32       | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "INT32", "data": [1, 2, 1.5, 4]}]} | inputs[0].data element 2: 1.5 is not an integer, as datatype INT32 needs
      INT32 out of range        | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "INT32", "data": [1, 2, 3000000000, 4]}]} | inputs[0].data element 2: 3000000000 is out of the range of INT32
      a string value            | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, "3", 4]}]} | inputs[0].data element 2 must be a number, got the string "3"
      two inputs                | /v2/models/iris/infer | {"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, 3, 4]}, {"name": "b", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, 3, 4]}]} | model iris takes 1 input (input-0 FP64 [-1, 4]), got 2
      no inputs                 | /v2/models/iris/infer | {"id": "1"} | the body needs "inputs"
      no name                   | /v2/models/iris/infer | {"inputs": [{"shape": [1, 4], "datatype": "FP64", "data": [1, 2, 3, 4]}]} | inputs[0].name must be a string
      zero rows                 | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [0, 4], "datatype": "FP64", "data": []}]} | no rows: send at least one row
      unknown output            | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, 3, 4]}], "outputs": [{"name": "output-1"}]} | outputs[0]: model iris has no output "output-1"; it offers predict, label, predict_proba, decision_function
      an output twice           | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, 3, 4]}], "outputs": [{"name": "predict"}, {"name": "predict"}]} | outputs[1]: "predict" is asked for twice
      probabilities of v1       | /v2/models/iris/versions/1/infer | {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, 3, 4]}], "outputs": [{"name": "predict_proba"}]} | outputs[0]: model iris has no output "predict_proba"; it offers predict, label, decision_function
      id not a string           | /v2/models/iris/infer | {"id": 42, "inputs": []} | "id" must be a string, got the number 42
      malformed JSON            | /v2/models/iris/infer | {"inputs": [ | malformed JSON at line 1, column 13: Unexpected end-of-input
      """)
  void infer_badTensor_is400WithTheReason(String what, String path, String body, String error) {
    Http.Response response = http.post(path, body);

    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    assertThat(response.error()).startsWith(error);
  }

  @Test
  void infer_moreRowsThanTheLimit_andLargerBodyThanTheLimit_are413() {
    String rows = "[1, 2, 3, 4],".repeat(100) + "[1, 2, 3, 4]";
    Http.Response tooMany = http.post("/v2/models/iris/infer", infer("[101, 4]", "FP64", "[" + rows + "]"));
    assertThat(tooMany.status()).isEqualTo(413);
    assertThat(tooMany.error()).isEqualTo("101 rows is more than the limit of 100 per request");

    Http.Response tooLarge = http.post("/v2/models/iris/infer", infer("[1, 4]", "FP64", "[1, 2, 3, 4" + " ".repeat(70_000) + "]"));
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.error()).startsWith("the request body is larger than the limit of 65536 bytes");
  }

  @Test
  void infer_unknownModelOrVersion_is404_brokenVersion_is503_wrongMethod_is405() {
    String body = inferWithOutputs("predict");
    assertThat(http.post("/v2/models/nope/infer", body).status()).isEqualTo(404);
    assertThat(http.post("/v2/models/iris/versions/7/infer", body).status()).isEqualTo(404);
    Http.Response broken = http.post("/v2/models/iris/versions/3/infer", body);
    assertThat(broken.status()).isEqualTo(503);
    assertThat(broken.error()).startsWith("version 3 of model iris is not served: ");
    Http.Response get = http.get("/v2/models/iris/infer");
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.header("Allow")).isEqualTo("POST");
  }

  @Test
  void repositoryIndex_needsTheBearerToken() {
    Http.Response missing = http.post("/v2/repository/index", "");
    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"mlapi\"");
    assertThat(missing.error()).startsWith("the repository commands need \"Authorization: Bearer TOKEN\"");

    Http.Response wrong = http.send(http.request("/v2/repository/index").header("Authorization", "Bearer nope")
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.error()).isEqualTo("the bearer token is not the server's admin token");

    Http.Response basic = http.send(http.request("/v2/repository/models/spare/unload")
        .header("Authorization", "Basic " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(basic.status()).isEqualTo(403);
  }

  @Test
  void repositoryIndex_everyVersionWithItsState_orOnlyTheReadyOnes() {
    JsonNode index = admin("/v2/repository/index", "").json();
    assertThat(index.toString()).contains("{\"name\":\"iris\",\"version\":\"2\",\"state\":\"READY\",\"reason\":\"\"}")
        .contains("{\"name\":\"sklearn-irisv2\",\"version\":\"1\",\"state\":\"READY\",\"reason\":\"\"}");
    JsonNode broken = StreamSupport.stream(index.spliterator(), false)
        .filter(e -> e.path("name").asText().equals("iris") && e.path("version").asText().equals("3")).findFirst()
        .orElseThrow();
    assertThat(broken.path("state").asText()).isEqualTo("UNAVAILABLE");
    assertThat(broken.path("reason").asText()).contains("SHA-256");

    JsonNode ready = admin("/v2/repository/index", "{\"ready\": true}").json();
    assertThat(ready.findValuesAsText("state")).containsOnly("READY").hasSize(4);

    assertThat(admin("/v2/repository/index", "{\"ready\": 1}").status()).isEqualTo(400);
  }

  @Test
  void unloadThenLoad_takesAModelOutOfServiceAndBack() {
    Http.Response unloaded = admin("/v2/repository/models/spare/unload", "");
    assertThat(unloaded.body()).isEqualTo("{\"name\":\"spare\",\"ready\":false,\"versions\":[]}");
    assertThat(http.get("/v2/models/spare/ready").status()).isEqualTo(503);
    Http.Response infer = http.post("/v2/models/spare/infer", inferWithOutputs("predict"));
    assertThat(infer.status()).isEqualTo(503);
    assertThat(infer.error()).isEqualTo("model spare has no version ready: it was unloaded; load it with "
        + "POST /v2/repository/models/spare/load");
    assertThat(admin("/v2/repository/index", "").body())
        .contains("{\"name\":\"spare\",\"version\":\"1\",\"state\":\"UNAVAILABLE\",\"reason\":\"unloaded; ");
    assertThat(http.get("/v2/health/ready").status()).as("an unloaded model is not waited for").isEqualTo(200);

    Http.Response loaded = admin("/v2/repository/models/spare/load", "{\"parameters\": {}}");
    assertThat(loaded.body()).isEqualTo("{\"name\":\"spare\",\"ready\":true,\"versions\":[\"1\"]}");
    assertThat(http.post("/v2/models/spare/infer", inferWithOutputs("predict")).status()).isEqualTo(200);
  }

  @Test
  void load_retriesTheBrokenVersion_andServesTheOthers() {
    Http.Response loaded = admin("/v2/repository/models/iris/load", "");

    assertThat(loaded.body()).isEqualTo("{\"name\":\"iris\",\"ready\":true,\"versions\":[\"2\",\"1\"]}");
  }

  @Test
  void loadOrUnload_unknownModel_is404() {
    assertThat(admin("/v2/repository/models/nope/load", "").status()).isEqualTo(404);
    assertThat(admin("/v2/repository/models/nope/unload", "").error())
        .isEqualTo("no model named \"nope\" in the repository");
  }

  private static Http.Response admin(String path, String body) {
    return http.send(http.request(path).header("Authorization", "Bearer " + TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }
}
