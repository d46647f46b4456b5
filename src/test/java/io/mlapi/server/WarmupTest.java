package io.mlapi.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.Http;
import io.mlapi.ModelFixtures;
import io.mlapi.inference.InferenceService;
import io.mlapi.metrics.Metrics;
import io.mlapi.repository.ModelLoader;
import io.mlapi.repository.ModelRepository;
import io.mlapi.repository.RepositoryDirectory;
import io.mlapi.repository.VersionPolicies;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warm-up before readiness: what readiness says meanwhile, what it sends, and what it leaves uncounted. */
class WarmupTest {
  private static final String PREDICT = "{\"instances\": [[6.8, 2.8, 4.8, 1.4]]}";

  @TempDir
  Path root;

  @Test
  void readinessWaitsForTheWarmUp_whichSendsTheSampleRowsThroughEveryProtocol_uncounted() {
    ModelFixtures.publish(root, "iris", 3, true);
    ServerConfig config = ServerConfig.onPort(0).withAccessLog(true);
    try (TestServer server = new TestServer(root, config, null, true, Duration.ofMillis(300))) {
      Http http = server.http;
      Http.Response before = http.get("/readyz");
      assertThat(before.status()).isEqualTo(503);
      assertThat(before.error()).isEqualTo("not ready: warming up the request path");
      assertThat(http.get("/v2/health/ready").status()).isEqualTo(503);
      assertThat(http.get("/healthz").status()).as("liveness never waits").isEqualTo(200);

      Optional<String> line = server.server.warmUp();

      assertThat(line).hasValueSatisfying(text -> assertThat(text)
          .matches("warmed up in \\d+ ms: \\d+ requests with the sample rows of iris version 3"));
      int requests = Integer.parseInt(line.orElseThrow().replaceAll(".*: (\\d+) requests.*", "$1"));
      assertThat(requests).as("requests sent in 300 ms").isGreaterThanOrEqualTo(3);
      assertThat(http.get("/readyz").status()).isEqualTo(200);
      String metrics = http.get("/metrics").body();
      assertThat(metrics).as("the warm-up's requests are not clients'")
          .contains("mlapi_request_duration_seconds_count{endpoint=\"/predict\",protocol=\"http\"} 0",
              "mlapi_request_duration_seconds_count{endpoint=\"/v1/models/{name}:predict\",protocol=\"http\"} 0",
              "mlapi_request_duration_seconds_count{endpoint=\"/v2/models/{name}/infer\",protocol=\"http\"} 0")
          .doesNotContain("mlapi_requests_total{endpoint=\"/predict\"", "mlapi_inference_duration_seconds_count{");
      assertThat(server.accessLog.toString()).doesNotContain("predict", "infer");

      // Once warm, the same header counts for nothing: every request is a client's.
      http.send(http.request("/predict").header("X-Mlapi-Warmup", "anything")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(PREDICT)).build());
      assertThat(http.get("/metrics").body())
          .contains("mlapi_requests_total{endpoint=\"/predict\",model=\"iris\",protocol=\"http\",status=\"200\","
              + "version=\"3\"} 1.0")
          .contains("mlapi_inference_duration_seconds_count{model=\"iris\",version=\"3\"} 1");
      assertThat(server.accessLog.toString()).contains("\"endpoint\":\"/predict\"");
    }
  }

  @Test
  void aServerWithoutWarmUpIsReadyAtOnce_andWarmUpDoesNothing() {
    ModelFixtures.publish(root, "iris", 1, false);
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0))) {
      assertThat(server.http.get("/readyz").status()).isEqualTo(200);
      assertThat(server.server.warmUp()).isEmpty();
    }
  }

  @Test
  void aWarmUpThatCannotReachTheServer_stillOpensReadiness_andSaysWhy() throws IOException {
    ModelFixtures.publish(root, "iris", 1, false);
    Metrics metrics = new Metrics();
    ModelRepository repository = new ModelRepository(new RepositoryDirectory(root), ModelLoader.trained(),
        VersionPolicies.latest(), metrics, null);
    repository.poll();
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Warmup warmup = new Warmup(Duration.ofSeconds(5));
    assertThat(warmup.warming()).isTrue();

    Warmup.Result result = warmup.run("127.0.0.1", closedPort, new InferenceService(repository, metrics, 100).snapshot(),
        () -> false);

    assertThat(result.problem()).hasValueSatisfying(problem -> assertThat(problem).contains("Connection refused"));
    assertThat(result.requests()).isZero();
    assertThat(warmup.warming()).as("readiness no longer waits").isFalse();
  }

  @Test
  void aNegativeWarmUpIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Warmup(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the warm-up time must not be negative, got PT-0.001S");
  }
}
