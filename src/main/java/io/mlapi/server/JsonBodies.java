package io.mlapi.server;

import io.mlapi.model.InferenceException;
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
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;

/**
 * Reads JSON request bodies within the size limit and the request timeout, and writes JSON
 * responses, errors included.
 */
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
  private final BodyReadWatchdog watchdog;

  JsonBodies(long maxBytes, BodyReadWatchdog watchdog) {
    this.maxBytes = maxBytes;
    this.watchdog = watchdog;
  }

  /** The request body as a JSON object: 413 over the limit, 408 late, 400 when empty or malformed. */
  JsonNode read(Exchange exchange) {
    JsonNode body = readOptional(exchange);
    if (body == null) {
      throw InferenceException.invalidInput("the request body is empty; send a JSON object");
    }
    return body;
  }

  /** Like {@link #read}, but an empty body is {@code null}: for commands whose body is optional. */
  JsonNode readOptional(Exchange exchange) {
    JsonContentType.require(exchange.request());
    byte[] body = bytes(exchange);
    if (body.length == 0) {
      return null;
    }
    return object(body, body.length);
  }

  /** The first {@code length} bytes of {@code body} as a JSON object: 400 when they are not one. */
  static JsonNode object(byte[] body, int length) {
    try {
      JsonNode tree = MAPPER.readTree(body, 0, length);
      if (tree == null || !tree.isObject()) {
        throw InferenceException.invalidInput("the request body must be a JSON object");
      }
      return tree;
    } catch (JacksonException e) {
      throw InferenceException.invalidInput(malformed(e));
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

  /**
   * The request body, whatever it holds: 413 over the limit, 408 late, 400 when it cannot be read.
   * The one place request bodies are read.
   */
  byte[] bytes(Exchange exchange) {
    long declared = exchange.request().headers().contentLength().orElse(-1);
    if (declared > maxBytes) {
      throw tooLarge();
    }
    byte[] body = new byte[(int) (declared >= 0 ? declared : Math.min(maxBytes, 8192))];
    int length = 0;
    BodyReadWatchdog.Read watch = watchdog.started(exchange.deadlineNanos());
    try (InputStream in = exchange.request().content().inputStream()) {
      while (true) {
        if (length == body.length) {
          if (length > maxBytes || (declared >= 0 && in.read() < 0)) {
            break;
          }
          // Unknown length (chunked): grow, and read one byte past the limit to know it was passed.
          body = Arrays.copyOf(body, (int) Math.min(maxBytes + 1, Math.max(8192, 2L * body.length)));
        }
        int read = in.read(body, length, body.length - length);
        if (read < 0) {
          break;
        }
        length += read;
        if (System.nanoTime() - exchange.deadlineNanos() > 0) {
          throw timedOut();
        }
      }
    } catch (IOException | UncheckedIOException | CloseConnectionException e) {
      // The client went away, or the watchdog cut a stalled body (and with it the connection).
      if (watch.interrupted() || System.nanoTime() - exchange.deadlineNanos() > 0) {
        throw timedOut();
      }
      throw InferenceException.invalidInput("the request body could not be read: " + e.getMessage());
    } finally {
      watchdog.finished(watch);
    }
    if (length > maxBytes) {
      throw tooLarge();
    }
    return length == body.length ? body : Arrays.copyOf(body, length);
  }

  private InferenceException tooLarge() {
    return InferenceException.limitExceeded( "the request body is larger than the limit of " + maxBytes
        + " bytes; send fewer rows per request or raise --max-request-bytes");
  }

  private static HttpException timedOut() {
    return new HttpException(408, "the request body did not arrive within the request timeout; "
        + "send it faster, or raise --request-timeout");
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
