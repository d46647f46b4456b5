package io.mlapi.server;

/**
 * A request the server refuses, with the HTTP status and the sentence for the client. Thrown
 * anywhere below the routes; {@link HttpApi} turns it into {@code {"error": message}}.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public ApiException(int status, String message) {
    super(message, null, false, false); // an expected outcome: no stack trace to fill in
    this.status = status;
  }

  public int status() {
    return status;
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }
}
