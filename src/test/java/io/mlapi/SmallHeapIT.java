package io.mlapi;

import static io.mlapi.HostileClientsIT.await;
import static io.mlapi.HostileClientsIT.metric;
import static io.mlapi.HostileClientsIT.normalClientIsServed;
import static io.mlapi.HostileClientsIT.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory attacks in a 64 MiB heap, where a server that allocated on a client's word, or held
 * what clients send without a limit, would run out of memory (and, started by {@code ./mlapi}
 * with {@code -XX:+ExitOnOutOfMemoryError}, exit): survival by design, not by headroom. The
 * limits are the defaults a 64 MiB heap gets: 1,024 connections and a quarter of the heap (a little
 * under 16 MiB) of buffered requests.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SmallHeapIT {
  private static final Duration SLACK = Duration.ofSeconds(15);
  private static final int ALMOST_A_MEGABYTE = 900_000;

  @TempDir
  static Path repository;

  private static MlapiProcess mlapi;
  private static Http http;
  /** A quarter of the heap: what the JVM makes of -Xmx64m, a little under 16 MiB. */
  private static double budget;

  @BeforeAll
  static void start() {
    ModelFixtures.publish(repository, "iris", 1, false);
    mlapi = MlapiProcess.start(Map.of("MLAPI_JAVA_OPTS", HostileClientsIT.javaOpts("-Xmx64m -XX:+UseSerialGC")),
        "serve", "--port", "0", "--repository", repository.toString(), "--poll-interval", "0", "--drain-delay", "0s",
        "--header-timeout", "2s", "--request-timeout", "4s");
    http = mlapi.awaitReady(Duration.ofSeconds(60));
    budget = metric(http, "mlapi_buffered_request_bytes_limit");
    assertThat(budget).isBetween(12.0 * (1 << 20), 16.0 * (1 << 20));
  }

  @AfterAll
  static void stop() {
    try {
      assertThat(mlapi.isAlive()).as("alive after every attack: %s", mlapi).isTrue();
      assertThat(mlapi.err()).noneMatch(line -> line.contains("OutOfMemoryError"));
    } finally {
      mlapi.close();
    }
  }

  @Test
  @Order(1)
  void halfSentBodies() {
    HostileClientsIT.halfSentBodies(mlapi, http);
  }

  @Test
  @Order(2)
  void clientsHoldingLargeBodies_fillTheBudget_thenGet503_whileSmallRequestsAreServed() throws InterruptedException {
    List<RawSocket> holders = new ArrayList<>();
    List<Thread> senders = new ArrayList<>();
    AtomicInteger sent = new AtomicInteger();
    for (int i = 0; i < 30; i++) {
      RawSocket holder = new RawSocket(mlapi.port()).send(post(1 << 20));
      holders.add(holder);
      senders.add(Thread.ofVirtual().start(() -> { // the server stops reading some: a sender may block
        String piece = "[".repeat(16 * 1024);
        for (int bytes = 0; bytes < ALMOST_A_MEGABYTE && holder.trySend(piece); bytes += piece.length()) {
          sent.addAndGet(piece.length());
        }
      }));
    }
    try {
      // Each holder's buffer grows to 1 MiB; large buffers may fill three quarters of the budget.
      int fit = (int) (budget * 3 / 4 / (1 << 20));
      await(SLACK, "the large bodies fill three quarters of the budget", () -> metric(http,
          "mlapi_buffered_request_bytes") >= fit * (1 << 20));
      normalClientIsServed(http);
      int refused = 0;
      for (RawSocket holder : holders) {
        RawSocket.Answer answer = holder.readToEnd(Duration.ofMillis(300));
        if (answer.status() == 503) {
          refused++;
          assertThat(answer.header("Retry-After")).isEqualTo("1");
          assertThat(answer.body()).isEqualTo("{\"error\":\"the server is holding as many request bytes as it may "
              + "(" + (long) budget + " bytes, --max-buffered-bytes) for other requests; retry in a moment\"}");
        }
      }
      assertThat(refused).as("clients refused once the budget was spent").isGreaterThanOrEqualTo(30 - fit - 1);
      assertThat(metric(http, "mlapi_buffered_request_bytes")).isLessThanOrEqualTo(budget);
      normalClientIsServed(http);
    } finally {
      holders.forEach(RawSocket::close);
      for (Thread sender : senders) {
        sender.join();
      }
    }
    await(SLACK, "the budget given back", () -> metric(http, "mlapi_buffered_request_bytes") == 0);
    normalClientIsServed(http);
  }

  @Test
  @Order(3)
  void moreIdleConnectionsThanTheLimit_waitTheirTurn_andAllGetTheir408() {
    int count = Math.min(1800, FileLimit.soft() / 2 - 500);
    List<RawSocket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        idle.add(new RawSocket(mlapi.port()));
      }
      normalClientIsServed(http); // waits its turn too, behind at most a header timeout's worth of them
      assertThat(metric(http, "mlapi_open_connections")).isLessThanOrEqualTo(1024);
      for (RawSocket socket : idle) {
        RawSocket.Answer answer = socket.readToEnd(SLACK);
        assertThat(answer.closed()).isTrue();
        assertThat(answer.status()).isEqualTo(408);
      }
    } finally {
      idle.forEach(RawSocket::close);
    }
    normalClientIsServed(http);
  }
}
