package io.mlapi.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Every route of the server, in one place the tests reuse. Unknown paths get 404, known paths
 * with another method 405 (with {@code Allow}), and every error a JSON body {@code {"error": ...}}.
 */
public final class HttpApi {
  private static final Logger LOG = Logger.getLogger(HttpApi.class.getName());

  private HttpApi() {}

  public static void routing(HttpRouting.Builder routing, InferenceService core, ServerConfig config) {
    JsonBodies bodies = new JsonBodies(config.maxRequestBytes());
    TutorialApi tutorial = new TutorialApi(core, bodies);

    endpoint(routing, "/healthz", Map.of(Method.GET,
        (req, res) -> JsonBodies.send(res, Status.OK_200, Map.of("status", "alive"))));
    endpoint(routing, "/readyz", Map.of(Method.GET, (req, res) -> {
      if (core.ready()) {
        JsonBodies.send(res, Status.OK_200, Map.of("status", "ready"));
      } else {
        JsonBodies.sendError(res, 503, "not ready: no model is loaded yet");
      }
    }));
    endpoint(routing, "/score", ordered(Method.GET, tutorial::score, Method.POST, tutorial::score));
    endpoint(routing, "/predict", Map.of(Method.POST, tutorial::predict));

    routing.any((req, res) -> JsonBodies.sendError(res, 404, "no such endpoint: " + req.prologue().method().text()
        + " " + req.path().path()));
    routing.error(ApiException.class, (req, res, e) -> JsonBodies.sendError(res, e.status(), e.getMessage()));
    routing.error(RuntimeException.class, (req, res, e) -> {
      LOG.log(Level.SEVERE, "unexpected failure in " + req.prologue().method().text() + " " + req.path().path(), e);
      JsonBodies.sendError(res, 500, "internal error: " + e.getClass().getSimpleName());
    });
  }

  private static Map<Method, Handler> ordered(Method m1, Handler h1, Method m2, Handler h2) {
    Map<Method, Handler> handlers = new LinkedHashMap<>();
    handlers.put(m1, h1);
    handlers.put(m2, h2);
    return handlers;
  }

  /** Routes {@code path}'s methods to their handlers, and every other method to 405. */
  private static void endpoint(HttpRouting.Builder routing, String path, Map<Method, Handler> handlers) {
    handlers.forEach((method, handler) -> routing.route(method, path, handler));
    String allow = handlers.keySet().stream().map(Method::text).sorted().collect(Collectors.joining(", "));
    routing.any(path, (req, res) -> {
      res.header(HeaderNames.ALLOW, allow);
      JsonBodies.sendError(res, 405, req.prologue().method().text() + " is not allowed on " + path + "; use " + allow);
    });
  }
}
