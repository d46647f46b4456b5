package io.mlapi.server;

import io.helidon.common.buffers.DataReader;

/**
 * The bytes of one connection as Helidon's HTTP/1 parser reads them, with the checks that parser
 * lacks (Helidon 4.5.0). It reads through {@link GuardedConnection#nextBytes} (deadlines and the
 * buffer budget) and steps in where the parser asks for a line:
 * <ul>
 *   <li>the request line: refused when the connection must close after the response before it,
 *       checked (a method that is not an HTTP token, such as one holding a NUL, is a 400 rather
 *       than a 500), and an HTTP/1.0 request is read as HTTP/1.1 so it is answered (see
 *       {@link GuardedConnection#checkRequestLine});
 *   <li>a header line: one that does not end within the header size limit is a 431 rather than
 *       a 400;
 *   <li>a chunk-size line, which Helidon reads with {@link #readLine} (and only there): bounded,
 *       chunk extensions dropped (RFC 9112 §7.1.1: a recipient ignores those it does not know;
 *       Helidon fails on them), its size checked before Helidon buffers the chunk, trailer
 *       fields skipped.
 * </ul>
 */
final class GuardedReader extends DataReader {
  /** Longest chunk-size line (size and extensions) or trailer section read. */
  static final int MAX_CHUNK_LINE = 4096;

  private final GuardedConnection connection;
  private boolean rewriteVersion;

  @SuppressWarnings("removal") // DataReader.create(...) makes a DataReader; this subclass needs the constructor
  GuardedReader(GuardedConnection connection) {
    super(connection::nextBytes);
    this.connection = connection;
  }

  @Override
  public int findNewLine(int max) {
    if (connection.readingRequestLine()) {
      connection.beforeRequestLine();
      int eol = super.findNewLine(max);
      if (eol < max) {
        rewriteVersion = connection.checkRequestLine(getBuffer(eol).readString(eol, java.nio.charset.StandardCharsets.US_ASCII));
      }
      return eol;
    }
    int eol = super.findNewLine(max);
    if (eol >= max && connection.readingHeaders()) {
      throw connection.headersTooLarge();
    }
    return eol;
  }

  @Override
  public int findOrNewLine(byte b, int max) {
    int found = super.findOrNewLine(b, max);
    if (found >= max && connection.readingHeaders()) {
      throw connection.headersTooLarge();
    }
    return found;
  }

  /** The request line's bytes; those of an HTTP/1.0 request say HTTP/1.1 (the last byte: "1.0" to "1.1"). */
  @Override
  public byte[] readBytes(int len) {
    byte[] bytes = super.readBytes(len);
    if (rewriteVersion) {
      rewriteVersion = false;
      bytes[len - 1] = '1';
    }
    return bytes;
  }

  /** A chunk-size line, or (after the last chunk) the end of the trailer section, as Helidon expects them. */
  @Override
  public String readLine() {
    if (connection.afterLastChunk()) {
      int read = 0;
      for (String line = boundedLine(); !line.isEmpty(); line = boundedLine()) {
        read += line.length() + 2;
        if (read > MAX_CHUNK_LINE) {
          throw connection.badChunk("the trailer section is longer than " + MAX_CHUNK_LINE + " bytes");
        }
      }
      return "";
    }
    return connection.chunkSize(boundedLine());
  }

  private String boundedLine() {
    int eol;
    try {
      eol = super.findNewLine(MAX_CHUNK_LINE);
    } catch (IncorrectNewLineException e) {
      throw connection.badChunk("a chunk line ends with a bare CR or LF");
    }
    if (eol >= MAX_CHUNK_LINE) {
      throw connection.badChunk("a chunk-size line is longer than " + MAX_CHUNK_LINE + " bytes");
    }
    String line = readAsciiString(eol);
    skip(2);
    return line;
  }
}
