package io.mlapi.server;

import java.time.Duration;

/**
 * How the HTTP server listens, what it accepts and how it stops.
 *
 * @param host the address to bind, e.g. {@code 0.0.0.0}
 * @param port the port; 0 picks a free one
 * @param maxRequestBytes the largest request body accepted; larger ones get 413
 * @param maxRows the most rows one prediction request may carry
 * @param requestTimeout how long a client may take to send its request body; 408 after that
 * @param drainDelay after SIGTERM, how long the server keeps accepting requests while readiness
 *     already answers 503, so load balancers stop sending before it stops listening
 * @param gracePeriod after SIGTERM, the most time until the process has exited
 * @param adminToken the bearer token the repository extension's commands require; {@code null}
 *     leaves them open
 * @param accessLog whether to write one JSON line per request to standard output
 * @param connections what one connection may cost: header and idle timeouts, how many at once,
 *     how many request bytes buffered at once
 * @param openAdmin whether the repository commands that change what is served (load, unload) are
 *     open to anyone when there is no admin token; without a token and without this, they are refused
 */
public record ServerConfig(String host, int port, long maxRequestBytes, int maxRows, Duration requestTimeout,
    Duration drainDelay, Duration gracePeriod, String adminToken, boolean accessLog, ConnectionLimits connections,
    boolean openAdmin) {
  public static final long DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_ROWS = 10_000;
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_DRAIN_DELAY = Duration.ofSeconds(5);
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(20);

  public ServerConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
    }
    if (maxRequestBytes < 1 || maxRequestBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("the request size limit must be between 1 byte and 2 GiB, got "
          + maxRequestBytes);
    }
    if (maxRows < 1) {
      throw new IllegalArgumentException("the row limit must be at least 1, got " + maxRows);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("the request timeout must be positive, got " + requestTimeout);
    }
    if (drainDelay.isNegative()) {
      throw new IllegalArgumentException("the drain delay must not be negative, got " + drainDelay);
    }
    if (gracePeriod.compareTo(drainDelay) <= 0) {
      throw new IllegalArgumentException("the grace period (" + gracePeriod + ") must be longer than the drain delay ("
          + drainDelay + "): requests in flight need time to finish after draining");
    }
    if (adminToken != null && adminToken.isBlank()) {
      adminToken = null;
    }
    if (connections.maxBufferedBytes() < maxRequestBytes) {
      throw new IllegalArgumentException("the buffered-bytes limit (" + connections.maxBufferedBytes()
          + " bytes) must hold at least one request of the request size limit (" + maxRequestBytes + " bytes)");
    }
  }

  /** Connection limits sized to this JVM's heap ({@link ConnectionLimits#forHeap}), repository commands closed without a token. */
  public ServerConfig(String host, int port, long maxRequestBytes, int maxRows, Duration requestTimeout,
      Duration drainDelay, Duration gracePeriod, String adminToken, boolean accessLog) {
    this(host, port, maxRequestBytes, maxRows, requestTimeout, drainDelay, gracePeriod, adminToken, accessLog,
        ConnectionLimits.forHeap(Runtime.getRuntime().maxMemory()), false);
  }

  /** Defaults on {@code port}, all interfaces. */
  public static ServerConfig onPort(int port) {
    return new ServerConfig("0.0.0.0", port, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_ROWS, DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_DRAIN_DELAY, DEFAULT_GRACE_PERIOD, null, false);
  }

  ServerConfig withLimits(long maxRequestBytes, int maxRows, Duration requestTimeout) {
    return new ServerConfig(host, port, maxRequestBytes, maxRows, requestTimeout, drainDelay, gracePeriod,
        adminToken, accessLog, connections, openAdmin);
  }

  ServerConfig withShutdown(Duration drainDelay, Duration gracePeriod) {
    return new ServerConfig(host, port, maxRequestBytes, maxRows, requestTimeout, drainDelay, gracePeriod,
        adminToken, accessLog, connections, openAdmin);
  }

  ServerConfig withAccessLog(boolean accessLog) {
    return new ServerConfig(host, port, maxRequestBytes, maxRows, requestTimeout, drainDelay, gracePeriod,
        adminToken, accessLog, connections, openAdmin);
  }

  ServerConfig withConnections(ConnectionLimits connections) {
    return new ServerConfig(host, port, maxRequestBytes, maxRows, requestTimeout, drainDelay, gracePeriod,
        adminToken, accessLog, connections, openAdmin);
  }

  ServerConfig withAdmin(String adminToken, boolean openAdmin) {
    return new ServerConfig(host, port, maxRequestBytes, maxRows, requestTimeout, drainDelay, gracePeriod,
        adminToken, accessLog, connections, openAdmin);
  }

  @Override
  public String toString() {
    // Never print the token.
    return "ServerConfig[host=" + host + ", port=" + port + ", maxRequestBytes=" + maxRequestBytes + ", maxRows="
        + maxRows + ", requestTimeout=" + requestTimeout + ", drainDelay=" + drainDelay + ", gracePeriod="
        + gracePeriod + ", adminToken=" + (adminToken == null ? "none" : "set") + ", accessLog=" + accessLog + ", connections="
        + connections + ", openAdmin=" + openAdmin + "]";
  }
}
