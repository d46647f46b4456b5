package io.mlapi.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DirectBuffersTest {
  private final DirectBuffers buffers = new DirectBuffers();

  @Test
  void take_givesADirectNativeOrderBuffer_limitedToTheBytesAsked_inAPowerOfTwo() {
    for (int bytes : new int[] {0, 1, 16, 64, 65, 1000, 65536}) {
      ByteBuffer buffer = buffers.take(bytes);
      assertThat(buffer.isDirect()).as("%d bytes", bytes).isTrue();
      assertThat(buffer.order()).isEqualTo(ByteOrder.nativeOrder());
      assertThat(buffer.position()).isZero();
      assertThat(buffer.limit()).isEqualTo(bytes);
      assertThat(Integer.bitCount(buffer.capacity())).isEqualTo(1);
      assertThat(buffer.capacity()).isBetween(Math.max(bytes, DirectBuffers.SMALLEST), Math.max(2 * bytes, 64));
    }
  }

  @Test
  void aBufferGivenBack_isTakenAgain_forAnySizeOfItsClass_cleared() {
    ByteBuffer first = buffers.take(100);
    first.putLong(42).putLong(43);
    buffers.giveBack(first);

    ByteBuffer again = buffers.take(120);

    assertThat(again).isSameAs(first);
    assertThat(again.position()).isZero();
    assertThat(again.limit()).isEqualTo(120);
    assertThat(buffers.kept()).isZero();
  }

  @Test
  void largeBuffers_areNotKept_norAreMoreThanTheLimitPerSize() {
    ByteBuffer large = buffers.take(DirectBuffers.LARGEST_KEPT + 1);
    assertThat(large.capacity()).isEqualTo(DirectBuffers.LARGEST_KEPT + 1);
    buffers.giveBack(large);
    assertThat(buffers.kept()).isZero();

    List<ByteBuffer> taken = new ArrayList<>();
    for (int i = 0; i < DirectBuffers.KEPT_PER_SIZE + 5; i++) {
      taken.add(buffers.take(256));
    }
    taken.forEach(buffers::giveBack);
    assertThat(buffers.kept()).isEqualTo(DirectBuffers.KEPT_PER_SIZE);
  }

  @Test
  void buffersNotFromThePool_areDropped() {
    buffers.giveBack(ByteBuffer.allocate(256)); // on the heap
    buffers.giveBack(ByteBuffer.allocateDirect(100)); // not a power of two
    assertThat(buffers.kept()).isZero();
  }

  @Test
  void aNegativeSize_isRefused() {
    assertThatThrownBy(() -> buffers.take(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bytes must not be negative, got -1");
  }

  @Test
  void underContention_noBufferIsHandedToTwoHoldersAtOnce() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      // by identity: ByteBuffer.equals compares contents, and two buffers may hold the same bytes
      Map<ByteBuffer, Boolean> held = Collections.synchronizedMap(new IdentityHashMap<>());
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(pool.submit(() -> {
          start.await();
          int clashes = 0;
          for (int i = 0; i < 20_000; i++) {
            ByteBuffer buffer = buffers.take(200);
            if (held.putIfAbsent(buffer, Boolean.TRUE) != null) {
              clashes++;
            }
            held.remove(buffer);
            buffers.giveBack(buffer);
          }
          return clashes;
        }));
      }
      start.countDown();
      for (Future<Integer> result : results) {
        assertThat(result.get()).isZero();
      }
      assertThat(buffers.kept()).isLessThanOrEqualTo(DirectBuffers.KEPT_PER_SIZE);
    } finally {
      pool.shutdownNow();
    }
  }
}
