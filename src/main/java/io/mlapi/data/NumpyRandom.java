package io.mlapi.data;

/**
 * numpy's legacy {@code np.random.RandomState(seed)}, for the draws scikit-learn makes from it:
 * {@code permutation}, {@code shuffle} and {@code randint}. Each gives the same numbers as numpy
 * (tests hold it to numpy's own output). Not thread-safe: one per use, like the seed it stands for.
 */
public final class NumpyRandom {
  private final Mt19937 bits;

  /** @throws IllegalArgumentException when the seed is outside 0 to 2^32 - 1, as numpy refuses it */
  public NumpyRandom(long seed) {
    this.bits = new Mt19937(seed);
  }

  private long nextUnsigned() {
    return Integer.toUnsignedLong(bits.nextInt());
  }

  /** numpy's {@code random_interval}: a uniform integer in {@code [0, max]} by masked rejection. */
  long interval(long max) {
    if (max == 0) {
      return 0;
    }
    long mask = mask(max);
    if (max > 0xffffffffL) {
      throw new IllegalArgumentException("intervals beyond 2^32 are not needed here, got " + max);
    }
    long value;
    do {
      value = nextUnsigned() & mask;
    } while (value > max);
    return value;
  }

  /** The smallest all-ones bit mask holding {@code max}. */
  private static long mask(long max) {
    long mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask |= mask >>> 32;
    return mask;
  }

  /** {@code shuffle(values)} of a 1-d array: Fisher-Yates from the end, in place. */
  public void shuffle(int[] values) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = (int) interval(i);
      int swap = values[i];
      values[i] = values[j];
      values[j] = swap;
    }
  }

  /** {@code permutation(n)}: 0..n-1 shuffled. */
  public int[] permutation(int n) {
    int[] values = new int[n];
    for (int i = 0; i < n; i++) {
      values[i] = i;
    }
    shuffle(values);
    return values;
  }

  /** {@code permutation(values)}: a shuffled copy. */
  public int[] permutation(int[] values) {
    int[] copy = values.clone();
    shuffle(copy);
    return copy;
  }

  /**
   * {@code randint(high)}: a uniform integer in {@code [0, high)}, by numpy's legacy masked
   * rejection on 32-bit draws (what scikit-learn's {@code rng.randint(np.iinfo("i").max)} makes a
   * LIBLINEAR seed with).
   */
  public long randint(long high) {
    if (high < 1 || high > 0x100000000L) {
      throw new IllegalArgumentException("high must be 1 to 2^32, got " + high);
    }
    return interval(high - 1);
  }
}
