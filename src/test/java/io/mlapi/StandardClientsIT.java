package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.mlapi.grpc.v2.GRPCInferenceServiceGrpc;
import io.mlapi.grpc.v2.InferTensorContents;
import io.mlapi.grpc.v2.ModelInferRequest;
import io.mlapi.grpc.v2.ModelInferResponse;
import io.mlapi.model.ModelWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clients teams run, unchanged, against the real {@code ./mlapi serve}, laid out as KServe runs
 * it: the model at {@code MODEL_DIR/models}, served under the InferenceService's name with
 * {@code --model-name sklearn-iris}. KServe's e2e Iris request through REST JSON, REST binary, gRPC
 * and V1 predicts {@code [1, 1]} each time; Python's grpcio exercises every RPC and status code.
 */
@Timeout(180)
class StandardClientsIT {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Path PROJECT = Path.of(System.getProperty("user.dir"));
  private static final String MODEL = "sklearn-iris";
  private static final float[] KSERVE_IRIS = {6.8f, 2.8f, 4.8f, 1.4f, 6.0f, 3.4f, 4.5f, 1.6f};
  private static final int MAX_ROWS = 100;
  private static final int MAX_BYTES = 65536;

  @TempDir
  static Path modelDir;
  private static MlapiProcess mlapi;
  private static Http http;
  private static ManagedChannel channel;

  @BeforeAll
  static void serve() {
    new ModelWriter().replace(ModelFixtures.iris(1), modelDir.resolve("models"));
    mlapi = MlapiProcess.start(Map.of(), "serve", "--port", "0", "--model-dir", modelDir.toString(),
        "--model-file", "models", "--model-name", MODEL, "--max-rows", Integer.toString(MAX_ROWS),
        "--max-request-bytes", Integer.toString(MAX_BYTES), "--poll-interval", "0", "--drain-delay", "0s");
    http = mlapi.awaitReady(Duration.ofSeconds(90));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", mlapi.grpcPort()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    mlapi.terminate();
    assertThat(mlapi.waitFor(Duration.ofSeconds(30))).as(mlapi.toString()).isZero();
  }

  @Test
  void kserveIris_restJson_restBinary_grpc_andV1_allPredictOneOne() throws Exception {
    String json = "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [2, 4], \"datatype\": \"FP32\", "
        + "\"data\": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}]}";
    JsonNode rest = http.post("/v2/models/" + MODEL + "/infer", json).json();
    assertThat(rest.path("model_name").asText()).isEqualTo(MODEL);
    assertThat(rest.path("outputs").get(0).path("data").toString()).isEqualTo("[1,1]");

    byte[] header = ("{\"inputs\": [{\"name\": \"input-0\", \"shape\": [2, 4], \"datatype\": \"FP32\", \"parameters\": "
        + "{\"binary_data_size\": 32}}], \"outputs\": [{\"name\": \"output-0\", \"parameters\": {\"binary_data\": true}}]}")
        .getBytes(StandardCharsets.UTF_8);
    ByteBuffer body = ByteBuffer.allocate(header.length + 32).order(ByteOrder.LITTLE_ENDIAN).put(header);
    for (float value : KSERVE_IRIS) {
      body.putFloat(value);
    }
    HttpResponse<byte[]> binary = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + mlapi.port() + "/v2/models/" + MODEL + "/infer"))
        .header("Inference-Header-Content-Length", Integer.toString(header.length))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.array())).build(), HttpResponse.BodyHandlers.ofByteArray());
    int jsonLength = Integer.parseInt(binary.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
    JsonNode binaryJson = Http.JSON.readTree(new String(binary.body(), 0, jsonLength, StandardCharsets.UTF_8));
    assertThat(binaryJson.path("outputs").get(0).path("name").asText()).isEqualTo("output-0");
    ByteBuffer predictions = ByteBuffer.wrap(binary.body(), jsonLength, 16).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(new long[] {predictions.getLong(), predictions.getLong()}).containsExactly(1, 1);

    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (float value : KSERVE_IRIS) {
      contents.addFp32Contents(value);
    }
    ModelInferResponse grpc = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .modelInfer(ModelInferRequest.newBuilder().setModelName(MODEL).addInputs(ModelInferRequest.InferInputTensor
            .newBuilder().setName("input-0").setDatatype("FP32").addShape(2).addShape(4).setContents(contents)).build());
    assertThat(grpc.getModelName()).isEqualTo(MODEL);
    assertThat(grpc.getOutputs(0).getContents().getInt64ContentsList()).containsExactly(1L, 1L);

    JsonNode v1 = http.post("/v1/models/" + MODEL + ":predict",
        "{\"instances\": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}").json();
    assertThat(v1.path("predictions").toString()).isEqualTo("[1,1]");
  }

  @Test
  void modelName_isTheOnlyNameEveryProtocolAndTheMetricsKnow() {
    assertThat(http.get("/v1/models").json().path("models").toString()).isEqualTo("[\"" + MODEL + "\"]");
    assertThat(http.get("/v2/models/" + MODEL).json().path("name").asText()).isEqualTo(MODEL);
    assertThat(http.get("/v2/models/iris").status()).as("the name it was trained under").isEqualTo(404);
    assertThat(http.get("/score").status()).as("the only model is the default one").isEqualTo(200);
    http.post("/v2/models/" + MODEL + "/infer", "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], "
        + "\"datatype\": \"FP64\", \"data\": [1, 2, 3, 4]}]}");
    assertThat(http.get("/metrics").body()).contains("model=\"" + MODEL + "\"").doesNotContain("model=\"iris\"");
    assertThat(mlapi.out()).anySatisfy(line -> assertThat(line).startsWith("serving " + MODEL + " version 1"));
  }

  @Test
  void pythonGrpcio_everyRpcTypedAndRaw_everyStatusCode_deadline_sizeLimit() throws Exception {
    assumeTrue(hasPythonGrpc(), "skipped: /usr/bin/python3 has no grpcio and grpc_tools (apt-get install "
        + "python3-grpcio python3-grpc-tools, as scripts/ci-setup does)");
    Path stubs = PROJECT.resolve("target/grpc-python");
    Files.createDirectories(stubs);
    run(List.of(PYTHON.toString(), "-m", "grpc_tools.protoc", "-I", "src/main/proto", "--python_out=" + stubs,
        "--grpc_python_out=" + stubs, "src/main/proto/grpc_predict_v2.proto"));

    String output = run(List.of(PYTHON.toString(), "src/test/python/grpc_client_check.py", stubs.toString(),
        "127.0.0.1", Integer.toString(mlapi.grpcPort()), Integer.toString(mlapi.port()), MODEL,
        Integer.toString(MAX_ROWS), Integer.toString(MAX_BYTES)));

    assertThat(output).containsPattern("all \\d+ checks passed");
  }

  private static boolean hasPythonGrpc() throws IOException, InterruptedException {
    if (!Files.isExecutable(PYTHON)) {
      return false;
    }
    Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import grpc, grpc_tools").redirectErrorStream(true)
        .start();
    return probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(PROJECT.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
    return output;
  }

  /** SIGTERM: gRPC health turns NOT_SERVING at once, calls are still served through the drain delay, then it stops. */
  @Test
  void sigterm_grpcHealthNotServingAtOnce_callsServedThroughTheDrain_thenExit0() throws InterruptedException {
    MlapiProcess draining = MlapiProcess.start(Map.of(), "serve", "--port", "0", "--model-dir", modelDir.toString(),
        "--model-file", "models", "--poll-interval", "0", "--drain-delay", "4s");
    draining.awaitReady(Duration.ofSeconds(90));
    ManagedChannel other = ManagedChannelBuilder.forAddress("127.0.0.1", draining.grpcPort()).usePlaintext().build();
    try {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(other);
      var stub = GRPCInferenceServiceGrpc.newBlockingStub(other);
      ModelInferRequest request = ModelInferRequest.newBuilder().setModelName("iris").addInputs(
          ModelInferRequest.InferInputTensor.newBuilder().setName("input-0").setDatatype("FP64").addShape(1).addShape(4)
              .setContents(InferTensorContents.newBuilder().addFp64Contents(6.8).addFp64Contents(2.8)
                  .addFp64Contents(4.8).addFp64Contents(1.4))).build();
      assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);

      draining.terminate();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      ServingStatus status = ServingStatus.SERVING;
      while (status == ServingStatus.SERVING && System.nanoTime() < deadline) {
        status = health.check(HealthCheckRequest.getDefaultInstance()).getStatus();
      }

      assertThat(status).as("health right after SIGTERM").isEqualTo(ServingStatus.NOT_SERVING);
      assertThat(stub.modelInfer(request).getOutputs(0).getContents().getInt64ContentsList())
          .as("still served while draining").containsExactly(1L);
      assertThat(draining.waitFor(Duration.ofSeconds(30))).as(draining.toString()).isZero();
      try {
        stub.withDeadlineAfter(5, TimeUnit.SECONDS).modelInfer(request);
        throw new AssertionError("served after the stop");
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
      }
    } finally {
      other.shutdownNow();
      draining.close();
    }
  }
}
