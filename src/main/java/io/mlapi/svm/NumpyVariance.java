package io.mlapi.svm;

import io.mlapi.data.NumpySum;

/**
 * {@code X.var()} computed the way numpy computes it, bit for bit, so that scikit-learn's
 * {@code gamma='scale'} ({@code 1 / (n_features * X.var())}) comes out identical. A textbook
 * two-pass sum is one ulp off on the tutorial's Iris split, and LIBSVM's solution moves with it.
 * numpy flattens the contiguous array and sums it pairwise ({@link NumpySum#of}).
 */
final class NumpyVariance {
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
    double mean = NumpySum.of(values) / size;
    for (int i = 0; i < size; i++) {
      double d = values[i] - mean;
      values[i] = d * d;
    }
    return NumpySum.of(values) / size;
  }
}
