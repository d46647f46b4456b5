package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.mlapi.grpc.v2.GRPCInferenceServiceGrpc;
import io.mlapi.grpc.v2.InferTensorContents;
import io.mlapi.grpc.v2.ModelInferRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC port under attack, on the real {@code ./mlapi serve}: clients that send most of a large
 * message and stall. grpc-java keeps a message's bytes until it is whole; before the server had a
 * budget for them, a dozen such clients took all of its direct memory (Netty's
 * {@code OutOfDirectMemoryError}, and every gRPC call failing). With room for two messages here,
 * two are read and the others wait their turn unread, held back by HTTP/2's flow control.
 */
@Timeout(300)
class HostileGrpcClientsIT {
  private static final int MESSAGE = 64 << 20;
  private static final int SENT = 50 << 20;
  private static final int ATTACKERS = 12;

  @TempDir
  Path repository;

  @Test
  void stalledLargeMessages_holdAtMostTheBudget_andTheServerServesThroughout() throws Exception {
    ModelFixtures.publish(repository, "iris", 1, false);
    // 256 MiB of heap, so 256 MiB of direct memory: less than a dozen 50 MiB messages.
    try (MlapiProcess mlapi = MlapiProcess.start(Map.of("MLAPI_JAVA_OPTS", HostileClientsIT.javaOpts("-Xmx256m")),
        "serve", "--port", "0", "--grpc-port", "0", "--repository", repository.toString(), "--poll-interval", "0",
        "--drain-delay", "0s", "--max-request-bytes", Integer.toString(MESSAGE), "--max-buffered-bytes",
        Long.toString(2L * MESSAGE), "--request-timeout", "120s")) {
      Http http = mlapi.awaitReady(Duration.ofSeconds(60));
      List<Process> attackers = new ArrayList<>();
      AtomicInteger sentWhole = new AtomicInteger();
      try {
        for (int i = 0; i < ATTACKERS; i++) {
          attackers.add(stall(mlapi.grpcPort(), sentWhole));
        }
        HostileClientsIT.await(Duration.ofSeconds(60), "two attackers sent their 50 MiB",
            () -> sentWhole.get() >= 2);
        MlapiProcess.sleep(Duration.ofSeconds(2)); // the others' time to push theirs, were they let

        assertThat(sentWhole.get()).as("attackers whose 50 MiB the server took").isEqualTo(2);
        assertThat(HostileClientsIT.metric(http, "mlapi_requests_in_flight")).as("the attackers' calls, and this "
            + "scrape").isEqualTo(ATTACKERS + 1);
        HostileClientsIT.normalClientIsServed(http);
        assertThat(residentMib(mlapi.pid())).as("resident memory, MiB").isLessThan(600);
      } finally {
        attackers.forEach(Process::destroyForcibly);
      }
      HostileClientsIT.await(Duration.ofSeconds(30), "the attackers' calls ended",
          () -> HostileClientsIT.metric(http, "mlapi_requests_in_flight") == 1); // the scrape
      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", mlapi.grpcPort()).usePlaintext().build();
      try {
        var answer = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
            .modelInfer(ModelInferRequest.newBuilder().setModelName("iris").addInputs(
                ModelInferRequest.InferInputTensor.newBuilder().setName("input-0").setDatatype("FP64")
                    .addShape(1).addShape(4).setContents(InferTensorContents.newBuilder()
                        .addFp64Contents(6.8).addFp64Contents(2.8).addFp64Contents(4.8).addFp64Contents(1.4))).build());
        assertThat(answer.getOutputs(0).getContents().getInt64ContentsList()).containsExactly(1L);
      } finally {
        channel.shutdownNow();
      }
      assertThat(String.join("\n", mlapi.out()) + String.join("\n", mlapi.err()))
          .doesNotContain("OutOfDirectMemoryError", "OutOfMemoryError");
    }
  }

  /**
   * A {@code ModelInfer} call (curl) announcing a 64 MiB message and sending 50 MiB of it, then
   * nothing, its input left open; {@code sentWhole} counts those whose 50 MiB went through.
   */
  private static Process stall(int port, AtomicInteger sentWhole) throws IOException {
    Process curl = new ProcessBuilder("curl", "-s", "--http2-prior-knowledge", "-X", "POST", "-T", "-",
        "-o", "/dev/null", "-H", "content-type: application/grpc", "-H", "te: trailers",
        "http://127.0.0.1:" + port + "/inference.GRPCInferenceService/ModelInfer").start();
    Thread.ofVirtual().start(() -> {
      try {
        OutputStream in = curl.getOutputStream();
        in.write(ByteBuffer.allocate(5).put((byte) 0).putInt(MESSAGE).array());
        byte[] block = new byte[1 << 20];
        for (int sent = 0; sent < SENT; sent += block.length) {
          in.write(block);
        }
        in.flush();
        sentWhole.incrementAndGet();
      } catch (IOException e) {
        // the attacker was stopped
      }
    });
    return curl;
  }

  private static long residentMib(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(line -> line.startsWith("VmRSS:"))
        .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", ""))).findFirst().orElseThrow() / 1024;
  }
}
