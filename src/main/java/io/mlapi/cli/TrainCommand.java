package io.mlapi.cli;

import io.mlapi.data.Dataset;
import io.mlapi.data.DatasetReader;
import io.mlapi.data.Scaler;
import io.mlapi.data.Split;
import io.mlapi.linear.LinearSvcParameters;
import io.mlapi.model.EstimatorSpec;
import io.mlapi.model.ModelCard;
import io.mlapi.model.ModelFormatException;
import io.mlapi.model.ModelReader;
import io.mlapi.model.ModelTrainer;
import io.mlapi.model.ModelWriter;
import io.mlapi.model.TrainedModel;
import io.mlapi.model.TrainingPlan;
import io.mlapi.repository.RepositoryDirectory;
import io.mlapi.svm.Gamma;
import io.mlapi.svm.Kernel;
import io.mlapi.svm.ParametersRejectedException;
import io.mlapi.svm.SvcParameters;
import io.mlapi.svm.SvmType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mlapi train}: the tutorial's train.py, for the bundled Iris data or any CSV, and scikit-learn's SVM workflow. */
@Command(name = "train", sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Trains one of scikit-learn's SVMs on a CSV file, or the bundled Iris data, exactly as scikit-learn would, "
            + "and saves it.",
        "%nSVC, NuSVC, SVR, NuSVR or LinearSVC, optionally behind a scaler and chosen by a grid search. The model is "
            + "saved atomically to --model-dir (MODEL_DIR, default models) under its name, or as the next version "
            + "DIR/<name>/<version> of --repository DIR. Without --data: the tutorial's model (Iris, the last 20%% of "
            + "the rows held out, scikit-learn's SVC() defaults)."})
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

  @Option(names = "--target", paramLabel = "COLUMN",
      description = "The target column: classes, or numbers for svr/nusvr (default: the last column).")
  String target;

  @Option(names = "--estimator", paramLabel = "NAME", defaultValue = "svc",
      description = "svc, nusvc, svr, nusvr or linear-svc: scikit-learn's SVC, NuSVC, SVR, NuSVR, LinearSVC "
          + "(default: ${DEFAULT-VALUE}).")
  String estimator;

  @Option(names = "--kernel", paramLabel = "KERNEL", defaultValue = "rbf",
      description = "rbf, linear, poly or sigmoid (default: ${DEFAULT-VALUE}; not linear-svc).")
  String kernel;

  @Option(names = {"-C", "--C"}, paramLabel = "C", defaultValue = "1.0",
      description = "Regularisation parameter, > 0 (default: ${DEFAULT-VALUE}; not nusvc).")
  double c;

  @Option(names = "--gamma", paramLabel = "GAMMA", defaultValue = "scale",
      description = "scale, auto or a positive number (default: ${DEFAULT-VALUE}).")
  String gamma;

  @Option(names = "--degree", defaultValue = "3", description = "Degree of the poly kernel (default: ${DEFAULT-VALUE}).")
  int degree;

  @Option(names = "--coef0", defaultValue = "0.0",
      description = "Independent term of the poly and sigmoid kernels (default: ${DEFAULT-VALUE}).")
  double coef0;

  @Option(names = "--nu", defaultValue = "0.5", description = "nu of nusvc and nusvr, in (0, 1] (default: ${DEFAULT-VALUE}).")
  double nu;

  @Option(names = "--epsilon", defaultValue = "0.1",
      description = "Width of svr's no-penalty tube, >= 0 (default: ${DEFAULT-VALUE}).")
  double epsilon;

  @Option(names = "--loss", defaultValue = LinearSvcParameters.SQUARED_HINGE,
      description = "linear-svc's loss: squared_hinge or hinge (default: ${DEFAULT-VALUE}).")
  String loss;

  @Option(names = "--multi-class", defaultValue = LinearSvcParameters.OVR,
      description = "linear-svc's multi-class strategy: ovr or crammer_singer (default: ${DEFAULT-VALUE}).")
  String multiClass;

  @Option(names = "--max-iter", defaultValue = "1000",
      description = "linear-svc's most solver iterations (default: ${DEFAULT-VALUE}; LIBSVM has no cap, as in "
          + "scikit-learn).")
  int maxIter;

  @Option(names = "--class-weight", paramLabel = "WEIGHT", defaultValue = "none",
      description = "none, or balanced: each class's C scaled by rows / (classes * rows of the class) (default: "
          + "${DEFAULT-VALUE}).")
  String classWeight;

  @Option(names = "--probability", description = "Also fit probability estimates (Platt scaling, 5-fold; svc, nusvc).")
  boolean probability;

  @Option(names = "--scale", paramLabel = "SCALER", defaultValue = "none",
      description = "none, standard or minmax: scikit-learn's StandardScaler or MinMaxScaler fitted on the training "
          + "rows and applied to every row inside the model (default: ${DEFAULT-VALUE}).")
  String scale;

  @Option(names = "--split", defaultValue = Split.TUTORIAL,
      description = "tutorial (the last rows are the test rows, no shuffling), shuffle or stratified "
          + "(train_test_split(random_state=SEED, stratify=None or y)) (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--test-size", defaultValue = "0.2",
      description = "Fraction of rows held out for testing, in (0, 1) (default: ${DEFAULT-VALUE}).")
  double testSize;

  @Option(names = "--seed", defaultValue = "0",
      description = "random_state of the split, of probability fitting and of linear-svc's solver "
          + "(default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--search", paramLabel = "GRID",
      description = "Grid search with cross-validation, e.g. \"C=0.1,1,10;gamma=scale,0.01,0.1\" (GridSearchCV).")
  String search;

  @Option(names = "--cv", paramLabel = "K", defaultValue = "5",
      description = "Folds of the grid search: StratifiedKFold for classifiers, KFold for regressors "
          + "(default: ${DEFAULT-VALUE}).")
  int cv;

  @Option(names = "--jobs", paramLabel = "N",
      description = "Grid-search fits run at once (default: every core).")
  Integer jobs;

  @Option(names = "--progress", paramLabel = "WHEN", defaultValue = "auto",
      description = "Show the grid search's progress on stderr: auto (on a terminal), always or never "
          + "(default: ${DEFAULT-VALUE}).")
  String progress;

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
    EstimatorSpec estimatorSpec = usage(this::estimatorSpec);
    Scaler.Kind scaler = usage(() -> Scaler.Kind.parse(scale));
    boolean showProgress = usage(this::showProgress);
    if (estimatorSpec.isRegression() && split.equals(Split.STRATIFIED)) {
      throw new ParameterException(spec.commandLine(), "--split stratified needs classes, and " + estimator
          + " is a regressor: use --split shuffle");
    }
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
    Split rows = usage(() -> split(dataset));
    ProgressBar bar = search != null && showProgress ? new ProgressBar(clock, err, 0, "fits") : null;
    TrainedModel model;
    try {
      TrainingPlan.Search searchPlan = usage(() -> searchPlan(bar));
      if (searchPlan != null) {
        usage(() -> searchPlan.check(estimatorSpec));
      }
      TrainingPlan plan = new TrainingPlan(estimatorSpec, scaler, searchPlan, reproduction(modelName));
      model = new ModelTrainer(clock).train(dataset, rows, plan, modelName, modelVersion);
    } catch (ParametersRejectedException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    } finally {
      if (bar != null) {
        bar.finish();
      }
    }
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

  /** The estimator and its parameters from the options, checked. */
  private EstimatorSpec estimatorSpec() {
    if (!EstimatorSpec.NAMES.contains(estimator)) {
      throw new IllegalArgumentException("--estimator must be one of " + String.join(", ", EstimatorSpec.NAMES)
          + ", got \"" + estimator + "\"");
    }
    if (!List.of("none", "balanced").contains(classWeight)) {
      throw new IllegalArgumentException("--class-weight must be none or balanced, got \"" + classWeight + "\"");
    }
    boolean balanced = classWeight.equals("balanced");
    if (estimator.equals(EstimatorSpec.LINEAR_SVC)) {
      if (probability) {
        throw new IllegalArgumentException("linear-svc gives no probabilities (scikit-learn's LinearSVC has no "
            + "predict_proba); drop --probability");
      }
      return EstimatorSpec.of(LinearSvcParameters.scikitLearnDefaults(seed).withC(c).withLoss(loss)
          .withMaxIter(maxIter).withMultiClass(multiClass).withBalanced(balanced));
    }
    return EstimatorSpec.of(SvcParameters.scikitLearnDefaults(SvmType.parse(estimator))
        .withKernel(Kernel.parse(kernel))
        .withC(c)
        .withGamma(Gamma.parse(gamma))
        .withDegree(degree)
        .withCoef0(coef0)
        .withNu(nu)
        .withEpsilon(epsilon)
        .withBalanced(balanced)
        .withProbability(probability, seed));
  }

  private TrainingPlan.Search searchPlan(ProgressBar bar) {
    if (search == null) {
      return null;
    }
    int threads = jobs != null ? jobs : Runtime.getRuntime().availableProcessors();
    return new TrainingPlan.Search(search, TrainingPlan.Search.parse(search), cv, threads,
        bar == null ? (done, total) -> { } : (done, total) -> bar.update(done, done, total));
  }

  private boolean showProgress() {
    return switch (progress) {
      case "always" -> true;
      case "never" -> false;
      case "auto" -> PredictCommand.isTerminal();
      default -> throw new IllegalArgumentException("--progress must be auto, always or never, got \"" + progress + "\"");
    };
  }

  private Split split(Dataset dataset) {
    return switch (split) {
      case Split.TUTORIAL -> Split.tutorial(dataset.rowCount(), testSize);
      case Split.SHUFFLE -> Split.shuffle(dataset.rowCount(), testSize, seed);
      case Split.STRATIFIED -> Split.stratified(dataset.targets(), testSize, seed);
      default -> throw new IllegalArgumentException("--split must be tutorial, shuffle or stratified, got \""
          + split + "\"");
    };
  }

  /** The command that trains this model again, exactly: every option that shapes the model, none that places it. */
  String reproduction(String modelName) {
    List<String> args = new ArrayList<>(List.of("mlapi", "train"));
    if (data != null) {
      args.addAll(List.of("--data", data.toString()));
    }
    if (target != null) {
      args.addAll(List.of("--target", target));
    }
    args.addAll(List.of("--estimator", estimator));
    if (estimator.equals(EstimatorSpec.LINEAR_SVC)) {
      args.addAll(List.of("--C", Double.toString(c), "--loss", loss, "--multi-class", multiClass, "--max-iter",
          Integer.toString(maxIter)));
    } else {
      args.addAll(List.of("--kernel", kernel, "--gamma", gamma, "--degree", Integer.toString(degree), "--coef0",
          Double.toString(coef0)));
      if (!estimator.equals("nusvc")) {
        args.addAll(List.of("--C", Double.toString(c)));
      }
      if (estimator.startsWith("nu")) {
        args.addAll(List.of("--nu", Double.toString(nu)));
      }
      if (estimator.equals("svr")) {
        args.addAll(List.of("--epsilon", Double.toString(epsilon)));
      }
      if (probability) {
        args.add("--probability");
      }
    }
    if (!classWeight.equals("none")) {
      args.addAll(List.of("--class-weight", classWeight));
    }
    args.addAll(List.of("--scale", scale, "--split", split, "--test-size", Double.toString(testSize), "--seed",
        Long.toString(seed)));
    if (search != null) {
      args.addAll(List.of("--search", search, "--cv", Integer.toString(cv)));
    }
    args.addAll(List.of("--name", modelName));
    return String.join(" ", args.stream().map(TrainCommand::shellWord).toList());
  }

  /** A word as a POSIX shell reads it back: as it is when safe, else in single quotes. */
  static String shellWord(String word) {
    return !word.isEmpty() && word.matches("[A-Za-z0-9_@%+=:,./-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
  }

  private void report(TrainedModel model, Path path) {
    ModelCard card = model.card();
    ModelCard.Parameters p = card.parameters();
    String parameters = p.kernel() == null
        ? String.format(Locale.ROOT, "C=%s, %s loss, %s", p.c(), p.loss(), p.multiClass())
        : String.format(Locale.ROOT, "%s kernel, %sgamma=%s (%s), %d support vectors", p.kernel(),
            p.c() != null ? "C=" + p.c() + ", " : "", p.gammaValue(), p.gamma(),
            Arrays.stream(card.metrics().supportVectors()).sum());
    out.printf(Locale.ROOT, "trained %s version %d: %s, %s, %d training rows%s%n", card.name(), card.version(),
        card.algorithm(), parameters, card.split().trainRows(),
        card.scaler().file() == null ? "" : ", " + card.scaler().kind() + " scaler");
    if (card.search() != null) {
      ModelCard.Candidate best = card.search().candidates().get(card.search().best());
      out.printf(Locale.ROOT, "grid search: %d candidates x %d folds, best %s with mean %s %s (std %s)%n",
          card.search().candidates().size(), card.search().cv(), best.parameters(), card.search().scoring(),
          best.meanScore(), best.stdScore());
    }
    if (card.isRegression()) {
      out.printf(Locale.ROOT, "test R² %s, MAE %s, RMSE %s on %d rows (%s split, test size %s)%n",
          card.metrics().r2(), card.metrics().mae(), card.metrics().rmse(), card.split().testRows(),
          card.split().method(), card.split().testSize());
    } else {
      out.printf(Locale.ROOT, "test accuracy %s on %d rows (%s split, test size %s)%n",
          model.accuracy(), card.split().testRows(), card.split().method(), card.split().testSize());
    }
    out.printf("saved to %s%n", path);
    out.printf("reproduce with: %s%n", card.command());
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
