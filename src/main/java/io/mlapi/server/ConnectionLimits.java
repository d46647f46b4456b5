package io.mlapi.server;

import java.time.Duration;

/**
 * What one client connection may cost the server, so that slow, idle or many clients cannot take
 * it down (nginx's and Envoy's knobs of the same names).
 *
 * @param headerTimeout the longest a request's head (its request line and headers) may take to
 *     arrive, from its first byte (on a new connection, from the connection's start); after it the
 *     connection gets 408 and is closed
 * @param idleTimeout how long a kept-alive connection may wait for its next request
 * @param maxConnections the most connections open at once; more wait in the kernel's accept queue
 * @param maxBufferedBytes the most request bytes held in memory at once, all connections together
 *     (see {@link BufferBudget}); a request that would pass it gets 503 with {@code Retry-After}
 */
public record ConnectionLimits(Duration headerTimeout, Duration idleTimeout, int maxConnections,
    long maxBufferedBytes) {
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
  /** Longer than the 60 s idle timeout of common cloud load balancers, so that they close first. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(75);
  /** Heap per connection the default connection limit allows: an idle connection costs about 25 KiB. */
  static final long HEAP_PER_CONNECTION = 64 * 1024;

  public ConnectionLimits {
    if (headerTimeout.isNegative() || headerTimeout.isZero()) {
      throw new IllegalArgumentException("the header timeout must be positive, got " + headerTimeout);
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("the idle timeout must be positive, got " + idleTimeout);
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("the connection limit must be at least 1, got " + maxConnections);
    }
    if (maxBufferedBytes < 1) {
      throw new IllegalArgumentException("the buffered-bytes limit must be at least 1 byte, got " + maxBufferedBytes);
    }
  }

  /**
   * The defaults, sized to the heap: a quarter of it for buffered request bytes, and one connection
   * per 64 KiB (so that even every connection idle takes well under half of it). With the launcher's
   * 256 MiB heap: 64 MiB and 4,096 connections.
   */
  public static ConnectionLimits forHeap(long maxHeapBytes) {
    return new ConnectionLimits(DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
        defaultMaxConnections(maxHeapBytes), defaultMaxBufferedBytes(maxHeapBytes));
  }

  public static int defaultMaxConnections(long maxHeapBytes) {
    return Math.clamp(maxHeapBytes / HEAP_PER_CONNECTION, 64, 1 << 20);
  }

  public static long defaultMaxBufferedBytes(long maxHeapBytes) {
    return Math.max(1 << 20, maxHeapBytes / 4);
  }
}
