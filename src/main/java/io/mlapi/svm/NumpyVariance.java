package io.mlapi.svm;

/**
 * {@code X.var()} computed the way numpy computes it, bit for bit, so that scikit-learn's
 * {@code gamma='scale'} ({@code 1 / (n_features * X.var())}) comes out identical. A textbook
 * two-pass sum is one ulp off on the tutorial's Iris split, and LIBSVM's solution moves with it.
 *
 * <p>numpy reduces a contiguous array in chunks of its buffer size (8192 elements), adding each
 * chunk's pairwise sum to an accumulator that starts at 0; the pairwise sum of a chunk unrolls
 * by 8 below 128 elements and halves (at a multiple of 8) above ({@code pairwise_sum_DOUBLE} in
 * numpy's {@code loops_utils.h}).
 */
final class NumpyVariance {
  private static final int BUFFER_SIZE = 8192;
  private static final int BLOCK_SIZE = 128;

  private NumpyVariance() {}

  /** The population variance of all values of {@code rows}, read in row-major order. */
  static double of(double[][] rows) {
    int size = 0;
    for (double[] row : rows) {
      size += row.length;
    }
    double[] values = new double[size];
    int at = 0;
    for (double[] row : rows) {
      System.arraycopy(row, 0, values, at, row.length);
      at += row.length;
    }
    double mean = sum(values) / size;
    for (int i = 0; i < size; i++) {
      double d = values[i] - mean;
      values[i] = d * d;
    }
    return sum(values) / size;
  }

  static double sum(double[] values) {
    double total = 0.0;
    for (int from = 0; from < values.length; from += BUFFER_SIZE) {
      total += pairwiseSum(values, from, Math.min(BUFFER_SIZE, values.length - from));
    }
    return total;
  }

  private static double pairwiseSum(double[] a, int from, int n) {
    if (n < 8) {
      double sum = 0.0;
      for (int i = 0; i < n; i++) {
        sum += a[from + i];
      }
      return sum;
    }
    if (n <= BLOCK_SIZE) {
      double[] r = new double[8];
      System.arraycopy(a, from, r, 0, 8);
      int i = 8;
      for (; i < n - (n % 8); i += 8) {
        for (int j = 0; j < 8; j++) {
          r[j] += a[from + i + j];
        }
      }
      double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) {
        sum += a[from + i];
      }
      return sum;
    }
    int half = n / 2;
    half -= half % 8;
    return pairwiseSum(a, from, half) + pairwiseSum(a, from + half, n - half);
  }
}
