package io.mlapi.server;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.mlapi.inference.Snapshot;
import io.mlapi.model.Datatype;
import io.mlapi.model.Model;
import io.mlapi.model.RowSignature;
import io.mlapi.model.TensorSpec;
import io.mlapi.repository.ModelStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Warms the request path before readiness turns 200, as Triton's model warm-up does: the models'
 * own sample rows ({@link Model#sampleRows()}) go through the real HTTP handlers ({@code /predict},
 * KServe V1, V2 JSON) over loopback, from a few connections at once, for a fixed time. A replica
 * that has just become ready then answers its first clients with code the JIT has already
 * compiled, instead of interpreting it under their load.
 *
 * <p>Liveness answers throughout; only readiness waits. The warm-up's own requests carry a random
 * token made for this process, honoured only while warming: they are left out of the request
 * metrics, the inference metrics and the access log, so those count client traffic alone.
 */
final class Warmup {
  static final HeaderName HEADER = HeaderNames.create("X-Mlapi-Warmup");
  /** Models warmed at most: the hot code is shared by every model of a kind, so one per platform does. */
  private static final int MAX_MODELS = 4;
  private static final int TIMEOUT_MILLIS = 10_000;

  /** What a warm-up did, for the log. */
  record Result(int requests, Duration took, List<String> models, Optional<String> problem) {}

  /** One request of the warm-up's mix. */
  record Request(String path, byte[] body) {}

  private final Duration budget;
  private final String token;
  private final AtomicBoolean warming;

  /** @param budget how long to warm up; zero turns the warm-up off, and readiness never waits for it */
  Warmup(Duration budget) {
    if (budget.isNegative()) {
      throw new IllegalArgumentException("the warm-up time must not be negative, got " + budget);
    }
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    this.budget = budget;
    this.token = HexFormat.of().formatHex(random);
    this.warming = new AtomicBoolean(!budget.isZero());
  }

  /** Whether readiness still waits for the warm-up. */
  boolean warming() {
    return warming.get();
  }

  /** Whether {@code request} is the warm-up's own (only while warming: afterwards no request is). */
  boolean isOwn(ServerRequest request) {
    return warming.get() && request.headers().first(HEADER).map(token::equals).orElse(false);
  }

  /**
   * Sends the warm-up's requests to the server at {@code host}:{@code port} for the budget (or
   * until {@code stopping}), then opens readiness whatever happened: a warm-up that fails costs
   * speed, never availability.
   *
   * @param host the address the server listens on (a wildcard address means loopback)
   */
  Result run(String host, int port, Snapshot snapshot, BooleanSupplier stopping) {
    long start = System.nanoTime();
    try {
      if (!warming.get()) {
        return new Result(0, Duration.ZERO, List.of(), Optional.empty());
      }
      Map<String, List<Request>> byModel = requests(snapshot);
      List<Request> mix = interleave(byModel.values());
      if (mix.isEmpty()) {
        return new Result(0, Duration.ZERO, List.of(), Optional.of("no model has sample rows to send"));
      }
      InetSocketAddress target;
      try {
        target = new InetSocketAddress(loopbackFor(host), port);
      } catch (IOException e) {
        return new Result(0, Duration.ZERO, List.of(), Optional.of("cannot reach " + host + ": " + e));
      }
      int connections = Math.min(4, Math.max(2, Runtime.getRuntime().availableProcessors()));
      long deadline = start + budget.toNanos();
      AtomicInteger sent = new AtomicInteger();
      AtomicReference<String> problem = new AtomicReference<>();
      List<Thread> threads = new ArrayList<>(connections);
      for (int c = 0; c < connections; c++) {
        int offset = c * mix.size() / connections;
        threads.add(Thread.ofPlatform().daemon().name("mlapi-warmup-" + c).start(() -> {
          try (LoopbackClient client = new LoopbackClient(target, HEADER.defaultCase() + ": " + token,
              TIMEOUT_MILLIS)) {
            for (int i = offset; System.nanoTime() - deadline < 0 && problem.get() == null
                && !stopping.getAsBoolean(); i++) {
              Request request = mix.get(i % mix.size());
              int status = client.post(request.path(), request.body());
              if (status != 200) {
                problem.compareAndSet(null, "POST " + request.path() + " answered " + status);
              }
              sent.incrementAndGet();
            }
          } catch (IOException | RuntimeException e) {
            problem.compareAndSet(null, e.toString());
          }
        }));
      }
      for (Thread thread : threads) {
        thread.join();
      }
      return new Result(sent.get(), Duration.ofNanos(System.nanoTime() - start), List.copyOf(byModel.keySet()),
          Optional.ofNullable(problem.get()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(0, Duration.ofNanos(System.nanoTime() - start), List.of(), Optional.of("interrupted"));
    } finally {
      warming.set(false);
    }
  }

  /**
   * The requests per model warmed: the default model first (also through {@code /predict}), then
   * one model of each other platform, each through KServe V1 and V2, one sample row at a time and
   * once all of them.
   */
  static Map<String, List<Request>> requests(Snapshot snapshot) {
    String defaultModel = snapshot.state().defaultModel();
    List<Model> models = new ArrayList<>();
    for (ModelStatus status : snapshot.state().models().values()) {
      Model model = status.latest();
      if (model != null && model.rows().isPresent() && model.sampleRows().length > 0) {
        models.add(model);
      }
    }
    models.sort(Comparator.comparing((Model model) -> !model.name().equals(defaultModel)));
    Set<String> platforms = new HashSet<>();
    Map<String, List<Request>> byModel = new LinkedHashMap<>();
    for (Model model : models) {
      if (byModel.size() < MAX_MODELS && platforms.add(model.platform())) {
        byModel.put(model.name() + " version " + model.version(), requests(model, model.name().equals(defaultModel)));
      }
    }
    return byModel;
  }

  private static List<Request> requests(Model model, boolean isDefault) {
    RowSignature signature = model.rows().orElseThrow();
    double[][] rows = model.sampleRows();
    Datatype datatype = rowDatatype(model, signature);
    List<double[][]> batches = new ArrayList<>();
    for (double[] row : rows) {
      batches.add(new double[][] {row});
    }
    if (rows.length > 1) {
      batches.add(rows);
    }
    List<Request> requests = new ArrayList<>();
    for (double[][] batch : batches) {
      String data = matrix(batch);
      String instances = "{\"instances\": " + data + "}";
      if (isDefault) {
        requests.add(request("/predict", instances));
      }
      requests.add(request("/v1/models/" + model.name() + ":predict", instances));
      if (datatype != null) {
        requests.add(request("/v2/models/" + model.name() + "/infer", "{\"inputs\": [{\"name\": \""
            + signature.input() + "\", \"shape\": [" + batch.length + ", " + batch[0].length + "], \"datatype\": \""
            + datatype + "\", \"data\": " + data + "}]}"));
      }
    }
    return requests;
  }

  /** FP64 when the model takes it for its rows' input, its own FP32 otherwise; {@code null} for neither. */
  private static Datatype rowDatatype(Model model, RowSignature signature) {
    for (TensorSpec spec : model.inputs()) {
      if (spec.name().equals(signature.input())) {
        if (model.accepts(spec, Datatype.FP64)) {
          return Datatype.FP64;
        }
        return spec.datatype() == Datatype.FP32 ? Datatype.FP32 : null;
      }
    }
    return null;
  }

  private static String matrix(double[][] rows) {
    StringBuilder json = new StringBuilder("[");
    for (double[] row : rows) {
      json.append(json.length() > 1 ? ", [" : "[");
      for (int f = 0; f < row.length; f++) {
        json.append(f > 0 ? ", " : "").append(row[f]);
      }
      json.append(']');
    }
    return json.append(']').toString();
  }

  private static Request request(String path, String json) {
    return new Request(path, json.getBytes(StandardCharsets.UTF_8));
  }

  /** The models' requests taken in turn, so that every connection sends every kind. */
  private static List<Request> interleave(Iterable<List<Request>> lists) {
    List<Request> mix = new ArrayList<>();
    int longest = 0;
    for (List<Request> list : lists) {
      longest = Math.max(longest, list.size());
    }
    for (int i = 0; i < longest; i++) {
      for (List<Request> list : lists) {
        if (i < list.size()) {
          mix.add(list.get(i));
        }
      }
    }
    return mix;
  }

  private static InetAddress loopbackFor(String host) throws IOException {
    InetAddress address = InetAddress.getByName(host);
    return address.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address;
  }
}
