package io.mlapi.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** Reads JSON request bodies within the size limit and writes JSON responses, errors included. */
final class JsonBodies {
  /**
   * NaN and Infinity are not JSON, but Python's json module writes them: they are read as numbers
   * so the core can answer "NaN is not a finite number" instead of "malformed JSON".
   */
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private final long maxBytes;

  JsonBodies(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The request body as a JSON tree: 413 over the limit, 400 when empty or malformed. */
  JsonNode read(ServerRequest request) {
    long declared = request.headers().contentLength().orElse(-1);
    if (declared > maxBytes) {
      throw tooLarge();
    }
    byte[] body;
    try (InputStream in = request.content().inputStream()) {
      body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (body.length > maxBytes) {
        throw tooLarge();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (body.length == 0) {
      throw ApiException.badRequest("the request body is empty; send a JSON object");
    }
    try {
      JsonNode tree = MAPPER.readTree(body);
      if (tree == null || !tree.isObject()) {
        throw ApiException.badRequest("the request body must be a JSON object");
      }
      return tree;
    } catch (JacksonException e) {
      throw ApiException.badRequest(malformed(e));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** "malformed JSON at line 1, column 9: Unexpected ...", without Jackson's notes on redacted sources. */
  static String malformed(JacksonException e) {
    String reason = e.getOriginalMessage()
        .replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)", "")
        .replaceAll("\\s+", " ")
        .trim();
    var where = e.getLocation();
    return where == null || where.getLineNr() < 1
        ? "malformed JSON: " + reason
        : "malformed JSON at line " + where.getLineNr() + ", column " + where.getColumnNr() + ": " + reason;
  }

  private ApiException tooLarge() {
    return new ApiException(413, "the request body is larger than the limit of " + maxBytes
        + " bytes; send fewer rows per request or raise --max-request-bytes");
  }

  /** Sends {@code body} (records, maps, lists: anything Jackson writes) as JSON. */
  static void send(ServerResponse response, Status status, Object body) {
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a response as JSON", e);
    }
    response.status(status);
    response.header(HeaderValues.CONTENT_TYPE_JSON);
    response.header(HeaderNames.CACHE_CONTROL, "no-store");
    response.send(bytes);
  }

  static void sendError(ServerResponse response, int status, String message) {
    send(response, Status.create(status), Map.of("error", message));
  }
}
