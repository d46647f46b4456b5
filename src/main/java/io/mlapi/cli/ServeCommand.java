package io.mlapi.cli;

import io.mlapi.data.DatasetReader;
import io.mlapi.data.Split;
import io.mlapi.metrics.Metrics;
import io.mlapi.model.Model;
import io.mlapi.model.ModelTrainer;
import io.mlapi.model.ModelWriter;
import io.mlapi.repository.ModelRepository;
import io.mlapi.repository.ModelSource;
import io.mlapi.repository.ModelStatus;
import io.mlapi.repository.RepositoryDirectory;
import io.mlapi.repository.RepositoryState;
import io.mlapi.repository.SingleModelDirectory;
import io.mlapi.repository.VersionPolicies;
import io.mlapi.server.InferenceService;
import io.mlapi.server.MlapiServer;
import io.mlapi.server.ServerConfig;
import io.mlapi.svm.SvcParameters;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mlapi serve}: the tutorial's api.py grown into a model server. Listens first (liveness),
 * trains the default model when there is none, loads the models (readiness), then polls for new
 * versions; on SIGTERM it drains and exits 0.
 */
@Command(name = "serve", sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Serves the models of --repository DIR (DIR/<name>/<version>/), or else the single model at",
        "$MODEL_DIR/$MODEL_FILE, over HTTP: the tutorial's /score and /predict, KServe V1 (/v1/...), the Open",
        "Inference Protocol V2 (/v2/...), /metrics, /openapi.json, /healthz and /readyz.",
        "With no model yet, trains the tutorial's Iris model first. SIGTERM drains, then exits 0."})
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
  static final String DEFAULT_MODEL = "iris";
  private static final Logger LOG = Logger.getLogger(ServeCommand.class.getName());

  private final Clock clock;
  private final PrintWriter out;
  private final PrintWriter err;
  private final CountDownLatch stopped = new CountDownLatch(1);

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--port", defaultValue = "${env:PORT:-5000}",
      description = "TCP port; 0 picks a free one (env PORT; default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "${env:HOST:-0.0.0.0}",
      description = "Address to listen on (env HOST; default: ${DEFAULT-VALUE}).")
  String host;

  @Mixin
  ModelLocation location;

  @Option(names = "--default-model", paramLabel = "NAME", defaultValue = "${env:MLAPI_DEFAULT_MODEL}",
      description = "The model of /score and /predict (env MLAPI_DEFAULT_MODEL; default: the repository's only "
          + "model, if it has one model).")
  String defaultModel;

  @Option(names = "--version-policy", paramLabel = "POLICY", split = ";",
      defaultValue = "${env:MLAPI_VERSION_POLICY:-latest}",
      description = "Versions served: latest, latest:N, all or specific:V1,V2; NAME=POLICY for one model; several "
          + "separated by ';' or given again (env MLAPI_VERSION_POLICY; default: ${DEFAULT-VALUE}).")
  List<String> versionPolicies;

  @Option(names = "--poll-interval", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "${env:MLAPI_POLL_INTERVAL:-5s}",
      description = "How often the models are checked for new or changed versions; 0 turns hot reload off "
          + "(env MLAPI_POLL_INTERVAL; default: ${DEFAULT-VALUE}).")
  Duration pollInterval;

  @Option(names = "--max-request-bytes", paramLabel = "BYTES", defaultValue = "${env:MLAPI_MAX_REQUEST_BYTES:-1048576}",
      description = "Largest request body; larger ones get 413 (env MLAPI_MAX_REQUEST_BYTES; default: ${DEFAULT-VALUE}).")
  long maxRequestBytes;

  @Option(names = "--max-rows", paramLabel = "ROWS", defaultValue = "${env:MLAPI_MAX_ROWS:-10000}",
      description = "Most rows in one prediction request; more get 400 (env MLAPI_MAX_ROWS; default: ${DEFAULT-VALUE}).")
  int maxRows;

  @Option(names = "--request-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "${env:MLAPI_REQUEST_TIMEOUT:-30s}",
      description = "Longest a client may take to send a request body: 408 after it, and a stalled connection is "
          + "closed (env MLAPI_REQUEST_TIMEOUT; default: ${DEFAULT-VALUE}).")
  Duration requestTimeout;

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

  @Option(names = "--admin-token", paramLabel = "TOKEN", defaultValue = "${env:MLAPI_ADMIN_TOKEN}",
      description = "Bearer token the repository commands (/v2/repository/...) require; without one they are open "
          + "(env MLAPI_ADMIN_TOKEN).")
  String adminToken;

  @Option(names = "--access-log", paramLabel = "FORMAT", defaultValue = "${env:MLAPI_ACCESS_LOG:-off}",
      description = "json: one JSON line per request on standard output; off: none (env MLAPI_ACCESS_LOG; "
          + "default: ${DEFAULT-VALUE}).")
  String accessLog;

  ServeCommand(Clock clock, PrintWriter out, PrintWriter err) {
    this.clock = clock;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() throws InterruptedException {
    ServerConfig config;
    VersionPolicies policies;
    try {
      if (!accessLog.equals("json") && !accessLog.equals("off")) {
        throw new IllegalArgumentException("--access-log must be json or off, got \"" + accessLog + "\"");
      }
      if (pollInterval.isNegative()) {
        throw new IllegalArgumentException("--poll-interval must not be negative, got " + pollInterval);
      }
      if (defaultModel != null) {
        ModelTrainer.requireName(defaultModel);
      }
      config = new ServerConfig(host, port, maxRequestBytes, maxRows, requestTimeout, drainDelay, gracePeriod,
          adminToken, accessLog.equals("json"));
      policies = VersionPolicies.parse(versionPolicies);
    } catch (IllegalArgumentException e) {
      return fail(ExitCodes.BAD_INPUT, e.getMessage());
    }

    Metrics metrics = new Metrics();
    Path single = location.path(DEFAULT_MODEL);
    ModelSource source = location.repository != null ? new RepositoryDirectory(location.repository)
        : new SingleModelDirectory(single);
    ModelRepository repository = new ModelRepository(source, policies, metrics, defaultModel);
    metrics.watch(repository::state);
    // The models load (or the first one trains) while the server starts: the two share nothing,
    // and on a cold JVM each takes a few hundred milliseconds, so overlapping them makes the server
    // ready sooner. Liveness answers as soon as it listens; readiness waits for the models.
    CompletableFuture<Void> firstLoad = CompletableFuture.runAsync(() -> {
      if (location.repository != null) {
        trainIntoEmptyRepository(location.repository);
      } else if (!Files.exists(single)) {
        out.printf("no model at %s: training the tutorial's Iris model first%n", single);
        out.flush();
        new ModelWriter().replace(tutorialModel(), single);
      }
      repository.poll();
    });
    MlapiServer server = MlapiServer.start(config, new InferenceService(repository, metrics, config.maxRows()),
        metrics, out, clock);
    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "mlapi-repository-poll");
      thread.setDaemon(true);
      return thread;
    });
    stopOnSignals(server, poller);
    out.printf("mlapi listening on http://%s:%d%n", config.host(), server.port());
    out.flush();

    try {
      firstLoad.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof UncheckedIOException || e.getCause() instanceof IllegalArgumentException) {
        server.close();
        return fail(ExitCodes.FAILURE, e.getCause().getMessage());
      }
      throw e;
    }
    RepositoryState state = repository.state();
    if (defaultModel != null && !state.models().containsKey(defaultModel)) {
      server.close();
      return fail(ExitCodes.BAD_INPUT, "--default-model " + defaultModel + ": there is no such model in " + source
          + " (models: " + (state.models().isEmpty() ? "none" : String.join(", ", state.models().keySet())) + ")");
    }
    if (location.repository == null && !state.ready()) {
      server.close();
      return fail(ExitCodes.FAILURE, String.join("; ", repository.problems()));
    }
    report(state, source, repository.problems());
    if (!pollInterval.isZero() && !poller.isShutdown()) {
      try {
        poller.scheduleWithFixedDelay(() -> pollSafely(repository), pollInterval.toNanos(), pollInterval.toNanos(),
            TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // stopping already (a signal came while the models loaded): nothing to poll for
      }
    }
    stopped.await();
    return ExitCodes.OK;
  }

  /**
   * SIGTERM drains ({@link MlapiServer#drainAndStop}) and then lets {@link #call} return 0;
   * SIGINT (Ctrl-C), or SIGTERM where it cannot be handled, stops at once, still letting
   * requests in flight finish.
   */
  private void stopOnSignals(MlapiServer server, ScheduledExecutorService poller) {
    AtomicBoolean terminating = new AtomicBoolean();
    boolean handled = TerminationSignal.onTerm(() -> {
      if (terminating.getAndSet(true)) {
        return;
      }
      poller.shutdownNow();
      try {
        server.drainAndStop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        server.close();
      } finally {
        stopped.countDown();
      }
    });
    if (!handled) {
      LOG.warning("this JVM cannot handle SIGTERM itself: a stop signal stops the server without draining");
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      poller.shutdownNow();
      server.close();
      stopped.countDown();
    }, "mlapi-shutdown"));
  }

  private static void pollSafely(ModelRepository repository) {
    try {
      repository.poll();
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "polling the models failed; trying again at the next interval", e);
    }
  }

  /** A fresh repository gets the tutorial's model as {@code iris/1}, as a fresh single-model setup does. */
  private void trainIntoEmptyRepository(Path root) {
    try {
      if (Files.isDirectory(root) && !new RepositoryDirectory(root).scan().isEmpty()) {
        return;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model repository " + root + ": " + e.getMessage(), e);
    }
    Path dir = root.resolve(DEFAULT_MODEL).resolve("1");
    out.printf("no models in %s: training the tutorial's Iris model into %s first%n", root, dir);
    out.flush();
    new ModelWriter().writeNew(tutorialModel(), dir);
  }

  private Model tutorialModel() {
    return new ModelTrainer(clock).train(DatasetReader.iris(), Split.tutorial(150, 0.2),
        SvcParameters.scikitLearnDefaults(), DEFAULT_MODEL, 1);
  }

  private void report(RepositoryState state, ModelSource source, List<String> problems) {
    for (ModelStatus model : state.models().values()) {
      if (model.ready()) {
        out.printf("serving %s version %s from %s (test accuracy %s)%s%n", model.name(),
            String.join(", ", model.servedVersions().stream().map(String::valueOf).toList()), source,
            model.latest().score(), model.name().equals(state.defaultModel()) ? ", the default model" : "");
      }
    }
    out.flush();
    for (String problem : problems) {
      err.println("mlapi serve: " + problem);
    }
    if (!state.ready()) {
      err.println("mlapi serve: not ready until every model has a version that loads; new versions are picked up"
          + (pollInterval.isZero() ? " on POST /v2/repository/models/NAME/load" : " every " + pollInterval.toMillis()
          + " ms"));
    }
    err.flush();
  }

  private int fail(int exitCode, String message) {
    err.println("mlapi serve: " + message);
    err.flush();
    return exitCode;
  }
}
