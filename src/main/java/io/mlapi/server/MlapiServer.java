package io.mlapi.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.mlapi.inference.InferenceService;
import io.mlapi.metrics.Metrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/** The HTTP server: {@link HttpApi}'s routes on a Helidon webserver with virtual threads, and its orderly stop. */
public final class MlapiServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(MlapiServer.class.getName());
  /** How a user chooses the HTTP port, for the errors that say to choose another. */
  private static final String PORT_OPTION = "--port (or PORT; 0 picks a free one)";

  private final WebServer server;
  private final HttpApi api;
  private final ServerConfig config;
  private final AtomicBoolean draining;
  private final ConnectionGuard guard;
  private final InferenceService core;
  private final Warmup warmup;
  private final AtomicBoolean stopped = new AtomicBoolean();

  private MlapiServer(WebServer server, HttpApi api, ServerConfig config, AtomicBoolean draining,
      ConnectionGuard guard, InferenceService core, Warmup warmup) {
    this.server = server;
    this.api = api;
    this.config = config;
    this.draining = draining;
    this.guard = guard;
    this.core = core;
    this.warmup = warmup;
  }

  /**
   * Binds and starts serving, without a warm-up; the port is known when this returns.
   *
   * @param out where the access log goes, when {@code config} turns it on
   * @param clock stamps the access log
   * @throws ListenException when the port cannot be had (Helidon would log its own stack trace
   *     and carry on as a server listening nowhere)
   */
  public static MlapiServer start(ServerConfig config, InferenceService core, Metrics metrics, PrintWriter out,
      Clock clock) {
    return start(config, core, metrics, out, clock, Duration.ZERO);
  }

  /**
   * Binds and starts serving; readiness waits for {@link #warmUp} unless {@code warmup} is zero.
   *
   * @param warmup how long {@link #warmUp} sends the models' sample rows through the handlers
   * @throws ListenException when the port cannot be had
   */
  public static MlapiServer start(ServerConfig config, InferenceService core, Metrics metrics, PrintWriter out,
      Clock clock, Duration warmup) {
    AtomicBoolean draining = new AtomicBoolean();
    ConnectionLimits limits = config.connections();
    BufferBudget budget = new BufferBudget(limits.maxBufferedBytes());
    ConnectionGuard guard = new ConnectionGuard(config, budget, metrics::refused);
    Warmup warming = new Warmup(warmup);
    try {
      HttpApi api = new HttpApi(core, config, metrics, draining::get, warming,
          new AccessLog(config.accessLog() ? out : null, clock), new RequestIds(clock.millis() ^ System.nanoTime()),
          budget);
      WebServer server = WebServer.builder()
          .host(config.host())
          .port(config.port())
          .shutdownHook(false) // the caller decides when to stop (and tests stop it themselves)
          .shutdownGracePeriod(inFlightGrace(config))
          // Without TCP_NODELAY, a response written in two parts (over 16 KiB: /metrics, the console's
          // script, large predictions) waits for the client's delayed ACK: 40 ms more on a kept-alive connection.
          .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
          // Every connection goes through the guard, and only through it (see ConnectionGuard).
          .protocolsDiscoverServices(false)
          .addConnectionSelector(guard)
          // Plain sockets: an idle connection holds one 8 KiB read buffer, where Helidon's NIO sockets
          // hold two (read and write): about 15 KiB of heap per connection instead of 23.
          .useNio(false)
          .maxTcpConnections(limits.maxConnections())
          .idleConnectionTimeout(limits.idleTimeout())
          .idleConnectionPeriod(idleCheckPeriod(limits.idleTimeout()))
          // Lets the guard's own messages (marked safe) into the error bodies; Helidon's others are replaced.
          .errorHandling(errors -> errors.includeEntity(true))
          .directHandlers(jsonErrors(metrics))
          .routing(api::register)
          .build()
          .start();
      if (!server.isRunning()) { // Helidon logs why (a port in use, say) and returns a server that is not running
        throw cannotListen(config.host(), config.port(), PORT_OPTION, null);
      }
      LOG.info("limits: " + limits.maxConnections() + " connections, " + limits.maxBufferedBytes()
          + " bytes of requests buffered, request heads within " + limits.headerTimeout().toMillis()
          + " ms, bodies within " + config.requestTimeout().toMillis() + " ms, idle connections closed after "
          + limits.idleTimeout().toMillis() + " ms");
      announceAdmin(config, server.port());
      metrics.watchConnections(guard::openConnections, budget::used, budget.limit());
      return new MlapiServer(server, api, config, draining, guard, core, warming);
    } catch (RuntimeException | Error e) {
      guard.close(); // its timer thread must not outlive a server that did not start
      throw e;
    }
  }

  /** Says at start who may change what is served. */
  private static void announceAdmin(ServerConfig config, int port) {
    if (config.adminToken() != null) {
      LOG.info("the repository commands (POST /v2/repository/...) need the admin token");
    } else if (config.openAdmin()) {
      LOG.warning("the repository commands that load and unload models are open to anyone who can reach port " + port
          + " (--open-admin); set --admin-token to guard them");
    } else {
      LOG.info("the repository commands that load and unload models are turned off: set --admin-token to use them");
    }
  }

  /** Helidon checks idle connections every this often: four times per idle timeout, between 1 s and 1 min. */
  static Duration idleCheckPeriod(Duration idleTimeout) {
    return Duration.ofMillis(Math.clamp(idleTimeout.toMillis() / 4, 1000, 60_000));
  }

  /**
   * Warms the request path with the loaded models' sample rows ({@link Warmup}), then lets
   * readiness turn 200; at once when the server was started without a warm-up.
   *
   * @return what was sent, for the log: a line of text, or empty when there was no warm-up
   */
  public Optional<String> warmUp() {
    if (!warmup.warming()) {
      return Optional.empty();
    }
    Warmup.Result result = warmup.run(config.host(), server.port(), core.snapshot(), draining::get);
    String what = result.requests() == 0 ? "no warm-up" : String.format(Locale.ROOT,
        "warmed up in %d ms: %d requests with the sample rows of %s", result.took().toMillis(), result.requests(),
        String.join(", ", result.models()));
    return Optional.of(what + result.problem().map(problem -> " (stopped early: " + problem + ")").orElse(""));
  }

  /** Whether readiness still waits for {@link #warmUp}: another protocol's readiness (gRPC) waits with it. */
  public boolean warming() {
    return warmup.warming();
  }

  /**
   * Fails with a {@link ListenException} saying what to do when {@code config}'s port cannot be
   * listened on now: checked before the models load, so a port in use stops {@code serve} at once.
   */
  public static void checkCanListen(ServerConfig config) {
    checkCanListen(config.host(), config.port(), PORT_OPTION);
  }

  /**
   * Fails at once, with one line saying what to do, when {@code port} on {@code host} cannot be
   * had; {@code option} is how the user chooses another (e.g. {@code --grpc-port}).
   *
   * @throws ListenException naming the port and the option
   */
  public static void checkCanListen(String host, int port, String option) {
    if (port == 0) {
      return; // any free port will do
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true); // as Helidon and Netty bind: a port left in TIME_WAIT by the last run is free
      socket.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw cannotListen(host, port, option, e);
    }
  }

  /** Why {@code port} cannot be listened on, and what to do about it. */
  public static ListenException cannotListen(String host, int port, String option, Throwable cause) {
    String where = "port " + port + " on " + host;
    String reason = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
    if (reason.contains("in use")) {
      return new ListenException("cannot listen on " + where + ": it is in use by another process; stop that one, "
          + "or choose another port with " + option, cause);
    }
    return new ListenException("cannot listen on " + where + (reason.isEmpty() ? "" : ": " + reason)
        + "; choose another port with " + option + " (ports below 1024 need privileges) or address with --host",
        cause);
  }

  /**
   * How long Helidon's stop waits for requests in flight, per executor (it waits for two in turn):
   * a third of what the grace period leaves after the drain delay, so the process is out in time.
   */
  static Duration inFlightGrace(ServerConfig config) {
    Duration left = config.gracePeriod().minus(config.drainDelay());
    return left.dividedBy(3).compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : left.dividedBy(3);
  }

  /**
   * Errors answered before any route (a malformed request line, headers too large, a head that
   * took too long) in our shape: {@code {"error": ...}}, with the guard's message, or a sentence
   * of ours for Helidon's own (it passes only "Bad request, see server log ..." for those).
   */
  private static DirectHandlers jsonErrors(Metrics metrics) {
    DirectHandler handler = (request, eventType, status, headers, message) -> {
      metrics.refused(status.code());
      byte[] body;
      try {
        body = JsonBodies.MAPPER.writeValueAsBytes(Map.of("error",
            message == null || message.isBlank() || message.startsWith("Bad request, see server log")
                ? directErrorMessage(status.code(), status.reasonPhrase()) : message));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      return DirectHandler.TransportResponse.builder()
          .status(status)
          .headers(headers)
          .header(HeaderValues.CONTENT_TYPE_JSON)
          .keepAlive(eventType.keepAlive())
          .entity(body)
          .build();
    };
    DirectHandlers.Builder handlers = DirectHandlers.builder();
    for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
      handlers.addHandler(type, handler);
    }
    return handlers.build();
  }

  static String directErrorMessage(int status, String reasonPhrase) {
    return switch (status) {
      case 400 -> "the request is not valid HTTP/1.1 (a malformed request line or header, or no Host header)";
      case 414 -> "the request line is longer than the limit of 4096 bytes";
      case 505 -> "this server speaks HTTP/1.1 (and answers HTTP/1.0)";
      case 500 -> "internal error";
      default -> reasonPhrase;
    };
  }

  public int port() {
    return server.port();
  }

  /** Every endpoint the server answers (path template and method), for the OpenAPI check. */
  List<HttpApi.Endpoint> endpoints() {
    return api.endpoints();
  }

  /** Turns readiness to 503 at once; everything else keeps working. */
  void startDraining() {
    if (!draining.getAndSet(true)) {
      LOG.info("draining: readiness answers 503 from now on; still serving for " + config.drainDelay().toMillis()
          + " ms, then waiting for requests in flight");
    }
  }

  /**
   * The SIGTERM sequence: readiness 503 at once, requests still served for the drain delay (so
   * load balancers take this replica out first), then no new connections, requests in flight
   * finish, and the server stops, all within the grace period.
   */
  public void drainAndStop() throws InterruptedException {
    drainAndStop(() -> {});
  }

  /**
   * {@link #drainAndStop()}, running {@code drained} when the drain delay is over, just before the
   * server stops listening: so another server (gRPC) stops taking requests at the same moment.
   */
  public void drainAndStop(Runnable drained) throws InterruptedException {
    long start = System.nanoTime();
    startDraining();
    Thread.sleep(config.drainDelay());
    drained.run();
    close();
    LOG.info("stopped " + (System.nanoTime() - start) / 1_000_000 + " ms after the stop signal");
  }

  /** Stops listening, lets requests in flight finish (up to {@link #inFlightGrace}) and stops. */
  @Override
  public void close() {
    if (stopped.getAndSet(true)) {
      return;
    }
    draining.set(true);
    try {
      server.stop();
    } finally {
      guard.close();
    }
  }
}
