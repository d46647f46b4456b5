package io.mlapi.cli;

import io.mlapi.data.DatasetReader;
import io.mlapi.data.Split;
import io.mlapi.model.Model;
import io.mlapi.model.ModelFormatException;
import io.mlapi.model.ModelReader;
import io.mlapi.model.ModelTrainer;
import io.mlapi.model.ModelWriter;
import io.mlapi.repository.ServedModels;
import io.mlapi.server.InferenceService;
import io.mlapi.server.MlapiServer;
import io.mlapi.server.ServerConfig;
import io.mlapi.svm.SvcParameters;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mlapi serve}: the tutorial's api.py. Trains the default model first when there is none. */
@Command(name = "serve", sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Serves the model at $MODEL_DIR/$MODEL_FILE over HTTP (GET|POST /score, POST /predict, /healthz, /readyz).",
        "When no model is there yet, trains the tutorial's Iris model first."})
final class ServeCommand implements Callable<Integer> {
  static final String DEFAULT_MODEL = "iris";

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

  @Option(names = "--max-request-bytes", paramLabel = "BYTES", defaultValue = "${env:MLAPI_MAX_REQUEST_BYTES:-1048576}",
      description = "Largest request body; larger ones get 413 (env MLAPI_MAX_REQUEST_BYTES; default: ${DEFAULT-VALUE}).")
  long maxRequestBytes;

  @Option(names = "--max-rows", paramLabel = "ROWS", defaultValue = "${env:MLAPI_MAX_ROWS:-10000}",
      description = "Most rows in one prediction request (env MLAPI_MAX_ROWS; default: ${DEFAULT-VALUE}).")
  int maxRows;

  @Mixin
  ModelLocation location;

  ServeCommand(Clock clock, PrintWriter out, PrintWriter err) {
    this.clock = clock;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() throws InterruptedException {
    ServerConfig config;
    try {
      config = new ServerConfig(host, port, maxRequestBytes, maxRows);
    } catch (IllegalArgumentException e) {
      err.println("mlapi serve: " + e.getMessage());
      err.flush();
      return ExitCodes.BAD_INPUT;
    }
    Path path = location.path(DEFAULT_MODEL);
    ServedModels models = new ServedModels();
    // The model loads (or trains) while the server starts: the two share no state, and on a cold
    // JVM each takes a few hundred milliseconds, so overlapping them makes the server ready sooner.
    CompletableFuture<Model> loading = CompletableFuture.supplyAsync(() -> loadOrTrain(path));
    // Listen first, so liveness answers while a first model trains; readiness waits for the model.
    MlapiServer server = MlapiServer.start(config, new InferenceService(models, config.maxRows()));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "mlapi-shutdown"));
    out.printf("mlapi listening on http://%s:%d%n", config.host(), server.port());
    out.flush();
    try {
      Model model = loaded(loading);
      models.publish(model);
      out.printf("serving %s version %d from %s (test accuracy %s)%n", model.name(), model.version(), path, model.score());
      out.flush();
    } catch (ModelFormatException | UncheckedIOException e) {
      err.println("mlapi serve: " + e.getMessage());
      err.flush();
      server.close();
      return ExitCodes.FAILURE;
    }
    stopped.await();
    return ExitCodes.OK;
  }

  /** The model {@code loading} made, or the failure that stopped it, as thrown. */
  private static Model loaded(CompletableFuture<Model> loading) {
    try {
      return loading.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw e;
    }
  }

  private Model loadOrTrain(Path path) {
    if (!Files.exists(path)) {
      out.printf("no model at %s: training the tutorial's Iris model first%n", path);
      out.flush();
      Model model = new ModelTrainer(clock).train(DatasetReader.iris(), Split.tutorial(150, 0.2),
          SvcParameters.scikitLearnDefaults(), DEFAULT_MODEL, 1);
      new ModelWriter().replace(model, path);
    }
    return ModelReader.read(path);
  }
}
