package io.mlapi.deploy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Waits for a container to reach a state, asking the way a kubelet's probe does: again and again
 * until it answers or a deadline passes. The only waiting these tests do; a container's start
 * is not an event they can subscribe to.
 */
final class Poll {
  private static final Duration INTERVAL = Duration.ofMillis(200);

  private Poll() {}

  /** The first value {@code attempt} gives, or an AssertionError naming {@code what} after {@code limit}. */
  static <T> T until(String what, Duration limit, Supplier<Optional<T>> attempt) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      Optional<T> result = attempt.get();
      if (result.isPresent()) {
        return result.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + limit.toSeconds() + " s");
      }
      LockSupport.parkNanos(INTERVAL.toNanos());
    }
  }
}
