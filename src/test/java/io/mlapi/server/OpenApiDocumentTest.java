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
        JsonNode operation = document.path("paths").path(endpoint.path())
            .path(endpoint.method().text().toLowerCase(Locale.ROOT));
        if (response.status() == 200 && response.header("Content-Type").startsWith("application/json")) {
          JsonNode schema = resolve(document, operation.path("responses").path("200").path("content")
              .path("application/json").path("schema"));
          for (JsonNode field : schema.path("required")) {
            assertThat(response.json().has(field.asText())).as("%s answers its required field %s: %s", endpoint,
                field.asText(), response.body()).isTrue();
          }
        }
        if (endpoint.method().equals(Method.GET)) {
          assertThat(server.http.method("HEAD", path).status()).as("HEAD " + path).isEqualTo(response.status());
        }
      }
    }
  }

  private static JsonNode resolve(JsonNode document, JsonNode schema) {
    String ref = schema.path("$ref").asText("");
    return ref.isEmpty() ? schema : document.at(ref.substring(1));
  }

  /**
   * Every operation documents 405, and every other method on its path gets it, with an Allow
   * header naming exactly the documented methods (and HEAD, wherever GET is); every operation
   * that takes a JSON body documents 415, and answers it to a body that says it is CSV.
   */
  @Test
  void document_405And415_documentedWhereverTheyAreAnswered() {
    ModelFixtures.publish(root, "iris", 1, false);
    try (TestServer server = new TestServer(root, ServerConfig.onPort(0))) {
      JsonNode document = server.http.get("/openapi.json").json();
      document.path("paths").properties().forEach(entry -> {
        String path = entry.getKey().replace("{name}", "iris").replace("{version}", "1")
            .replace("{asset}", "app.js").replace("{page}", "serving.md");
        Set<String> methods = new java.util.TreeSet<>();
        entry.getValue().properties().forEach(operation -> {
          String method = operation.getKey().toUpperCase(Locale.ROOT);
          methods.add(method);
          JsonNode responses = operation.getValue().path("responses");
          assertThat(responses.path("405").path("$ref").asText()).as("%s %s documents 405", method, entry.getKey())
              .isEqualTo("#/components/responses/MethodNotAllowed");
          boolean json = operation.getValue().path("requestBody").path("content").has("application/json");
          assertThat(responses.has("415")).as("%s %s documents 415 exactly when it takes JSON", method, entry.getKey())
              .isEqualTo(json);
          if (json) {
            Http.Response csv = server.http.send(server.http.request(path).header("Content-Type", "text/csv")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("a,b\n1,2\n")).build());
            assertThat(csv.status()).as("%s %s with a CSV body: %s", method, path, csv).isEqualTo(415);
          }
        });
        if (methods.contains("GET")) {
          methods.add("HEAD");
        }
        Http.Response other = server.http.method("PUT", path);
        assertThat(other.status()).as("PUT " + path).isEqualTo(405);
        assertThat(other.header("Allow")).as("Allow of " + path).isEqualTo(String.join(", ", methods));
      });
      assertThat(document.at("/components/responses/UnsupportedMediaType/description").asText()).isNotBlank();
    }
  }

  /** The response schemas require what the Open Inference Protocol's schemas require. */
  @Test
  void document_requiresTheOpenInferenceProtocolsFields() {
    JsonNode schemas;
    try (var in = OpenApiDocument.class.getResourceAsStream(OpenApiDocument.RESOURCE)) {
      schemas = Http.JSON.readTree(in).path("components").path("schemas");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    java.util.Map<String, List<String>> protocol = java.util.Map.of(
        "ServerMetadata", List.of("name", "version", "extensions"),
        "ModelMetadata", List.of("name", "platform"),
        "TensorMetadata", List.of("name", "datatype", "shape"),
        "InferenceResponse", List.of("model_name", "outputs"),
        "ResponseOutput", List.of("name", "shape", "datatype", "data"),
        "Error", List.of("error"));
    protocol.forEach((schema, required) -> assertThat(schemas.path(schema).path("required"))
        .as("required fields of %s", schema).extracting(JsonNode::asText).containsExactlyElementsOf(required));
  }
}
