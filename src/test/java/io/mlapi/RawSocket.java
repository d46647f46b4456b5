package io.mlapi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One TCP connection to the server, for what an HTTP client library will not send: half a body,
 * a NUL in a method, headers a byte at a time, HTTP/1.0. What the server answers is read raw.
 */
public final class RawSocket implements AutoCloseable {
  private final Socket socket;

  public RawSocket(int port) {
    socket = new Socket();
    try {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code text} (ISO-8859-1, so any byte can be written as a char). */
  public RawSocket send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public RawSocket send(byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Sends, and says whether the server still took it (false once it has closed the connection). */
  public boolean trySend(String text) {
    try {
      send(text);
      return true;
    } catch (UncheckedIOException e) {
      return false;
    }
  }

  /**
   * Everything the server sends until it closes the connection, or until {@code timeout} passes
   * without a byte; {@link Answer#closed} says which.
   */
  public Answer readToEnd(Duration timeout) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean closed;
    try {
      socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      while (true) {
        int read = in.read(buffer);
        if (read < 0) {
          closed = true;
          break;
        }
        bytes.write(buffer, 0, read);
      }
    } catch (SocketTimeoutException e) {
      closed = false;
    } catch (SocketException e) { // reset: closed with unread bytes on our side
      closed = true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Answer(bytes.toString(StandardCharsets.ISO_8859_1), closed);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** What the server sent, and whether it closed the connection. */
  public record Answer(String text, boolean closed) {
    /** The status code of the first response, or 0 when there is none. */
    public int status() {
      return text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : 0;
    }

    /** The body of the (one) response. */
    public String body() {
      int end = text.indexOf("\r\n\r\n");
      return end < 0 ? "" : text.substring(end + 4);
    }

    /** The value of a response header, or {@code null}. */
    public String header(String name) {
      int end = text.indexOf("\r\n\r\n");
      for (String line : text.substring(0, Math.max(0, end)).split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          return line.substring(colon + 1).strip();
        }
      }
      return null;
    }
  }
}
