package io.mlapi.server;

import io.mlapi.model.InferenceException;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.RequestException;
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
   * so the core can answer "NaN is not a finite number" instead of "malformed JSON". A key given
   * twice is an error, not "the last one wins": two parsers (a proxy's, ours) must not read one
   * body two ways.
   */
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /** The first buffer a body gets, whatever its {@code Content-Length} says. */
  private static final int FIRST_BUFFER = 8 * 1024;

  private final long maxBytes;
  private final BufferBudget budget;

  JsonBodies(long maxBytes, BufferBudget budget) {
    this.maxBytes = maxBytes;
    this.budget = budget;
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
   * The whole request body as bytes: the one place request bodies are read. At most
   * {@code --max-request-bytes} (413 beyond; a {@code Content-Length} over it is refused before
   * reading), arriving within {@code --request-timeout} (408 after). The body is buffered as it
   * arrives, never on the client's word: {@code Content-Length} only caps the first buffer, and
   * each growth is reserved in the server's {@link BufferBudget} (503 with {@code Retry-After}
   * when it is spent) until the request ends. A client that leaves mid-body ends the request with
   * {@link ConnectionGone} (counted 499, nothing sent).
   */
  byte[] bytes(Exchange exchange) {
    long declared = exchange.request().headers().contentLength().orElse(-1);
    if (declared > maxBytes) {
      throw tooLarge();
    }
    if (declared == 0 || !exchange.request().content().hasEntity()) {
      return new byte[0];
    }
    // A chunked body is read one byte past the limit, to see it pass the limit.
    long limit = declared >= 0 ? declared : maxBytes + 1;
    byte[] body = new byte[0];
    int length = 0;
    // Not closed when the read fails: closing reads on, and a failed body is left to the connection's end.
    InputStream in = exchange.request().content().inputStream();
    try {
      while (length < limit) {
        if (length == body.length) {
          body = grow(exchange, body, limit);
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
      if (declared >= 0) {
        in.read(); // the end of a body of known length, at once: marks the body read whole
      }
    } catch (ConnectionGone e) {
      throw e;
    } catch (RequestException e) {
      // GuardedConnection's refusals of a chunked body (malformed, too large, over the budget)
      throw refused(exchange, e);
    } catch (IOException | UncheckedIOException | CloseConnectionException
        | DataReader.InsufficientDataAvailableException e) {
      throw new ConnectionGone(ConnectionGone.CLIENT_CLOSED,
          "the client closed the connection before its request body arrived");
    }
    if (length > maxBytes) {
      throw tooLarge();
    }
    return length == body.length ? body : Arrays.copyOf(body, length);
  }

  /** A larger buffer for the body, reserved in the budget first: 8 KiB, then doubling, never past {@code limit}. */
  private byte[] grow(Exchange exchange, byte[] body, long limit) {
    int capacity = (int) Math.min(limit, Math.max(FIRST_BUFFER, 2L * body.length));
    if (!budget.tryReserve(capacity - body.length, capacity > BufferBudget.SMALL)) {
      exchange.response().header(HeaderNames.RETRY_AFTER, "1");
      throw new HttpException(503, overBudgetMessage(budget.limit()));
    }
    exchange.hold(capacity - body.length);
    return Arrays.copyOf(body, capacity);
  }

  /** A chunked body refused mid-way: its framing is lost (or not worth reading on), so its connection closes after the answer. */
  private static HttpException refused(Exchange exchange, RequestException e) {
    int status = e.status().code();
    exchange.response().header(HeaderValues.CONNECTION_CLOSE);
    if (status == 503) {
      exchange.response().header(HeaderNames.RETRY_AFTER, "1");
    }
    return new HttpException(status, e.safeMessage() && e.getMessage() != null ? e.getMessage()
        : "the request body could not be read: it does not follow HTTP/1.1's framing");
  }

  private InferenceException tooLarge() {
    return InferenceException.limitExceeded(tooLargeMessage(maxBytes));
  }

  static String tooLargeMessage(long maxBytes) {
    return "the request body is larger than the limit of " + maxBytes
        + " bytes; send fewer rows per request or raise --max-request-bytes";
  }

  static String overBudgetMessage(long budgetBytes) {
    return "the server is holding as many request bytes as it may (" + budgetBytes
        + " bytes, --max-buffered-bytes) for other requests; retry in a moment";
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
