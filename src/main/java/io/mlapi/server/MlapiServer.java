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
import java.io.PrintWriter;
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
   */
  public static MlapiServer start(ServerConfig config, InferenceService core, Metrics metrics, PrintWriter out,
      Clock clock) {
    return start(config, core, metrics, out, clock, Duration.ZERO);
  }

  /**
   * Binds and starts serving; readiness waits for {@link #warmUp} unless {@code warmup} is zero.
   *
   * @param warmup how long {@link #warmUp} sends the models' sample rows through the handlers
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
    long start = System.nanoTime();
    startDraining();
    Thread.sleep(config.drainDelay());
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
