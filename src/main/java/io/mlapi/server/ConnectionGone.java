package io.mlapi.server;

import io.helidon.webserver.CloseConnectionException;

/**
 * The connection is over before its request could be answered: the client left mid-request
 * (counted as 499, nginx's "client closed request"), or the server cut a request that stalled
 * past its timeout (408, already answered by {@link GuardedConnection}). Nothing more can or
 * should be written; being a {@link CloseConnectionException}, it makes Helidon close the
 * connection without logging more than a trace line.
 */
final class ConnectionGone extends CloseConnectionException {
  private static final long serialVersionUID = 1L;

  /** nginx's status for a request whose client closed the connection before the answer. */
  static final int CLIENT_CLOSED = 499;

  private final int status;

  ConnectionGone(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The status the request is counted and logged with. */
  int status() {
    return status;
  }
}
