package io.mlapi.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.mlapi.model.MlapiVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code GET /openapi.json}: the OpenAPI 3 description of every endpoint, read once from the jar. */
final class OpenApiDocument {
  static final String RESOURCE = "/io/mlapi/server/openapi.json";

  private final byte[] json;

  private OpenApiDocument(byte[] json) {
    this.json = json;
  }

  /** The bundled document, stamped with this build's version. */
  static OpenApiDocument load() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the jar");
      }
      ObjectNode document = (ObjectNode) JsonBodies.MAPPER.readTree(in);
      ((ObjectNode) document.get("info")).put("version", MlapiVersion.VALUE);
      return new OpenApiDocument(JsonBodies.MAPPER.writeValueAsBytes(document));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(RESOURCE + " is not valid JSON", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void send(Exchange exchange) {
    exchange.response().status(Status.OK_200);
    exchange.response().header(HeaderValues.CONTENT_TYPE_JSON);
    exchange.response().send(json);
  }
}
