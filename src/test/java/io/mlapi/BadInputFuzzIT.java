package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input, generated from a seed, against the real {@code ./mlapi serve}: mutations of valid
 * {@code /predict}, KServe V1 and V2 requests (fields removed, replaced, retyped, resized; bytes
 * flipped, cut and inserted), random bytes, deep nesting, huge numbers, odd model names and
 * versions. No answer may be a 5xx, every 4xx must carry {@code {"error": "..."}}, and the server
 * must still answer correctly afterwards.
 *
 * <p>{@code -Dmlapi.fuzz.seed=N} and {@code -Dmlapi.fuzz.inputs=N} explore further; the default
 * (10,000 inputs, seed 20261129) is what CI runs.
 */
@Timeout(300)
class BadInputFuzzIT {
  private static final long SEED = Long.getLong("mlapi.fuzz.seed", 20261129L);
  private static final int INPUTS = Integer.getInteger("mlapi.fuzz.inputs", 10_000);
  private static final int THREADS = 2;

  private static final String PREDICT = "{\"instances\": [[6.8, 2.8, 4.8, 1.4], {\"sepal_length\": 5.1, "
      + "\"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}], \"probabilities\": false}";
  private static final String V1 = "{\"instances\": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}";
  private static final String V2 = "{\"id\": \"fuzz\", \"parameters\": {}, \"inputs\": [{\"name\": \"input-0\", "
      + "\"shape\": [2, 4], \"datatype\": \"FP32\", \"data\": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}], "
      + "\"outputs\": [{\"name\": \"predict\"}, {\"name\": \"label\"}]}";

  @TempDir
  Path repository;

  @Test
  void seededBadInputs_neverGive5xx_alwaysAJsonError_andTheServerStaysUp() throws InterruptedException {
    ModelFixtures.publish(repository, "iris", 1, false);
    try (MlapiProcess mlapi = MlapiProcess.start(Map.of(), "serve", "--port", "0", "--repository",
        repository.toString(), "--max-request-bytes", "16384", "--max-rows", "1000", "--poll-interval", "0",
        "--drain-delay", "0s")) {
      Http http = mlapi.awaitReady(Duration.ofSeconds(60));
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
      AtomicInteger next = new AtomicInteger();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        threads.add(Thread.ofPlatform().uncaughtExceptionHandler((thread, e) -> violations.add("crashed: " + e))
            .start(() -> {
          try (RawHttp client = new RawHttp(mlapi.port())) {
            for (int i = next.getAndIncrement(); i < INPUTS; i = next.getAndIncrement()) {
              Input input = Input.generate(new SplittableRandom(SEED + i));
              RawHttp.Response response;
              try {
                response = client.post(input.path(), input.body());
              } catch (IOException e) {
                violations.add("input " + i + " (" + input + "): no answer: " + e);
                continue;
              }
              statuses.computeIfAbsent(response.status(), s -> new AtomicInteger()).incrementAndGet();
              String problem = problem(response);
              if (problem != null) {
                violations.add("input " + i + " (" + input + "): " + problem + ": " + response);
              }
            }
          }
        }));
      }
      long start = System.nanoTime();
      for (Thread thread : threads) {
        thread.join();
      }
      System.out.printf("%d inputs (seed %d) in %d ms; statuses %s%n", INPUTS, SEED,
          (System.nanoTime() - start) / 1_000_000, new java.util.TreeMap<>(statuses));

      assertThat(violations).as("violations (seed " + SEED + ")").isEmpty();
      int total = statuses.values().stream().mapToInt(AtomicInteger::get).sum();
      assertThat(total).isEqualTo(INPUTS);
      int ok = statuses.getOrDefault(200, new AtomicInteger()).get();
      assertThat(ok).as("valid inputs among the mutations: the generator must reach past validation, " + statuses)
          .isGreaterThan(INPUTS / 50);
      assertThat(statuses).as("statuses seen").containsKeys(200, 400, 404, 413);
      assertThat(http.get("/healthz").status()).isEqualTo(200);
      assertThat(http.post("/v1/models/iris:predict", V1).body()).isEqualTo("{\"predictions\":[1,1]}");
      assertThat(http.get("/metrics").body()).doesNotContain("status=\"500\"");
    }
  }

  /** What is wrong with an answer, or {@code null}. */
  private static String problem(RawHttp.Response response) {
    if (response.status() >= 500) {
      return "a server error";
    }
    if (response.status() >= 400) {
      if (!"application/json".equals(response.contentType())) {
        return "an error that is not JSON";
      }
      JsonNode body;
      try {
        body = Http.JSON.readTree(response.body());
      } catch (IOException e) {
        return "an error body that does not parse";
      }
      if (body == null || !body.isObject() || !body.path("error").isTextual() || body.path("error").asText().isBlank()) {
        return "an error without {\"error\": \"...\"}";
      }
    }
    return null;
  }

  /**
   * HTTP/1.1 over one kept-alive socket, written by hand: {@link java.net.http.HttpClient} costs
   * more CPU per request than the server does, and on two cores that would make this test slow.
   * When the server has closed the connection (as it may after refusing a body unread), the
   * request is sent again on a new one.
   */
  static final class RawHttp implements AutoCloseable {
    private final int port;
    private Socket socket;
    private BufferedInputStream in;
    private OutputStream out;

    RawHttp(int port) {
      this.port = port;
    }

    record Response(int status, String contentType, String body) {
      @Override
      public String toString() {
        return status + " " + contentType + " " + body;
      }
    }

    Response post(String path, byte[] body) throws IOException {
      boolean reused = socket != null;
      try {
        return exchange(path, body);
      } catch (EOFException | SocketException e) {
        close();
        if (!reused) {
          throw e;
        }
        return exchange(path, body); // the kept-alive connection was closed by the server: once more, afresh
      }
    }

    private Response exchange(String path, byte[] body) throws IOException {
      if (socket == null) {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = new BufferedOutputStream(socket.getOutputStream());
      }
      out.write(("POST " + path + " HTTP/1.1\r\nHost: mlapi\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      String statusLine = line();
      int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
      String contentType = null;
      int length = -1;
      boolean close = false;
      for (String header = line(); !header.isEmpty(); header = line()) {
        int colon = header.indexOf(':');
        String name = header.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT);
        String value = header.substring(colon + 1).strip();
        switch (name) {
          case "content-type" -> contentType = value;
          case "content-length" -> length = Integer.parseInt(value);
          case "connection" -> close = value.equalsIgnoreCase("close");
          case "transfer-encoding" -> throw new IOException("unexpected Transfer-Encoding: " + value);
          default -> { }
        }
      }
      byte[] entity = length < 0 ? new byte[0] : in.readNBytes(length);
      if (entity.length < Math.max(length, 0)) {
        throw new EOFException("the body ended early");
      }
      if (close) {
        close();
      }
      return new Response(status, contentType, new String(entity, StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new EOFException("the connection closed before a complete answer");
        }
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }

    @Override
    public void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException e) {
          // closing anyway
        }
        socket = null;
      }
    }
  }

  /** One generated request: where it goes, its body, and how it was made (for the failure message). */
  record Input(String path, byte[] body, String how) {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String JSON_CHARACTERS = "{}[]\":,\\0123456789.eE-+";
    private static final String[] DATATYPES = {"FP32", "FP64", "INT32", "INT64", "BYTES", "FP16", "BOOL", "fp32", "",
        "UINT8"};

    static Input generate(SplittableRandom random) {
      int target = random.nextInt(3);
      String template = switch (target) {
        case 0 -> PREDICT;
        case 1 -> V1;
        default -> V2;
      };
      String path = switch (target) {
        case 0 -> "/predict";
        case 1 -> "/v1/models/" + modelName(random) + ":predict";
        default -> "/v2/models/" + modelName(random) + versionSegment(random) + "/infer";
      };
      int strategy = random.nextInt(10);
      if (strategy < 5) {
        JsonNode tree = parse(template);
        int mutations = 1 + random.nextInt(3);
        StringBuilder how = new StringBuilder("tree");
        for (int m = 0; m < mutations; m++) {
          tree = mutateTree(tree, random, how);
        }
        return new Input(path, tree.toString().getBytes(StandardCharsets.UTF_8), how.toString());
      }
      if (strategy < 8) {
        byte[] bytes = template.getBytes(StandardCharsets.UTF_8);
        return new Input(path, mutateBytes(bytes, random), "bytes");
      }
      return new Input(path, garbage(random), "garbage");
    }

    private static String modelName(SplittableRandom random) {
      return switch (random.nextInt(12)) {
        case 0 -> "nope";
        case 1 -> URLEncoder.encode(randomText(random, 1 + random.nextInt(20)), StandardCharsets.UTF_8);
        case 2 -> "iris%3Apredict";
        default -> "iris";
      };
    }

    private static String versionSegment(SplittableRandom random) {
      return switch (random.nextInt(10)) {
        case 0 -> "/versions/1";
        case 1 -> "/versions/" + (random.nextInt(5) - 1);
        case 2 -> "/versions/" + URLEncoder.encode(randomText(random, 5), StandardCharsets.UTF_8);
        default -> "";
      };
    }

    private static JsonNode mutateTree(JsonNode tree, SplittableRandom random, StringBuilder how) {
      List<JsonNode> containers = new ArrayList<>();
      collect(tree, containers);
      if (containers.isEmpty()) {
        return randomValue(random, 3);
      }
      JsonNode target = containers.get(random.nextInt(containers.size()));
      int op = random.nextInt(8);
      how.append(' ').append(op);
      if (target instanceof ObjectNode object && object.size() > 0) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        String name = names.get(random.nextInt(names.size()));
        switch (op) {
          case 0 -> object.remove(name);
          case 1 -> object.set(randomText(random, 6), randomValue(random, 2));
          case 2 -> object.set(name, NODES.textNode(DATATYPES[random.nextInt(DATATYPES.length)]));
          default -> object.set(name, randomValue(random, 3));
        }
      } else if (target instanceof ArrayNode array) {
        switch (op) {
          case 0 -> array.removeAll();
          case 1 -> {
            for (int i = random.nextInt(1, 2000); i > 0; i--) {
              array.add(array.isEmpty() ? randomValue(random, 1) : array.get(random.nextInt(array.size())).deepCopy());
            }
          }
          case 2 -> {
            if (!array.isEmpty()) {
              array.remove(random.nextInt(array.size()));
            }
          }
          default -> {
            if (array.isEmpty()) {
              array.add(randomValue(random, 2));
            } else {
              array.set(random.nextInt(array.size()), randomValue(random, 3));
            }
          }
        }
      }
      return random.nextInt(20) == 0 ? randomValue(random, 3) : tree; // sometimes the whole body
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
      if (node.isContainerNode()) {
        containers.add(node);
        node.forEach(child -> collect(child, containers));
      }
    }

    private static JsonNode randomValue(SplittableRandom random, int depth) {
      return switch (random.nextInt(depth > 0 ? 14 : 11)) {
        case 0 -> NODES.nullNode();
        case 1 -> NODES.booleanNode(random.nextBoolean());
        case 2 -> NODES.numberNode(random.nextInt());
        case 3 -> NODES.numberNode(random.nextDouble() * 1e6 - 5e5);
        case 4 -> NODES.numberNode(new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.MAX_VALUE, Double.MIN_VALUE, -0.0, 1e308}[random.nextInt(7)]);
        case 5 -> NODES.numberNode(new java.math.BigInteger(200, new java.util.Random(random.nextLong())));
        case 6 -> NODES.numberNode(new java.math.BigDecimal("1e" + (random.nextInt(2000) - 1000)));
        case 7 -> NODES.numberNode(random.nextLong());
        case 8 -> NODES.textNode(randomText(random, random.nextInt(30)));
        case 9 -> NODES.numberNode(random.nextInt(-3, 10));
        case 10 -> NODES.textNode(DATATYPES[random.nextInt(DATATYPES.length)]);
        case 11 -> {
          ArrayNode array = NODES.arrayNode();
          for (int i = random.nextInt(6); i > 0; i--) {
            array.add(randomValue(random, depth - 1));
          }
          yield array;
        }
        case 12 -> {
          ObjectNode object = NODES.objectNode();
          for (int i = random.nextInt(4); i > 0; i--) {
            object.set(randomText(random, 5), randomValue(random, depth - 1));
          }
          yield object;
        }
        default -> NODES.arrayNode().add(NODES.arrayNode().add(1).add(2).add(3).add(4));
      };
    }

    private static byte[] mutateBytes(byte[] bytes, SplittableRandom random) {
      byte[] out = bytes.clone();
      int op = random.nextInt(5);
      switch (op) {
        case 0 -> {
          for (int i = random.nextInt(1, 8); i > 0; i--) {
            out[random.nextInt(out.length)] = (byte) random.nextInt(256);
          }
        }
        case 1 -> out = java.util.Arrays.copyOf(out, random.nextInt(out.length));
        case 2 -> {
          int at = random.nextInt(out.length);
          byte[] inserted = randomText(random, random.nextInt(1, 40)).getBytes(StandardCharsets.UTF_8);
          byte[] grown = new byte[out.length + inserted.length];
          System.arraycopy(out, 0, grown, 0, at);
          System.arraycopy(inserted, 0, grown, at, inserted.length);
          System.arraycopy(out, at, grown, at + inserted.length, out.length - at);
          out = grown;
        }
        case 3 -> {
          String text = new String(out, StandardCharsets.UTF_8);
          String[] swaps = {"[", "{", "]", "}", ",", ":", "\"", "NaN", "-", "e9999", "null", "1.5"};
          int at = random.nextInt(text.length());
          out = (text.substring(0, at) + swaps[random.nextInt(swaps.length)] + text.substring(at + 1))
              .getBytes(StandardCharsets.UTF_8);
        }
        default -> {
          int from = random.nextInt(out.length);
          int to = Math.min(out.length, from + random.nextInt(1, 60));
          StringBuilder repeated = new StringBuilder(new String(out, StandardCharsets.ISO_8859_1));
          String piece = repeated.substring(from, to);
          repeated.insert(from, piece.repeat(random.nextInt(1, 400)));
          out = repeated.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
      }
      return out;
    }

    private static byte[] garbage(SplittableRandom random) {
      return switch (random.nextInt(6)) {
        case 0 -> new byte[0];
        case 1 -> {
          byte[] bytes = new byte[random.nextInt(1, 3000)];
          random.nextBytes(bytes);
          yield bytes;
        }
        case 2 -> ("[".repeat(random.nextInt(1, 6000))).getBytes(StandardCharsets.US_ASCII);
        case 3 -> ("{\"instances\": " + "[".repeat(random.nextInt(1, 3000)) + "1" + "]".repeat(random.nextInt(1, 3000))
            + "}").getBytes(StandardCharsets.US_ASCII);
        case 4 -> ("{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\": \"FP64\", \"data\": [1, 2, 3, "
            + "9".repeat(random.nextInt(1, 5000)) + "]}]}").getBytes(StandardCharsets.US_ASCII);
        default -> randomText(random, random.nextInt(1, 200)).getBytes(StandardCharsets.UTF_8);
      };
    }

    private static String randomText(SplittableRandom random, int length) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < length; i++) {
        text.appendCodePoint(switch (random.nextInt(4)) {
          case 0 -> random.nextInt(0x20, 0x7f);
          case 1 -> random.nextInt(0, 0x20);
          case 2 -> random.nextInt(0xa0, 0x2fff);
          default -> JSON_CHARACTERS.charAt(random.nextInt(JSON_CHARACTERS.length()));
        });
      }
      return text.toString();
    }

    private static JsonNode parse(String json) {
      try {
        return Http.JSON.readTree(json);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public String toString() {
      String text = new String(body, StandardCharsets.UTF_8);
      return "POST " + path + " [" + how + "] " + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
    }
  }
}
