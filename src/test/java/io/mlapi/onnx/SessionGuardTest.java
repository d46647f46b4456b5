package io.mlapi.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlapi.model.InferenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The session stays open while a request runs it, whenever the repository lets the model go. */
class SessionGuardTest {
  private final AtomicInteger closes = new AtomicInteger();
  private final List<Exception> failures = new ArrayList<>();
  private final SessionGuard<AutoCloseable> guard = new SessionGuard<>(closes::incrementAndGet, () -> "gone",
      failures::add);

  @Test
  void closedWithNoLeaseOut_closesTheResourceAtOnce_andRefusesNewLeases() {
    guard.close();

    assertThat(closes).hasValue(1);
    assertThat(guard.resourceClosed()).isTrue();
    assertThatThrownBy(guard::acquire).isInstanceOf(InferenceException.class).hasMessage("gone")
        .extracting(e -> ((InferenceException) e).kind()).isEqualTo(InferenceException.Kind.UNAVAILABLE);
  }

  @Test
  void closedWhileLeased_theLastLeaseClosesTheResource_andNewLeasesAreRefusedMeanwhile() {
    SessionGuard<AutoCloseable>.Lease first = guard.acquire();
    SessionGuard<AutoCloseable>.Lease second = guard.acquire();

    guard.close();
    assertThat(closes).as("two requests still run on it").hasValue(0);
    assertThatThrownBy(guard::acquire).hasMessage("gone");

    first.close();
    first.close(); // a lease returned twice counts once
    assertThat(closes).hasValue(0);
    second.close();
    assertThat(closes).hasValue(1);
    guard.close();
    assertThat(closes).as("closed once, however often asked").hasValue(1);
  }

  @Test
  void manyThreads_neverUseAClosedResource() throws Exception {
    AtomicInteger usedAfterClose = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    SessionGuard<AutoCloseable> shared = new SessionGuard<>(closed::incrementAndGet, () -> "gone", failures::add);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 20_000; i++) {
          try (SessionGuard<AutoCloseable>.Lease lease = shared.acquire()) {
            if (closed.get() != 0 || lease.resource() == null) {
              usedAfterClose.incrementAndGet();
            }
          } catch (InferenceException e) {
            return;
          }
        }
      }));
    }
    shared.close();
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(usedAfterClose).hasValue(0);
    assertThat(closed).hasValue(1);
  }

  @Test
  void aResourceThatFailsToClose_isReported() {
    SessionGuard<AutoCloseable> failing = new SessionGuard<>(() -> {
      throw new IllegalStateException("native trouble");
    }, () -> "gone", failures::add);

    failing.close();

    assertThat(failures).singleElement().extracting(Exception::getMessage).isEqualTo("native trouble");
  }
}
