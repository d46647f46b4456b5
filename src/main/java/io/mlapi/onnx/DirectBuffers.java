package io.mlapi.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers for ONNX Runtime's input tensors, kept for the next request. ONNX Runtime reads
 * its inputs from native memory: given a heap array, its Java API allocates a direct buffer per
 * tensor per run and copies into it, and allocating direct memory (reserving it, zeroing it,
 * registering its cleaner) costs more than a small model's whole run. Buffers come in powers of
 * two from 64 bytes to 64 KiB, a few of each kept; larger inputs are allocated each time (their
 * copy, not the allocation, is then the cost).
 *
 * <p>Safe to share between threads. A buffer taken must be given back only once ONNX Runtime is
 * done with it: after its tensor is closed.
 */
final class DirectBuffers {
  static final int SMALLEST = 64;
  static final int LARGEST_KEPT = 64 * 1024;
  /** Kept per size: enough for every request running at once on a few cores. */
  static final int KEPT_PER_SIZE = 16;

  private final Size[] sizes = new Size[Integer.numberOfTrailingZeros(LARGEST_KEPT / SMALLEST) + 1];

  DirectBuffers() {
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = new Size(SMALLEST << i);
    }
  }

  /** A direct buffer in native order, its position 0 and its limit {@code bytes}. */
  ByteBuffer take(int bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative, got " + bytes);
    }
    ByteBuffer buffer;
    if (bytes > LARGEST_KEPT) {
      buffer = ByteBuffer.allocateDirect(bytes);
    } else {
      Size size = sizes[index(bytes)];
      buffer = size.kept.poll();
      if (buffer == null) {
        buffer = ByteBuffer.allocateDirect(size.capacity);
      } else {
        size.count.decrementAndGet();
      }
    }
    return buffer.clear().limit(bytes).order(ByteOrder.nativeOrder());
  }

  /** Gives a buffer from {@link #take} back; one of another size, or over the number kept, is dropped. */
  void giveBack(ByteBuffer buffer) {
    int capacity = buffer.capacity();
    if (!buffer.isDirect() || capacity > LARGEST_KEPT || capacity < SMALLEST || Integer.bitCount(capacity) != 1) {
      return;
    }
    Size size = sizes[index(capacity)];
    if (size.count.incrementAndGet() <= KEPT_PER_SIZE) {
      size.kept.offer(buffer);
    } else {
      size.count.decrementAndGet();
    }
  }

  /** How many buffers are kept now, all sizes together. */
  int kept() {
    int kept = 0;
    for (Size size : sizes) {
      kept += size.kept.size();
    }
    return kept;
  }

  private static int index(int bytes) {
    int capacity = Math.max(SMALLEST, Integer.highestOneBit(Math.max(1, bytes - 1)) << 1);
    return Integer.numberOfTrailingZeros(capacity / SMALLEST);
  }

  private static final class Size {
    final int capacity;
    final ConcurrentLinkedQueue<ByteBuffer> kept = new ConcurrentLinkedQueue<>();
    final AtomicInteger count = new AtomicInteger();

    Size(int capacity) {
      this.capacity = capacity;
    }
  }
}
