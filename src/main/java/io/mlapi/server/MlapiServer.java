package io.mlapi.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
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

  private final WebServer server;
  private final HttpApi api;
  private final ServerConfig config;
  private final AtomicBoolean draining;
  private final BodyReadWatchdog watchdog;
  private final InferenceService core;
  private final Warmup warmup;
  private final AtomicBoolean stopped = new AtomicBoolean();

  private MlapiServer(WebServer server, HttpApi api, ServerConfig config, AtomicBoolean draining,
      BodyReadWatchdog watchdog, InferenceService core, Warmup warmup) {
    this.server = server;
    this.api = api;
    this.config = config;
    this.draining = draining;
    this.watchdog = watchdog;
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
    BodyReadWatchdog watchdog = new BodyReadWatchdog(config.requestTimeout());
    Warmup warming = new Warmup(warmup);
    HttpApi api = new HttpApi(core, config, metrics, draining::get, warming,
        new AccessLog(config.accessLog() ? out : null, clock), new RequestIds(clock.millis() ^ System.nanoTime()),
        watchdog);
    WebServer server = WebServer.builder()
        .host(config.host())
        .port(config.port())
        .shutdownHook(false) // the caller decides when to stop (and tests stop it themselves)
        .shutdownGracePeriod(inFlightGrace(config))
        // Without TCP_NODELAY, a response written in two parts (over 16 KiB: /metrics, the console's
        // script, large predictions) waits for the client's delayed ACK: 40 ms more on a kept-alive connection.
        .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
        // Every response header is mlapi's own constant or checked value (X-Request-Id), so checking
        // them again on each response (~5% of the CPU under load, JFR) buys nothing. Request headers,
        // the client's, are still checked.
        .addProtocol(Http1Config.builder().validateResponseHeaders(false).build())
        .directHandlers(jsonErrors())
        .routing(api::register)
        .build()
        .start();
    if (!server.isRunning()) {
      watchdog.close();
      throw cannotListen(config.host(), config.port(), "--port (or PORT; 0 picks a free one)", null);
    }
    return new MlapiServer(server, api, config, draining, watchdog, core, warming);
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
    checkCanListen(config.host(), config.port(), "--port (or PORT; 0 picks a free one)");
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

  /** Errors Helidon answers itself (a malformed request line, say) in our shape: {@code {"error": ...}}. */
  private static DirectHandlers jsonErrors() {
    DirectHandler handler = (request, eventType, status, headers, message) -> {
      byte[] body;
      try {
        body = JsonBodies.MAPPER.writeValueAsBytes(Map.of("error",
            message == null || message.isBlank() ? status.reasonPhrase() : message));
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
    server.stop();
    watchdog.close();
  }
}
