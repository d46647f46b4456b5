package io.mlapi.model;

import io.mlapi.data.NumpySum;

/**
 * scikit-learn's scores, computed with numpy's arithmetic so that they come out bit for bit:
 * {@code accuracy_score}, {@code r2_score}, {@code mean_absolute_error} and the root of
 * {@code mean_squared_error}. Target and prediction columns are contiguous, so numpy sums them
 * pairwise ({@link NumpySum#of}).
 */
final class Scores {
  private Scores() {}

  /** The fraction of rows predicted right. */
  static double accuracy(int[] truth, int[] predicted) {
    int correct = 0;
    for (int i = 0; i < truth.length; i++) {
      if (truth[i] == predicted[i]) {
        correct++;
      }
    }
    return (double) correct / truth.length;
  }

  /** {@code r2_score(truth, predicted)}, with its {@code force_finite} rules for constant targets. */
  static double r2(double[] truth, double[] predicted) {
    int n = truth.length;
    double[] squares = new double[n];
    for (int i = 0; i < n; i++) {
      double d = truth[i] - predicted[i];
      squares[i] = d * d;
    }
    double numerator = NumpySum.of(squares);
    double mean = NumpySum.mean(truth);
    for (int i = 0; i < n; i++) {
      double d = truth[i] - mean;
      squares[i] = d * d;
    }
    double denominator = NumpySum.of(squares);
    if (denominator != 0 && numerator != 0) {
      return 1 - numerator / denominator;
    }
    return numerator != 0 ? 0.0 : 1.0;
  }

  /** {@code mean_absolute_error(truth, predicted)}. */
  static double meanAbsoluteError(double[] truth, double[] predicted) {
    double[] errors = new double[truth.length];
    for (int i = 0; i < truth.length; i++) {
      errors[i] = Math.abs(predicted[i] - truth[i]);
    }
    return NumpySum.mean(errors);
  }

  /** {@code mean_squared_error(truth, predicted, squared=False)}. */
  static double rootMeanSquaredError(double[] truth, double[] predicted) {
    double[] squares = new double[truth.length];
    for (int i = 0; i < truth.length; i++) {
      double d = truth[i] - predicted[i];
      squares[i] = d * d;
    }
    return Math.sqrt(NumpySum.mean(squares));
  }
}
