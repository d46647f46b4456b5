package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM under load, against the real {@code ./mlapi serve} (the tutorial's single-model mode,
 * as Kubernetes runs it): readiness turns 503 at once while predictions are still answered for
 * the drain delay; then the server stops listening, a request still arriving finishes, and the
 * process exits 0 within the grace period. No request may fail.
 *
 * <p>The clients act as Kubernetes' Service does: they send until shortly before the drain delay
 * is over (by then the endpoint is gone from the Service), and not after. A connection opened in
 * the very instant the server stops listening may be closed before its request is read (Helidon
 * stops idle connections, and a just-accepted one looks idle); the drain delay exists so that
 * none arrives then. The request in flight across the stop is the slow one.
 */
@Timeout(120)
class SigtermUnderLoadIT {
  private static final Duration DRAIN = Duration.ofSeconds(2);
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final String BODY = "{\"instances\": [[6.8, 2.8, 4.8, 1.4], [5.1, 3.5, 1.4, 0.2]]}";

  @TempDir
  Path models;

  @Test
  void sigterm_drainsThenExitsZeroInTime_withoutFailingAnAcceptedRequest() throws Exception {
    MlapiProcess mlapi = MlapiProcess.start(Map.of("MODEL_DIR", models.toString()), "serve", "--port", "0",
        "--drain-delay", DRAIN.toMillis() + "ms", "--grace-period", GRACE.toMillis() + "ms");
    try {
      Http http = mlapi.awaitReady(Duration.ofSeconds(60));
      AtomicLong stopSendingAt = new AtomicLong(Long.MAX_VALUE);
      try (PredictionLoad load = new PredictionLoad(3, thread -> {
        if (System.nanoTime() - stopSendingAt.get() > 0) {
          return new PredictionLoad.Outcome(thread, -1, null, null); // the Service has dropped this endpoint
        }
        try {
          Http.Response response = http.post("/predict", BODY);
          boolean right = response.status() == 200 && response.body().startsWith("{\"predictions\":[\"versicolor\","
              + "\"setosa\"]");
          return new PredictionLoad.Outcome(thread, response.status(), null, right ? null : response.toString());
        } catch (UncheckedIOException e) {
          return new PredictionLoad.Outcome(thread, 0, null, e.getCause().toString());
        }
      }, outcome -> outcome.status() == -1)) {
        load.awaitMore(100, Duration.ofSeconds(30));

        long signalled = System.nanoTime();
        stopSendingAt.set(signalled + DRAIN.minusMillis(500).toNanos());
        mlapi.terminate();
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> slowRequest(mlapi.port()));

        int firstNotReady = awaitNotReady(http, load);
        int exit = mlapi.waitFor(GRACE.plusSeconds(5));
        Duration took = Duration.ofNanos(System.nanoTime() - signalled);
        load.stop();

        assertThat(exit).as(mlapi.toString()).isZero();
        assertThat(took).isLessThan(GRACE);
        assertThat(took).isGreaterThanOrEqualTo(DRAIN);
        List<PredictionLoad.Outcome> outcomes = load.outcomes();
        assertThat(outcomes).filteredOn(o -> o.failure() != null).as("failed requests").isEmpty();
        assertThat(outcomes.subList(firstNotReady, outcomes.size())).as("answered while draining")
            .filteredOn(o -> o.status() == 200).hasSizeGreaterThan(10);
        assertThat(slow.get()).as("a request in flight when the server stopped listening")
            .startsWith("HTTP/1.1 200").contains("\"predictions\":[\"versicolor\",\"setosa\"]");
        assertThat(String.join("\n", mlapi.err())).contains("draining: readiness answers 503 from now on");
        assertThat(catchThrowable(() -> http.get("/healthz"))).as("stopped listening")
            .hasCauseInstanceOf(ConnectException.class);
      }
    } finally {
      mlapi.close();
    }
  }

  /** Polls readiness until it answers 503; returns how many predictions had been answered by then. */
  private static int awaitNotReady(Http http, PredictionLoad load) {
    long deadline = System.nanoTime() + DRAIN.toNanos();
    while (System.nanoTime() < deadline) {
      if (http.get("/readyz").status() == 503) {
        return load.count();
      }
      MlapiProcess.sleep(Duration.ofMillis(20));
    }
    throw new AssertionError("readiness did not turn 503 within the drain delay");
  }

  /**
   * A request whose body arrives in two halves, the second after the drain delay, when the
   * server has stopped listening: it was accepted, so it must be answered.
   */
  private static String slowRequest(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      byte[] body = BODY.getBytes(StandardCharsets.US_ASCII);
      out.write(("POST /predict HTTP/1.1\r\nHost: mlapi\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, body.length / 2);
      out.flush();
      MlapiProcess.sleep(DRAIN.plusMillis(1500));
      out.write(body, body.length / 2, body.length - body.length / 2);
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return "failed: " + e;
    }
  }
}
