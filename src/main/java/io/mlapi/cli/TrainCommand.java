package io.mlapi.cli;

import io.mlapi.data.Dataset;
import io.mlapi.data.DatasetReader;
import io.mlapi.data.Split;
import io.mlapi.model.ModelCard;
import io.mlapi.model.ModelFormatException;
import io.mlapi.model.ModelReader;
import io.mlapi.model.ModelTrainer;
import io.mlapi.model.ModelWriter;
import io.mlapi.model.TrainedModel;
import io.mlapi.repository.RepositoryDirectory;
import io.mlapi.svm.Gamma;
import io.mlapi.svm.Kernel;
import io.mlapi.svm.SvcParameters;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mlapi train}: the tutorial's train.py, for the bundled Iris data or any CSV. */
@Command(name = "train", sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Trains a support-vector classifier on a CSV file, or the bundled Iris data, and saves it.",
        "%nThe model is saved atomically to --model-dir (MODEL_DIR, default models) under its name, or as the next "
            + "version DIR/<name>/<version> of --repository DIR. Without --data: the tutorial's model (Iris, the last "
            + "20%% of the rows held out, scikit-learn's SVC() defaults)."})
final class TrainCommand implements Callable<Integer> {
  private final Clock clock;
  private final PrintWriter out;
  private final PrintWriter err;

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--data", paramLabel = "FILE.csv",
      description = "CSV with a header row (or scikit-learn's bundled format); default: the bundled Iris data.")
  Path data;

  @Option(names = "--target", paramLabel = "COLUMN", description = "The class column (default: the last column).")
  String target;

  @Option(names = "--kernel", paramLabel = "KERNEL", defaultValue = "rbf",
      description = "rbf, linear, poly or sigmoid (default: ${DEFAULT-VALUE}).")
  String kernel;

  @Option(names = {"-C", "--C"}, paramLabel = "C", defaultValue = "1.0",
      description = "Regularisation parameter, > 0 (default: ${DEFAULT-VALUE}).")
  double c;

  @Option(names = "--gamma", paramLabel = "GAMMA", defaultValue = "scale",
      description = "scale, auto or a positive number (default: ${DEFAULT-VALUE}).")
  String gamma;

  @Option(names = "--degree", defaultValue = "3", description = "Degree of the poly kernel (default: ${DEFAULT-VALUE}).")
  int degree;

  @Option(names = "--coef0", defaultValue = "0.0",
      description = "Independent term of the poly and sigmoid kernels (default: ${DEFAULT-VALUE}).")
  double coef0;

  @Option(names = "--probability", description = "Also fit probability estimates (Platt scaling, 5-fold).")
  boolean probability;

  @Option(names = "--split", defaultValue = Split.TUTORIAL,
      description = "tutorial (the last rows are the test rows, no shuffling) or stratified (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--test-size", defaultValue = "0.2",
      description = "Fraction of rows held out for testing, in (0, 1) (default: ${DEFAULT-VALUE}).")
  double testSize;

  @Option(names = "--seed", defaultValue = "0",
      description = "Seed of the stratified split and of probability fitting (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--name", description = "The model's name (default: the data file's name, or iris).")
  String name;

  @Option(names = "--version", paramLabel = "N",
      description = "The model's version, a positive integer (default: one more than the newest version in the "
          + "repository, or than the model it replaces; else 1).")
  Integer version;

  @Mixin
  ModelLocation location;

  TrainCommand(Clock clock, PrintWriter out, PrintWriter err) {
    this.clock = clock;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() throws IOException {
    SvcParameters parameters = usage(() -> SvcParameters.scikitLearnDefaults()
        .withKernel(Kernel.parse(kernel))
        .withC(c)
        .withGamma(Gamma.parse(gamma))
        .withDegree(degree)
        .withCoef0(coef0)
        .withProbability(probability, seed));
    Dataset dataset = data == null ? DatasetReader.iris() : DatasetReader.read(data, target);
    if (data == null && target != null && !target.equals(dataset.target())) {
      throw new ParameterException(spec.commandLine(), "--target names a column of --data; the bundled Iris data's is \""
          + dataset.target() + "\"");
    }
    String modelName = name != null ? name : defaultName(data);
    usage(() -> ModelTrainer.requireName(modelName));
    Path path;
    int modelVersion;
    if (location.repository != null) {
      RepositoryDirectory.requireRepository(location.repository); // also with --version
      modelVersion = version != null ? version : RepositoryDirectory.nextVersion(location.repository, modelName);
      path = location.repository.resolve(modelName).resolve(Integer.toString(modelVersion));
    } else {
      path = location.path(modelName);
      modelVersion = version != null ? version : nextVersion(path);
    }
    if (modelVersion < 1) {
      throw new ParameterException(spec.commandLine(), "--version must be a positive integer, got " + modelVersion);
    }
    Split rows = usage(() -> switch (split) {
      case Split.TUTORIAL -> Split.tutorial(dataset.rowCount(), testSize);
      case Split.STRATIFIED -> Split.stratified(dataset.targets(), testSize, seed);
      default -> throw new ParameterException(spec.commandLine(), "--split must be tutorial or stratified, got \""
          + split + "\"");
    });
    TrainedModel model = new ModelTrainer(clock).train(dataset, rows, parameters, modelName, modelVersion);
    UselessModelCheck.warn(dataset, rows, model, err);
    ModelWriter writer = new ModelWriter();
    model = location.repository != null ? writer.writeNew(model, path) : writer.replace(model, path);
    report(model, path);
    return ExitCodes.OK;
  }

  /**
   * The value {@code parse} makes of options, a bad one being a usage error: the parsers and
   * parameter checks it calls throw {@link IllegalArgumentException} for an argument they refuse.
   */
  private <T> T usage(Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  /** Runs an argument check of an option's value; a refusal is a usage error. */
  private void usage(Runnable check) {
    usage(() -> {
      check.run();
      return null;
    });
  }

  private void report(TrainedModel model, Path path) {
    ModelCard card = model.card();
    ModelCard.Parameters p = card.parameters();
    out.printf(Locale.ROOT, "trained %s version %d: C-SVC, %s kernel, C=%s, gamma=%s (%s), %d support vectors, %d training rows%n",
        card.name(), card.version(), p.kernel(), p.c(), p.gammaValue(), p.gamma(),
        java.util.Arrays.stream(card.metrics().supportVectors()).sum(), card.split().trainRows());
    out.printf(Locale.ROOT, "test accuracy %s on %d rows (%s split, test size %s)%n",
        model.accuracy(), card.split().testRows(), card.split().method(), card.split().testSize());
    out.printf("saved to %s%n", path);
    for (String warning : card.warnings()) {
      err.println("warning: " + warning);
    }
    out.flush();
    err.flush();
  }

  /** The data file's name without extensions, made safe: {@code wine_data.csv.gz} is {@code wine_data}. */
  static String defaultName(Path data) {
    if (data == null) {
      return "iris";
    }
    String file = data.getFileName().toString();
    int dot = file.indexOf('.');
    String base = dot > 0 ? file.substring(0, dot) : file;
    String safe = base.replaceAll("[^A-Za-z0-9_.-]", "_").replaceFirst("^[_.-]+", "");
    return safe.isEmpty() ? "model" : safe;
  }

  private static int nextVersion(Path path) {
    if (!Files.exists(path)) {
      return 1;
    }
    try {
      return ModelReader.read(path).version() + 1;
    } catch (ModelFormatException e) {
      return 1; // the writer replaces only a link it made, and says so otherwise
    }
  }
}
