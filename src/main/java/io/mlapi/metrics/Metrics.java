package io.mlapi.metrics;

import io.mlapi.repository.LoadListener;
import io.mlapi.repository.ModelStatus;
import io.mlapi.repository.RepositoryState;
import io.mlapi.repository.VersionStatus;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The server's Prometheus metrics (docs/metrics.md lists them). One registry per server, no
 * global state. The request path touches only cached data points: a label set is looked up in a
 * map of small keys, and its strings are built once, the first time it occurs.
 */
public final class Metrics implements LoadListener {
  /** The Prometheus text format's content type. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  /** The {@code protocol} label's values. */
  public static final String HTTP = "http";
  public static final String GRPC = "grpc";

  private static final double NANOS_PER_SECOND = 1e9;
  /** From 100 µs (one Iris row) to 10 s; Prometheus' defaults start at 5 ms, too coarse for inference. */
  private static final double[] LATENCY_BUCKETS = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  private static final double[] LOAD_BUCKETS = {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Counter requests;
  private final Histogram requestDuration;
  private final Histogram inferenceDuration;
  private final Gauge inFlight;
  private final Counter loads;
  private final Counter loadFailures;
  private final Histogram loadDuration;
  private final Counter refused;

  /** Set on a thread while it serves the server's own warm-up traffic, which no metric counts. */
  private final ThreadLocal<Boolean> uncounted = new ThreadLocal<>();
  /** How many threads have {@link #uncounted} set: while none has, no thread-local is looked up. */
  private final AtomicInteger uncountedThreads = new AtomicInteger();

  private final Map<RequestKey, CounterDataPoint> requestPoints = new ConcurrentHashMap<>();
  private final Map<ModelKey, DistributionDataPoint> inferencePoints = new ConcurrentHashMap<>();
  private final Map<Integer, CounterDataPoint> refusedPoints = new ConcurrentHashMap<>();

  public Metrics() {
    requests = Counter.builder().name("mlapi_requests_total")
        .help("Requests answered, by model, version, endpoint (HTTP route template or gRPC method), status "
            + "(HTTP status code or gRPC status name) and protocol (http or grpc)")
        .labelNames("model", "version", "endpoint", "status", "protocol").withoutExemplars().register(registry);
    requestDuration = Histogram.builder().name("mlapi_request_duration_seconds")
        .help("Time from a request's arrival to its response, by endpoint and protocol")
        .labelNames("endpoint", "protocol").classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars()
        .register(registry);
    inferenceDuration = Histogram.builder().name("mlapi_inference_duration_seconds")
        .help("Time spent predicting, by model and version (after parsing, before writing the response)")
        .labelNames("model", "version").classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars()
        .register(registry);
    inFlight = Gauge.builder().name("mlapi_requests_in_flight")
        .help("Requests being handled right now").withoutExemplars().register(registry);
    // Per model, only the failure counter (its alert needs it from the start): a repository of
    // thousands of models would otherwise add a histogram per model to every scrape.
    loads = Counter.builder().name("mlapi_model_loads_total")
        .help("Model versions loaded and checked successfully, all models together").withoutExemplars()
        .register(registry);
    loadFailures = Counter.builder().name("mlapi_model_load_failures_total")
        .help("Model versions that failed to load or failed their checks (never served)").labelNames("model")
        .withoutExemplars().register(registry);
    loadDuration = Histogram.builder().name("mlapi_model_load_duration_seconds")
        .help("Time to load and check a model version, failed attempts included, all models together")
        .classicOnly().classicUpperBounds(LOAD_BUCKETS).withoutExemplars().register(registry);
    refused = Counter.builder().name("mlapi_requests_refused_total")
        .help("Requests answered before reaching an endpoint, by status: malformed (400), too slow to send their "
            + "head (408), headers too large (431), over the request buffer budget (503)")
        .labelNames("status").withoutExemplars().register(registry);
    JvmMetrics.builder().register(registry);
  }

  /**
   * Adds {@code mlapi_open_connections} and {@code mlapi_buffered_request_bytes}, read at each scrape.
   *
   * @param open client connections open now
   * @param buffered request bytes held in memory now, and {@code limit} the most allowed
   */
  public void watchConnections(IntSupplier open, LongSupplier buffered, long limit) {
    GaugeWithCallback.builder().name("mlapi_open_connections").help("Client connections open now")
        .callback(callback -> callback.call(open.getAsInt())).register(registry);
    GaugeWithCallback.builder().name("mlapi_buffered_request_bytes")
        .help("Request bytes held in memory now (heads arriving, bodies being read); the limit is "
            + "mlapi_buffered_request_bytes_limit")
        .callback(callback -> callback.call(buffered.getAsLong())).register(registry);
    GaugeWithCallback.builder().name("mlapi_buffered_request_bytes_limit")
        .help("The most request bytes held in memory at once (--max-buffered-bytes)")
        .callback(callback -> callback.call(limit)).register(registry);
  }

  /** A request refused before it reached an endpoint (it has no endpoint or model to count it by). */
  public void refused(int status) {
    refusedPoints.computeIfAbsent(status, key -> refused.labelValues(Integer.toString(key))).inc();
  }

  /**
   * Adds, read from {@code repository} at each scrape: {@code mlapi_model_versions{model, state}}
   * for each model that is not {@linkplain ModelStatus#settled settled} (serving nothing, loading
   * or failing: the ones an operator looks for, and the one alert on it needs), and the totals
   * {@code mlapi_repository_versions{state}} and {@code mlapi_repository_models{state}}. A
   * repository of thousands of healthy models thus costs three series, not three per model.
   */
  public void watch(Supplier<RepositoryState> repository) {
    GaugeWithCallback.builder().name("mlapi_model_versions")
        .help("Versions of each model that is not settled (serves no version, or has one loading or failing), by "
            + "state: READY (served), LOADING, UNAVAILABLE")
        .labelNames("model", "state")
        .callback(callback -> {
          for (ModelStatus model : repository.get().models().values()) {
            if (!model.settled()) {
              versionsByState(model).forEach((state, count) -> callback.call(count, model.name(), state.name()));
            }
          }
        })
        .register(registry);
    GaugeWithCallback.builder().name("mlapi_repository_versions")
        .help("Versions of all models together, by state: READY (served), LOADING, UNAVAILABLE")
        .labelNames("state")
        .callback(callback -> {
          Map<VersionStatus.State, Integer> counts = zeroByState();
          for (ModelStatus model : repository.get().models().values()) {
            versionsByState(model).forEach((state, count) -> counts.merge(state, count, Integer::sum));
          }
          counts.forEach((state, count) -> callback.call(count, state.name()));
        })
        .register(registry);
    GaugeWithCallback.builder().name("mlapi_repository_models")
        .help("Models by state: READY (a version served), LOADING (none served yet, one loading), UNAVAILABLE "
            + "(none served)")
        .labelNames("state")
        .callback(callback -> {
          Map<VersionStatus.State, Integer> counts = zeroByState();
          for (ModelStatus model : repository.get().models().values()) {
            counts.merge(modelState(model), 1, Integer::sum);
          }
          counts.forEach((state, count) -> callback.call(count, state.name()));
        })
        .register(registry);
  }

  private static Map<VersionStatus.State, Integer> versionsByState(ModelStatus model) {
    Map<VersionStatus.State, Integer> counts = zeroByState();
    model.versions().forEach(version -> counts.merge(version.state(), 1, Integer::sum));
    return counts;
  }

  private static VersionStatus.State modelState(ModelStatus model) {
    if (model.ready()) {
      return VersionStatus.State.READY;
    }
    return model.versions().stream().anyMatch(v -> v.state() == VersionStatus.State.LOADING)
        ? VersionStatus.State.LOADING : VersionStatus.State.UNAVAILABLE;
  }

  private static Map<VersionStatus.State, Integer> zeroByState() {
    Map<VersionStatus.State, Integer> counts = new EnumMap<>(VersionStatus.State.class);
    for (VersionStatus.State state : VersionStatus.State.values()) {
      counts.put(state, 0);
    }
    return counts;
  }

  /** An HTTP endpoint's latency histogram, resolved once when the route is built. */
  public Endpoint endpoint(String endpoint) {
    return endpoint(HTTP, endpoint);
  }

  /**
   * The latency histogram of one endpoint of a protocol, resolved once when the route is built.
   *
   * @param protocol {@link #HTTP} or {@link #GRPC}
   */
  public Endpoint endpoint(String protocol, String endpoint) {
    return new Endpoint(endpoint, protocol, requestDuration.labelValues(endpoint, protocol));
  }

  public void requestStarted() {
    inFlight.inc();
  }

  /**
   * @param model the model that answered, or {@code ""} (no model, or not one of ours: the label
   *     never takes a client's text, so its cardinality stays bounded)
   * @param version the version that answered; 0 with no model
   */
  public void requestFinished(Endpoint endpoint, String model, int version, int status, long nanos) {
    requestFinished(endpoint, model, version, Integer.toString(status), nanos);
  }

  /** @param status the status as the protocol names it: an HTTP code, or a gRPC status name ({@code OK}) */
  public void requestFinished(Endpoint endpoint, String model, int version, String status, long nanos) {
    inFlight.dec();
    endpoint.duration.observe(nanos / NANOS_PER_SECOND);
    requestPoints.computeIfAbsent(new RequestKey(endpoint, model, version, status),
        key -> requests.labelValues(key.model, versionLabel(key.version), key.endpoint.label, key.status,
            key.endpoint.protocol))
        .inc();
  }

  public void inference(String model, int version, long nanos) {
    if (uncountedThreads.get() > 0 && uncounted.get() != null) {
      return;
    }
    inferencePoints.computeIfAbsent(new ModelKey(model, version),
        key -> inferenceDuration.labelValues(key.model, versionLabel(key.version)))
        .observe(nanos / NANOS_PER_SECOND);
  }

  /**
   * Starts the model's failure counter at 0, so that {@code increase(...)} sees its first failure.
   * Only that counter: its alert needs it, and every series more per model weighs on a repository
   * of thousands of models.
   */
  @Override
  public void seen(String model) {
    loadFailures.labelValues(model);
  }

  /**
   * Runs {@code work} on this thread with its inferences left uncounted: for the server's own
   * warm-up traffic, so that the metrics count clients' requests only.
   */
  public void uncounted(Runnable work) {
    uncountedThreads.incrementAndGet();
    uncounted.set(Boolean.TRUE);
    try {
      work.run();
    } finally {
      uncounted.remove();
      uncountedThreads.decrementAndGet();
    }
  }

  @Override
  public void loaded(String model, int version, long nanos) {
    loads.inc();
    loadDuration.observe(nanos / NANOS_PER_SECOND);
  }

  @Override
  public void failed(String model, int version, long nanos) {
    loadFailures.labelValues(model).inc();
    loadDuration.observe(nanos / NANOS_PER_SECOND);
  }

  /** Writes every metric in the Prometheus text format. */
  public void write(OutputStream out) throws IOException {
    writer.write(out, registry.scrape());
  }

  private static String versionLabel(int version) {
    return version == 0 ? "" : Integer.toString(version);
  }

  /** An endpoint's label, its protocol and its latency histogram. */
  public static final class Endpoint {
    private final String label;
    private final String protocol;
    private final DistributionDataPoint duration;

    private Endpoint(String label, String protocol, DistributionDataPoint duration) {
      this.label = label;
      this.protocol = protocol;
      this.duration = duration;
    }
  }

  private record RequestKey(Endpoint endpoint, String model, int version, String status) {}

  private record ModelKey(String model, int version) {}
}
