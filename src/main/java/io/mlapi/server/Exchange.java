package io.mlapi.server;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.mlapi.model.Model;

/**
 * One request on its way through a route: the request and response, its deadline, its id,
 * which model answered it (for the metrics and the access log), and the request bytes it holds.
 */
final class Exchange {
  private final ServerRequest request;
  private final ServerResponse response;
  private final long deadlineNanos;
  private final String requestId;
  private String modelName = "";
  private int modelVersion;
  private long heldBytes;
  private String remote = "";

  Exchange(ServerRequest request, ServerResponse response, long startNanos, long timeoutNanos, String requestId) {
    this.request = request;
    this.response = response;
    this.deadlineNanos = startNanos + timeoutNanos;
    this.requestId = requestId;
  }

  ServerRequest request() {
    return request;
  }

  ServerResponse response() {
    return response;
  }

  /** When the request must have arrived whole, in {@link System#nanoTime()} terms. */
  long deadlineNanos() {
    return deadlineNanos;
  }

  String requestId() {
    return requestId;
  }

  /** A path parameter, decoded, e.g. {@code name} of {@code /v2/models/{name}/infer}. */
  String param(String name) {
    return request.path().pathParameters().get(name);
  }

  /** Records the model that answers, for the metrics and the access log. */
  void answeredBy(Model model) {
    modelName = model.name();
    modelVersion = model.version();
  }

  /** The client's address, for the access log. */
  void remote(String remote) {
    this.remote = remote;
  }

  String remote() {
    return remote;
  }

  /** Records bytes reserved in the server's buffer budget for this request, given back when it ends. */
  void hold(long bytes) {
    heldBytes += bytes;
  }

  long heldBytes() {
    return heldBytes;
  }

  String modelName() {
    return modelName;
  }

  int modelVersion() {
    return modelVersion;
  }
}
