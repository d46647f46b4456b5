package io.mlapi.linear;

import java.util.Random;

/**
 * scikit-learn's LIBLINEAR solver for LinearSVC's default formulation: dual coordinate descent for
 * the L2-regularised squared hinge ({@code L2R_L2LOSS_SVC_DUAL}) or hinge
 * ({@code L2R_L1LOSS_SVC_DUAL}) loss, Algorithm 3 of Hsieh et al. (ICML 2008), as
 * {@code solve_l2r_l1l2_svc} in scikit-learn's {@code linear.cpp} has it: the same operations in
 * the same order (a row's squared norm summed onto its diagonal term, gradients summed feature by
 * feature, C/C++'s {@code min}/{@code max}), the same stopping rule ({@code PGmax - PGmin <= eps})
 * and {@code max_iter} iterations at most, so that with the same coordinate order it reaches the
 * same weights bit for bit.
 *
 * <p>Why not LIBLINEAR Java's own solver: it is LIBLINEAR 2.44's, newer than scikit-learn's copy,
 * and differs in exactly the places that move the result (it stops on a stricter rule, sums the
 * diagonal in another order, and switches to a primal Newton solver after 300 iterations).
 */
final class DualCoordinateDescent {
  /** Rows as LIBLINEAR holds them: per row, the 0-based indices and values of its non-zero features. */
  record SparseRows(int[][] indices, double[][] values, int features) {}

  private DualCoordinateDescent() {}

  /**
   * Solves one binary problem.
   *
   * @param y per row +1 or -1
   * @param cp C of the +1 rows; {@code cn} of the -1 rows
   * @param hinge the hinge (L1) loss rather than the squared hinge (L2) loss
   * @param w receives the weights, {@code x.features()} of them
   * @return the iterations run; {@code maxIter} when it stopped before converging
   */
  static int solve(SparseRows x, byte[] y, double eps, double cp, double cn, boolean hinge, int maxIter,
      Random random, double[] w) {
    int l = y.length;
    double[] qd = new double[l];
    int[] index = new int[l];
    double[] alpha = new double[l];
    double[] diag = new double[l];
    double[] upperBound = new double[l];
    for (int i = 0; i < l; i++) {
      double c = y[i] > 0 ? 1.0 * cp : 1.0 * cn; // prob->W[i] * Cp, every weight 1
      diag[i] = hinge ? 0 : 0.5 / c;
      upperBound[i] = hinge ? c : Double.POSITIVE_INFINITY;
    }
    java.util.Arrays.fill(w, 0.0);
    for (int i = 0; i < l; i++) {
      qd[i] = diag[i];
      for (double value : x.values()[i]) {
        qd[i] += value * value;
      }
      index[i] = i;
    }
    int activeSize = l;
    double pgMaxOld = Double.POSITIVE_INFINITY;
    double pgMinOld = Double.NEGATIVE_INFINITY;
    int iter = 0;
    while (iter < maxIter) {
      double pgMaxNew = Double.NEGATIVE_INFINITY;
      double pgMinNew = Double.POSITIVE_INFINITY;
      for (int i = 0; i < activeSize; i++) {
        int j = i + random.nextInt(activeSize - i);
        swap(index, i, j);
      }
      for (int s = 0; s < activeSize; s++) {
        int i = index[s];
        int yi = y[i];
        int[] features = x.indices()[i];
        double[] values = x.values()[i];
        double g = 0;
        for (int k = 0; k < features.length; k++) {
          g += w[features[k]] * values[k];
        }
        g = g * yi - 1;
        double c = upperBound[i];
        g += alpha[i] * diag[i];
        double pg = 0;
        if (alpha[i] == 0) {
          if (g > pgMaxOld) {
            activeSize--;
            swap(index, s, activeSize);
            s--;
            continue;
          } else if (g < 0) {
            pg = g;
          }
        } else if (alpha[i] == c) {
          if (g < pgMinOld) {
            activeSize--;
            swap(index, s, activeSize);
            s--;
            continue;
          } else if (g > 0) {
            pg = g;
          }
        } else {
          pg = g;
        }
        pgMaxNew = max(pgMaxNew, pg);
        pgMinNew = min(pgMinNew, pg);
        if (Math.abs(pg) > 1.0e-12) {
          double alphaOld = alpha[i];
          alpha[i] = min(max(alpha[i] - g / qd[i], 0.0), c);
          double d = (alpha[i] - alphaOld) * yi;
          for (int k = 0; k < features.length; k++) {
            w[features[k]] += d * values[k];
          }
        }
      }
      iter++;
      if (pgMaxNew - pgMinNew <= eps) {
        if (activeSize == l) {
          break;
        }
        activeSize = l;
        pgMaxOld = Double.POSITIVE_INFINITY;
        pgMinOld = Double.NEGATIVE_INFINITY;
        continue;
      }
      pgMaxOld = pgMaxNew;
      pgMinOld = pgMinNew;
      if (pgMaxOld <= 0) {
        pgMaxOld = Double.POSITIVE_INFINITY;
      }
      if (pgMinOld >= 0) {
        pgMinOld = Double.NEGATIVE_INFINITY;
      }
    }
    return iter;
  }

  /** C++'s {@code std::max}: {@code (a > b) ? a : b}, which treats signed zeros unlike {@link Math#max}. */
  private static double max(double a, double b) {
    return a > b ? a : b;
  }

  private static double min(double a, double b) {
    return a < b ? a : b;
  }

  private static void swap(int[] a, int i, int j) {
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
