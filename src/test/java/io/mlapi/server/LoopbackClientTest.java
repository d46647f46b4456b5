package io.mlapi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The warm-up's client against a peer that answers what it likes: whatever comes back, the client
 * reads a bounded amount and says what was wrong, never waits on an endless answer.
 */
class LoopbackClientTest {
  /** Posts once to a peer that writes {@code answer} and stays open. */
  private static int post(String answer) throws IOException {
    try (ServerSocket peer = new ServerSocket(0)) {
      Thread.ofVirtual().start(() -> {
        try (Socket socket = peer.accept(); OutputStream out = socket.getOutputStream()) {
          out.write(answer.getBytes(StandardCharsets.US_ASCII));
          out.flush();
          socket.getInputStream().readAllBytes(); // until the client closes
        } catch (IOException e) {
          // the client went
        }
      });
      try (LoopbackClient client = new LoopbackClient(new InetSocketAddress("127.0.0.1", peer.getLocalPort()),
          "X-Test: 1", 10_000)) {
        return client.post("/predict", "{}".getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void aWellFormedAnswer_givesItsStatus_itsBodySkipped() throws IOException {
    assertThat(post("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5\r\n\r\nbusy!")).isEqualTo(503);
  }

  @Test
  void endlessHeaders_areCutShort() {
    assertThatThrownBy(() -> post("HTTP/1.1 200 OK\r\n" + "X-Filler: 1\r\n".repeat(100)))
        .isInstanceOf(IOException.class).hasMessage("more than 64 header lines");
  }

  @Test
  void anEndlessLine_isCutShort() {
    assertThatThrownBy(() -> post("HTTP/1.1 200 OK\r\nX-Long: " + "a".repeat(10_000)))
        .isInstanceOf(IOException.class).hasMessage("a line longer than 8192 bytes");
  }

  @Test
  void anAnswerWithoutLength_orChunked_orNotHttp_isRefused() {
    assertThatThrownBy(() -> post("HTTP/1.1 200 OK\r\n\r\n")).hasMessage("an answer without Content-Length");
    assertThatThrownBy(() -> post("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))
        .hasMessage("a chunked answer: the warm-up asks only for JSON of known length");
    assertThatThrownBy(() -> post("SSH-2.0-OpenSSH\r\n")).hasMessage("not an HTTP/1.1 answer: SSH-2.0-OpenSSH");
  }
}
