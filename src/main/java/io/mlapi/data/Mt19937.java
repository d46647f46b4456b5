package io.mlapi.data;

/**
 * The Mersenne Twister MT19937 seeded with {@code init_genrand}: the generator behind numpy's legacy
 * {@code RandomState(seed)} and C++'s {@code std::mt19937(seed)} (which scikit-learn's LIBLINEAR
 * draws its coordinate order from). Same seed, same 32-bit stream as both. Not thread-safe: one
 * per use.
 */
public final class Mt19937 {
  private static final int N = 624;
  private static final int M = 397;
  private static final int MATRIX_A = 0x9908b0df;
  private static final int UPPER_MASK = 0x80000000;
  private static final int LOWER_MASK = 0x7fffffff;

  private final int[] state = new int[N];
  private int position;

  /**
   * @param seed 0 to 2^32 - 1, as numpy requires of {@code RandomState(seed)}
   * @throws IllegalArgumentException naming the seed when it is outside that range
   */
  public Mt19937(long seed) {
    if (seed < 0 || seed > 0xffffffffL) {
      throw new IllegalArgumentException("seed must be between 0 and 2**32 - 1, got " + seed);
    }
    state[0] = (int) seed;
    for (int i = 1; i < N; i++) {
      int previous = state[i - 1];
      state[i] = 1812433253 * (previous ^ (previous >>> 30)) + i;
    }
    position = N;
  }

  /** The next 32 random bits (an unsigned value held in an int). */
  public int nextInt() {
    if (position >= N) {
      twist();
    }
    int y = state[position++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    return y ^ (y >>> 18);
  }

  private void twist() {
    for (int k = 0; k < N; k++) {
      int y = (state[k] & UPPER_MASK) | (state[(k + 1) % N] & LOWER_MASK);
      state[k] = state[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
    }
    position = 0;
  }
}
