package io.mlapi.cli;

import io.mlapi.data.DatasetReader;
import io.mlapi.data.Split;
import io.mlapi.inference.InferenceService;
import io.mlapi.metrics.Metrics;
import io.mlapi.model.Model;
import io.mlapi.model.ModelTrainer;
import io.mlapi.model.ModelWriter;
import io.mlapi.model.RowSignature;
import io.mlapi.model.TrainedModel;
import io.mlapi.repository.ModelLoader;
import io.mlapi.repository.ModelRepository;
import io.mlapi.repository.ModelSource;
import io.mlapi.repository.ModelStatus;
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

/**
 * One run of {@code mlapi serve}, from settings parsed once by {@link ServeCommand}: wires the
 * repository, the inference core and the server by constructor, and runs their lifecycle. Listens
 * first (liveness), trains the default model when there is none, loads the models, warms the
 * request path up with them (then readiness), then polls for new versions; on SIGTERM it drains
 * and returns 0.
 */
final class Serving {
  static final String DEFAULT_MODEL = "iris";
  private static final Logger LOG = Logger.getLogger(Serving.class.getName());

  private final ServeSettings settings;
  private final Clock clock;
  private final PrintWriter out;
  private final PrintWriter err;
  private final CountDownLatch stopped = new CountDownLatch(1);

  Serving(ServeSettings settings, Clock clock, PrintWriter out, PrintWriter err) {
    this.settings = settings;
    this.clock = clock;
    this.out = out;
    this.err = err;
  }

  /** Serves until a stop signal; the exit code. */
  int run() throws InterruptedException {
    Metrics metrics = new Metrics();
    Path single = settings.singleModel(DEFAULT_MODEL);
    ModelSource source = settings.repository() != null ? new RepositoryDirectory(settings.repository())
        : new SingleModelDirectory(single);
    ModelRepository repository = new ModelRepository(source, ModelLoader.trained(), settings.policies(), metrics,
        settings.defaultModel());
    metrics.watch(repository::state);
    // The models load (or the first one trains) while the server starts: the two share nothing,
    // and on a cold JVM each takes a few hundred milliseconds, so overlapping them makes the server
    // ready sooner. Liveness answers as soon as it listens; readiness waits for the models.
    CompletableFuture<Void> firstLoad = CompletableFuture.runAsync(() -> {
      if (settings.repository() != null) {
        trainIntoEmptyRepository(settings.repository());
      } else if (!Files.exists(single)) {
        out.printf("no model at %s: training the tutorial's Iris model first%n", single);
        out.flush();
        new ModelWriter().replace(tutorialModel(), single);
      }
      repository.poll();
    });
    MlapiServer server = MlapiServer.start(settings.server(),
        new InferenceService(repository, metrics, settings.server().maxRows()), metrics, out, clock,
        settings.warmup());
    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "mlapi-repository-poll");
      thread.setDaemon(true);
      return thread;
    });
    stopOnSignals(server, poller);
    out.printf("mlapi listening on http://%s:%d%n", settings.server().host(), server.port());
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
    String defaultModel = settings.defaultModel();
    if (defaultModel != null && !state.models().containsKey(defaultModel)) {
      server.close();
      return fail(ExitCodes.BAD_INPUT, "--default-model " + defaultModel + ": there is no such model in " + source
          + " (models: " + (state.models().isEmpty() ? "none" : String.join(", ", state.models().keySet())) + ")");
    }
    if (settings.repository() == null && !state.ready()) {
      server.close();
      return fail(ExitCodes.FAILURE, String.join("; ", repository.problems()));
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
      poller.shutdownNow();
      server.close();
      return ExitCodes.OK;
    }
    long pollNanos = settings.pollInterval().toNanos();
    if (pollNanos > 0 && !poller.isShutdown()) {
      try {
        poller.scheduleWithFixedDelay(() -> pollSafely(repository), pollNanos, pollNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // stopping already (a signal came while the models loaded): nothing to poll for
      }
    }
    stopped.await();
    return ExitCodes.OK;
  }

  /**
   * SIGTERM drains ({@link MlapiServer#drainAndStop}) and then lets {@link #run} return 0;
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

  private TrainedModel tutorialModel() {
    return new ModelTrainer(clock).train(DatasetReader.iris(), Split.tutorial(150, 0.2),
        SvcParameters.scikitLearnDefaults(), DEFAULT_MODEL, 1);
  }

  private void report(RepositoryState state, ModelSource source, List<String> problems) {
    for (ModelStatus model : state.models().values()) {
      if (model.ready()) {
        out.printf("serving %s version %s from %s%s%s%n", model.name(),
            String.join(", ", model.servedVersions().stream().map(String::valueOf).toList()), source,
            scoreText(model.latest()), model.name().equals(state.defaultModel()) ? ", the default model" : "");
      }
    }
    out.flush();
    for (String problem : problems) {
      err.println("mlapi serve: " + problem);
    }
    if (!state.ready()) {
      err.println("mlapi serve: not ready until every model has a version that loads; new versions are picked up"
          + (settings.pollInterval().isZero() ? " on POST /v2/repository/models/NAME/load"
          : " every " + settings.pollInterval().toMillis() + " ms"));
    }
    err.flush();
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
