package io.mlapi.model;

import io.mlapi.data.Dataset;
import io.mlapi.data.DatasetException;
import io.mlapi.data.Folds;
import io.mlapi.data.Scaler;
import io.mlapi.data.Split;
import io.mlapi.linear.LinearSvcParameters;
import io.mlapi.svm.SvcModel;
import io.mlapi.svm.SvcParameters;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Trains a {@link TrainedModel} from a data set, a split and a {@link TrainingPlan}, the way
 * scikit-learn's {@code GridSearchCV(Pipeline([scaler, estimator]), ...).fit(X_train, y_train)}
 * (or the pipeline alone) does, and measures it on the held-out rows.
 */
public final class ModelTrainer {
  /** What {@link #requireName} accepts; compiled once, as a repository's scan checks every model's name. */
  private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  private final Clock clock;

  /** @param clock stamps {@code createdAt}; tests pass a fixed one */
  public ModelTrainer(Clock clock) {
    this.clock = clock;
  }

  /** Trains an SVM ({@code parameters.type()}) without scaler or search. */
  public TrainedModel train(Dataset data, Split split, SvcParameters parameters, String name, int version) {
    return train(data, split, TrainingPlan.of(EstimatorSpec.of(parameters)), name, version);
  }

  /**
   * @param name the model's name
   * @param version the model's version, a positive integer
   * @throws DatasetException when the training rows hold fewer than two classes, or a regressor's
   *     target is not numeric
   * @throws IllegalArgumentException when a search or the estimator rejects the parameters
   */
  public TrainedModel train(Dataset data, Split split, TrainingPlan plan, String name, int version) {
    requireName(name);
    if (version < 1) {
      throw new IllegalArgumentException("version must be a positive integer, got " + version);
    }
    Dataset train = data.rows(split.train());
    Dataset test = data.rows(split.test());
    return plan.estimator().isRegression()
        ? regressor(data, split, plan, train, test, name, version)
        : classifier(data, split, plan, train, test, name, version);
  }

  private TrainedModel classifier(Dataset data, Split split, TrainingPlan plan, Dataset train, Dataset test,
      String name, int version) {
    ClassSubset subset = ClassSubset.of(train.targets()); // like scikit-learn: the classes of the training rows
    List<String> classes = new ArrayList<>();
    for (int c : subset.present()) {
      classes.add(data.classes().get(c));
    }
    if (classes.size() < 2) {
      throw new DatasetException(data.source(), 0, 0, "the " + train.rowCount() + " training rows"
          + " hold one class only (\"" + classes.get(0) + "\"); a classifier needs two or more"
          + (Split.TUTORIAL.equals(split.method()) ? " (the tutorial split does not shuffle: try --split stratified)" : ""));
    }
    int[] targets = subset.local(train.targets());
    List<String> warnings = new ArrayList<>();
    EstimatorSpec spec = plan.estimator();
    ModelCard.Search search = null;
    if (plan.search() != null) {
      if (Folds.smallestClass(targets) < plan.search().folds()) {
        warnings.add("the smallest class has " + Folds.smallestClass(targets) + " training rows, fewer than the "
            + plan.search().folds() + " cross-validation folds (scikit-learn warns of this too)");
      }
      GridSearch.Result result = new GridSearch(spec, plan.scaler(), plan.search()).classify(train.features(), targets);
      spec = result.winner();
      search = new ModelCard.Search(plan.search().text(), plan.search().folds(), "StratifiedKFold", "accuracy",
          result.candidates(), result.best());
    }
    Scaler scaler = Scaler.fit(plan.scaler(), train.features(), train.featureCount());
    EstimatorSpec.Fitted fit = spec.fit(scaler.transform(train.features()), targets, classes.size());
    warnings.addAll(fit.warnings());
    Estimator estimator = fit.estimator();
    List<String> labels = data.classes();
    int[][] confusion = TrainedModel.confusionMatrix(estimator, scaler, classes, labels, test.features(),
        test.targets());
    ModelCard.Metrics metrics = new ModelCard.Metrics(TrainedModel.accuracy(confusion), labels, confusion,
        estimator.supportVectors(), null, null, null, null);
    ModelCard card = card(data, split, plan, spec, estimator, scaler, search, metrics, warnings, train, classes,
        name, version);
    return new TrainedModel(card, scaler, estimator, test.features(), test.targets(), null);
  }

  private TrainedModel regressor(Dataset data, Split split, TrainingPlan plan, Dataset train, Dataset test,
      String name, int version) {
    if (Split.STRATIFIED.equals(split.method())) {
      throw new IllegalArgumentException("a stratified split needs classes; " + plan.estimator().name()
          + " is a regressor: use --split shuffle");
    }
    double[] values = data.numericTargets();
    double[] trainValues = pick(values, split.train());
    double[] testValues = pick(values, split.test());
    List<String> warnings = new ArrayList<>();
    EstimatorSpec spec = plan.estimator();
    ModelCard.Search search = null;
    if (plan.search() != null) {
      GridSearch.Result result = new GridSearch(spec, plan.scaler(), plan.search()).regress(train.features(),
          trainValues);
      spec = result.winner();
      search = new ModelCard.Search(plan.search().text(), plan.search().folds(), "KFold", "r2", result.candidates(),
          result.best());
    }
    Scaler scaler = Scaler.fit(plan.scaler(), train.features(), train.featureCount());
    EstimatorSpec.Fitted fit = spec.fitRegression(scaler.transform(train.features()), trainValues);
    warnings.addAll(fit.warnings());
    Estimator estimator = fit.estimator();
    double[] predicted = estimator.predict(scaler.transform(test.features()), false, false).values();
    List<double[]> plotted = new ArrayList<>();
    for (int i = 0; i < Math.min(testValues.length, ModelCard.Metrics.PLOTTED_ROWS); i++) {
      plotted.add(new double[] {testValues[i], predicted[i]});
    }
    ModelCard.Metrics metrics = new ModelCard.Metrics(null, List.of(), new int[0][], estimator.supportVectors(),
        Scores.r2(testValues, predicted), Scores.meanAbsoluteError(testValues, predicted),
        Scores.rootMeanSquaredError(testValues, predicted), plotted);
    ModelCard card = card(data, split, plan, spec, estimator, scaler, search, metrics, warnings, train, List.of(),
        name, version);
    return new TrainedModel(card, scaler, estimator, test.features(), null, testValues);
  }

  private ModelCard card(Dataset data, Split split, TrainingPlan plan, EstimatorSpec spec, Estimator estimator,
      Scaler scaler, ModelCard.Search search, ModelCard.Metrics metrics, List<String> warnings, Dataset train,
      List<String> classes, String name, int version) {
    return new ModelCard(
        ModelCard.FORMAT_VERSION,
        name,
        version,
        spec.name(),
        spec.algorithm(),
        spec.isRegression() ? ModelCard.REGRESSION : ModelCard.CLASSIFICATION,
        features(train),
        classes,
        parameters(spec, estimator),
        new ModelCard.ScalerInfo(scaler.kind().label(), scaler.kind() == Scaler.Kind.NONE ? null : ModelFiles.SCALER),
        new ModelCard.Data(data.source(), data.target(), data.sha256(), data.rowCount()),
        new ModelCard.SplitInfo(split.method(), split.testSize(), split.seed(), split.train().length,
            split.test().length),
        search,
        metrics,
        warnings,
        Map.of(),
        Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString(),
        new ModelCard.Provenance(MlapiVersion.VALUE, MlapiVersion.LIBSVM, MlapiVersion.LIBLINEAR,
            Runtime.version().toString()),
        plan.command());
  }

  private static ModelCard.Parameters parameters(EstimatorSpec spec, Estimator estimator) {
    if (spec.linear() != null) {
      LinearSvcParameters p = spec.linear();
      return new ModelCard.Parameters(null, p.c(), null, null, null, null, p.tol(), null, null, false, p.seed(), null,
          null, p.balanced() ? "balanced" : null, p.loss(), p.maxIter(), p.multiClass());
    }
    SvcParameters p = spec.svm();
    SvcModel svm = ((Estimator.Libsvm) estimator).svm();
    boolean nu = p.type() == io.mlapi.svm.SvmType.NU_SVC || p.type() == io.mlapi.svm.SvmType.NU_SVR;
    return new ModelCard.Parameters(p.kernel().label(), p.type() == io.mlapi.svm.SvmType.NU_SVC ? null : p.c(),
        p.gamma().label(), svm.gamma(), p.degree(), p.coef0(), p.tol(), p.shrinking(), p.cacheSizeMb(),
        p.probability(), p.seed(), nu ? p.nu() : null, p.type() == io.mlapi.svm.SvmType.SVR ? p.epsilon() : null,
        p.balanced() ? "balanced" : null, null, null, null);
  }

  private static double[] pick(double[] values, int[] indices) {
    double[] picked = new double[indices.length];
    for (int i = 0; i < indices.length; i++) {
      picked[i] = values[indices[i]];
    }
    return picked;
  }

  /**
   * Names become directory names and URL path segments: keep them to a safe alphabet.
   *
   * @throws IllegalArgumentException naming the rule and the name
   */
  public static void requireName(String name) {
    if (name == null || !MODEL_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("model name must be 1-128 letters, digits, '_', '.' or '-', "
          + "starting with a letter or digit; got \"" + name + "\"");
    }
  }

  private static List<ModelCard.Feature> features(Dataset train) {
    List<ModelCard.Feature> features = new ArrayList<>();
    for (int f = 0; f < train.featureCount(); f++) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (double[] row : train.features()) {
        min = Math.min(min, row[f]);
        max = Math.max(max, row[f]);
      }
      features.add(new ModelCard.Feature(train.featureNames().get(f), min, max));
    }
    return features;
  }
}
