package io.mlapi.server;

/** The server cannot listen where it was told: the port is taken, or not this process's to take. */
public final class ListenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ListenException(String message, Throwable cause) {
    super(message, cause);
  }
}
