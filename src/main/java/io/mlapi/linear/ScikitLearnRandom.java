package io.mlapi.linear;

import io.mlapi.data.Mt19937;
import io.mlapi.data.NumpyRandom;
import java.util.Random;

/**
 * The coordinate order scikit-learn's LIBLINEAR draws, as a {@link Random} for LIBLINEAR Java:
 * scikit-learn replaces LIBLINEAR's {@code rand() % n} by {@code bounded_rand_int(n)} (Lemire's
 * multiply-shift with rejection) on a {@code std::mt19937} seeded with
 * {@code RandomState(random_state).randint(2**31 - 1)}. LIBLINEAR Java calls only
 * {@link #nextInt(int)}, and gets the same numbers scikit-learn's solver gets.
 */
final class ScikitLearnRandom extends Random {
  private static final long serialVersionUID = 1L;

  private final transient Mt19937 bits;

  /** @param randomState LinearSVC's {@code random_state} */
  ScikitLearnRandom(long randomState) {
    super(0);
    this.bits = new Mt19937(new NumpyRandom(randomState).randint(Integer.MAX_VALUE));
  }

  @Override
  public int nextInt(int bound) {
    return bounded(bits, bound);
  }

  /** {@code bounded_rand_int(bound)}: a uniform integer in {@code [0, bound)}. */
  static int bounded(Mt19937 bits, int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    long range = bound;
    long m = Integer.toUnsignedLong(bits.nextInt()) * range;
    long low = m & 0xffffffffL;
    if (low < range) {
      long threshold = (0x100000000L - range) % range; // (-range) mod range, as uint32 arithmetic gives it
      while (low < threshold) {
        m = Integer.toUnsignedLong(bits.nextInt()) * range;
        low = m & 0xffffffffL;
      }
    }
    return (int) (m >>> 32);
  }

  @Override
  protected int next(int count) {
    return bits == null ? 0 : bits.nextInt() >>> (32 - count); // Random's constructor calls none of this
  }
}
