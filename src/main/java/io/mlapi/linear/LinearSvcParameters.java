package io.mlapi.linear;

import java.util.Set;

/**
 * scikit-learn's {@code LinearSVC} parameters, named and defaulted as there: squared hinge loss,
 * the dual solver, C=1, tol=1e-4, max_iter=1000, one-vs-rest, an intercept fitted as a feature of
 * value {@code intercept_scaling} (1), regularised like the weights.
 *
 * @param c the regularisation parameter C, positive
 * @param loss {@code squared_hinge} or {@code hinge}
 * @param tol the solver's stopping tolerance, positive
 * @param maxIter the most solver iterations scikit-learn allows (LIBLINEAR Java caps its dual solver at its own)
 * @param multiClass {@code ovr} or {@code crammer_singer}
 * @param balanced {@code class_weight='balanced'}
 * @param seed {@code random_state}: the coordinate order of the solver
 */
public record LinearSvcParameters(double c, String loss, double tol, int maxIter, String multiClass, boolean balanced,
    long seed) {
  public static final String SQUARED_HINGE = "squared_hinge";
  public static final String HINGE = "hinge";
  public static final String OVR = "ovr";
  public static final String CRAMMER_SINGER = "crammer_singer";

  public LinearSvcParameters {
    if (!(c > 0) || Double.isInfinite(c)) {
      throw new IllegalArgumentException("C must be a positive number, got " + c);
    }
    if (!Set.of(SQUARED_HINGE, HINGE).contains(loss)) {
      throw new IllegalArgumentException("loss must be squared_hinge or hinge, got \"" + loss + "\"");
    }
    if (!(tol > 0) || Double.isInfinite(tol)) {
      throw new IllegalArgumentException("tol must be a positive number, got " + tol);
    }
    if (maxIter < 1) {
      throw new IllegalArgumentException("max iterations must be 1 or more, got " + maxIter);
    }
    if (!Set.of(OVR, CRAMMER_SINGER).contains(multiClass)) {
      throw new IllegalArgumentException("multi-class must be ovr or crammer_singer, got \"" + multiClass + "\"");
    }
  }

  /** {@code LinearSVC(random_state=seed)}. */
  public static LinearSvcParameters scikitLearnDefaults(long seed) {
    return new LinearSvcParameters(1.0, SQUARED_HINGE, 1e-4, 1000, OVR, false, seed);
  }

  public LinearSvcParameters withC(double value) {
    return new LinearSvcParameters(value, loss, tol, maxIter, multiClass, balanced, seed);
  }

  public LinearSvcParameters withLoss(String value) {
    return new LinearSvcParameters(c, value, tol, maxIter, multiClass, balanced, seed);
  }

  public LinearSvcParameters withMaxIter(int value) {
    return new LinearSvcParameters(c, loss, tol, value, multiClass, balanced, seed);
  }

  public LinearSvcParameters withMultiClass(String value) {
    return new LinearSvcParameters(c, loss, tol, maxIter, value, balanced, seed);
  }

  public LinearSvcParameters withBalanced(boolean value) {
    return new LinearSvcParameters(c, loss, tol, maxIter, multiClass, value, seed);
  }

  public LinearSvcParameters withTol(double value) {
    return new LinearSvcParameters(c, loss, value, maxIter, multiClass, balanced, seed);
  }
}
