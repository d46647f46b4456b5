package io.mlapi.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.Http;
import io.mlapi.ModelFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console's files and guides, and the read-only endpoints it is built on (the model list
 * and the model cards), on a server with an admin token: none of them needs it. The console in a
 * browser is {@code ConsoleIT}'s.
 */
class ConsoleEndpointsTest {
  private static final String TOKEN = "console-endpoints-test-token";

  @TempDir
  static Path root;
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() {
    Path iris = ModelFixtures.publish(root, "iris", 1, false);
    ModelFixtures.publishCorrupt(iris, root.resolve("iris").resolve("2"), 2);
    ModelFixtures.publishCorrupt(iris, root.resolve("broken").resolve("1"), 1);
    ServerConfig defaults = ServerConfig.onPort(0);
    server = new TestServer(root, new ServerConfig("127.0.0.1", 0, defaults.maxRequestBytes(), defaults.maxRows(),
        defaults.requestTimeout(), defaults.drainDelay(), defaults.gracePeriod(), TOKEN, false));
    http = server.http;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void root_isTheConsolePage_withItsSecurityHeaders_andEveryFileItLoadsIsServed() {
    Http.Response page = http.get("/");

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(page.header("Content-Security-Policy")).isEqualTo(StaticFiles.CONTENT_SECURITY_POLICY)
        .contains("script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'");
    assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(page.body()).contains("<script type=\"module\" src=\"/console/app.js\"></script>")
        .doesNotContain(TOKEN, "http://", "https://");

    List<String> loaded = new ArrayList<>();
    Matcher reference = Pattern.compile("(?:src|href)=\"(/console/[^\"]+)\"").matcher(page.body());
    while (reference.find()) {
      loaded.add(reference.group(1));
    }
    assertThat(loaded).containsExactlyInAnyOrder("/console/console.css", "/console/traffic.js", "/console/app.js");
    for (String path : loaded) {
      Http.Response file = http.get(path);
      assertThat(file.status()).as(path).isEqualTo(200);
      assertThat(file.header("Content-Type")).as(path)
          .isEqualTo(path.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
      assertThat(file.body().replace("http://www.w3.org/2000/svg", "")).as(path) // a namespace, not an address
          .doesNotContain("http://", "https://"); // nothing from outside
    }
  }

  @Test
  void files_carryAnETag_andAnswer304WhenItMatches() {
    Http.Response first = http.get("/console/app.js");
    String etag = first.header("ETag");

    assertThat(etag).matches("\"[0-9a-f]{32}\"");
    assertThat(first.header("Cache-Control")).isEqualTo("no-cache");
    Http.Response again = http.send(http.request("/console/app.js").header("If-None-Match", "\"other\", " + etag).build());
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(http.send(http.request("/console/app.js").header("If-None-Match", "\"other\"").build()).status())
        .isEqualTo(200);
    assertThat(http.get("/").header("ETag")).isNotEqualTo(etag);
  }

  @Test
  void unknownFile_is404_namingTheFilesThereAre() {
    Http.Response response = http.get("/console/nope.js");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.error()).isEqualTo("the console has no file \"nope.js\"; it has console.css, app.js, traffic.js");
    assertThat(http.get("/console/..%2Fconsole%2Findex.html").status()).isEqualTo(404);
  }

  @Test
  void docs_serveTheGuides_asPlainText() throws IOException {
    for (String guide : List.of("serving.md", "metrics.md", "console.md")) {
      Http.Response response = http.get("/docs/" + guide);
      assertThat(response.status()).as(guide).isEqualTo(200);
      assertThat(response.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
      assertThat(response.body()).isEqualTo(Files.readString(Path.of("docs", guide)));
    }
    assertThat(http.get("/docs/README.md").body()).isEqualTo(Files.readString(Path.of("README.md")));
  }

  @Test
  void docs_unknownOrNotAGuide_is404() {
    for (String page : List.of("nope.md", "openapi.json", "version.properties", "..%2F..%2Fversion.properties")) {
      Http.Response response = http.get("/docs/" + page);
      assertThat(response.status()).as(page).isEqualTo(404);
      assertThat(response.error()).as(page).startsWith(page.startsWith(".") ? "no such endpoint" : "no guide named ");
    }
    assertThat(http.get("/docs/nope.md").error())
        .isEqualTo("no guide named \"nope.md\"; the guides are README.md and those of docs/, such as serving.md");
  }

  @Test
  void models_listEveryVersionWithItsState_evenOfAModelWithNoneServed_withoutTheToken() {
    Http.Response response = http.get("/v2/models");

    assertThat(response.status()).isEqualTo(200);
    JsonNode list = response.json();
    assertThat(list.path("scanned").asBoolean()).isTrue();
    assertThat(list.path("default_model").isNull()).isTrue(); // two models, no --default-model
    JsonNode broken = list.path("models").get(0);
    JsonNode iris = list.path("models").get(1);
    assertThat(broken.path("name").asText()).isEqualTo("broken");
    assertThat(broken.path("ready").asBoolean()).isFalse();
    assertThat(broken.path("versions").get(0).path("state").asText()).isEqualTo("UNAVAILABLE");
    assertThat(broken.path("versions").get(0).path("reason").asText()).contains("broken/1");
    assertThat(http.get("/v2/models/broken").status()).isEqualTo(503); // what the V2 metadata cannot show

    assertThat(iris.path("name").asText()).isEqualTo("iris");
    assertThat(iris.path("ready").asBoolean()).isTrue();
    assertThat(iris.path("unloaded").asBoolean()).isFalse();
    assertThat(iris.path("versions").get(0).path("version").asText()).isEqualTo("2");
    assertThat(iris.path("versions").get(0).path("state").asText()).isEqualTo("UNAVAILABLE");
    assertThat(iris.path("versions").get(0).path("reason").asText())
        .contains("model.libsvm does not match its SHA-256 in model.json");
    assertThat(iris.path("versions").get(1).toString()).isEqualTo("{\"version\":\"1\",\"state\":\"READY\",\"reason\":\"\"}");
    assertThat(response.body()).doesNotContain(TOKEN);
  }

  @Test
  void card_isTheModelJsonOfTheVersionServed_withoutTheToken() throws IOException {
    JsonNode written = Http.JSON.readTree(root.resolve("iris/1/model.json").toFile());

    Http.Response byVersion = http.get("/v2/models/iris/versions/1/card");
    assertThat(byVersion.status()).isEqualTo(200);
    assertThat(byVersion.json()).isEqualTo(written);
    assertThat(byVersion.json().path("metrics").path("accuracy").doubleValue()).isEqualTo(0.7);
    assertThat(http.get("/v2/models/iris/card").json()).isEqualTo(written); // the newest served version
  }

  @Test
  void card_ofAVersionNotServed_is503WithTheReason_andOfAnUnknownOne404() {
    Http.Response failed = http.get("/v2/models/iris/versions/2/card");
    assertThat(failed.status()).isEqualTo(503);
    assertThat(failed.error()).startsWith("version 2 of model iris is not served: ")
        .contains("model.libsvm does not match its SHA-256");

    assertThat(http.get("/v2/models/iris/versions/9/card").error())
        .isEqualTo("model iris has no version \"9\"; its versions are 2, 1");
    assertThat(http.get("/v2/models/nope/card").status()).isEqualTo(404);
    assertThat(http.get("/v2/models/broken/card").status()).isEqualTo(503);
  }

  /** The console's form starts from the model's first test row, which the V2 metadata offers to any client. */
  @Test
  void modelMetadata_offersTheFirstTestRowAsAnExample() {
    JsonNode mlapi = http.get("/v2/models/iris/versions/1").json().path("mlapi");

    double[] first = ModelFixtures.iris(1).sampleRows()[0];
    assertThat(mlapi.path("example").toString()).isEqualTo(java.util.Arrays.toString(first).replace(" ", ""))
        .isEqualTo("[6.9,3.2,5.7,2.3]"); // iris row 121, the tutorial split's first test row
    assertThat(mlapi.path("example").size()).isEqualTo(mlapi.path("features").size());
  }
}
