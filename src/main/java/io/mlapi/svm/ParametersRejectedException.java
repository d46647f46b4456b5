package io.mlapi.svm;

/**
 * LIBSVM's own check refused the parameters for these rows (e.g. "specified nu is infeasible"):
 * the user's input, which only the data can tell, not a bug.
 */
public final class ParametersRejectedException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  ParametersRejectedException(String message) {
    super(message);
  }
}
