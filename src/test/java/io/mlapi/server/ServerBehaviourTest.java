package io.mlapi.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.Http;
import io.mlapi.ModelFixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What every route shares: errors, limits, request ids, the access log, metrics, readiness and draining. */
@Timeout(30)
class ServerBehaviourTest {
  private static final String ROW = "{\"instances\": [[6.8, 2.8, 4.8, 1.4]]}";

  @TempDir
  static Path root;

  @BeforeAll
  static void repository() {
    ModelFixtures.publish(root, "iris", 1, false);
  }

  @Test
  void unknownPath_is404WithAJsonError() {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0))) {
      Http.Response response = server.http.get("/nope");

      assertThat(response.status()).isEqualTo(404);
      assertThat(response.header("Content-Type")).isEqualTo("application/json");
      assertThat(response.error()).isEqualTo("no such endpoint: GET /nope; GET /openapi.json lists them all");
    }
  }

  @Test
  void wrongMethod_is405WithAllow() {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0))) {
      Http.Response response = server.http.method("DELETE", "/score");

      assertThat(response.status()).isEqualTo(405);
      assertThat(response.header("Allow")).isEqualTo("GET, HEAD, POST");
      assertThat(response.error()).isEqualTo("DELETE is not allowed on /score; use GET, HEAD, POST");
    }
  }

  @Test
  void requestId_echoedWhenSane_generatedOtherwise() {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0))) {
      Http.Response given = server.http.send(server.http.request("/healthz").header("X-Request-Id", "trace-42").build());
      Http.Response unsafe = server.http.send(server.http.request("/healthz").header("X-Request-Id", "a b<script>")
          .build());
      Http.Response first = server.http.get("/healthz");
      Http.Response second = server.http.get("/nope");

      assertThat(given.header("X-Request-Id")).isEqualTo("trace-42");
      assertThat(unsafe.header("X-Request-Id")).matches("[0-9a-f]{8}-[0-9a-f]+");
      assertThat(first.header("X-Request-Id")).matches("[0-9a-f]{8}-[0-9a-f]+");
      assertThat(second.header("X-Request-Id")).matches("[0-9a-f]{8}-[0-9a-f]+").isNotEqualTo(first.header("X-Request-Id"));
    }
  }

  @Test
  void accessLog_writesOneJsonLinePerRequest() throws IOException {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0).withAccessLog(true))) {
      server.http.send(server.http.request("/predict").header("X-Request-Id", "req-1")
          .POST(HttpRequest.BodyPublishers.ofString(ROW)).build());
      server.http.get("/nope");
      // A line is written after its response is sent; this request, on the same kept-alive
      // connection, is only read once the one before it is logged.
      server.http.get("/healthz");

      String[] lines = server.accessLog.toString().split("\n");
      assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
      JsonNode predict = Http.JSON.readTree(lines[0]);
      assertThat(predict.path("time").asText()).isEqualTo("2026-11-29T12:00:00Z");
      assertThat(predict.path("request_id").asText()).isEqualTo("req-1");
      assertThat(predict.path("remote").asText()).isEqualTo("127.0.0.1");
      assertThat(predict.path("method").asText()).isEqualTo("POST");
      assertThat(predict.path("path").asText()).isEqualTo("/predict");
      assertThat(predict.path("endpoint").asText()).isEqualTo("/predict");
      assertThat(predict.path("status").asInt()).isEqualTo(200);
      assertThat(predict.path("duration_ms").isNumber()).isTrue();
      assertThat(predict.path("model").asText()).isEqualTo("iris");
      assertThat(predict.path("version").asText()).isEqualTo("1");
      JsonNode missing = Http.JSON.readTree(lines[1]);
      assertThat(missing.path("endpoint").asText()).isEqualTo(HttpApi.UNMATCHED);
      assertThat(missing.path("status").asInt()).isEqualTo(404);
      assertThat(missing.has("model")).isFalse();
    }
  }

  @Test
  void accessLog_isOffByDefault() {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0))) {
      server.http.get("/healthz");

      assertThat(server.accessLog.toString()).isEmpty();
    }
  }

  @Test
  void beforeTheFirstPoll_notReady_butLive() {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0), null, false)) {
      assertThat(server.http.get("/healthz").status()).isEqualTo(200);
      assertThat(server.http.get("/readyz").status()).isEqualTo(503);
      assertThat(server.http.get("/readyz").error()).isEqualTo("not ready: the models are still loading");
      assertThat(server.http.get("/v2/health/ready").status()).isEqualTo(503);
      assertThat(server.http.get("/score").error())
          .isEqualTo("the models are still loading; retry when /v2/health/ready answers 200");
      assertThat(server.http.get("/v2/models/iris").status()).isEqualTo(503);

      server.repository.poll();

      assertThat(server.http.get("/readyz").json().path("status").asText()).isEqualTo("ready");
    }
  }

  @Test
  void draining_readinessTurns503_whilePredictionsAreStillServed_onClosingConnections() {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0))) {
      assertThat(server.http.get("/readyz").status()).isEqualTo(200);

      server.server.startDraining();

      Http.Response ready = server.http.get("/readyz");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.error()).isEqualTo("not ready: the server is shutting down");
      assertThat(server.http.get("/v2/health/ready").status()).isEqualTo(503);
      Http.Response predict = server.http.post("/predict", ROW);
      assertThat(predict.status()).isEqualTo(200);
      assertThat(predict.header("Connection")).isEqualTo("close");
      assertThat(server.http.get("/healthz").status()).isEqualTo(200);
    }
  }

  @Test
  void drainAndStop_stopsListening() throws InterruptedException {
    TestServer server = new TestServer(root, ServerConfig.onPort(0).withShutdown(Duration.ZERO, Duration.ofSeconds(2)));
    server.server.drainAndStop();

    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> server.http.get("/healthz")))
        .hasCauseInstanceOf(java.net.ConnectException.class);
  }

  @Test
  void bodyOverTheLimit_is413_withContentLengthOrChunked() {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0).withLimits(100, 10, Duration.ofSeconds(30)))) {
      String big = "{\"instances\": [" + "[1, 2, 3, 4],".repeat(20) + "[1, 2, 3, 4]]}";

      Http.Response declared = server.http.post("/predict", big);
      Http.Response chunked = server.http.send(server.http.request("/predict").POST(HttpRequest.BodyPublishers
          .ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))).build());

      assertThat(declared.status()).isEqualTo(413);
      assertThat(declared.error()).isEqualTo("the request body is larger than the limit of 100 bytes; send fewer "
          + "rows per request or raise --max-request-bytes");
      assertThat(chunked.status()).isEqualTo(413);
      assertThat(server.http.post("/predict", ROW).status()).isEqualTo(200);
    }
  }

  @Test
  void chunkedBodyWithinTheLimit_isRead() {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0))) {
      Http.Response chunked = server.http.send(server.http.request("/predict").POST(HttpRequest.BodyPublishers
          .ofInputStream(() -> new ByteArrayInputStream(ROW.getBytes(StandardCharsets.UTF_8)))).build());

      assertThat(chunked.status()).isEqualTo(200);
      assertThat(chunked.json().path("predictions").get(0).asText()).isEqualTo("versicolor");
    }
  }

  @Test
  void moreRowsThanTheLimit_is413() {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0).withLimits(1 << 20, 2, Duration.ofSeconds(30)))) {
      Http.Response response = server.http.post("/predict", "{\"instances\": [[1,2,3,4],[1,2,3,4],[1,2,3,4]]}");

      assertThat(response.status()).isEqualTo(413);
      assertThat(response.error()).isEqualTo("3 rows is more than the limit of 2 per request");
    }
  }

  @Test
  void bodyThatStallsPastTheRequestTimeout_isCutOff() throws IOException {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0).withLimits(1 << 20, 10, Duration.ofMillis(300)));
        Socket socket = new Socket("127.0.0.1", server.server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
          + ROW.length() + "\r\n\r\n" + ROW.substring(0, 10)).getBytes(StandardCharsets.US_ASCII));
      out.flush();

      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII); // until the server closes

      assertThat(answer).startsWith("HTTP/1.1 408").endsWith("{\"error\":\"the request body did not arrive within the "
          + "request timeout of 300 ms; send it faster, or raise --request-timeout\"}");
      assertThat(server.http.post("/predict", ROW).status()).isEqualTo(200);
      assertThat(server.http.get("/metrics").body())
          .contains("mlapi_requests_total{endpoint=\"/predict\",model=\"\",protocol=\"http\",status=\"408\",version=\"\"} 1.0");
    }
  }

  @Test
  void aHeadThatStallsPastTheHeaderTimeout_isCutOffWithA408() throws IOException {
    ServerConfig config = ServerConfig.onPort(0).withConnections(new ConnectionLimits(Duration.ofMillis(300),
        Duration.ofSeconds(30), 100, 1 << 20));
    try (TestServer server = new TestServer(root, config);
        Socket socket = new Socket("127.0.0.1", server.server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));

      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

      assertThat(answer).startsWith("HTTP/1.1 408").contains("\"the request line and headers did not arrive within "
          + "the header timeout of 300 ms; send them faster, or raise --header-timeout\"");
      assertThat(server.http.get("/metrics").body()).contains("mlapi_requests_refused_total{status=\"408\"} 1.0");
    }
  }

  @Test
  void http10_connectionClose_chunkExtensions() throws IOException {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0))) {
      String old = exchange(server, "GET /healthz HTTP/1.0\r\nHost: x\r\n\r\n");
      String close = exchange(server, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      String chunked = exchange(server, "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + Integer.toHexString(ROW.length()) + ";a=b\r\n"
          + ROW + "\r\n0\r\n\r\n");

      // readAllBytes returned: the server closed each connection after its response
      assertThat(old).startsWith("HTTP/1.1 200").contains("Connection: close").endsWith("{\"status\":\"alive\"}");
      assertThat(close).startsWith("HTTP/1.1 200").contains("Connection: close");
      assertThat(chunked).startsWith("HTTP/1.1 200").contains("versicolor");
    }
  }

  /** Sends {@code request} on a new connection and reads until the server closes it. */
  private static String exchange(TestServer server, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void aServerThatCannotStart_leavesNoThreadBehind() throws IOException {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      ServerConfig config = new ServerConfig("127.0.0.1", taken.getLocalPort(), 1 << 20, 10, Duration.ofSeconds(30),
          Duration.ZERO, Duration.ofSeconds(1), null, false);
      io.mlapi.metrics.Metrics metrics = new io.mlapi.metrics.Metrics();
      io.mlapi.repository.ModelRepository repository = new io.mlapi.repository.ModelRepository(
          new io.mlapi.repository.RepositoryDirectory(root), io.mlapi.repository.ModelLoader.trained(),
          io.mlapi.repository.VersionPolicies.latest(), metrics, null);

      long guardsBefore = guardThreads();

      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> MlapiServer.start(config,
          new io.mlapi.inference.InferenceService(repository, metrics, 10), metrics,
          new java.io.PrintWriter(java.io.Writer.nullWriter()), TestServer.CLOCK)))
          .isInstanceOf(ListenException.class)
          .hasMessageStartingWith("cannot listen on port " + taken.getLocalPort() + " on 127.0.0.1; choose another port "
              + "with --port");
      assertThat(guardThreads()).isEqualTo(guardsBefore);
    }
  }

  private static long guardThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().equals("mlapi-connection-guard") && thread.isAlive()).count();
  }

  @Test
  void malformedHttp_isAnsweredWithAJsonError() throws IOException {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0));
        Socket socket = new Socket("127.0.0.1", server.server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));

      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

      assertThat(answer).startsWith("HTTP/1.1 400");
      assertThat(answer).contains("Content-Type: application/json");
      assertThat(answer.substring(answer.indexOf("\r\n\r\n") + 4)).startsWith("{\"error\":");
    }
  }

  /**
   * HEAD over a raw connection, then GET /healthz on the same one: what the server sends for the
   * HEAD is everything before the second response (a body would show there).
   */
  private static String head(TestServer server, String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(("HEAD " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String head = readHeaders(in);
      out.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String next = readHeaders(in);
      assertThat(next).as("what follows HEAD %s's headers", path).startsWith("HTTP/1.1 200");
      return head;
    }
  }

  private static String readHeaders(InputStream in) throws IOException {
    StringBuilder text = new StringBuilder();
    while (text.indexOf("\r\n\r\n") < 0) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      text.append((char) b);
    }
    return text.toString();
  }

  @Test
  void head_answersWhatGetAnswers_withoutTheBody() throws IOException {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0))) {
      for (String path : new String[] {"/healthz", "/openapi.json", "/v2", "/v2/models/iris", "/metrics", "/",
          "/v2/models/nope", "/nope"}) {
        Http.Response get = server.http.get(path);
        String head = head(server, path);

        assertThat(head).as("HEAD %s", path).startsWith("HTTP/1.1 " + get.status());
        assertThat(head.toLowerCase(java.util.Locale.ROOT)).as("HEAD %s", path)
            .contains("content-type: " + get.header("Content-Type").toLowerCase(java.util.Locale.ROOT));
        if (!path.equals("/metrics") && !path.equals("/nope")) { // metrics change; a 404 names the method
          assertThat(head).as("HEAD %s", path).contains("Content-Length: "
              + get.body().getBytes(StandardCharsets.UTF_8).length);
        }
      }
      Http.Response wrong = server.http.method("HEAD", "/predict");
      assertThat(wrong.status()).as("HEAD where only POST works").isEqualTo(405);
      assertThat(wrong.header("Allow")).isEqualTo("POST");
    }
  }

  @Test
  void v2WithASlash_isTheServerMetadataToo() {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0))) {
      Http.Response slash = server.http.get("/v2/");

      assertThat(slash.status()).isEqualTo(200);
      assertThat(slash.body()).isEqualTo(server.http.get("/v2").body());
    }
  }

  @Test
  void jsonBodyOfAnotherMediaType_is415_curlsAndBrowsersDefaultsAreTaken() {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0))) {
      java.util.function.BiFunction<String, String, Http.Response> post = (path, type) -> server.http.send(
          server.http.request(path).header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(ROW)).build());

      Http.Response csv = post.apply("/predict", "text/csv");
      assertThat(csv.status()).isEqualTo(415);
      assertThat(csv.error()).isEqualTo("the body must be JSON, but its Content-Type is \"text/csv\"; send it as "
          + "application/json");
      Http.Response octets = post.apply("/v2/models/iris/infer", "application/octet-stream");
      assertThat(octets.status()).isEqualTo(415);
      assertThat(octets.error()).endsWith("(binary tensors: the binary data extension, with the "
          + "Inference-Header-Content-Length header)");
      Http.Response latin1 = post.apply("/predict", "application/json; charset=ISO-8859-1");
      assertThat(latin1.status()).isEqualTo(415);
      assertThat(latin1.error()).isEqualTo("JSON is UTF-8, but the Content-Type says charset=ISO-8859-1; send UTF-8");
      assertThat(post.apply("/v1/models/iris:predict", "multipart/form-data; boundary=x").status()).isEqualTo(415);

      for (String taken : new String[] {"application/json", "application/json; charset=utf-8",
          "application/x-www-form-urlencoded", "text/plain;charset=UTF-8", "application/vnd.example+json"}) {
        assertThat(post.apply("/predict", taken).status()).as(taken).isEqualTo(200);
      }
      assertThat(server.http.post("/predict", ROW.getBytes(StandardCharsets.UTF_8)).status()).as("no Content-Type")
          .isEqualTo(200);
    }
  }

  @Test
  void metrics_countRequestsByModelVersionEndpointAndStatus_withoutClientText() {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0))) {
      server.http.post("/predict", ROW);
      server.http.post("/predict", ROW);
      server.http.post("/v2/models/made-up-name/infer", "{}");

      Http.Response metrics = server.http.get("/metrics");

      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.header("Content-Type")).startsWith("text/plain; version=0.0.4");
      assertThat(metrics.body())
          .contains("mlapi_requests_total{endpoint=\"/predict\",model=\"iris\",protocol=\"http\",status=\"200\","
              + "version=\"1\"} 2.0")
          .contains("mlapi_requests_total{endpoint=\"/v2/models/{name}/infer\",model=\"\",protocol=\"http\","
              + "status=\"404\",version=\"\"} 1.0")
          .contains("mlapi_inference_duration_seconds_count{model=\"iris\",version=\"1\"} 2")
          .contains("mlapi_request_duration_seconds_count{endpoint=\"/predict\",protocol=\"http\"} 2")
          .contains("mlapi_requests_in_flight 1.0") // the scrape itself
          .contains("mlapi_model_loads_total 1.0")
          .contains("mlapi_model_load_failures_total{model=\"iris\"} 0.0")
          .contains("mlapi_repository_versions{state=\"READY\"} 1.0")
          .contains("mlapi_repository_models{state=\"READY\"} 1.0")
          .doesNotContain("mlapi_model_versions{") // iris is settled: no per-model series but its failures
          .contains("jvm_memory_used_bytes{area=\"heap\"}")
          .doesNotContain("made-up-name");
    }
  }

  @Test
  void severalModelsAndNoDefault_tutorialEndpointsSaySo(@TempDir Path two) {
    ModelFixtures.publish(two, "iris", 1, false);
    ModelFixtures.publish(two, "wine", 1, false);
    try (TestServer server = new TestServer(two, ServerConfig.onPort(0))) {
      Http.Response score = server.http.get("/score");

      assertThat(score.status()).isEqualTo(404);
      assertThat(score.error()).isEqualTo("there is no default model: the repository serves 2 models (iris, wine); "
          + "start the server with --default-model NAME, or address a model by name (/v2/models/NAME/infer, "
          + "/v1/models/NAME:predict)");
    }
    try (TestServer server = new TestServer(two, ServerConfig.onPort(0), "wine", true)) {
      assertThat(server.http.post("/predict", ROW).json().path("model").asText()).isEqualTo("wine");
    }
  }
}
