package io.mlapi.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Method;
import io.mlapi.Http;
import io.mlapi.ModelFixtures;
import io.mlapi.model.MlapiVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /openapi.json} against the real routes: every documented operation answers, every route is documented. */
class OpenApiDocumentTest {
  @TempDir
  Path root;

  @Test
  void document_describesExactlyTheRoutes_andEachDocumentedOperationAnswers() {
    ModelFixtures.publish(root, "iris", 1, false);
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0))) {
      JsonNode document = server.http.get("/openapi.json").json();
      assertThat(document.path("openapi").asText()).startsWith("3.");
      assertThat(document.path("info").path("version").asText()).isEqualTo(MlapiVersion.VALUE);

      Set<HttpApi.Endpoint> documented = new HashSet<>();
      document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation ->
          documented.add(new HttpApi.Endpoint(path.getKey(), Method.create(operation.getKey().toUpperCase(Locale.ROOT))))));
      assertThat(documented).containsExactlyInAnyOrderElementsOf(server.server.endpoints());

      // Unload last: it changes what the others see.
      List<HttpApi.Endpoint> ordered = new ArrayList<>(documented);
      ordered.sort((a, b) -> Boolean.compare(a.path().endsWith("/unload"), b.path().endsWith("/unload")));
      for (HttpApi.Endpoint endpoint : ordered) {
        String path = endpoint.path();
        for (JsonNode parameter : document.path("paths").path(endpoint.path()).path(
            endpoint.method().text().toLowerCase(Locale.ROOT)).path("parameters")) {
          if (parameter.has("example")) { // e.g. the console's files: {asset} is app.js
            path = path.replace("{" + parameter.path("name").asText() + "}", parameter.path("example").asText());
          }
        }
        path = path.replace("{name}", "iris").replace("{version}", "1");
        Http.Response response = endpoint.method().equals(Method.GET) ? server.http.get(path)
            : server.http.post(path, "{}");
        assertThat(response.status()).as(endpoint + " answered " + response).isNotIn(404, 405);
      }
    }
  }
}
