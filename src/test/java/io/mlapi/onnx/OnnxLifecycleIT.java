package io.mlapi.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.Http;
import io.mlapi.MlapiProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ONNX model's native life in a real process: sessions closed on unload give their memory back
 * (many load/unload cycles of a model with 8 MiB of weights leave the resident set where it was),
 * and unloading while requests run it never crashes the JVM nor answers 500.
 */
@Timeout(300)
class OnnxLifecycleIT {
  /** 1024 x 2048 float32 weights: 8 MiB per session (more once ONNX Runtime prepacks them for MatMul). */
  private static final int IN = 1024;
  private static final int OUT = 2048;
  private static final long MIB = 1024 * 1024;

  @TempDir
  Path repository;

  /** {@code y = x W}: a model whose session holds 8 MiB of weights. */
  static byte[] matMul(int in, int out) {
    float[] weights = new float[in * out];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (i % 97) / 97f - 0.5f;
    }
    ProtoWriter graph = OnnxGraph.graph("matmul", "y = x W", List.of(OnnxGraph.node("MatMul", "", "matmul",
            List.of("x", "w"), List.of("y"), List.of())),
        List.of(OnnxGraph.tensor("x", OnnxGraph.FLOAT, -1, in)), List.of(OnnxGraph.tensor("y", OnnxGraph.FLOAT, -1, out)),
        List.of(OnnxGraph.initializer("w", new long[] {in, out}, weights)));
    return OnnxGraph.model(graph, Map.of("", 15), "mlapi tests", "1", 1, "y = x W", Map.of());
  }

  private MlapiProcess serve(String javaOptions) {
    String agent = System.getProperty("mlapi.it.javaOpts", "");
    return MlapiProcess.start(Map.of("MLAPI_JAVA_OPTS", (agent.startsWith("${") ? "" : agent) + " " + javaOptions,
            // glibc's malloc raises its mmap threshold to the largest block freed so far (up to 32 MiB),
            // and from then on keeps such blocks in its heaps for reuse: the resident set then says how
            // much the allocator caches (measured: it levels off some 50 MiB up) more than what is held.
            // A fixed threshold returns every large block to the kernel when it is freed.
            "MALLOC_MMAP_THRESHOLD_", "131072"),
        "serve", "--port", "0", "--repository", repository.toString(), "--poll-interval", "0", "--drain-delay", "0s");
  }

  private static long residentBytes(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS for process " + pid);
  }

  private static void cycle(Http http, String row) {
    assertThat(http.post("/v2/repository/models/big/unload", "").status()).isEqualTo(200);
    Http.Response load = http.post("/v2/repository/models/big/load", "");
    assertThat(load.status()).as(load.body()).isEqualTo(200);
    assertThat(http.post("/v2/models/big/infer", row).status()).isEqualTo(200);
  }

  @Test
  void loadUnloadCycles_giveNativeMemoryBack() throws IOException {
    OnnxFixtures.publish(repository, "big", 1, matMul(IN, OUT), null);
    String row = "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, " + IN + "], \"data\": ["
        + String.join(",", java.util.Collections.nCopies(IN, "0.5")) + "]}]}";
    // A fixed, pre-touched heap: the Java side's share of the resident set is there from the start.
    try (MlapiProcess mlapi = serve("-Xms96m -Xmx96m -XX:+AlwaysPreTouch -XX:+UseSerialGC")) {
      Http http = mlapi.awaitReady(Duration.ofSeconds(90));
      for (int i = 0; i < 15; i++) {
        cycle(http, row); // warm: JIT, allocator pools, ONNX Runtime's first-use state
      }
      long before = residentBytes(mlapi.pid());
      int cycles = 60;
      for (int i = 0; i < cycles; i++) {
        cycle(http, row);
      }
      long after = residentBytes(mlapi.pid());

      // A session that leaked would keep at least its 8 MiB of weights: 480 MiB over these cycles.
      assertThat((after - before) / MIB).as("resident set growth over %d load/unload cycles, MiB (before: %d MiB)",
          cycles, before / MIB).isLessThan(64);
    }
  }

  @Test
  void longCommandLine_onnxRuntimeStartsAnyway() throws IOException {
    // ONNX Runtime recurses through the command line as it starts: on a 1 MiB thread stack a
    // 6 KB command line killed the JVM (SIGSEGV, exit 139); it starts on a deep stack of its own.
    Path model = repository.resolve("iris");
    new io.mlapi.model.ModelWriter().writeNew(io.mlapi.ModelFixtures.iris(1), model);
    String agent = System.getProperty("mlapi.it.javaOpts", "");
    String padding = "-Dmlapi.test.padding=" + "x".repeat(20_000);

    MlapiProcess export = MlapiProcess.run(Map.of("MLAPI_JAVA_OPTS", (agent.startsWith("${") ? "" : agent) + " "
        + padding), "export", "--onnx", "--model", model.toString(), "--output", repository.resolve("iris.onnx").toString());

    assertThat(export.exitValue()).as(export.toString()).isZero();
    assertThat(export.out()).contains("ONNX Runtime gives mlapi's label for 30 of the model's 30 test rows");
  }

  @Test
  void unloadWhileRequestsRunTheModel_neitherCrashesNorAnswers500() throws Exception {
    OnnxFixtures.publish(repository, "net", 1, "network");
    String row = "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [64, 4], \"data\": ["
        + String.join(",", java.util.Collections.nCopies(256, "1.5")) + "]}]}";
    try (MlapiProcess mlapi = serve("-Xmx128m")) {
      Http http = mlapi.awaitReady(Duration.ofSeconds(90));
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      AtomicBoolean running = new AtomicBoolean(true);
      List<Thread> clients = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        clients.add(Thread.ofPlatform().start(() -> {
          while (running.get()) {
            int status = http.post("/v2/models/net/infer", row).status();
            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
          }
        }));
      }
      for (int i = 0; i < 40; i++) {
        assertThat(http.post("/v2/repository/models/net/unload", "").status()).isEqualTo(200);
        assertThat(http.post("/v2/repository/models/net/load", "").status()).isEqualTo(200);
      }
      running.set(false);
      for (Thread client : clients) {
        client.join();
      }

      assertThat(mlapi.isAlive()).isTrue();
      assertThat(statuses.keySet()).as("statuses: %s", statuses).isSubsetOf(200, 503).contains(200);
      assertThat(http.post("/v2/models/net/infer", row).status()).isEqualTo(200);
    }
  }
}
