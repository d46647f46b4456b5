package io.mlapi.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.Http;
import io.mlapi.ModelFixtures;
import io.mlapi.repository.ModelLoader;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository commands against cross-site requests: off without a token unless opened, the
 * token's scheme in any case, only JSON bodies (or none), and no other site's browser pages.
 */
@Timeout(30)
class RepositoryCommandsGuardTest {
  private static final String TOKEN = "guard-test-token";

  @TempDir
  static Path root;

  @BeforeAll
  static void repository() {
    ModelFixtures.publish(root, "iris", 1, false);
  }

  private static Http.Response post(TestServer server, String path, String contentType, String body,
      String... headers) {
    HttpRequest.Builder request = server.http.request(path).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return server.http.send(request.build());
  }

  @Test
  void withoutAToken_loadAndUnloadAreOff_theIndexIsNot() {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0))) {
      Http.Response unload = post(server, "/v2/repository/models/iris/unload", null, "");

      assertThat(unload.status()).isEqualTo(403);
      assertThat(unload.error()).isEqualTo("the repository commands that change what is served (load, unload) are "
          + "turned off: start the server with --admin-token TOKEN (or MLAPI_ADMIN_TOKEN) and send \"Authorization: "
          + "Bearer TOKEN\", or open them to anyone who can reach the server with --open-admin");
      assertThat(post(server, "/v2/repository/models/iris/load", null, "").status()).isEqualTo(403);
      assertThat(post(server, "/v2/repository/index", null, "").status()).isEqualTo(200);
      assertThat(server.http.get("/v2/models/iris/ready").status()).as("still served").isEqualTo(200);
    }
  }

  @Test
  void openAdmin_opensThemWithoutAToken() {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0).withAdmin(null, true))) {
      assertThat(post(server, "/v2/repository/models/iris/unload", null, "").status()).isEqualTo(200);
      assertThat(post(server, "/v2/repository/models/iris/load", null, "").status()).isEqualTo(200);
    }
  }

  @Test
  void theBearerScheme_isCaseInsensitive() {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0).withAdmin(TOKEN, false))) {
      for (String scheme : new String[] {"Bearer", "bearer", "BEARER"}) {
        assertThat(post(server, "/v2/repository/index", null, "", "Authorization", scheme + " " + TOKEN).status())
            .as(scheme).isEqualTo(200);
      }
      assertThat(post(server, "/v2/repository/index", null, "", "Authorization", "Basic " + TOKEN).status())
          .isEqualTo(403);
      assertThat(post(server, "/v2/repository/index", null, "", "Authorization", "bearer wrong").status())
          .isEqualTo(403);
    }
  }

  @Test
  void aBodyThatIsNotJson_isRefused_noBodyOrAJsonOneIsNot() {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0).withAdmin(null, true))) {
      Http.Response form = post(server, "/v2/repository/models/iris/unload", "text/plain", "a=b");
      Http.Response urlEncoded = post(server, "/v2/repository/models/iris/unload",
          "application/x-www-form-urlencoded", "a=b");

      assertThat(form.status()).isEqualTo(415);
      assertThat(form.error()).isEqualTo("the repository commands take a JSON body (Content-Type: application/json) "
          + "or none");
      assertThat(urlEncoded.status()).isEqualTo(415);
      assertThat(server.http.get("/v2/models/iris/ready").status()).as("not unloaded").isEqualTo(200);
      assertThat(post(server, "/v2/repository/models/iris/load", "application/json; charset=utf-8", "{}").status())
          .isEqualTo(200);
      assertThat(post(server, "/v2/repository/models/iris/load", "text/plain", "").status())
          .as("no body, whatever the type").isEqualTo(200);
    }
  }

  @Test
  void anotherSitesPage_isRefused_theServersOwnIsNot() {
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0).withAdmin(null, true))) {
      String self = "http://127.0.0.1:" + server.server.port();
      Http.Response evil = post(server, "/v2/repository/models/iris/unload", null, "", "Origin", "https://evil.example");

      assertThat(evil.status()).isEqualTo(403);
      assertThat(evil.error()).isEqualTo("a repository command from another site is refused (Origin: "
          + "https://evil.example, Sec-Fetch-Site: -); use the console this server serves, or a client that is not a "
          + "browser");
      assertThat(post(server, "/v2/repository/models/iris/unload", null, "", "Origin", "null").status()).isEqualTo(403);
      assertThat(post(server, "/v2/repository/models/iris/unload", null, "", "Origin", "http://127.0.0.1:1").status())
          .as("another port of the same host").isEqualTo(403);
      assertThat(post(server, "/v2/repository/models/iris/unload", null, "", "Sec-Fetch-Site", "cross-site").status())
          .isEqualTo(403);
      assertThat(server.http.get("/v2/models/iris/ready").status()).as("not unloaded").isEqualTo(200);

      assertThat(post(server, "/v2/repository/models/iris/unload", null, "", "Origin", self, "Sec-Fetch-Site",
          "same-origin").status()).isEqualTo(200);
    }
  }

  @Test
  void sameHost_comparesHostAndPort() {
    assertThat(RepositoryApi.sameHost("http://mlapi.example:5000", "mlapi.example:5000")).isTrue();
    assertThat(RepositoryApi.sameHost("https://MLAPI.example", "mlapi.example")).isTrue();
    assertThat(RepositoryApi.sameHost("http://mlapi.example", "mlapi.example")).isTrue();
    assertThat(RepositoryApi.sameHost("http://mlapi.example:8080", "mlapi.example")).isFalse();
    assertThat(RepositoryApi.sameHost("http://mlapi.example:5000", "mlapi.example:5001")).isFalse();
    assertThat(RepositoryApi.sameHost("http://evil.example:5000", "mlapi.example:5000")).isFalse();
    assertThat(RepositoryApi.sameHost("null", "mlapi.example")).isFalse();
    assertThat(RepositoryApi.sameHost("http://[::1]:5000", "[::1]:5000")).isTrue();
  }

  @Test
  void whileALoadHoldsTheRepository_aCommandAnswers503WithRetryAfter() throws Exception {
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ModelLoader trained = ModelLoader.trained();
    ModelLoader slow = (dir, name, version) -> {
      loading.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return trained.load(dir, name, version);
    };
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0).withAdmin(TOKEN, false), null, false, slow)) {
      CompletableFuture<Void> poll = CompletableFuture.runAsync(server.repository::poll);
      assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();

      // The load holds the repository until released below: an answer at all shows the wait is bounded.
      Http.Response busy = post(server, "/v2/repository/models/iris/unload", null, "", "Authorization", "Bearer " + TOKEN);

      assertThat(busy.status()).isEqualTo(503);
      assertThat(busy.header("Retry-After")).isEqualTo("5");
      assertThat(busy.error()).isEqualTo("the repository is busy loading model iris version 1; retry in a moment");
      release.countDown();
      poll.get(10, TimeUnit.SECONDS);
      assertThat(post(server, "/v2/repository/models/iris/unload", null, "", "Authorization", "Bearer " + TOKEN)
          .status()).isEqualTo(200);
    }
  }
}
