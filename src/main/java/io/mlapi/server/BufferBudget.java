package io.mlapi.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many bytes of requests the server holds in memory at once, across all connections: request
 * heads still arriving, chunks being assembled and bodies being read. Bytes are reserved as they
 * arrive, never on a client's word (a {@code Content-Length} says what a client promises, not what
 * it sends), so a thousand clients that announce a megabyte and send ten bytes hold ten kilobytes.
 * A reservation that would pass the limit is refused, and the request with it: the server answers
 * 503 with {@code Retry-After} rather than running out of memory.
 *
 * <p>Large reservations (a body grown past 64 KiB, a chunk larger than that) may fill only three
 * quarters of the budget: the last quarter is kept for request heads and small bodies, so a few
 * clients holding large bodies open cannot turn every ordinary request away.
 */
final class BufferBudget {
  /** A reservation larger than this is large. */
  static final long SMALL = 64 * 1024;

  private final long limit;
  private final long largeLimit;
  private final AtomicLong used = new AtomicLong();

  BufferBudget(long limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("the buffered-bytes budget must be at least 1 byte, got " + limit);
    }
    this.limit = limit;
    this.largeLimit = limit - limit / 4;
  }

  /**
   * Reserves {@code bytes} if they fit; {@code false} (and nothing reserved) if not.
   *
   * @param large whether this is for a large body or chunk, which may not take the last quarter
   */
  boolean tryReserve(long bytes, boolean large) {
    if (bytes < 0) {
      throw new IllegalArgumentException("cannot reserve " + bytes + " bytes");
    }
    long cap = large ? largeLimit : limit;
    while (true) {
      long now = used.get();
      if (now + bytes > cap) {
        return false;
      }
      if (used.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  /** Gives back bytes reserved before. */
  void release(long bytes) {
    if (bytes > 0) {
      used.addAndGet(-bytes);
    }
  }

  /** Bytes reserved now. */
  long used() {
    return used.get();
  }

  long limit() {
    return limit;
  }
}
