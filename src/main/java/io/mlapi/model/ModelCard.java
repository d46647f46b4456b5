package io.mlapi.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What {@code model.json} says of a model: what it is, how and from what it was trained, how well
 * it did, how to train it again, and the checksums of the files beside it. Everything a user, a
 * console or an operator wants to know without loading the model.
 *
 * @param formatVersion the layout of the model directory; {@link #FORMAT_VERSION} for what this
 *     build writes. Readers refuse newer versions, naming both, and read older ones
 * @param name the model's name, e.g. {@code iris}
 * @param version the model's version, a positive integer (newer is larger)
 * @param estimator {@code svc}, {@code nusvc}, {@code svr}, {@code nusvr} or {@code linear-svc}
 * @param algorithm e.g. {@code C-SVC}, {@code epsilon-SVR}, {@code LinearSVC}
 * @param task {@code classification} or {@code regression}
 * @param features the input features in the order a row lists them, with their training ranges
 * @param classes a classifier's class labels, in scikit-learn's sorted order; empty for a regressor
 * @param parameters the training parameters (of the search's winner), with the gamma actually used
 * @param scaler the scaler applied to every row before the estimator
 * @param data where the training data came from
 * @param split how the rows were divided into training and test rows
 * @param search the grid search that chose the parameters; {@code null} when there was none
 * @param metrics the model's results on its test rows
 * @param warnings what training warned of (e.g. the solver did not converge); empty when all went well
 * @param files each file of the model directory but this one, with its SHA-256
 * @param createdAt when training finished (ISO-8601, UTC)
 * @param provenance which software made the model
 * @param command the {@code mlapi train} command that trains this model again, exactly; {@code null}
 *     when unknown (format 1, or a model trained through the API)
 */
public record ModelCard(
    int formatVersion,
    String name,
    int version,
    String estimator,
    String algorithm,
    String task,
    List<Feature> features,
    List<String> classes,
    Parameters parameters,
    ScalerInfo scaler,
    Data data,
    SplitInfo split,
    Search search,
    Metrics metrics,
    List<String> warnings,
    Map<String, String> files,
    String createdAt,
    Provenance provenance,
    String command) {

  /** The model directory layout this build writes: 2 added estimators, regression, scalers and searches. */
  public static final int FORMAT_VERSION = 2;
  public static final String CLASSIFICATION = "classification";
  public static final String REGRESSION = "regression";

  public ModelCard {
    features = List.copyOf(features);
    classes = List.copyOf(classes);
    warnings = List.copyOf(warnings);
    files = Map.copyOf(files);
  }

  public List<String> featureNames() {
    return features.stream().map(Feature::name).toList();
  }

  public boolean isRegression() {
    return REGRESSION.equals(task);
  }

  /** This card with the files' checksums, as the writer records them. */
  ModelCard withFiles(Map<String, String> checksums) {
    return new ModelCard(formatVersion, name, version, estimator, algorithm, task, features, classes, parameters,
        scaler, data, split, search, metrics, warnings, checksums, createdAt, provenance, command);
  }

  /** A feature and the range of its values in the training rows (a hint for people filling forms). */
  public record Feature(String name, double min, double max) {}

  /**
   * The estimator's parameters in scikit-learn's names; those an estimator does not have are
   * {@code null} (LinearSVC has no kernel, SVC no nu, LIBSVM no loss).
   *
   * @param gamma {@code scale}, {@code auto} or a number, as asked for
   * @param gammaValue the gamma LIBSVM used, exactly
   * @param classWeight {@code balanced}, or {@code null} for equal weights
   * @param seed the seed of probability fitting (LIBSVM) or of the coordinate order (LIBLINEAR)
   */
  public record Parameters(
      String kernel,
      @JsonProperty("C") Double c,
      String gamma,
      Double gammaValue,
      Integer degree,
      Double coef0,
      double tol,
      Boolean shrinking,
      Double cacheSizeMb,
      boolean probability,
      long seed,
      Double nu,
      Double epsilon,
      String classWeight,
      String loss,
      Integer maxIter,
      String multiClass) {}

  /**
   * @param kind {@code none}, {@code standard} or {@code minmax}
   * @param file the file holding its parameters; {@code null} for none
   */
  public record ScalerInfo(String kind, String file) {}

  /**
   * @param source the file the rows came from, or {@code iris (bundled)}
   * @param target the name of the target column
   * @param sha256 of the data file's bytes
   * @param rows all rows, training and test
   */
  public record Data(String source, String target, String sha256, int rows) {}

  /**
   * @param method {@code tutorial} (the last rows, unshuffled), {@code shuffle} or {@code stratified}
   *     (scikit-learn's {@code train_test_split} with {@code random_state=seed}, without or with
   *     {@code stratify=y}; format 1's {@code stratified} was mlapi's own)
   * @param seed of a random split, else {@code null}
   */
  public record SplitInfo(String method, double testSize, Long seed, int trainRows, int testRows) {}

  /**
   * A grid search with cross-validation ({@code GridSearchCV(pipeline, grid, cv)}).
   *
   * @param grid the grid as given, e.g. {@code C=0.1,1,10;gamma=scale,0.1}
   * @param cv the number of folds
   * @param folds {@code StratifiedKFold} or {@code KFold}
   * @param scoring {@code accuracy} or {@code r2}
   * @param candidates every candidate in {@code ParameterGrid} order
   * @param best the index of the winner in {@code candidates}
   */
  public record Search(String grid, int cv, String folds, String scoring, List<Candidate> candidates, int best) {
    public Search {
      candidates = List.copyOf(candidates);
    }
  }

  /**
   * @param parameters the candidate's parameters, as given in the grid
   * @param foldScores its score on each fold's held-out rows
   * @param meanScore the mean of {@code foldScores} ({@code mean_test_score})
   * @param stdScore their standard deviation ({@code std_test_score})
   * @param rank 1 for the best mean, ties sharing a rank ({@code rank_test_score})
   */
  public record Candidate(Map<String, String> parameters, double[] foldScores, double meanScore, double stdScore,
      int rank) {
    public Candidate {
      parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
    }
  }

  /**
   * The model's results on its test rows: a classifier's accuracy and confusion matrix, or a
   * regressor's R², mean absolute error and root mean squared error.
   *
   * @param accuracy the fraction of test rows predicted right; {@code null} for a regressor
   * @param labels the classes of the confusion matrix, in order (the data's classes, which may be
   *     more than the model learnt when a class has no training rows); empty for a regressor
   * @param confusionMatrix {@code [true class][predicted class]} counts over the test rows
   * @param supportVectors per class of a LIBSVM model (one count for a regressor); empty for LinearSVC
   * @param r2 scikit-learn's {@code r2_score}; {@code null} for a classifier
   * @param mae {@code mean_absolute_error}; {@code null} for a classifier
   * @param rmse the root of {@code mean_squared_error}; {@code null} for a classifier
   * @param actualVsPredicted a regressor's {@code [true value, prediction]} for its first
   *     {@link #PLOTTED_ROWS} test rows, for the console's plot; {@code null} for a classifier
   */
  public record Metrics(Double accuracy, List<String> labels, int[][] confusionMatrix, int[] supportVectors,
      Double r2, Double mae, Double rmse, List<double[]> actualVsPredicted) {
    /** At most this many test rows go into {@code actualVsPredicted}: a plot, not a copy of test.csv. */
    public static final int PLOTTED_ROWS = 1000;

    public Metrics {
      labels = List.copyOf(labels);
      actualVsPredicted = actualVsPredicted == null ? null : List.copyOf(actualVsPredicted);
    }
  }

  /**
   * @param mlapi this project's version; {@code libsvm}, {@code liblinear} and {@code java} the
   *     versions it ran on ({@code liblinear} is {@code null} in format 1)
   */
  public record Provenance(String mlapi, String libsvm, String liblinear, String java) {}
}
