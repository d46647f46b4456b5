package io.mlapi;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Client threads sending one request after another until stopped, recording every outcome: the
 * load under which hot reload and SIGTERM must lose nothing.
 */
final class PredictionLoad implements AutoCloseable {
  /** One request's outcome: the HTTP status and the model version that answered, or the failure. */
  record Outcome(int thread, int status, String version, String failure) {}

  private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger count = new AtomicInteger();
  private final List<Thread> threads = new ArrayList<>();

  /**
   * @param request sends one request and returns its outcome (a thrown exception is recorded as a failure)
   * @param stopWhen a thread stops once an outcome matches (e.g. the server refused the connection)
   */
  PredictionLoad(int threadCount, java.util.function.IntFunction<Outcome> request, Predicate<Outcome> stopWhen) {
    for (int t = 0; t < threadCount; t++) {
      int thread = t;
      threads.add(Thread.ofPlatform().name("load-" + t).start(() -> {
        while (running.get()) {
          Outcome outcome;
          try {
            outcome = request.apply(thread);
          } catch (UncheckedIOException | IllegalStateException e) {
            outcome = new Outcome(thread, 0, null, String.valueOf(e.getCause() != null ? e.getCause() : e));
          }
          outcomes.add(outcome);
          count.incrementAndGet();
          if (stopWhen.test(outcome)) {
            return;
          }
        }
      }));
    }
  }

  int count() {
    return count.get();
  }

  /** Waits (polling) until {@code condition} holds; fails after {@code timeout}. */
  void await(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + " after " + count() + " requests");
      }
      MlapiProcess.sleep(Duration.ofMillis(20));
    }
  }

  /** Waits until {@code more} further requests have been answered. */
  void awaitMore(int more, Duration timeout) {
    int target = count() + more;
    await(more + " more requests", timeout, () -> count() >= target);
  }

  List<Outcome> outcomes() {
    synchronized (outcomes) {
      return List.copyOf(outcomes);
    }
  }

  boolean any(Predicate<Outcome> test) {
    synchronized (outcomes) {
      return outcomes.stream().anyMatch(test);
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** Stops the threads after their current request, and waits for them. */
  void stop() {
    running.set(false);
    for (Thread thread : threads) {
      try {
        thread.join(Duration.ofSeconds(60));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
