package io.mlapi.server;

import io.helidon.common.uri.UriQuery;
import io.helidon.http.Header;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.ServerResponseTrailers;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.OutputStream;
import java.util.function.UnaryOperator;

/**
 * The response to a {@code HEAD} request, which runs the {@code GET} route: the same status and
 * headers, {@code Content-Length} included, and no body (RFC 9110, section 9.3.2). Helidon sends
 * whatever a route writes, so the body is counted here and dropped.
 */
final class HeadResponse implements ServerResponse {
  private final ServerResponse response;

  HeadResponse(ServerResponse response) {
    this.response = response;
  }

  @Override
  public ServerResponse status(Status status) {
    response.status(status);
    return this;
  }

  @Override
  public Status status() {
    return response.status();
  }

  @Override
  public ServerResponse header(Header header) {
    response.header(header);
    return this;
  }

  @Override
  public void send() {
    response.send();
  }

  @Override
  public void send(byte[] bytes) {
    sendLength(bytes.length);
  }

  @Override
  public void send(byte[] bytes, int position, int length) {
    sendLength(length);
  }

  @Override
  public void send(Object entity) {
    throw new UnsupportedOperationException("routes send bytes, not entities");
  }

  private void sendLength(long length) {
    response.contentLength(length);
    response.send();
  }

  @Override
  public boolean isSent() {
    return response.isSent();
  }

  @Override
  public OutputStream outputStream() {
    throw new UnsupportedOperationException("routes send bytes, not streams");
  }

  @Override
  public long bytesWritten() {
    return 0;
  }

  @Override
  public ServerResponse whenSent(Runnable listener) {
    response.whenSent(listener);
    return this;
  }

  @Override
  public ServerResponse reroute(String newPath) {
    response.reroute(newPath);
    return this;
  }

  @Override
  public ServerResponse reroute(String path, UriQuery query) {
    response.reroute(path, query);
    return this;
  }

  @Override
  public ServerResponse next() {
    response.next();
    return this;
  }

  @Override
  public ServerResponseHeaders headers() {
    return response.headers();
  }

  @Override
  public ServerResponseTrailers trailers() {
    return response.trailers();
  }

  @Override
  public void streamResult(String result) {
    response.streamResult(result);
  }

  @Override
  public void streamFilter(UnaryOperator<OutputStream> filterFunction) {
    response.streamFilter(filterFunction);
  }
}
