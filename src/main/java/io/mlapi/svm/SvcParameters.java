package io.mlapi.svm;

/**
 * The hyper-parameters of scikit-learn's LIBSVM estimators ({@code SVC}, {@code NuSVC},
 * {@code SVR}, {@code NuSVR}), named and defaulted as there.
 *
 * @param type which estimator
 * @param kernel the kernel function
 * @param c the regularisation parameter C, positive
 * @param gamma how gamma is chosen for rbf, poly and sigmoid
 * @param degree the polynomial kernel's degree, 0 or more
 * @param coef0 the independent term of the poly and sigmoid kernels
 * @param tol the solver's stopping tolerance, positive
 * @param shrinking whether the solver uses the shrinking heuristic
 * @param cacheSizeMb the kernel cache, in MB
 * @param probability whether to fit Platt scaling, so a classifier can give class probabilities
 * @param seed the seed of the random cross-validation behind probabilities
 * @param nu NuSVC's and NuSVR's nu, in (0, 1]
 * @param epsilon SVR's epsilon, 0 or more
 * @param balanced {@code class_weight='balanced'}: each class's C multiplied by
 *     {@code rows / (classes * rows of the class)}
 */
public record SvcParameters(
    SvmType type,
    Kernel kernel,
    double c,
    Gamma gamma,
    int degree,
    double coef0,
    double tol,
    boolean shrinking,
    double cacheSizeMb,
    boolean probability,
    long seed,
    double nu,
    double epsilon,
    boolean balanced) {

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
    if (!(nu > 0 && nu <= 1)) {
      throw new IllegalArgumentException("nu must be in (0, 1], got " + nu);
    }
    if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be 0 or more, got " + epsilon);
    }
    if (type.isRegression() && (probability || balanced)) {
      throw new IllegalArgumentException(type.label() + " is a regressor: --probability and --class-weight are "
          + "for classifiers");
    }
  }

  /** {@code SVC()}: rbf, C=1, gamma='scale', degree 3, coef0 0, tol 1e-3, shrinking, 200 MB cache. */
  public static SvcParameters scikitLearnDefaults() {
    return scikitLearnDefaults(SvmType.SVC);
  }

  /** The defaults of {@code SVC()}, {@code NuSVC()}, {@code SVR()} or {@code NuSVR()}: nu 0.5, epsilon 0.1. */
  public static SvcParameters scikitLearnDefaults(SvmType type) {
    return new SvcParameters(type, Kernel.RBF, 1.0, new Gamma.Scale(), 3, 0.0, 1e-3, true, 200, false, 0L, 0.5,
        0.1, false);
  }

  public SvcParameters withKernel(Kernel value) {
    return new SvcParameters(type, value, c, gamma, degree, coef0, tol, shrinking, cacheSizeMb, probability, seed,
        nu, epsilon, balanced);
  }

  public SvcParameters withC(double value) {
    return new SvcParameters(type, kernel, value, gamma, degree, coef0, tol, shrinking, cacheSizeMb, probability,
        seed, nu, epsilon, balanced);
  }

  public SvcParameters withGamma(Gamma value) {
    return new SvcParameters(type, kernel, c, value, degree, coef0, tol, shrinking, cacheSizeMb, probability, seed,
        nu, epsilon, balanced);
  }

  public SvcParameters withDegree(int value) {
    return new SvcParameters(type, kernel, c, gamma, value, coef0, tol, shrinking, cacheSizeMb, probability, seed,
        nu, epsilon, balanced);
  }

  public SvcParameters withCoef0(double value) {
    return new SvcParameters(type, kernel, c, gamma, degree, value, tol, shrinking, cacheSizeMb, probability, seed,
        nu, epsilon, balanced);
  }

  public SvcParameters withTol(double value) {
    return new SvcParameters(type, kernel, c, gamma, degree, coef0, value, shrinking, cacheSizeMb, probability, seed,
        nu, epsilon, balanced);
  }

  public SvcParameters withProbability(boolean value, long newSeed) {
    return new SvcParameters(type, kernel, c, gamma, degree, coef0, tol, shrinking, cacheSizeMb, value, newSeed,
        nu, epsilon, balanced);
  }

  public SvcParameters withNu(double value) {
    return new SvcParameters(type, kernel, c, gamma, degree, coef0, tol, shrinking, cacheSizeMb, probability, seed,
        value, epsilon, balanced);
  }

  public SvcParameters withEpsilon(double value) {
    return new SvcParameters(type, kernel, c, gamma, degree, coef0, tol, shrinking, cacheSizeMb, probability, seed,
        nu, value, balanced);
  }

  public SvcParameters withBalanced(boolean value) {
    return new SvcParameters(type, kernel, c, gamma, degree, coef0, tol, shrinking, cacheSizeMb, probability, seed,
        nu, epsilon, value);
  }

  private static void requirePositive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be a positive number, got " + value);
    }
  }
}
