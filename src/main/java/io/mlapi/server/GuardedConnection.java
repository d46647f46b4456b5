package io.mlapi.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.common.task.InterruptableTask;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http1.Http1Connection;
import io.helidon.webserver.spi.ServerConnection;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * One client connection: Helidon's HTTP/1 connection reading through a {@link GuardedReader},
 * with the connection's deadlines, its share of the {@link BufferBudget}, and the state both
 * need. Helidon's connection thread runs everything here except {@link #check}, which the
 * {@link ConnectionGuard}'s timer calls.
 *
 * <p>A request's head (request line and headers) must arrive within the header timeout of its
 * first byte (on a new connection, of the connection's start), and its body within the request
 * timeout of its head. Helidon has neither: a read blocks until bytes come. When a deadline
 * passes while the connection waits for bytes, the timer answers 408 itself and closes the
 * connection (the waiting thread cannot answer: it is blocked in the read, which only an
 * interrupt ends, and an interrupt closes the socket).
 */
final class GuardedConnection implements ServerConnection, InterruptableTask<Void> {
  private static final Logger LOG = Logger.getLogger(GuardedConnection.class.getName());

  private static final Status HEADERS_TOO_LARGE = Status.create(431, "Request Header Fields Too Large");
  private static final int NOT_READING = 0;
  private static final int READING = 1;
  private static final int CUT = 2;

  private final ConnectionGuard guard;
  private final ConnectionContext context;
  private final HelidonSocket socket;
  private final Http1Connection http1;
  /** {@link #NOT_READING}, {@link #READING} (blocked waiting for bytes) or {@link #CUT} (timed out). */
  private final AtomicInteger reading = new AtomicInteger(NOT_READING);

  /** Between the request line and the end of the headers. */
  private volatile boolean inHeaders;
  /** When the head being read must be complete, in nanoTime; 0 when no head is being read. */
  private volatile long headDeadline;
  /** When the current request's body must be complete, in nanoTime. */
  private volatile long bodyDeadline;
  private volatile long cutAt;
  private volatile Thread responder;
  /** The current request has been answered (its body may still be being read and discarded). */
  private volatile boolean answered;

  // The connection thread's alone:
  private boolean closeAfterResponse;
  private boolean http10;
  private boolean afterLastChunk;
  private long chunkedBytes;
  private long headReserved;
  private long chunkReserved;

  GuardedConnection(ConnectionGuard guard, ConnectionContext context) {
    this.guard = guard;
    this.context = context;
    this.socket = context.serverSocket();
    this.headDeadline = System.nanoTime() + guard.headerTimeout().toNanos();
    this.http1 = (Http1Connection) guard.http1().connection(new View(context, new GuardedReader(this), this));
  }

  @Override
  public void handle(Limit limit) throws InterruptedException {
    guard.opened(this);
    try {
      http1.handle(limit);
    } finally {
      guard.closed(this);
      guard.budget().release(headReserved + chunkReserved);
      headReserved = 0;
      chunkReserved = 0;
    }
  }

  /** Idle between requests; never while a request head is awaited, which the header timeout governs (with a 408). */
  @Override
  public Duration idleTime() {
    return headDeadline != 0 ? Duration.ZERO : http1.idleTime();
  }

  @Override
  public void close(boolean interrupt) {
    http1.close(interrupt);
  }

  /** Idle, waiting for a request line: what Helidon may interrupt when it stops or a connection idles out. */
  @Override
  public boolean canInterrupt() {
    return http1.canInterrupt();
  }

  @Override
  public Void call() {
    throw new UnsupportedOperationException("a connection runs through handle(Limit)");
  }

  // ---- Where the parser is -------------------------------------------------------------------

  /** Waiting for, or reading, a request line (Helidon's own flag for "between requests"). */
  boolean readingRequestLine() {
    return http1.canInterrupt();
  }

  boolean readingHeaders() {
    return inHeaders;
  }

  boolean afterLastChunk() {
    return afterLastChunk;
  }

  // ---- Bytes from the socket -------------------------------------------------------------------

  /** The next bytes from the client ({@code null} at its end), counted against the budget while a head arrives. */
  byte[] nextBytes() {
    if (!reading.compareAndSet(NOT_READING, READING)) {
      throw cut();
    }
    byte[] bytes;
    try {
      bytes = socket.get();
    } catch (UncheckedIOException e) {
      if (reading.get() == CUT) {
        throw cut();
      }
      throw new ServerConnectionException("Failed to get data from socket", e);
    }
    if (!reading.compareAndSet(READING, NOT_READING)) {
      throw cut();
    }
    if (bytes != null && (inHeaders || readingRequestLine())) {
      if (headDeadline == 0) {
        headDeadline = System.nanoTime() + guard.headerTimeout().toNanos();
      }
      if (!guard.budget().tryReserve(bytes.length, false)) {
        throw overBudget();
      }
      headReserved += bytes.length;
    }
    return bytes;
  }

  // ---- Parser events (GuardedReader and ConnectionGuard's listeners) ---------------------------

  /** Before a request line is read: after a response that said {@code Connection: close}, there is none. */
  void beforeRequestLine() {
    if (closeAfterResponse) {
      throw new CloseConnectionException("the response said Connection: close");
    }
  }

  /**
   * Checks a request line before Helidon parses it: a method that is not an HTTP token gets 400
   * (Helidon's method parser fails with a 500 on one). Helidon refuses HTTP/1.0 with 505; we read
   * it as HTTP/1.1 instead, and answer it with {@code Connection: close}, as an HTTP/1.0 client
   * without keep-alive expects. (An HTTP/1.1 answer to an HTTP/1.0 request is what RFC 9110 §2.5
   * asks of a server; our answers always carry {@code Content-Length}, never chunked encoding.)
   *
   * @return whether the line says HTTP/1.0 and must be read as HTTP/1.1
   */
  boolean checkRequestLine(String line) {
    int space = line.indexOf(' ');
    for (int i = 0; i < (space < 0 ? line.length() : space); i++) {
      if (!isTokenChar(line.charAt(i))) {
        throw RequestException.builder().type(DirectHandler.EventType.BAD_REQUEST).status(Status.BAD_REQUEST_400)
            .setKeepAlive(false).safeMessage(true)
            .message("the request method holds a character that is not allowed in an HTTP method")
            .build();
      }
    }
    http10 = line.endsWith(" HTTP/1.0");
    return http10;
  }

  private static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  /** The request line has been read. */
  void prologueRead() {
    inHeaders = true;
    if (headDeadline == 0) {
      headDeadline = System.nanoTime() + guard.headerTimeout().toNanos();
    }
  }

  /** The request's headers have been read: its head is complete, its body (if any) follows. */
  void headersRead(Headers headers) {
    inHeaders = false;
    headDeadline = 0;
    answered = false;
    bodyDeadline = System.nanoTime() + guard.requestTimeout().toNanos();
    guard.budget().release(headReserved + chunkReserved);
    headReserved = 0;
    chunkReserved = 0;
    chunkedBytes = 0;
    afterLastChunk = false;
    if (http10 && headers instanceof WritableHeaders<?> writable) {
      writable.set(HeaderValues.CONNECTION_CLOSE);
    }
    // Helidon answers such a request with Connection: close, and then waits for the next one.
    closeAfterResponse |= headers.containsToken(HeaderValues.CONNECTION_CLOSE);
  }

  /** A response's headers are about to be sent (before Helidon adds its own Connection header). */
  void responseHeadersSent(Headers headers) {
    answered = true;
    if (headers.containsToken(HeaderValues.CONNECTION_CLOSE)) {
      closeAfterResponse = true;
    }
  }

  RequestException headersTooLarge() {
    return RequestException.builder().type(DirectHandler.EventType.BAD_REQUEST)
        .status(HEADERS_TOO_LARGE).setKeepAlive(false).safeMessage(true)
        .message("the request headers are larger than the limit of " + ConnectionGuard.MAX_HEADERS_BYTES + " bytes")
        .build();
  }

  /**
   * One chunk-size line of a chunked body, as Helidon can parse it (the size in hexadecimal, no
   * extensions), after checking it: hexadecimal digits, then nothing or chunk extensions; the
   * chunks together within the request size limit; the chunk's bytes reserved in the budget
   * before Helidon gathers them (it reads a whole chunk into memory before handing it on).
   */
  String chunkSize(String line) {
    guard.budget().release(chunkReserved);
    chunkReserved = 0;
    int digits = 0;
    while (digits < line.length() && Character.digit(line.charAt(digits), 16) >= 0) {
      digits++;
    }
    String rest = line.substring(digits).stripLeading();
    if (digits == 0 || !(rest.isEmpty() || rest.charAt(0) == ';') || rest.chars().anyMatch(c -> c < ' ' && c != '\t')) {
      throw badChunk("a chunk must start with its size in hexadecimal digits (and nothing but chunk extensions after)");
    }
    String size = line.substring(0, digits).replaceFirst("^0+(?=.)", "");
    long bytes = size.length() > 15 ? Long.MAX_VALUE : Long.parseLong(size, 16);
    chunkedBytes = bytes > guard.maxRequestBytes() ? bytes : chunkedBytes + bytes;
    if (chunkedBytes > guard.maxRequestBytes()) {
      throw RequestException.builder().type(DirectHandler.EventType.OTHER).status(Status.REQUEST_ENTITY_TOO_LARGE_413)
          .setKeepAlive(false).safeMessage(true).message(JsonBodies.tooLargeMessage(guard.maxRequestBytes())).build();
    }
    if (bytes == 0) {
      afterLastChunk = true;
    } else if (guard.budget().tryReserve(bytes, bytes > BufferBudget.SMALL)) {
      chunkReserved = bytes;
    } else {
      throw overBudget();
    }
    return Long.toHexString(bytes);
  }

  RequestException badChunk(String why) {
    return RequestException.builder().type(DirectHandler.EventType.BAD_REQUEST).status(Status.BAD_REQUEST_400)
        .setKeepAlive(false).safeMessage(true).message("malformed chunked request body: " + why).build();
  }

  private RequestException overBudget() {
    return RequestException.builder().type(DirectHandler.EventType.OTHER).status(Status.SERVICE_UNAVAILABLE_503)
        .setKeepAlive(false).safeMessage(true).header(HeaderValues.create("Retry-After", "1"))
        .message(JsonBodies.overBudgetMessage(guard.budget().limit())).build();
  }

  // ---- Deadlines (the timer's side) ------------------------------------------------------------

  /**
   * Cuts the connection if it waits for bytes past a deadline: 408 (unless its request was answered
   * already, and only the rest of its body was awaited) and close. A connection cut
   * before but still open (its 408 stuck behind a client that reads nothing) is closed for good.
   */
  void check(long nowNanos) {
    int state = reading.get();
    if (state == CUT) {
      if (nowNanos - cutAt > guard.sweepPeriod().toNanos() * 2) {
        Thread stuck = responder;
        if (stuck != null) {
          stuck.interrupt(); // closes the socket under the blocked write
        }
        http1.close(true);
      }
      return;
    }
    if (state != READING) {
      return;
    }
    boolean betweenRequests = readingRequestLine();
    boolean inHead = inHeaders || betweenRequests;
    long deadline = inHead ? headDeadline : bodyDeadline;
    if (deadline == 0 || nowNanos - deadline <= 0 || !reading.compareAndSet(READING, CUT)) {
      return;
    }
    cutAt = nowNanos;
    if (inHead) {
      guard.refused(Status.REQUEST_TIMEOUT_408.code()); // a body's 408 is counted by its endpoint
    }
    String why = inHead
        ? "the request line and headers did not arrive within the header timeout of "
            + guard.headerTimeout().toMillis() + " ms; send them faster, or raise --header-timeout"
        : "the request body did not arrive within the request timeout of " + guard.requestTimeout().toMillis()
            + " ms; send it faster, or raise --request-timeout";
    LOG.fine(() -> "closing connection " + context.childSocketId() + " from " + context.remotePeer().host() + ": "
        + why);
    boolean respond = inHead || !answered; // a request gets one answer: not a 408 after its 413, say
    responder = Thread.ofVirtual().name("mlapi-timeout-" + context.childSocketId()).start(() -> {
      try {
        if (respond) {
          context.dataWriter().writeNow(BufferData.create(timeoutResponse(why)));
        }
      } catch (RuntimeException e) {
        LOG.fine(() -> "could not send 408 to " + context.childSocketId() + ": " + e);
      } finally {
        http1.close(true); // interrupts the blocked read, which closes the socket
      }
    });
  }

  private static byte[] timeoutResponse(String why) {
    byte[] body;
    try {
      body = JsonBodies.MAPPER.writeValueAsBytes(Map.of("error", why));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    byte[] head = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] response = java.util.Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, response, head.length, body.length);
    return response;
  }

  /** What the connection thread throws once the timer has cut the connection (and answered 408). */
  private ConnectionGone cut() {
    return new ConnectionGone(Status.REQUEST_TIMEOUT_408.code(),
        "the request did not arrive within its timeout; the connection was closed");
  }

  /**
   * Helidon's connection context, with this connection's reader in place of the plain one; the
   * context Helidon's parser passes to {@link ConnectionGuard}'s listeners, so they find the connection.
   */
  record View(ConnectionContext context, DataReader reader, GuardedConnection connection) implements ConnectionContext {
    @Override
    public PeerInfo remotePeer() {
      return context.remotePeer();
    }

    @Override
    public PeerInfo localPeer() {
      return context.localPeer();
    }

    @Override
    public boolean isSecure() {
      return context.isSecure();
    }

    @Override
    public String socketId() {
      return context.socketId();
    }

    @Override
    public String childSocketId() {
      return context.childSocketId();
    }

    @Override
    public ListenerContext listenerContext() {
      return context.listenerContext();
    }

    @Override
    public ExecutorService executor() {
      return context.executor();
    }

    @Override
    public DataWriter dataWriter() {
      return context.dataWriter();
    }

    @Override
    public DataReader dataReader() {
      return reader;
    }

    @Override
    public Router router() {
      return context.router();
    }

    @Override
    public Optional<ProxyProtocolData> proxyProtocolData() {
      return context.proxyProtocolData();
    }

    @Override
    public HelidonSocket serverSocket() {
      return context.serverSocket();
    }
  }
}
