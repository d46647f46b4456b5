package io.mlapi.server;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The smallest HTTP/1.1 client the warm-up needs: one kept-alive connection to this server, POSTs
 * of JSON, and the status of each answer (its body read and dropped). A socket rather than
 * {@code java.net.http}: it starts in no time, loads next to nothing, and needs no module the
 * image's runtime lacks.
 */
final class LoopbackClient implements AutoCloseable {
  /** Longer than any header block this server writes; a longer line means the answer is not ours. */
  private static final int MAX_LINE = 8192;
  /** More header lines than this server ever writes; more means the answer is not ours. */
  private static final int MAX_HEADERS = 64;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final byte[] headers;

  /** @param extraHeader one more header line (without CRLF) every request carries */
  LoopbackClient(InetSocketAddress server, String extraHeader, int timeoutMillis) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(timeoutMillis);
    socket.connect(server, timeoutMillis);
    in = new BufferedInputStream(socket.getInputStream());
    out = new BufferedOutputStream(socket.getOutputStream());
    String host = server.getAddress().getHostAddress();
    headers = ("Host: " + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.getPort()
        + "\r\nContent-Type: application/json\r\n" + extraHeader + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** POSTs {@code body} to {@code path}; the answer's status code. */
  int post(String path, byte[] body) throws IOException {
    out.write(("POST " + path + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(headers);
    out.write(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    return readResponse();
  }

  private int readResponse() throws IOException {
    String status = line();
    if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
      throw new IOException("not an HTTP/1.1 answer: " + status);
    }
    long length = -1;
    int headers = 0;
    for (String header = line(); !header.isEmpty(); header = line()) {
      if (++headers > MAX_HEADERS) {
        throw new IOException("more than " + MAX_HEADERS + " header lines");
      }
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring("content-length:".length()).strip());
      } else if (lower.startsWith("transfer-encoding:")) {
        throw new IOException("a chunked answer: the warm-up asks only for JSON of known length");
      }
    }
    if (length < 0) {
      throw new IOException("an answer without Content-Length");
    }
    in.skipNBytes(length);
    return Integer.parseInt(status.substring(9, 12));
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder(64);
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new EOFException("the server closed the connection");
      }
      if (line.length() == MAX_LINE) {
        throw new IOException("a line longer than " + MAX_LINE + " bytes");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
