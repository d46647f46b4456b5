package io.mlapi.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerResponse;
import io.mlapi.model.InferenceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON request bodies within the size limit and the request timeout, and writes JSON
 * responses, errors included. The prediction endpoints read their bodies as a stream of tokens
 * ({@link #readObject}), without building a tree of the whole body first; the others read a tree.
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

  /** Answers are computed per request: no cache may keep one. */
  private static final Header NO_STORE = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "no-store");

  /** Reads one value where a streaming reader stands, as {@link #MAPPER} would read it in a whole body. */
  private static final ObjectReader VALUE = MAPPER.readerFor(JsonNode.class)
      .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /**
   * One top-level field of a body being read by {@link #readObject}.
   *
   * @param name the field's name
   * @param parser the parser, at the field value's first token
   * @param body the whole body, for readers that read part of it again
   */
  record Field(String name, JsonParser parser, byte[] body) {}

  /** Reads the top-level fields it knows, as they stream by. */
  interface FieldReader {
    /**
     * Reads {@code field}'s whole value if it is one this reader knows, leaving the parser at the
     * value's last token (or past it). Never throws for what the value holds: a reader keeps the
     * first thing wrong with a value and tells it when asked, after the whole body has been found
     * well-formed, so that malformed JSON is always what a malformed body gets told.
     *
     * @return whether the field was read; an unknown field is skipped
     */
    boolean read(Field field) throws IOException;
  }

  /** Keeps one top-level field as a tree: for small values checked whole. */
  static final class TreeField implements FieldReader {
    private final String name;
    private JsonNode value = MissingNode.getInstance();

    TreeField(String name) {
      this.name = name;
    }

    /** The field's value; a missing node when the body has no such field. */
    JsonNode value() {
      return value;
    }

    @Override
    public boolean read(Field field) throws IOException {
      if (!field.name().equals(name)) {
        return false;
      }
      value = JsonBodies.value(field.parser());
      return true;
    }
  }

  /**
   * A top-level field holding a list, read item by item (the last one counts when a body gives it
   * under several of its names: the protocol then refuses it). After the first wrong item the others are
   * only counted: the first wrong one is what the checks meet first.
   */
  abstract static class ListField implements FieldReader {
    private final List<String> names;
    private int seen; // a bit per name the body used
    private String name;
    private boolean given;
    private int count;

    /** @param names the field's names, the first its own (a protocol may take the list under another) */
    ListField(String... names) {
      this.names = List.of(names);
      this.name = names[0];
    }

    @Override
    public final boolean read(Field field) throws IOException {
      int known = names.indexOf(field.name());
      if (known < 0) {
        return false;
      }
      seen |= 1 << known;
      this.name = field.name();
      JsonParser parser = field.parser();
      given = parser.currentToken() == JsonToken.START_ARRAY;
      count = 0;
      clear();
      if (!given) {
        parser.skipChildren();
        return true;
      }
      boolean wrong = false;
      for (JsonToken token = next(parser); token != JsonToken.END_ARRAY; token = next(parser)) {
        int index = count++;
        if (wrong) {
          parser.skipChildren();
        } else {
          wrong = !item(index, token, field);
        }
      }
      return true;
    }

    /** Forgets what an earlier field of the same name held. */
    abstract void clear();

    /**
     * Reads item {@code index}, the parser at its first token ({@code token}); leaves the parser
     * at its last token or past it. {@code field.name()} is the name the body gave the list.
     *
     * @return false when the item is wrong (the reader keeps why)
     */
    abstract boolean item(int index, JsonToken token, Field field) throws IOException;

    /** Whether the body has the field, holding a list. */
    boolean given() {
      return given;
    }

    /** The list's length. */
    int count() {
      return count;
    }

    /** The name the body gave the list read (the field's own when it gave none). */
    String name() {
      return name;
    }

    /** Whether the body gave the field under more than one of its names. */
    boolean severalNames() {
      return Integer.bitCount(seen) > 1;
    }
  }

  private final long maxBytes;
  private final BufferBudget budget;

  JsonBodies(long maxBytes, BufferBudget budget) {
    this.maxBytes = maxBytes;
    this.budget = budget;
  }

  /**
   * The request body as a JSON object, for commands whose body is optional: {@code null} when it
   * is empty; 415 when it says it is not JSON, 413 over the limit, 408 late, 400 when malformed.
   */
  JsonNode readOptional(Exchange exchange) {
    JsonContentType.require(exchange.request());
    byte[] body = bytes(exchange);
    return body.length == 0 ? null : object(body, body.length);
  }

  /**
   * The request body of a JSON request, not yet parsed: 415 when it says it is not JSON, 413 over
   * the limit, 408 late, 400 when empty.
   */
  byte[] json(Exchange exchange) {
    JsonContentType.require(exchange.request());
    byte[] body = bytes(exchange);
    if (body.length == 0) {
      throw InferenceException.invalidInput("the request body is empty; send a JSON object");
    }
    return body;
  }

  /** The first {@code length} bytes of {@code body} as a JSON object: 400 when they are not one. */
  private static JsonNode object(byte[] body, int length) {
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

  /**
   * Reads the request body as one JSON object, streaming: each top-level field goes to
   * {@code fields}, which reads the ones it knows: 415 when it says it is not JSON, 413 over
   * the limit, 408 late, 400 when empty, malformed or not an object.
   */
  void readObject(Exchange exchange, FieldReader fields) {
    byte[] body = json(exchange);
    readObject(body, body.length, fields);
  }

  /**
   * Reads the first {@code length} bytes of {@code body} (a whole JSON body, or the JSON object
   * at the start of a binary one) as one JSON object, streaming, as {@link #readObject(Exchange,
   * FieldReader)} does: 400 when they are malformed or not an object.
   */
  static void readObject(byte[] body, int length, FieldReader fields) {
    try (JsonParser parser = MAPPER.createParser(body, 0, length)) {
      if (parser.nextToken() == JsonToken.START_OBJECT) {
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
          parser.nextToken();
          if (!fields.read(new Field(name, parser, body))) {
            parser.skipChildren();
          }
        }
        if (parser.nextToken() == null) {
          return;
        }
      }
      object(body, length); // not one object: the tree reader says what it is instead, in the words every endpoint uses
    } catch (JacksonException e) {
      object(body, length); // likewise for malformed JSON; it takes no body the stream refused, but if it did:
      throw InferenceException.invalidInput(malformed(e));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("the tree reader took a body that is not one JSON object");
  }

  /**
   * The next token inside a value: never the end of the input, which the parser reports as an
   * error there, so a reader's loop over a list or object always ends.
   */
  static JsonToken next(JsonParser parser) throws IOException {
    JsonToken token = parser.nextToken();
    if (token == null) {
      throw new IllegalStateException("a reader went past the end of the body's outermost object");
    }
    return token;
  }

  /** The value the parser stands at, as a tree: for small values, and for saying what a wrong value is. */
  static JsonNode value(JsonParser parser) throws IOException {
    return VALUE.readTree(parser);
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

  /** A response body written straight to a JSON generator: for the answers sent most, no reflection on the way. */
  interface Content {
    void write(JsonGenerator json) throws IOException;
  }

  /** Sends {@code body} (records, maps, lists: anything Jackson writes) as JSON. */
  static void send(ServerResponse response, Status status, Object body) {
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a response as JSON", e);
    }
    send(response, status, bytes);
  }

  /** Sends what {@code content} writes as JSON. */
  static void send(ServerResponse response, Status status, Content content) {
    send(response, status, write(content));
  }

  /** What {@code content} writes, as bytes: for a response that is more than JSON (binary tensor data). */
  static byte[] write(Content content) {
    ByteArrayBuilder bytes = new ByteArrayBuilder(512);
    try (JsonGenerator json = MAPPER.createGenerator(bytes)) {
      content.write(json);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a response as JSON", e);
    }
    return bytes.toByteArray();
  }

  private static void send(ServerResponse response, Status status, byte[] bytes) {
    response.status(status);
    response.header(HeaderValues.CONTENT_TYPE_JSON);
    response.header(NO_STORE);
    response.send(bytes);
  }

  static void sendError(ServerResponse response, int status, String message) {
    send(response, Status.create(status), Map.of("error", message));
  }
}
