package io.mlapi.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Hands every connection the server accepts to Helidon's HTTP/1 connection, wrapped in a
 * {@link GuardedConnection}: the one place for what Helidon 4.5.0's HTTP/1 server does not do
 * itself (header and body deadlines, request heads and chunks counted in the buffer budget,
 * {@code Connection: close} honoured, HTTP/1.0 answered, 431 for oversized headers, chunk
 * extensions, a 400 for a bad method or chunk size). It must be the listener's only connection
 * selector (the server is built without discovered protocols): with a single selector Helidon
 * hands over each connection before reading from it, so a client that never sends a byte is on
 * a guarded connection, with a deadline, from the start.
 *
 * <p>Its timer checks every open connection's deadlines four times per timeout (at most once a
 * second, at least every 10 ms). {@link #close} stops it.
 */
final class ConnectionGuard implements ServerConnectionSelector, AutoCloseable {
  /** Request headers larger than this get 431 (Helidon's default). */
  static final int MAX_HEADERS_BYTES = 16 * 1024;

  private final Http1ConnectionSelector http1;
  private final Duration headerTimeout;
  private final Duration requestTimeout;
  private final long maxRequestBytes;
  private final BufferBudget budget;
  private final Duration sweepPeriod;
  private final IntConsumer refused;
  private final Set<GuardedConnection> open = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;

  /** @param refused told the status of each request the guard answers itself (a head that took too long) */
  ConnectionGuard(ServerConfig config, BufferBudget budget, IntConsumer refused) {
    this.refused = refused;
    this.headerTimeout = config.connections().headerTimeout();
    this.requestTimeout = config.requestTimeout();
    this.maxRequestBytes = config.maxRequestBytes();
    this.budget = budget;
    Http1ConnectionListener received = new Http1ConnectionListener() {
      @Override
      public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        connectionOf(ctx).prologueRead();
      }

      @Override
      public void headers(ConnectionContext ctx, Headers headers) {
        connectionOf(ctx).headersRead(headers);
      }
    };
    Http1ConnectionListener sent = new Http1ConnectionListener() {
      @Override
      public void headers(ConnectionContext ctx, Headers headers) {
        connectionOf(ctx).responseHeadersSent(headers);
      }
    };
    this.http1 = Http1ConnectionSelector.builder()
        .config(Http1Config.builder()
            .maxHeadersSize(MAX_HEADERS_BYTES)
            // Every response header is mlapi's own constant or checked value (X-Request-Id), so checking
            // them again on each response (~5% of the CPU under load, JFR) buys nothing. Request headers,
            // the client's, are still checked.
            .validateResponseHeaders(false)
            .addReceiveListener(received)
            .addSendListener(sent)
            .build())
        .build();
    long shortest = Math.min(headerTimeout.toMillis(), requestTimeout.toMillis());
    this.sweepPeriod = Duration.ofMillis(Math.clamp(shortest / 4, 10, 1000));
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "mlapi-connection-guard");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleAtFixedRate(() -> sweep(System.nanoTime()), sweepPeriod.toMillis(), sweepPeriod.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** The guarded connection behind a context Helidon passes to a listener: always one of ours. */
  private static GuardedConnection connectionOf(ConnectionContext ctx) {
    return ((GuardedConnection.View) ctx).connection();
  }

  /** Checks every open connection's deadlines. */
  void sweep(long nowNanos) {
    for (GuardedConnection connection : open) {
      connection.check(nowNanos);
    }
  }

  void opened(GuardedConnection connection) {
    open.add(connection);
  }

  void closed(GuardedConnection connection) {
    open.remove(connection);
  }

  /** Connections open now. */
  int openConnections() {
    return open.size();
  }

  Http1ConnectionSelector http1() {
    return http1;
  }

  Duration headerTimeout() {
    return headerTimeout;
  }

  Duration requestTimeout() {
    return requestTimeout;
  }

  long maxRequestBytes() {
    return maxRequestBytes;
  }

  BufferBudget budget() {
    return budget;
  }

  Duration sweepPeriod() {
    return sweepPeriod;
  }

  /** Counts a request the guard answered itself. */
  void refused(int status) {
    refused.accept(status);
  }

  @Override
  public int bytesToIdentifyConnection() {
    return 0;
  }

  /** Every connection: this is the listener's only selector. */
  @Override
  public Support supports(BufferData data) {
    return Support.SUPPORTED;
  }

  @Override
  public Set<String> supportedApplicationProtocols() {
    return Set.of("http/1.1");
  }

  @Override
  public ServerConnection connection(ConnectionContext ctx) {
    return new GuardedConnection(this, ctx);
  }

  /** Stops the timer, and waits (briefly) for its thread to end; idempotent. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
