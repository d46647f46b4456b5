package io.mlapi.model;

/**
 * A place given for models that cannot be used as asked: a version that exists already, a real
 * directory where a model link would go, a single-model directory given as a repository. The
 * user's mistake, never a bug: the command line reports it as bad input.
 */
public final class ModelPathException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelPathException(String message) {
    super(message);
  }

  public ModelPathException(String message, Throwable cause) {
    super(message, cause);
  }
}
