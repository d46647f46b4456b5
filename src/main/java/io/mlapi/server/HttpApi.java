package io.mlapi.server;

import io.mlapi.model.InferenceException;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.socket.SocketWriterException;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import io.mlapi.inference.InferenceService;
import io.mlapi.inference.Snapshot;
import io.mlapi.metrics.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Every route of the server, in one list the tests reuse (the OpenAPI document is checked
 * against it). Each route runs inside one wrapper that gives it a request id, counts and times
 * it, maps refusals ({@link InferenceException}, {@link HttpException}) to {@code {"error": ...}} and writes the access log. Unknown
 * paths get 404, known paths with another method 405 (with {@code Allow}).
 */
final class HttpApi {
  private static final Logger LOG = Logger.getLogger(HttpApi.class.getName());
  static final String UNMATCHED = "unmatched";

  /** A documented endpoint: a path template as in the OpenAPI document, and a method. */
  record Endpoint(String path, Method method) {}

  /** A route's handler: everything it needs is on the exchange. */
  interface Route {
    void handle(Exchange exchange);
  }

  private record Registered(Endpoint endpoint, Route route) {}

  private final List<Registered> routes = new ArrayList<>();
  private final InferenceService core;
  private final ServerConfig config;
  private final Metrics metrics;
  private final BooleanSupplier draining;
  private final Warmup warmup;
  private final AccessLog accessLog;
  private final RequestIds requestIds;
  private final BufferBudget budget;

  HttpApi(InferenceService core, ServerConfig config, Metrics metrics, BooleanSupplier draining, Warmup warmup,
      AccessLog accessLog, RequestIds requestIds, BufferBudget budget) {
    this.core = core;
    this.config = config;
    this.metrics = metrics;
    this.draining = draining;
    this.warmup = warmup;
    this.accessLog = accessLog;
    this.requestIds = requestIds;
    this.budget = budget;
    JsonBodies bodies = new JsonBodies(config.maxRequestBytes(), budget);
    TutorialApi tutorial = new TutorialApi(core, bodies);
    KServeV1Api v1 = new KServeV1Api(core, bodies);
    OpenInferenceApi v2 = new OpenInferenceApi(core, bodies, this::requireReady);
    RepositoryApi repository = new RepositoryApi(core, bodies, config.adminToken(), config.openAdmin());
    OpenApiDocument openApi = OpenApiDocument.load();
    StaticFiles files = StaticFiles.load();
    ModelCatalogApi catalog = new ModelCatalogApi(core);

    add(Method.GET, "/", files::index);
    add(Method.GET, "/console/{asset}", files::asset);
    add(Method.GET, "/docs/{page}", files::doc);

    add(Method.GET, "/healthz", ex -> JsonBodies.send(ex.response(), Status.OK_200, Map.of("status", "alive")));
    add(Method.GET, "/readyz", ex -> {
      requireReady();
      JsonBodies.send(ex.response(), Status.OK_200, Map.of("status", "ready"));
    });
    add(Method.GET, "/score", tutorial::score);
    add(Method.POST, "/score", tutorial::score);
    add(Method.POST, "/predict", tutorial::predict);
    add(Method.GET, "/metrics", this::metrics);
    add(Method.GET, "/openapi.json", openApi::send);

    add(Method.GET, "/v1/models", v1::models);
    add(Method.GET, "/v1/models/{name}", v1::model);
    add(Method.POST, "/v1/models/{name}:predict", v1::predict);
    add(Method.POST, "/v1/models/{name}:explain", v1::explain);

    add(Method.GET, "/v2", v2::server);
    add(Method.GET, "/v2/", v2::server); // the Open Inference Protocol's own spelling
    add(Method.GET, "/v2/health/live", v2::live);
    add(Method.GET, "/v2/health/ready", v2::ready);
    add(Method.GET, "/v2/models", catalog::models);
    for (String model : List.of("/v2/models/{name}", "/v2/models/{name}/versions/{version}")) {
      add(Method.GET, model, v2::metadata);
      add(Method.GET, model + "/ready", v2::modelReady);
      add(Method.POST, model + "/infer", v2::infer);
      add(Method.GET, model + "/card", catalog::card);
    }
    add(Method.POST, "/v2/repository/index", repository::index);
    add(Method.POST, "/v2/repository/models/{name}/load", repository::load);
    add(Method.POST, "/v2/repository/models/{name}/unload", repository::unload);
  }

  private void add(Method method, String path, Route route) {
    routes.add(new Registered(new Endpoint(path, method), route));
  }

  /** Every endpoint the server answers, in registration order. */
  List<Endpoint> endpoints() {
    return routes.stream().map(Registered::endpoint).toList();
  }

  /** 503 unless ready to take traffic (the models loaded and warmed up, and not shutting down), with the reason. */
  void requireReady() {
    if (draining.getAsBoolean()) {
      throw InferenceException.unavailable("not ready: the server is shutting down");
    }
    if (warmup.warming()) {
      throw InferenceException.unavailable("not ready: warming up the request path");
    }
    Snapshot snapshot = core.snapshot();
    if (!snapshot.ready()) {
      throw InferenceException.unavailable("not ready: " + snapshot.notReadyReason());
    }
  }

  /** Installs every route on {@code routing}. */
  void register(HttpRouting.Builder routing) {
    Handler notFound = instrument(UNMATCHED, ex -> {
      throw new HttpException(404, "no such endpoint: " + ex.request().prologue().method().text() + " "
          + InferenceException.abbreviate(ex.request().path().path()) + "; GET /openapi.json lists them all");
    });
    // Helidon path patterns cannot hold KServe's "name:verb" segments, so routes are grouped by
    // their pattern without the ":verb", and the verb is told apart here.
    Map<String, Map<String, List<Registered>>> byPattern = new LinkedHashMap<>();
    for (Registered route : routes) {
      String path = route.endpoint().path();
      String last = path.substring(path.lastIndexOf('/') + 1);
      int colon = last.indexOf(':');
      String pattern = colon < 0 ? path : path.substring(0, path.length() - last.length() + colon);
      String verb = colon < 0 ? "" : last.substring(colon + 1);
      byPattern.computeIfAbsent(pattern, p -> new LinkedHashMap<>())
          .computeIfAbsent(verb, v -> new ArrayList<>()).add(route);
    }
    byPattern.forEach((pattern, byVerb) -> {
      Map<String, Map<String, Handler>> handlers = new HashMap<>();
      byVerb.forEach((verb, group) -> {
        String path = group.get(0).endpoint().path();
        Map<String, Handler> byMethod = new HashMap<>();
        group.forEach(route -> byMethod.put(route.endpoint().method().text(), instrument(path, route.route())));
        if (byMethod.containsKey(Method.GET.text())) { // HEAD wherever GET works (HeadResponse drops the body)
          byMethod.putIfAbsent(Method.HEAD.text(), byMethod.get(Method.GET.text()));
        }
        String allow = byMethod.keySet().stream().sorted().collect(Collectors.joining(", "));
        Handler notAllowed = instrument(path, ex -> {
          ex.response().header(HeaderNames.ALLOW, allow);
          throw new HttpException(405, ex.request().prologue().method().text() + " is not allowed on " + path
              + "; use " + allow);
        });
        byMethod.put("", notAllowed);
        handlers.put(verb, byMethod);
      });
      routing.any(pattern, (req, res) -> {
        Map<String, Handler> byMethod = handlers.get(verbOf(req.path().path()));
        if (byMethod == null) {
          notFound.handle(req, res);
        } else {
          byMethod.getOrDefault(req.prologue().method().text(), byMethod.get("")).handle(req, res);
        }
      });
    });
    routing.any(notFound);
  }

  /** {@code predict} of {@code /v1/models/iris:predict}; empty without a colon in the last segment. */
  private static String verbOf(String path) {
    int colon = path.indexOf(':', path.lastIndexOf('/') + 1);
    return colon < 0 ? "" : path.substring(colon + 1);
  }

  /**
   * Wraps a route: request id, {@code Connection: close} while draining, the in-flight gauge, the
   * error mapping, the request metrics and the access log. A request is counted with the status
   * its client got: 500 until the route has answered, so a request that fails is never counted
   * (or logged) as 200, whatever the response object was set to; 499 when the client left
   * before its answer, 408 when the server cut a stalled request.
   *
   * @param endpoint the route's path template: the {@code endpoint} label, never the raw path
   */
  private Handler instrument(String endpoint, Route route) {
    Metrics.Endpoint metricsEndpoint = metrics.endpoint(endpoint);
    long timeoutNanos = config.requestTimeout().toNanos();
    return (req, res) -> {
      long start = System.nanoTime();
      Exchange exchange = new Exchange(req, req.prologue().method().equals(Method.HEAD) ? new HeadResponse(res) : res,
          start, timeoutNanos, requestIds.of(req));
      if (warmup.isOwn(req)) {
        try {
          metrics.uncounted(() -> respond(route, exchange)); // the server's own traffic: no client's
        } finally {
          budget.release(exchange.heldBytes());
        }
        return;
      }
      metrics.requestStarted();
      int status = 500;
      try {
        status = respond(route, exchange);
      } catch (ConnectionGone e) {
        status = e.status();
        throw e;
      } finally {
        budget.release(exchange.heldBytes());
        long nanos = System.nanoTime() - start;
        metrics.requestFinished(metricsEndpoint, exchange.modelName(), exchange.modelVersion(), status, nanos);
        accessLog.write(exchange, endpoint, status, nanos);
      }
    };
  }

  /**
   * Runs {@code route}, answering its refusals and failures with {@code {"error": ...}}.
   *
   * @return the status the client got
   * @throws ConnectionGone when the client left before its answer (counted as 499)
   */
  private int respond(Route route, Exchange exchange) {
    ServerResponse res = exchange.response();
    try {
      res.header(RequestIds.HEADER, exchange.requestId());
      accessLog.begin(exchange);
      if (draining.getAsBoolean()) {
        res.header(HeaderValues.CONNECTION_CLOSE); // so clients reconnect, to a replica that is staying
      }
      route.handle(exchange);
      return res.status().code();
    } catch (InferenceException e) {
      return fail(exchange, status(e.kind()), e.getMessage());
    } catch (HttpException e) {
      return fail(exchange, e.status(), e.getMessage());
    } catch (ConnectionGone e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      if (connectionBroke(e)) {
        LOG.fine(() -> "request " + exchange.requestId() + ": the client left before its answer: " + e);
        throw new ConnectionGone(ConnectionGone.CLIENT_CLOSED, "the client closed the connection before its answer");
      }
      LOG.log(Level.SEVERE, "unexpected failure in " + exchange.request().prologue().method().text() + " "
          + exchange.request().path().path() + " (request " + exchange.requestId() + ")", e);
      return fail(exchange, 500, "internal error: " + e.getClass().getSimpleName() + "; request id "
          + exchange.requestId());
    }
  }

  /** Whether {@code e} comes from the client's connection breaking (a read or write on a closed socket). */
  static boolean connectionBroke(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CloseConnectionException || t instanceof SocketWriterException
          || t instanceof DataReader.InsufficientDataAvailableException || t instanceof SocketException
          || t instanceof ClosedChannelException) {
        return true;
      }
      String message = t instanceof IOException ? t.getMessage() : null;
      if (message != null && (message.contains("Broken pipe") || message.contains("Connection reset"))) {
        return true;
      }
    }
    return false;
  }

  /** The one place the core's refusals become HTTP statuses. */
  static int status(InferenceException.Kind kind) {
    return switch (kind) {
      case INVALID_INPUT -> 400;
      case NOT_FOUND -> 404;
      case LIMIT_EXCEEDED -> 413;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
    };
  }

  /**
   * Answers {@code {"error": message}} with {@code status}; the status the request is counted with.
   * A body left unread is then read and discarded by Helidon before the next request, so that a
   * client still sending it gets the answer rather than a reset connection; the guard's body
   * deadline bounds how long that may take.
   */
  private static int fail(Exchange exchange, int status, String message) {
    if (exchange.response().isSent()) {
      LOG.fine(() -> "request " + exchange.requestId() + " failed after its response was sent: " + message);
      return status;
    }
    try {
      JsonBodies.sendError(exchange.response(), status, message);
      return status;
    } catch (RuntimeException e) {
      if (!connectionBroke(e)) {
        throw e;
      }
      LOG.fine(() -> "request " + exchange.requestId() + ": cannot send " + status + " (" + message + "): " + e);
      return ConnectionGone.CLIENT_CLOSED;
    }
  }

  /** The metrics, written whole before sending: a scrape gets all of them with a length, or an error. */
  private void metrics(Exchange exchange) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      metrics.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    exchange.response().header(HeaderNames.CONTENT_TYPE, Metrics.CONTENT_TYPE);
    exchange.response().send(out.toByteArray());
  }
}
