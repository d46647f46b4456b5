package io.mlapi.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.Http;
import io.mlapi.ModelFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triton's binary tensor data extension, with requests built byte by byte as Triton's HTTP client
 * (tritonclient.http) builds them, and responses taken apart as it takes them apart: the JSON's
 * length from {@code Inference-Header-Content-Length}, then each binary output's
 * {@code binary_data_size} bytes in output order.
 */
class BinaryTensorDataTest {
  private static final double[] TWO_ROWS = {6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6};

  @TempDir
  static Path root;
  private static TestServer server;
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    ModelFixtures.publish(root, "iris", 1, false);
    server = new TestServer(root, ServerConfig.onPort(0).withLimits(64 * 1024, 100, Duration.ofSeconds(30)));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Sends {@code json} followed by {@code binary}, as tritonclient does. */
  static Http.BinaryResponse post(String path, String json, byte[] binary) {
    return server.http.postBinary(path, json, binary);
  }

  static byte[] fp32(double... values) {
    ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double value : values) {
      raw.putFloat((float) value);
    }
    return raw.array();
  }

  @Test
  void tritonClientsRequest_binaryInputAndOutput_kserveIrisAnswer() {
    Http.BinaryResponse answer = post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [2, 4], "
        + "\"datatype\": \"FP32\", \"parameters\": {\"binary_data_size\": 32}}], \"outputs\": [{\"name\": \"predict\", "
        + "\"parameters\": {\"binary_data\": true}}]}", fp32(TWO_ROWS));

    assertThat(answer.status()).as(answer.json().toString()).isEqualTo(200);
    assertThat(answer.contentType()).isEqualTo("application/octet-stream");
    JsonNode output = answer.json().path("outputs").get(0);
    assertThat(output.path("name").asText()).isEqualTo("predict");
    assertThat(output.path("datatype").asText()).isEqualTo("INT64");
    assertThat(output.path("shape").toString()).isEqualTo("[2]");
    assertThat(output.has("data")).isFalse();
    assertThat(output.path("parameters").path("binary_data_size").asLong()).isEqualTo(16);
    assertThat(answer.binary(0).getLong()).isEqualTo(1);
    assertThat(answer.binary(0).getLong(8)).isEqualTo(1);
    assertThat(answer.json().path("model_name").asText()).isEqualTo("iris");
  }

  @Test
  void binaryOutputForAll_unlessAnOutputSaysOtherwise_bytesAsLengthThenBytes() {
    Http.BinaryResponse answer = post("/v2/models/iris/infer", "{\"id\": \"7\", \"inputs\": [{\"name\": \"input-0\", \"shape\": [2, 4], "
        + "\"datatype\": \"FP32\", \"parameters\": {\"binary_data_size\": 32}}], \"outputs\": [{\"name\": \"label\"}, "
        + "{\"name\": \"predict\", \"parameters\": {\"binary_data\": false}}, {\"name\": \"decision_function\"}], "
        + "\"parameters\": {\"binary_data_output\": true}}", fp32(TWO_ROWS));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().path("id").asText()).isEqualTo("7");
    ByteBuffer labels = answer.binary(0);
    byte[] first = new byte[labels.getInt()];
    labels.get(first);
    assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("versicolor");
    assertThat(answer.json().path("outputs").get(1).path("data").toString()).as("JSON, as asked").isEqualTo("[1,1]");
    assertThat(answer.binaries().get(2).remaining()).isEqualTo(2 * 3 * 8);
  }

  @Test
  void binaryRequest_jsonAnswer_whenNoOutputAsksForBinary() {
    Http.BinaryResponse answer = post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [2, 4], "
        + "\"datatype\": \"FP32\", \"parameters\": {\"binary_data_size\": 32}}]}", fp32(TWO_ROWS));

    assertThat(answer.contentType()).isEqualTo("application/json");
    assertThat(answer.json().path("outputs").get(0).path("data").toString()).isEqualTo("[1,1]");
  }

  @Test
  void aBodyGivingInputsTwice_isRefusedAsDuplicateKeys_notReadTheLastOneWins() {
    Http.BinaryResponse answer = post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [2, 4], "
        + "\"datatype\": \"FP32\", \"parameters\": {\"binary_data_size\": 32}}], \"outputs\": [{\"name\": \"label\"}], "
        + "\"inputs\": [{\"parameters\": {\"binary_data_size\": 32}, \"shape\": [2, 4], \"datatype\": \"FP32\", "
        + "\"name\": \"x\"}]}", fp32(TWO_ROWS));

    assertThat(answer.status()).as(answer.json().toString()).isEqualTo(400);
    assertThat(answer.json().path("error").asText()).startsWith("malformed JSON").contains("Duplicate field 'inputs'");
  }

  @Test
  void int8AndFp16_inBinaryForm() {
    ByteBuffer int8 = ByteBuffer.wrap(new byte[] {7, 3, 5, 1});
    Http.BinaryResponse bytes = post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4], "
        + "\"datatype\": \"INT8\", \"parameters\": {\"binary_data_size\": 4}}]}", int8.array());
    ByteBuffer fp16 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : new float[] {7, 3, 5, 1}) {
      fp16.putShort(Float.floatToFloat16(value));
    }
    Http.BinaryResponse halves = post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4], "
        + "\"datatype\": \"FP16\", \"parameters\": {\"binary_data_size\": 8}}]}", fp16.array());

    assertThat(bytes.json().path("outputs").get(0).path("data").toString()).isEqualTo("[1]");
    assertThat(halves.json().path("outputs").get(0).path("data").toString()).isEqualTo("[1]");
  }

  @Test
  void fp16InJson_is400NamingTheInputAndTheBinaryForm() {
    Http.Response json = server.http.post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input-0\", "
        + "\"shape\": [1, 4], \"datatype\": \"FP16\", \"data\": [7, 3, 5, 1]}]}");

    assertThat(json.status()).isEqualTo(400);
    assertThat(json.error()).isEqualTo("inputs[0] (input \"input-0\"): FP16 has no JSON form; send FP16 tensors as "
        + "binary data (the binary data extension: parameters.binary_data_size), or FP32 to a model that takes FP32 "
        + "there");
  }

  @Test
  void rawBoolOtherThanZeroOrOne_is400() {
    Http.BinaryResponse bool = post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4], "
        + "\"datatype\": \"BOOL\", \"parameters\": {\"binary_data_size\": 4}}]}", new byte[] {1, 0, 2, 1});

    assertThat(bool.status()).isEqualTo(400);
    assertThat(bool.error()).isEqualTo("input \"input-0\": raw BOOL element 2 is 2; a BOOL is one byte, 0 (false) or "
        + "1 (true)");
  }

  @Test
  void sizeMismatchesAndUnsupportedDatatypes_are400NamingTheInput() {
    Http.BinaryResponse tooFew = post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [2, 4], "
        + "\"datatype\": \"FP32\", \"parameters\": {\"binary_data_size\": 16}}]}", fp32(1, 2, 3, 4));
    assertThat(tooFew.status()).isEqualTo(400);
    assertThat(tooFew.json().path("error").asText())
        .isEqualTo("input \"input-0\": raw data has 16 bytes, but shape [2, 4] of FP32 needs 32");

    Http.BinaryResponse beyond = post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [2, 4], "
        + "\"datatype\": \"FP32\", \"parameters\": {\"binary_data_size\": 32}}]}", fp32(1, 2, 3, 4));
    assertThat(beyond.json().path("error").asText()).isEqualTo("input \"input-0\" (inputs[0]) has binary_data_size 32, "
        + "but only 16 bytes of binary data are left for it");

    Http.BinaryResponse unclaimed = post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4], "
        + "\"datatype\": \"FP32\", \"parameters\": {\"binary_data_size\": 16}}]}", fp32(TWO_ROWS));
    assertThat(unclaimed.json().path("error").asText()).startsWith("the body has 16 bytes of binary data that no input "
        + "claims");

    Http.BinaryResponse bf16 = post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4], "
        + "\"datatype\": \"BF16\", \"parameters\": {\"binary_data_size\": 8}}]}", new byte[8]);
    assertThat(bf16.status()).isEqualTo(400);
    assertThat(bf16.json().path("error").asText()).startsWith("inputs[0].datatype must be one of ")
        .endsWith("got \"BF16\" (input \"input-0\")");

    Http.BinaryResponse both = post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4], "
        + "\"datatype\": \"FP32\", \"data\": [1, 2, 3, 4], \"parameters\": {\"binary_data_size\": 16}}]}", fp32(1, 2, 3, 4));
    assertThat(both.json().path("error").asText()).isEqualTo("input \"input-0\" (inputs[0]) has both \"data\" and "
        + "parameters.binary_data_size; send its elements one way");

    Http.BinaryResponse negative = post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4], "
        + "\"datatype\": \"FP32\", \"parameters\": {\"binary_data_size\": -1}}]}", new byte[0]);
    assertThat(negative.json().path("error").asText()).isEqualTo("input \"input-0\" (inputs[0]): "
        + "parameters.binary_data_size must be a number of bytes, got the number -1");

    Http.BinaryResponse flag = post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4], "
        + "\"datatype\": \"FP32\", \"parameters\": {\"binary_data_size\": 16}}], \"parameters\": "
        + "{\"binary_data_output\": \"yes\"}}", fp32(1, 2, 3, 4));
    assertThat(flag.json().path("error").asText()).isEqualTo("parameters.binary_data_output must be true or false, "
        + "got the string \"yes\"");
  }

  @Test
  void headerLengthThatDoesNotFitTheBody_orIsNoNumber_is400() throws Exception {
    for (String value : List.of("9999", "-1", "abc", "0")) {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server.port()
              + "/v2/models/iris/infer"))
          .header("Inference-Header-Content-Length", value)
          .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": []}")).build();
      HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(value).isEqualTo(400);
      assertThat(response.body()).as(value).contains("Inference-Header-Content-Length header");
    }
  }

  @Test
  void binaryDataSizeInAPlainJsonRequest_is400() {
    Http.Response response = server.http.post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input-0\", "
        + "\"shape\": [1, 4], \"datatype\": \"FP32\", \"parameters\": {\"binary_data_size\": 16}}]}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.error()).startsWith("input \"input-0\" (inputs[0]) gives parameters.binary_data_size, but the "
        + "request is plain JSON");
  }

  @Test
  void binaryBodyOverTheLimit_is413() {
    double[] rows = new double[20_000];
    Http.BinaryResponse answer = post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [5000, 4], "
        + "\"datatype\": \"FP32\", \"parameters\": {\"binary_data_size\": 80000}}]}", fp32(rows));

    assertThat(answer.status()).isEqualTo(413);
    assertThat(answer.error()).startsWith("the request body is larger than the limit of 65536 bytes");
  }

  @Test
  void serverMetadata_advertisesTheExtension() {
    assertThat(server.http.get("/v2").json().path("extensions").toString())
        .isEqualTo("[\"model_repository\",\"binary_tensor_data\"]");
  }
}
