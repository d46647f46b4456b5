package io.mlapi.server;

/**
 * How the HTTP server listens and what it accepts.
 *
 * @param host the address to bind, e.g. {@code 0.0.0.0}
 * @param port the port; 0 picks a free one
 * @param maxRequestBytes the largest request body accepted; larger ones get 413
 * @param maxRows the most rows one prediction request may carry
 */
public record ServerConfig(String host, int port, long maxRequestBytes, int maxRows) {
  public static final long DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_ROWS = 10_000;

  public ServerConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
    }
    if (maxRequestBytes < 1) {
      throw new IllegalArgumentException("the request size limit must be at least 1 byte, got " + maxRequestBytes);
    }
    if (maxRows < 1) {
      throw new IllegalArgumentException("the row limit must be at least 1, got " + maxRows);
    }
  }

  /** Defaults on {@code port}, all interfaces. */
  public static ServerConfig onPort(int port) {
    return new ServerConfig("0.0.0.0", port, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_ROWS);
  }
}
