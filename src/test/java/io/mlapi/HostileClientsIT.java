package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on the real {@code ./mlapi serve}, with real sockets: half-sent bodies, slow and silent
 * clients, thousands of idle connections, malformed HTTP. Each must be survived: the attacker gets
 * a 4xx (or its connection closed), and a normal client is served during the attack and after it.
 * Timeouts are short here (2 s for a request head, 3 s for a body, 3 s idle) so the suite is quick;
 * {@link SmallHeapIT} repeats the memory attacks in a 64 MiB heap.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileClientsIT {
  static final String ROW = "{\"instances\": [[6.8, 2.8, 4.8, 1.4]]}";
  private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration SLACK = Duration.ofSeconds(10);

  @TempDir
  static Path repository;

  private static MlapiProcess mlapi;
  private static Http http;

  @BeforeAll
  static void start() {
    ModelFixtures.publish(repository, "iris", 1, false);
    mlapi = MlapiProcess.start(Map.of("MLAPI_JAVA_OPTS", javaOpts("-Xmx256m")), "serve", "--port", "0",
        "--repository", repository.toString(), "--poll-interval", "0", "--drain-delay", "0s",
        "--header-timeout", "2s", "--request-timeout", "3s", "--idle-timeout", "3s", "--max-connections", "6000");
    http = mlapi.awaitReady(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    mlapi.close();
  }

  /** The tests' JVM options for a server (the coverage agent, when there is one), plus {@code more}. */
  static String javaOpts(String more) {
    String agent = System.getProperty("mlapi.it.javaOpts", "");
    return (agent.startsWith("${") ? "" : agent + " ") + more;
  }

  /**
   * A normal client: a prediction on a connection of its own, answered right. (Its own, because the
   * server here closes idle connections after 3 s, and a pooled one could be reused just as it closes.)
   */
  static void normalClientIsServed(Http http) {
    Http.Response response = new Http(http.port()).post("/predict", ROW);
    assertThat(response.status()).as("a normal client's prediction: %s", response).isEqualTo(200);
    assertThat(response.json().path("predictions").get(0).asText()).isEqualTo("versicolor");
  }

  static String post(int contentLength) {
    return "POST /predict HTTP/1.1\r\nHost: mlapi\r\nContent-Type: application/json\r\nContent-Length: "
        + contentLength + "\r\n\r\n";
  }

  /** Polls {@code condition} until it holds, or fails after {@code timeout}. */
  static void await(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      MlapiProcess.sleep(Duration.ofMillis(100));
    }
  }

  /** The value of one series in {@code /metrics} ({@code name{labels}} exactly as written), 0 when absent. */
  static double metric(Http http, String series) {
    for (String line : http.get("/metrics").body().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    return 0;
  }

  /** /predict requests that ended without an answer to a complete body: the client left (499), or stalled (408). */
  private static double abandoned(Http http) {
    return metric(http, "mlapi_requests_total{endpoint=\"/predict\",model=\"\",protocol=\"http\",status=\"499\",version=\"\"}")
        + metric(http, "mlapi_requests_total{endpoint=\"/predict\",model=\"\",protocol=\"http\",status=\"408\",version=\"\"}");
  }

  /** 400 clients that announce a megabyte each, send 14 bytes and wait: none of them may cost a megabyte. */
  static void halfSentBodies(MlapiProcess mlapi, Http http) {
    double abandonedBefore = abandoned(http);
    List<RawSocket> attackers = new ArrayList<>();
    try {
      for (int i = 0; i < 400; i++) {
        attackers.add(new RawSocket(mlapi.port()).send(post(1 << 20) + "{\"instances\":"));
      }
      normalClientIsServed(http);
      await(SLACK, "every half-sent body is being read", () -> metric(http, "mlapi_requests_in_flight") >= 400
          || abandoned(http) > abandonedBefore); // (or, on a slow machine, the first already timed out)
      assertThat(metric(http, "mlapi_buffered_request_bytes")).as("bytes held for 400 bodies of 14 bytes each: "
          + "buffers of at most 8 KiB, not the megabyte each announced").isLessThanOrEqualTo(400 * 8192);
      normalClientIsServed(http);
    } finally {
      attackers.forEach(RawSocket::close);
    }
    await(SLACK, "the 400 abandoned bodies counted as 499 (or 408), never as 200 or 500",
        () -> abandoned(http) >= abandonedBefore + 400);
    normalClientIsServed(http);
  }

  @Test
  @Order(1)
  void halfSentBodies_areBufferedAsTheyArrive_andOtherClientsAreServed() {
    halfSentBodies(mlapi, http);
  }

  @Test
  @Order(2)
  void slowHeaders_getA408AtTheHeaderTimeout_whileOthersAreServed() {
    List<RawSocket> slow = new ArrayList<>();
    AtomicBoolean dribbling = new AtomicBoolean(true);
    try {
      for (int i = 0; i < 200; i++) {
        slow.add(new RawSocket(mlapi.port()).send("GET /healthz HTTP/1.1\r\nHost: mlapi\r\n"));
      }
      Thread dribbler = Thread.ofPlatform().start(() -> {
        for (int line = 0; dribbling.get(); line++) {
          for (RawSocket socket : slow) {
            socket.trySend("X-Slow-" + line + ": 1\r\n");
          }
          MlapiProcess.sleep(Duration.ofMillis(300));
        }
      });
      normalClientIsServed(http);
      for (RawSocket socket : slow) {
        RawSocket.Answer answer = socket.readToEnd(HEADER_TIMEOUT.plus(SLACK));
        assertThat(answer.closed()).as("a slow head's connection is closed: %s", answer).isTrue();
        assertThat(answer.status()).isIn(0, 408); // 0: the 408 was lost in the reset of a client still writing
      }
      dribbling.set(false);
      dribbler.join();
      normalClientIsServed(http);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      dribbling.set(false);
      slow.forEach(RawSocket::close);
    }
  }

  @Test
  @Order(3)
  void thousandsOfSilentConnections_areClosedAtTheHeaderTimeout_whileOthersAreServed() {
    int count = Math.min(5000, FileLimit.soft() / 2 - 500);
    List<RawSocket> silent = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        silent.add(new RawSocket(mlapi.port()));
      }
      normalClientIsServed(http); // the first of them are being closed already, the last just opened
      for (RawSocket socket : silent) {
        RawSocket.Answer answer = socket.readToEnd(HEADER_TIMEOUT.plus(SLACK));
        assertThat(answer.closed()).isTrue();
        assertThat(answer.status()).isEqualTo(408);
        assertThat(answer.body()).startsWith("{\"error\":\"the request line and headers did not arrive within the "
            + "header timeout of 2000 ms");
      }
    } finally {
      silent.forEach(RawSocket::close);
    }
    await(SLACK, "the silent connections gone", () -> metric(http, "mlapi_open_connections") < 10);
    normalClientIsServed(http);
  }

  @Test
  @Order(4)
  void aStalledBody_getsA408_andItsConnectionClosed() {
    try (RawSocket stalled = new RawSocket(mlapi.port()).send(post(ROW.length()) + ROW.substring(0, 10))) {
      normalClientIsServed(http);
      RawSocket.Answer answer = stalled.readToEnd(SLACK);

      assertThat(answer.closed()).isTrue();
      assertThat(answer.status()).isEqualTo(408);
      assertThat(answer.body()).isEqualTo("{\"error\":\"the request body did not arrive within the request timeout of "
          + "3000 ms; send it faster, or raise --request-timeout\"}");
    }
    normalClientIsServed(http);
  }

  @Test
  @Order(5)
  void aBodyTrickledAByteAtATime_getsA408() {
    try (RawSocket trickle = new RawSocket(mlapi.port()).send(post(ROW.length()))) {
      RawSocket.Answer answer = null;
      for (char c : ROW.toCharArray()) {
        if (!trickle.trySend(String.valueOf(c))) {
          break;
        }
        answer = trickle.readToEnd(Duration.ofMillis(200));
        if (answer.closed() || answer.status() != 0) {
          break;
        }
      }
      assertThat(answer).isNotNull();
      assertThat(answer.status()).as("%s", answer).isEqualTo(408);
    }
    normalClientIsServed(http);
  }

  @Test
  @Order(6)
  void aClientLeavingMidBody_isNeitherA500NorMoreThanALogLine() {
    double before = metric(http, "mlapi_requests_total{endpoint=\"/predict\",model=\"\",protocol=\"http\",status=\"499\",version=\"\"}");
    int logLines = mlapi.err().size();

    new RawSocket(mlapi.port()).send(post(1000) + "{\"instances\":").close();

    await(SLACK, "the abandoned request counted as 499", () -> metric(http,
        "mlapi_requests_total{endpoint=\"/predict\",model=\"\",protocol=\"http\",status=\"499\",version=\"\"}") == before + 1);
    normalClientIsServed(http);
    assertThat(mlapi.err().size() - logLines).as("log lines: %s", mlapi.err().subList(logLines, mlapi.err().size()))
        .isLessThanOrEqualTo(1);
  }

  @Test
  @Order(7)
  void http10_isAnswered_andItsConnectionClosed() {
    try (RawSocket old = new RawSocket(mlapi.port()).send("GET /healthz HTTP/1.0\r\nHost: mlapi\r\n\r\n")) {
      RawSocket.Answer answer = old.readToEnd(SLACK);

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.header("Connection")).isEqualTo("close");
      assertThat(answer.header("Content-Length")).isEqualTo("18");
      assertThat(answer.body()).isEqualTo("{\"status\":\"alive\"}");
      assertThat(answer.closed()).isTrue();
    }
    try (RawSocket old = new RawSocket(mlapi.port()).send("POST /predict HTTP/1.0\r\nHost: mlapi\r\nContent-Type: "
        + "application/json\r\nContent-Length: " + ROW.length() + "\r\n\r\n" + ROW)) {
      assertThat(old.readToEnd(SLACK).body()).isEqualTo("{\"predictions\":[\"versicolor\"],\"model\":\"iris\","
          + "\"version\":\"1\"}");
    }
  }

  @Test
  @Order(8)
  void chunkExtensions_areIgnored_aBadChunkSizeIsA400() {
    String chunked = "POST /predict HTTP/1.1\r\nHost: mlapi\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n";
    try (RawSocket socket = new RawSocket(mlapi.port()).send(chunked + Integer.toHexString(ROW.length())
        + ";x=y ; z\r\n" + ROW + "\r\n0;done\r\nX-Trailer: 1\r\n\r\n")) {
      RawSocket.Answer answer = socket.readToEnd(Duration.ofSeconds(2));
      assertThat(answer.status()).as("%s", answer).isEqualTo(200);
      assertThat(answer.body()).contains("versicolor");
    }
    int logLines = mlapi.err().size();
    for (String size : List.of("zz", "-1", "1 2", "ffffffffffffffffffff", "1a\u0000")) {
      try (RawSocket socket = new RawSocket(mlapi.port()).send(chunked + size + "\r\n" + ROW + "\r\n0\r\n\r\n")) {
        RawSocket.Answer answer = socket.readToEnd(SLACK);
        assertThat(answer.status()).as("chunk size %s: %s", size, answer).isIn(400, 413);
        assertThat(answer.body()).startsWith("{\"error\":\"");
        assertThat(answer.closed()).isTrue();
      }
    }
    assertThat(mlapi.err().subList(logLines, mlapi.err().size())).as("no stack trace").noneMatch(line ->
        line.contains("SEVERE") || line.startsWith("\tat "));
    normalClientIsServed(http);
  }

  @Test
  @Order(9)
  void aNulInTheMethod_isA400_headersOverTheLimitA431() {
    try (RawSocket socket = new RawSocket(mlapi.port()).send("G\u0000T /healthz HTTP/1.1\r\nHost: mlapi\r\n\r\n")) {
      RawSocket.Answer answer = socket.readToEnd(SLACK);
      assertThat(answer.status()).isEqualTo(400);
      assertThat(answer.body()).isEqualTo("{\"error\":\"the request method holds a character that is not allowed in "
          + "an HTTP method\"}");
    }
    try (RawSocket socket = new RawSocket(mlapi.port()).send("GET /healthz HTTP/1.1\r\nHost: mlapi\r\nX-Big: "
        + "a".repeat(20_000) + "\r\n\r\n")) {
      RawSocket.Answer answer = socket.readToEnd(SLACK);
      assertThat(answer.status()).isEqualTo(431);
      assertThat(answer.body()).isEqualTo("{\"error\":\"the request headers are larger than the limit of 16384 bytes\"}");
    }
    normalClientIsServed(http);
  }

  @Test
  @Order(10)
  void connectionClose_closesTheSocketAfterTheResponse() {
    try (RawSocket socket = new RawSocket(mlapi.port()).send("GET /healthz HTTP/1.1\r\nHost: mlapi\r\n"
        + "Connection: close\r\n\r\n")) {
      RawSocket.Answer answer = socket.readToEnd(SLACK);

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.header("Connection")).isEqualTo("close");
      assertThat(answer.closed()).as("closed by the server, not our read timeout").isTrue();
    }
  }

  @Test
  @Order(11)
  void anIdleKeptAliveConnection_isClosedAfterTheIdleTimeout() {
    try (RawSocket socket = new RawSocket(mlapi.port()).send("GET /healthz HTTP/1.1\r\nHost: mlapi\r\n\r\n")) {
      RawSocket.Answer answer = socket.readToEnd(SLACK);

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.closed()).as("closed by the server after 3 s idle, within our %s read timeout", SLACK).isTrue();
    }
  }

  @Test
  @Order(12)
  void afterEveryAttack_theMetricsAreValid_andNoRequestWasA500() {
    Http.Response metrics = http.get("/metrics");

    assertThat(metrics.body()).doesNotContain("status=\"500\"");
    assertThat(metric(http, "mlapi_requests_refused_total{status=\"408\"}")).isGreaterThanOrEqualTo(200);
    assertThat(metric(http, "mlapi_requests_refused_total{status=\"431\"}")).isEqualTo(1);
    assertThat(Promtool.checkMetrics(metrics.body())).isEmpty();
    normalClientIsServed(http);
  }

  @Test
  @Order(13)
  void atStart_theServerSaidItsLimits_andThatTheRepositoryCommandsAreOff() {
    assertThat(mlapi.err()).anyMatch(line -> line.endsWith("limits: 6000 connections, 67108864 bytes of requests "
        + "buffered, request heads within 2000 ms, bodies within 3000 ms, idle connections closed after 3000 ms"));
    assertThat(mlapi.err()).anyMatch(line -> line.endsWith("the repository commands that load and unload models are "
        + "turned off: set --admin-token to use them"));
  }
}
