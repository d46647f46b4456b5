package io.mlapi.cli;

import io.mlapi.model.ModelTrainer;
import io.mlapi.onnx.OnnxSettings;
import io.mlapi.repository.VersionPolicies;
import io.mlapi.server.ConnectionLimits;
import io.mlapi.server.ServerConfig;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code mlapi serve}: the tutorial's api.py grown into a model server. This class reads and
 * checks the options; {@link Serving} runs the server.
 */
@Command(name = "serve", sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Serves the trained models over HTTP, with hot reload.",
        "%nWhich models: every model in --model-dir (MODEL_DIR, default models), each under its own name, or with "
            + "--repository DIR the versioned models of DIR/<name>/<version>/. A directory with no model at all gets "
            + "the tutorial's Iris model, trained first. The default model (/score, /predict) is --default-model, else "
            + "the one at --model-file, else the only one, else the one trained last.",
        "%nWhat: the tutorial's /score and /predict, KServe V1 (/v1/...), the Open Inference Protocol V2 (/v2/...), "
            + "/metrics, /openapi.json, /healthz, /readyz and a web console at /; and the Open Inference Protocol over gRPC on "
            + "--grpc-port. SIGTERM drains, then exits 0."})
final class ServeCommand implements java.util.concurrent.Callable<Integer> {

  private final Clock clock;
  private final PrintWriter out;
  private final PrintWriter err;

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "${env:PORT:-5000}",
      description = "TCP port; 0 picks a free one (env PORT; default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "${env:HOST:-0.0.0.0}",
      description = "Address to listen on (env HOST; default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--grpc-port", paramLabel = "PORT", defaultValue = "${env:GRPC_PORT:-8081}",
      description = "TCP port of the Open Inference Protocol over gRPC; 0 picks a free one (env GRPC_PORT; "
          + "default: ${DEFAULT-VALUE}, as KServe's runtimes).")
  int grpcPort;

  @Option(names = "--model-name", paramLabel = "NAME", defaultValue = "${env:MODEL_NAME}",
      description = "Serve the single model under this name, whatever name it was trained under, as KServe's "
          + "runtimes serve an InferenceService's model (env MODEL_NAME).")
  String modelName;

  @Mixin
  ModelLocation location;

  @Option(names = "--default-model", paramLabel = "NAME", defaultValue = "${env:MLAPI_DEFAULT_MODEL}",
      description = "The model of /score and /predict (env MLAPI_DEFAULT_MODEL; default: the one at --model-file, "
          + "else the only model, else in --model-dir the one trained last).")
  String defaultModel;

  @Option(names = "--version-policy", paramLabel = "POLICY", split = ";",
      defaultValue = "${env:MLAPI_VERSION_POLICY:-latest}",
      description = "Versions served: latest, latest:N, all or specific:V1,V2; NAME=POLICY for one model; several "
          + "separated by ';' or given again (env MLAPI_VERSION_POLICY; default: ${DEFAULT-VALUE}).")
  List<String> versionPolicies;

  @Option(names = "--poll-interval", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "${env:MLAPI_POLL_INTERVAL:-5s}",
      description = "How often the models are checked for new or changed versions when their files are not watched "
          + "(while watched: every minute, or this if longer); 0 turns hot reload off (env MLAPI_POLL_INTERVAL; "
          + "default: ${DEFAULT-VALUE}).")
  Duration pollInterval;

  @Option(names = "--watch", defaultValue = "${env:MLAPI_WATCH:-true}", fallbackValue = "true", arity = "0..1",
      paramLabel = "true|false",
      description = "Watch the models' files for changes where the platform can (Linux inotify), so that changes load "
          + "at once and an idle server reads nothing; false checks them every --poll-interval (for a network file "
          + "system changed from other machines) (env MLAPI_WATCH; default: ${DEFAULT-VALUE}).")
  boolean watch;

  @Option(names = "--max-request-bytes", paramLabel = "BYTES", defaultValue = "${env:MLAPI_MAX_REQUEST_BYTES:-1048576}",
      description = "Largest request body; larger ones get 413 (env MLAPI_MAX_REQUEST_BYTES; default: ${DEFAULT-VALUE}).")
  long maxRequestBytes;

  @Option(names = "--max-rows", paramLabel = "ROWS", defaultValue = "${env:MLAPI_MAX_ROWS:-10000}",
      description = "Most rows in one prediction request; more get 400 (env MLAPI_MAX_ROWS; default: ${DEFAULT-VALUE}).")
  int maxRows;

  @Option(names = "--request-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "${env:MLAPI_REQUEST_TIMEOUT:-30s}",
      description = "Longest a client may take to send a request body: 408 after it, and a stalled connection is "
          + "closed; for gRPC, its request message (DEADLINE_EXCEEDED) (env MLAPI_REQUEST_TIMEOUT; default: "
          + "${DEFAULT-VALUE}).")
  Duration requestTimeout;

  @Option(names = "--header-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "${env:MLAPI_HEADER_TIMEOUT:-10s}",
      description = "Longest a request line and headers may take to arrive: 408 and the connection closed after it "
          + "(env MLAPI_HEADER_TIMEOUT; default: ${DEFAULT-VALUE}).")
  Duration headerTimeout;

  @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "${env:MLAPI_IDLE_TIMEOUT:-75s}",
      description = "How long a kept-alive connection (gRPC: one with no call) may wait for its next request (env "
          + "MLAPI_IDLE_TIMEOUT; default: ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(names = "--max-connections", paramLabel = "N", defaultValue = "${env:MLAPI_MAX_CONNECTIONS}",
      description = "Most connections open at once; more wait to be accepted (env MLAPI_MAX_CONNECTIONS; default: "
          + "one per 64 KiB of maximum heap, 4096 with a 256 MiB heap).")
  Integer maxConnections;

  @Option(names = "--max-buffered-bytes", paramLabel = "BYTES", defaultValue = "${env:MLAPI_MAX_BUFFERED_BYTES}",
      description = "Most request bytes held in memory at once, all connections together; a request that would "
          + "pass it gets 503 with Retry-After, a gRPC call waits its turn (env MLAPI_MAX_BUFFERED_BYTES; default: a "
          + "quarter of the maximum heap).")
  Long maxBufferedBytes;

  @Option(names = "--load-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "${env:MLAPI_LOAD_TIMEOUT:-2m}",
      description = "Longest one model version may take to load and check; after it the version is reported failed "
          + "(env MLAPI_LOAD_TIMEOUT; default: ${DEFAULT-VALUE}).")
  Duration loadTimeout;

  @Option(names = "--drain-delay", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "${env:MLAPI_DRAIN_DELAY:-5s}",
      description = "After SIGTERM, how long requests are still served while readiness answers 503, so load "
          + "balancers stop sending first (env MLAPI_DRAIN_DELAY; default: ${DEFAULT-VALUE}).")
  Duration drainDelay;

  @Option(names = "--grace-period", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "${env:MLAPI_GRACE_PERIOD:-20s}",
      description = "After SIGTERM, the most time until the process exits, drain included; keep it below "
          + "Kubernetes' terminationGracePeriodSeconds (env MLAPI_GRACE_PERIOD; default: ${DEFAULT-VALUE}).")
  Duration gracePeriod;

  @Option(names = "--warmup", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "${env:MLAPI_WARMUP:-300ms}",
      description = "Before readiness turns 200, how long the models' sample rows are sent through /predict, "
          + "KServe V1 and V2 over loopback, so the first clients meet compiled code; 0 turns it off "
          + "(env MLAPI_WARMUP; default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--exit-after-warmup", defaultValue = "${env:MLAPI_EXIT_AFTER_WARMUP:-false}",
      description = "Stop once warmed up, exit 0: a training run for the JVM's AOT cache, which the container image's "
          + "build makes this way (env MLAPI_EXIT_AFTER_WARMUP).")
  boolean exitAfterWarmup;

  @Option(names = "--admin-token", paramLabel = "TOKEN", defaultValue = "${env:MLAPI_ADMIN_TOKEN}",
      description = "Bearer token the repository commands (/v2/repository/...) require; without one, load and unload "
          + "are refused unless --open-admin (env MLAPI_ADMIN_TOKEN).")
  String adminToken;

  @Option(names = "--open-admin", defaultValue = "${env:MLAPI_OPEN_ADMIN:-false}", fallbackValue = "true",
      arity = "0..1", paramLabel = "true|false",
      description = "Without --admin-token, let anyone who can reach the server load and unload models (env "
          + "MLAPI_OPEN_ADMIN; default: ${DEFAULT-VALUE}).")
  boolean openAdmin;

  @Option(names = "--access-log", paramLabel = "FORMAT", defaultValue = "${env:MLAPI_ACCESS_LOG:-off}",
      description = "json: one JSON line per request on standard output; off: none (env MLAPI_ACCESS_LOG; "
          + "default: ${DEFAULT-VALUE}).")
  String accessLog;

  @Option(names = "--onnx-intra-op-threads", paramLabel = "N",
      defaultValue = "${env:MLAPI_ONNX_INTRA_OP_THREADS:-1}",
      description = "Threads one ONNX inference may use; 1 serves many concurrent requests best, 0 lets ONNX Runtime "
          + "choose (env MLAPI_ONNX_INTRA_OP_THREADS; default: ${DEFAULT-VALUE}).")
  int onnxIntraOpThreads;

  @Option(names = "--onnx-graph-optimization", paramLabel = "LEVEL",
      defaultValue = "${env:MLAPI_ONNX_GRAPH_OPTIMIZATION:-all}",
      description = "How far ONNX Runtime rewrites an ONNX model's graph when it loads it: none, basic, extended or all "
          + "(env MLAPI_ONNX_GRAPH_OPTIMIZATION; default: ${DEFAULT-VALUE}).")
  String onnxGraphOptimization;

  @Option(names = "--onnx-max-model-bytes", paramLabel = "BYTES",
      defaultValue = "${env:MLAPI_ONNX_MAX_MODEL_BYTES:-1073741824}",
      description = "Largest model.onnx loaded; a larger one is not served (env MLAPI_ONNX_MAX_MODEL_BYTES; default: "
          + "${DEFAULT-VALUE}).")
  long onnxMaxModelBytes;

  ServeCommand(Clock clock, PrintWriter out, PrintWriter err) {
    this.clock = clock;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() throws InterruptedException {
    return new Serving(settings(), clock, out, err).run();
  }

  /** The options, checked: a bad value is a usage error, reported before anything starts. */
  private ServeSettings settings() {
    // The checks, constructors and parsers below refuse a value with an IllegalArgumentException: the user's mistake.
    try {
      if (!accessLog.equals("json") && !accessLog.equals("off")) {
        throw new IllegalArgumentException("--access-log must be json or off, got \"" + accessLog + "\"");
      }
      if (pollInterval.isNegative()) {
        throw new IllegalArgumentException("--poll-interval must not be negative, got " + pollInterval);
      }
      if (exitAfterWarmup && warmup.isZero()) {
        throw new IllegalArgumentException("--exit-after-warmup needs a warm-up: give --warmup a duration above 0");
      }
      if (loadTimeout.isNegative() || loadTimeout.isZero()) {
        throw new IllegalArgumentException("--load-timeout must be positive, got " + loadTimeout);
      }
      long heap = Runtime.getRuntime().maxMemory();
      ConnectionLimits limits = new ConnectionLimits(headerTimeout, idleTimeout,
          maxConnections != null ? maxConnections : ConnectionLimits.defaultMaxConnections(heap),
          maxBufferedBytes != null ? maxBufferedBytes : ConnectionLimits.defaultMaxBufferedBytes(heap));
      if (defaultModel != null) {
        ModelTrainer.requireName(defaultModel);
      }
      if (modelName != null) {
        ModelTrainer.requireName(modelName);
      }
      if (grpcPort < 0 || grpcPort > 65535 || (grpcPort == port && port != 0)) {
        throw new IllegalArgumentException("--grpc-port must be between 0 and 65535 and differ from --port, got "
            + grpcPort);
      }
      ServerConfig config = new ServerConfig(host, port, maxRequestBytes, maxRows, requestTimeout, drainDelay,
          gracePeriod, adminToken, accessLog.equals("json"), limits, openAdmin);
      return new ServeSettings(config, location.repository, location.modelDir, location.modelFile(), defaultModel,
          VersionPolicies.parse(versionPolicies), pollInterval, watch, grpcPort, modelName, new OnnxSettings(
          onnxIntraOpThreads, OnnxSettings.GraphOptimization.parse(onnxGraphOptimization), onnxMaxModelBytes),
          loadTimeout, warmup, exitAfterWarmup);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
