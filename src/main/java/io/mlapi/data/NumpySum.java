package io.mlapi.data;

/**
 * Sums of doubles added in the order numpy adds them, so that statistics computed from them
 * (scikit-learn's {@code gamma='scale'}, its scalers' means and variances, cross-validation means)
 * come out bit for bit. Which order numpy uses depends on the memory layout:
 *
 * <ul>
 *   <li>along a contiguous axis (a 1-d array, a row of a 2-d one, a 2-d array with one column):
 *       in chunks of its buffer size (8192 elements), each chunk summed pairwise, unrolled by 8
 *       below 128 elements and halved (at a multiple of 8) above ({@code pairwise_sum_DOUBLE}), the
 *       chunk sums added to an accumulator that starts at 0;
 *   <li>down the columns of a C-ordered 2-d array ({@code X.sum(axis=0)} with two or more
 *       columns): one row after the other, a plain running sum per column.
 * </ul>
 */
public final class NumpySum {
  private static final int BUFFER_SIZE = 8192;
  private static final int BLOCK_SIZE = 128;

  private NumpySum() {}

  /** {@code np.sum(values)} of a contiguous 1-d array. */
  public static double of(double[] values) {
    double total = 0.0;
    for (int from = 0; from < values.length; from += BUFFER_SIZE) {
      total += pairwise(values, from, Math.min(BUFFER_SIZE, values.length - from));
    }
    return total;
  }

  /** {@code np.mean(values)}: the sum above divided by the count. */
  public static double mean(double[] values) {
    return of(values) / values.length;
  }

  /** {@code X.sum(axis=0)} of a C-ordered {@code rows x columns} array. */
  public static double[] columns(double[][] rows, int columns) {
    double[] sums = new double[columns];
    if (columns == 1) {
      double[] column = new double[rows.length];
      for (int r = 0; r < rows.length; r++) {
        column[r] = rows[r][0];
      }
      sums[0] = of(column);
      return sums;
    }
    for (double[] row : rows) {
      for (int c = 0; c < columns; c++) {
        sums[c] += row[c];
      }
    }
    return sums;
  }

  private static double pairwise(double[] a, int from, int n) {
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
    return pairwise(a, from, half) + pairwise(a, from + half, n - half);
  }
}
