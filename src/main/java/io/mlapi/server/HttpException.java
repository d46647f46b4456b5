package io.mlapi.server;

/**
 * A refusal that only HTTP has words for (no such endpoint, method not allowed, a body too slow,
 * missing credentials), with its status. Refusals of the inference core are
 * {@link io.mlapi.model.InferenceException}s; {@link HttpApi} maps both to {@code {"error": message}}.
 */
final class HttpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  HttpException(int status, String message) {
    super(message, null, false, false); // an expected outcome: no stack trace to fill in
    this.status = status;
  }

  int status() {
    return status;
  }
}
