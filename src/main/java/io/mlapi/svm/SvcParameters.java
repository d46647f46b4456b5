package io.mlapi.svm;

/**
 * The hyper-parameters of a C-Support Vector Classifier, named and defaulted as in scikit-learn's
 * {@code SVC()}.
 *
 * @param kernel the kernel function
 * @param c the regularisation parameter C, positive
 * @param gamma how gamma is chosen for rbf, poly and sigmoid
 * @param degree the polynomial kernel's degree, 0 or more
 * @param coef0 the independent term of the poly and sigmoid kernels
 * @param tol the solver's stopping tolerance, positive
 * @param shrinking whether the solver uses the shrinking heuristic
 * @param cacheSizeMb the kernel cache, in MB
 * @param probability whether to fit Platt scaling, so the model can give class probabilities
 * @param seed the seed of the random cross-validation behind probabilities
 */
public record SvcParameters(
    Kernel kernel,
    double c,
    Gamma gamma,
    int degree,
    double coef0,
    double tol,
    boolean shrinking,
    double cacheSizeMb,
    boolean probability,
    long seed) {

  public SvcParameters {
    requirePositive("C", c);
    requirePositive("tol", tol);
    requirePositive("cache size", cacheSizeMb);
    if (degree < 0) {
      throw new IllegalArgumentException("degree must be 0 or more, got " + degree);
    }
    if (!Double.isFinite(coef0)) {
      throw new IllegalArgumentException("coef0 must be finite, got " + coef0);
    }
  }

  /** {@code SVC()}: rbf, C=1, gamma='scale', degree 3, coef0 0, tol 1e-3, shrinking, 200 MB cache. */
  public static SvcParameters scikitLearnDefaults() {
    return new SvcParameters(Kernel.RBF, 1.0, new Gamma.Scale(), 3, 0.0, 1e-3, true, 200, false, 0L);
  }

  public SvcParameters withKernel(Kernel value) {
    return new SvcParameters(value, c, gamma, degree, coef0, tol, shrinking, cacheSizeMb, probability, seed);
  }

  public SvcParameters withC(double value) {
    return new SvcParameters(kernel, value, gamma, degree, coef0, tol, shrinking, cacheSizeMb, probability, seed);
  }

  public SvcParameters withGamma(Gamma value) {
    return new SvcParameters(kernel, c, value, degree, coef0, tol, shrinking, cacheSizeMb, probability, seed);
  }

  public SvcParameters withDegree(int value) {
    return new SvcParameters(kernel, c, gamma, value, coef0, tol, shrinking, cacheSizeMb, probability, seed);
  }

  public SvcParameters withCoef0(double value) {
    return new SvcParameters(kernel, c, gamma, degree, value, tol, shrinking, cacheSizeMb, probability, seed);
  }

  public SvcParameters withProbability(boolean value, long newSeed) {
    return new SvcParameters(kernel, c, gamma, degree, coef0, tol, shrinking, cacheSizeMb, value, newSeed);
  }

  private static void requirePositive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be a positive number, got " + value);
    }
  }
}
