package io.mlapi.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;

/**
 * One JSON object per request on standard output, for log collectors: when it was answered, the
 * request id, who asked what, the status, how long it took and which model answered.
 */
final class AccessLog {
  private final PrintWriter out;
  private final Clock clock;

  /** @param out where lines go; {@code null} turns the log off */
  AccessLog(PrintWriter out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  void write(Exchange exchange, String endpoint, int status, long nanos) {
    if (out == null) {
      return;
    }
    String path = exchange.request().path().rawPath();
    Line line = new Line(Instant.now(clock).toString(), exchange.requestId(), exchange.remote(),
        exchange.request().prologue().method().text(),
        path.length() <= 512 ? path : path.substring(0, 512), endpoint, status,
        Double.parseDouble(String.format(Locale.ROOT, "%.3f", nanos / 1e6)),
        exchange.modelName().isEmpty() ? null : exchange.modelName(),
        exchange.modelVersion() == 0 ? null : Integer.toString(exchange.modelVersion()));
    String json;
    try {
      json = JsonBodies.MAPPER.writeValueAsString(line);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an access log line", e);
    }
    synchronized (out) {
      out.println(json);
      out.flush();
    }
  }

  /** Notes what a line needs before the request can end (the client's address is gone once its connection is). */
  void begin(Exchange exchange) {
    if (out != null) {
      exchange.remote(exchange.request().remotePeer().host());
    }
  }

  /** The fields of a line, in the order they are written; model and version only when a model answered. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Line(String time, String request_id, String remote, String method, String path, String endpoint,
      int status, double duration_ms, String model, String version) {}
}
