package io.mlapi.cli;

import io.mlapi.batch.BatchPredictor;
import io.mlapi.model.Model;
import io.mlapi.model.ModelReader;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mlapi predict}: scores a CSV file with a saved model, on every core. */
@Command(name = "predict", sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Predicts every row of a CSV file with a saved model, into a new CSV file.",
        "%nEach input line is written as it was, then a 'prediction' column and, for a model trained with "
            + "--probability, one 'probability_<class>' column per class. The model's feature columns may come in any "
            + "order; other columns are passed through. The output appears only when complete."})
final class PredictCommand implements Callable<Integer> {
  private final Clock clock;
  private final PrintWriter out;
  private final PrintWriter err;

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "The model directory (as written by 'mlapi train', e.g. models/iris).")
  Path model;

  @Option(names = "--input", required = true, paramLabel = "FILE.csv", description = "Rows to predict, with a header row.")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "FILE.csv",
      description = "Where to write the predictions; replaced atomically when all rows are done.")
  Path output;

  @Option(names = "--on-error", paramLabel = "fail|skip", defaultValue = "fail",
      description = "A bad row stops the run and nothing is written (fail), or is reported and left out (skip)."
          + " Default: ${DEFAULT-VALUE}.")
  String onError;

  @Option(names = "--threads", paramLabel = "N",
      description = "Worker threads (default: one per core).")
  Integer threads;

  @Option(names = "--progress", paramLabel = "auto|always|never", defaultValue = "auto",
      description = "Show a progress bar with rows/s on stderr: auto shows it on a terminal only. Default: ${DEFAULT-VALUE}.")
  String progress;

  /** Rows per unit of work: large enough to amortise the hand-over, small enough to keep memory flat. */
  static final int CHUNK_ROWS = 2048;

  PredictCommand(Clock clock, PrintWriter out, PrintWriter err) {
    this.clock = clock;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    BatchPredictor.OnError policy = switch (onError) {
      case "fail" -> BatchPredictor.OnError.FAIL;
      case "skip" -> BatchPredictor.OnError.SKIP;
      default -> throw new ParameterException(spec.commandLine(), "--on-error must be fail or skip, got \"" + onError
          + "\"");
    };
    boolean showProgress = switch (progress) {
      case "auto" -> isTerminal();
      case "always" -> true;
      case "never" -> false;
      default -> throw new ParameterException(spec.commandLine(), "--progress must be auto, always or never, got \""
          + progress + "\"");
    };
    int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    if (workers < 1) {
      throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + workers);
    }
    if (Files.isDirectory(output)) {
      throw new ParameterException(spec.commandLine(), "--output " + output + " is a directory; name a file");
    }
    return run(policy, workers, showProgress);
  }

  private int run(BatchPredictor.OnError policy, int workers, boolean showProgress) {
    Model loaded = ModelReader.read(model);
    long started = clock.millis();
    ProgressBar bar = showProgress ? new ProgressBar(clock, err, size(input)) : null;
    BatchPredictor.Summary summary;
    try {
      summary = new BatchPredictor(loaded, workers, CHUNK_ROWS, policy)
          .predict(input, output, bar == null ? (rows, bytes) -> { } : bar::update);
    } finally {
      if (bar != null) {
        bar.finish();
      }
    }
    for (String error : summary.errors()) {
      err.println("skipped " + error);
    }
    if (summary.skipped() > summary.errors().size()) {
      err.printf("skipped %d more bad rows (only the first %d are listed)%n",
          summary.skipped() - summary.errors().size(), summary.errors().size());
    }
    err.flush();
    double seconds = Math.max(1, clock.millis() - started) / 1000.0;
    out.printf(Locale.ROOT, "predicted %d rows with %s version %d in %.2f s (%,.0f rows/s)%s; wrote %s%n",
        summary.rows(), loaded.name(), loaded.version(), seconds, summary.rows() / seconds,
        summary.skipped() > 0 ? ", skipped " + summary.skipped() + " bad rows" : "", output);
    out.flush();
    return ExitCodes.OK;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0; // the read that follows reports the problem; the bar just shows no percentage
    }
  }

  /**
   * Whether the console is an interactive terminal. From JDK 22 {@code System.console()} exists even
   * when output is redirected and {@code Console.isTerminal()} tells (looked up by name, as mlapi
   * compiles for JDK 21, where a console exists only on a terminal).
   */
  static boolean isTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
