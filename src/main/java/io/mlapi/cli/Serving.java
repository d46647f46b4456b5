package io.mlapi.cli;

import io.mlapi.data.DatasetReader;
import io.mlapi.grpc.GrpcServer;
import io.mlapi.data.Split;
import io.mlapi.inference.InferenceService;
import io.mlapi.metrics.Metrics;
import io.mlapi.model.Model;
import io.mlapi.model.ModelTrainer;
import io.mlapi.model.ModelWriter;
import io.mlapi.model.RowSignature;
import io.mlapi.model.TrainedModel;
import io.mlapi.onnx.OnnxLoader;
import io.mlapi.repository.HotReload;
import io.mlapi.repository.ModelLoader;
import io.mlapi.repository.ModelRepository;
import io.mlapi.repository.ModelSource;
import io.mlapi.repository.ModelStatus;
import io.mlapi.repository.RenamedModelSource;
import io.mlapi.repository.RepositoryDirectory;
import io.mlapi.repository.RepositoryState;
import io.mlapi.repository.SingleModelDirectory;
import io.mlapi.server.MlapiServer;
import io.mlapi.svm.SvcParameters;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * One run of {@code mlapi serve}, from settings parsed once by {@link ServeCommand}: wires the
 * repository, the inference core and the server by constructor, and runs their lifecycle. Listens
 * first (liveness), trains the default model when there is none, loads the models, warms the
 * request path up with them (then readiness), then polls for new versions; on SIGTERM it drains
 * and returns 0.
 */
final class Serving {
  static final String DEFAULT_MODEL = "iris";
  /** How often a gRPC health watch looks at readiness again. */
  private static final Duration HEALTH_WATCH_INTERVAL = Duration.ofSeconds(1);
  private static final String GRPC_PORT_OPTION = "--grpc-port (or GRPC_PORT; 0 picks a free one)";
  private static final Logger LOG = Logger.getLogger(Serving.class.getName());
  /** More models served than this are summed up in one line at start, not listed one a line. */
  private static final int LIST_EACH_UP_TO = 20;

  private final ServeSettings settings;
  private final Clock clock;
  private final PrintWriter out;
  private final PrintWriter err;
  private final CountDownLatch stopped = new CountDownLatch(1);
  /**
   * What SIGTERM runs ({@link #stopOnSignals}), set once both servers are up. The handler is
   * installed before either listens and waits for this: a SIGTERM in between (a rollout cancelled
   * while the pod starts) then drains the new servers, where the JVM's own handling would have
   * stopped them under the feet of the code still starting them.
   */
  private final CompletableFuture<Runnable> onTerm = new CompletableFuture<>();

  Serving(ServeSettings settings, Clock clock, PrintWriter out, PrintWriter err) {
    this.settings = settings;
    this.clock = clock;
    this.out = out;
    this.err = err;
  }

  /**
   * Serves until a stop signal; the exit code.
   *
   * @throws io.mlapi.server.ListenException when the port cannot be had (checked first, before
   *     any model is trained or loaded)
   * @throws io.mlapi.model.ModelPathException when the models' directory cannot be used as given
   */
  int run() throws InterruptedException {
    boolean termHandled = TerminationSignal.onTerm(() -> onTerm.join().run());
    MlapiServer.checkCanListen(settings.server());
    MlapiServer.checkCanListen(settings.server().host(), settings.grpcPort(), GRPC_PORT_OPTION);
    Metrics metrics = new Metrics();
    ModelSource directory;
    if (settings.repository() != null) {
      requireRepository(settings.repository());
      directory = new RepositoryDirectory(settings.repository());
    } else {
      directory = new SingleModelDirectory(settings.modelDir(), settings.modelFile());
    }
    ModelSource source = directory;
    ModelLoader loader = ModelLoader.byContents(new OnnxLoader(settings.onnx())::load, ModelLoader.trained());
    if (settings.modelName() != null) {
      RenamedModelSource renamed = new RenamedModelSource(source, settings.modelName());
      source = renamed;
      loader = renamed.loader(loader);
    }
    ModelRepository repository = new ModelRepository(source, loader, settings.policies(), metrics,
        settings.defaultModel(), settings.loadTimeout());
    metrics.watch(repository::state);
    // The models load (or the first one trains) while the server starts: the two share nothing,
    // and on a cold JVM each takes a few hundred milliseconds, so overlapping them makes the server
    // ready sooner. Liveness answers as soon as it listens; readiness waits for the models.
    CompletableFuture<Void> firstLoad = CompletableFuture.runAsync(() -> {
      if (settings.repository() != null) {
        trainIntoEmptyRepository(settings.repository());
      } else {
        trainIntoEmptyModelDirectory(directory);
      }
      repository.poll();
    });
    InferenceService core = new InferenceService(repository, metrics, settings.server().maxRows());
    MlapiServer server = MlapiServer.start(settings.server(), core, metrics, out, clock, settings.warmup());
    GrpcServer grpc;
    try {
      grpc = GrpcServer.start(settings.server().host(), settings.grpcPort(), new GrpcServer.Limits(
          settings.server().maxRequestBytes(), settings.server().requestTimeout(),
          settings.server().connections().idleTimeout(), settings.server().connections().maxBufferedBytes()), core,
          metrics, HEALTH_WATCH_INTERVAL, server::warming);
    } catch (UncheckedIOException e) { // taken since the check above
      server.close();
      throw MlapiServer.cannotListen(settings.server().host(), settings.grpcPort(), GRPC_PORT_OPTION, e.getCause());
    }
    HotReload reload = settings.pollInterval().isZero() ? null
        : HotReload.of(repository, source, settings.pollInterval(), settings.watch());
    Runnable stop = () -> {
      server.close();
      grpc.close();
    };
    stopOnSignals(server, grpc, reload, termHandled);
    out.printf("mlapi listening on http://%s:%d%n", settings.server().host(), server.port());
    out.printf("mlapi gRPC listening on %s:%d%n", settings.server().host(), grpc.port());
    out.flush();

    try {
      firstLoad.join();
    } catch (CompletionException e) {
      stop.run();
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    RepositoryState state = repository.state();
    String defaultModel = settings.defaultModel();
    if (defaultModel != null && !state.models().containsKey(defaultModel)) {
      stop.run();
      return fail(ExitCodes.BAD_INPUT, "--default-model " + defaultModel + ": there is no such model in " + source
          + " (models: " + modelNames(state) + ")");
    }
    if (settings.repository() == null && defaultModel == null && settings.modelFile() != null
        && state.defaultModel() == null) {
      stop.run();
      return fail(ExitCodes.BAD_INPUT, "--model-file (MODEL_FILE) " + settings.modelFile() + ": there is no model at "
          + settings.modelDir().resolve(settings.modelFile()) + " (models in " + settings.modelDir() + ": "
          + modelNames(state) + ")");
    }
    if ((settings.modelName() != null && !state.started()) || (settings.repository() == null && !state.ready())) {
      stop.run();
      return fail(ExitCodes.BAD_INPUT, String.join("; ", repository.problems()));
    }
    report(state, source, repository.problems());
    server.warmUp().ifPresent(out::println);
    if (state.ready()) {
      // What a rollout waits for, counted from the JVM's start (the process' start time, from
      // /proc, is in whole seconds): the number to watch.
      out.printf("ready %d ms after the JVM started%n", ManagementFactory.getRuntimeMXBean().getUptime());
    }
    out.flush();
    if (settings.exitAfterWarmup()) {
      if (reload != null) {
        reload.close();
      }
      stop.run();
      return ExitCodes.OK;
    }
    if (reload != null) {
      reload.start(); // nothing when a signal came while the models loaded
    }
    stopped.await();
    return ExitCodes.OK;
  }

  private static String modelNames(RepositoryState state) {
    return state.models().isEmpty() ? "none" : String.join(", ", state.models().keySet());
  }

  private static void requireRepository(Path root) {
    try {
      RepositoryDirectory.requireRepository(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model repository " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * SIGTERM drains ({@link MlapiServer#drainAndStop}) and then lets {@link #run} return 0;
   * SIGINT (Ctrl-C), or SIGTERM where it cannot be handled, stops at once, still letting
   * requests in flight finish.
   *
   * @param termHandled whether this JVM lets mlapi handle SIGTERM ({@link #onTerm})
   */
  private void stopOnSignals(MlapiServer server, GrpcServer grpc, HotReload reload, boolean termHandled) {
    Runnable stopReloading = () -> {
      if (reload != null) {
        reload.close();
      }
    };
    AtomicBoolean terminating = new AtomicBoolean();
    onTerm.complete(() -> {
      if (terminating.getAndSet(true)) {
        return;
      }
      long start = System.nanoTime();
      stopReloading.run();
      try {
        grpc.startDraining();
        server.drainAndStop(grpc::shutdown); // both stop taking requests when the drain delay is over
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        server.close();
      } finally {
        Duration left = settings.server().gracePeriod().minusNanos(System.nanoTime() - start);
        grpc.shutdown();
        grpc.awaitTermination(left.isNegative() ? Duration.ZERO : left);
        stopped.countDown();
      }
    });
    if (!termHandled) {
      LOG.warning("this JVM cannot handle SIGTERM itself: a stop signal stops the server without draining");
    }
    Runnable stop = () -> {
      stopReloading.run();
      grpc.shutdown(); // both stop taking requests; those in flight finish
      server.close();
      grpc.awaitTermination(settings.server().gracePeriod());
      stopped.countDown();
    };
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(stop, "mlapi-shutdown"));
    } catch (IllegalStateException e) {
      stop.run(); // a stop signal came while the server started: the JVM is exiting already
    }
  }

  /** A fresh repository gets the tutorial's model as {@code iris/1}, as a fresh model directory does. */
  private void trainIntoEmptyRepository(Path root) {
    try {
      if (Files.isDirectory(root) && !new RepositoryDirectory(root).isEmpty()) {
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

  /**
   * A model directory with no model at all gets the tutorial's, at {@code $MODEL_FILE} or
   * {@code iris}; one that holds any model is served as it is.
   */
  private void trainIntoEmptyModelDirectory(ModelSource models) {
    try {
      if (!models.scan().isEmpty()) {
        return;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model directory " + settings.modelDir() + ": " + e.getMessage(),
          e);
    }
    Path link = settings.modelDir().resolve(settings.modelFile() != null ? settings.modelFile() : DEFAULT_MODEL);
    out.printf("no model in %s: training the tutorial's Iris model into %s first%n", settings.modelDir(), link);
    out.flush();
    new ModelWriter().replace(tutorialModel(), link);
  }

  private TrainedModel tutorialModel() {
    return new ModelTrainer(clock).train(DatasetReader.iris(), Split.tutorial(150, 0.2),
        SvcParameters.scikitLearnDefaults(), DEFAULT_MODEL, 1);
  }

  private void report(RepositoryState state, ModelSource source, List<String> problems) {
    List<ModelStatus> served = state.models().values().stream().filter(ModelStatus::ready).toList();
    if (served.size() > LIST_EACH_UP_TO) {
      out.printf("serving %d models (%d versions) from %s; GET /v2/models lists them%n", served.size(),
          served.stream().mapToInt(model -> model.servedVersions().size()).sum(), source);
    } else {
      for (ModelStatus model : served) {
        out.printf("serving %s version %s from %s%s%n", model.name(),
            String.join(", ", model.servedVersions().stream().map(String::valueOf).toList()), source,
            scoreText(model.latest()));
      }
    }
    out.println(defaultModelText(state));
    out.flush();
    for (String problem : problems) {
      err.println("mlapi serve: " + problem);
    }
    if (!state.ready()) {
      long every = settings.pollInterval().toMillis();
      err.println("mlapi serve: not ready until every model has a version that loads; new versions are picked up"
          + (settings.pollInterval().isZero() ? " on POST /v2/repository/models/NAME/load"
          : settings.watch() ? " as their files change (where they cannot be watched, every " + every + " ms)"
          : " every " + every + " ms"));
    }
    err.flush();
  }

  /** Which model answers {@code /score} and {@code /predict}, and why that one. */
  private String defaultModelText(RepositoryState state) {
    String name = state.defaultModel();
    if (name == null) {
      return "no default model: /score and /predict answer 404 until --default-model (MLAPI_DEFAULT_MODEL) names one";
    }
    String why;
    if (settings.defaultModel() != null) {
      why = "as --default-model (MLAPI_DEFAULT_MODEL) says";
    } else if (settings.repository() == null && settings.modelFile() != null) {
      why = "the one at --model-file (MODEL_FILE) " + settings.modelFile();
    } else if (state.models().size() == 1) {
      why = "the only model";
    } else {
      why = "the one trained last; --model-file (MODEL_FILE) or --default-model picks another";
    }
    return "the default model (/score, /predict) is " + name + ": " + why;
  }

  /** " (test accuracy 0.7)", " (test R² 0.4)" or nothing, as the model knows its score. */
  private static String scoreText(Model model) {
    if (model.score().isEmpty()) {
      return "";
    }
    boolean classifier = model.rows().map(RowSignature::isClassifier).orElse(true);
    return " (test " + (classifier ? "accuracy " : "R² ") + model.score().getAsDouble() + ")";
  }

  private int fail(int exitCode, String message) {
    err.println("mlapi serve: " + message);
    err.flush();
    return exitCode;
  }
}
