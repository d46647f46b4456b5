package io.mlapi.model;

import io.mlapi.data.Scaler;
import io.mlapi.linear.LinearSvcModel;
import io.mlapi.svm.SvcModel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A model mlapi trained: its card ({@code model.json}), its scaler, its estimator (LIBSVM's or
 * LIBLINEAR's), and the held-out test rows it was measured on. The test score is computed once,
 * here, when a model is trained or loaded; {@link #score()} never predicts.
 *
 * <p>As a {@link Model} it takes one input, {@code input-0} of shape {@code [rows, features]} in
 * any numeric datatype, holding raw features: the scaler is applied inside {@link #infer}, so every
 * protocol and batch scoring get it. A classifier gives {@code predict} (INT64 class indices, what
 * KServe's and MLServer's scikit-learn servers answer), {@code label} (BYTES),
 * {@code decision_function} (FP64, scikit-learn's) and, when trained with probabilities,
 * {@code predict_proba} (FP64). A regressor gives {@code predict} (FP64 numbers).
 *
 * <p>Immutable and safe to share between threads.
 */
public final class TrainedModel implements Model {
  public static final String PLATFORM = "mlapi_libsvm";
  public static final String PLATFORM_LIBLINEAR = "mlapi_liblinear";
  public static final String INPUT = "input-0";
  public static final String PREDICT = "predict";
  public static final String LABEL = "label";
  public static final String PREDICT_PROBA = "predict_proba";
  public static final String DECISION_FUNCTION = "decision_function";
  /** The most work {@link #isQuick} calls quick, in multiply-adds. */
  static final long QUICK_OPERATIONS = 200_000;

  private final ModelCard card;
  private final Scaler scaler;
  private final Estimator estimator;
  /** The most rows {@link #isQuick}: worked out once, as gRPC asks on every call. */
  private final long quickRows;
  private final double[][] testRows;
  private final int[] testLabels;
  private final double[] testValues;
  private final double score;
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;
  private final RowSignature rows;
  /** Each class's label as UTF-8, shared by every {@code label} tensor. */
  private final byte[][] labelBytes;

  /**
   * @param testRows the held-out rows, raw (unscaled)
   * @param testLabels a classifier's: per test row, the index of its true class in
   *     {@code card.metrics().labels()}; {@code null} for a regressor
   * @param testValues a regressor's: per test row, its true value; {@code null} for a classifier
   */
  TrainedModel(ModelCard card, Scaler scaler, Estimator estimator, double[][] testRows, int[] testLabels,
      double[] testValues) {
    this.card = card;
    this.scaler = scaler;
    this.estimator = estimator;
    this.quickRows = QUICK_OPERATIONS / Math.max(1, estimator.operationsPerRow() + estimator.featureCount());
    this.testRows = testRows;
    this.testLabels = testLabels;
    this.testValues = testValues;
    int features = estimator.featureCount();
    this.inputs = List.of(new TensorSpec(INPUT, Datatype.FP64, new long[] {-1, features}));
    List<TensorSpec> offered = new ArrayList<>();
    if (estimator.isRegression()) {
      this.score = Scores.r2(testValues, estimator.predict(scaler.transform(testRows), false, false).values());
      offered.add(new TensorSpec(PREDICT, Datatype.FP64, new long[] {-1}));
      this.rows = new RowSignature(INPUT, card.featureNames(), List.of(), PREDICT, PREDICT, null);
    } else {
      this.score = accuracy(confusionMatrix(estimator, scaler, card.classes(), card.metrics().labels(), testRows,
          testLabels));
      int classes = card.classes().size();
      offered.add(new TensorSpec(PREDICT, Datatype.INT64, new long[] {-1}));
      offered.add(new TensorSpec(LABEL, Datatype.BYTES, new long[] {-1}));
      if (estimator.hasProbability()) {
        offered.add(new TensorSpec(PREDICT_PROBA, Datatype.FP64, new long[] {-1, classes}));
      }
      // scikit-learn's decision_function: one column for two classes, one per class otherwise
      offered.add(new TensorSpec(DECISION_FUNCTION, Datatype.FP64, classes == 2 ? new long[] {-1}
          : new long[] {-1, classes}));
      this.rows = new RowSignature(INPUT, card.featureNames(), card.classes(), LABEL, PREDICT,
          estimator.hasProbability() ? PREDICT_PROBA : null);
    }
    this.outputs = List.copyOf(offered);
    this.labelBytes = card.classes().stream().map(c -> c.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
  }

  /** The fraction of rows on the diagonal: scikit-learn's {@code accuracy_score}. */
  static double accuracy(int[][] confusionMatrix) {
    int correct = 0;
    int total = 0;
    for (int i = 0; i < confusionMatrix.length; i++) {
      correct += confusionMatrix[i][i];
      for (int count : confusionMatrix[i]) {
        total += count;
      }
    }
    return (double) correct / total;
  }

  /**
   * {@code [true label][predicted label]} counts over raw {@code rows}, labels indexing
   * {@code labels}, which hold every class of {@code classes} (the model's) and perhaps more.
   */
  static int[][] confusionMatrix(Estimator estimator, Scaler scaler, List<String> classes, List<String> labels,
      double[][] rows, int[] truth) {
    int[] labelOf = classes.stream().mapToInt(labels::indexOf).toArray();
    int[][] matrix = new int[labels.size()][labels.size()];
    int[] predicted = estimator.predict(scaler.transform(rows), false, false).classes();
    for (int i = 0; i < rows.length; i++) {
      matrix[truth[i]][labelOf[predicted[i]]]++;
    }
    return matrix;
  }

  @Override
  public ModelCard card() {
    return card;
  }

  @Override
  public String name() {
    return card.name();
  }

  @Override
  public int version() {
    return card.version();
  }

  @Override
  public String platform() {
    return estimator instanceof Estimator.Liblinear ? PLATFORM_LIBLINEAR : PLATFORM;
  }

  @Override
  public List<TensorSpec> inputs() {
    return inputs;
  }

  @Override
  public List<TensorSpec> outputs() {
    return outputs;
  }

  @Override
  public List<String> defaultOutputs() {
    return List.of(PREDICT);
  }

  /** Rows may come in any numeric datatype: each value is read as a double (FP32 as the float it is). */
  @Override
  public boolean accepts(TensorSpec spec, Datatype given) {
    return given.isNumeric();
  }

  @Override
  public Optional<RowSignature> rows() {
    return Optional.of(rows);
  }

  /**
   * Quick up to {@value #QUICK_OPERATIONS} multiply-adds (about 60 us): the tutorial's Iris SVC
   * (43 support vectors) up to 193 rows, a model of 2,000 support vectors and 20 features 2 rows.
   */
  @Override
  public boolean isQuick(long rows) {
    return rows >= 0 && rows <= quickRows;
  }

  @Override
  public double[][] sampleRows() {
    return testRows.clone();
  }

  /** A classifier's classes; empty for a regressor. */
  public List<String> classes() {
    return card.classes();
  }

  public List<String> featureNames() {
    return card.featureNames();
  }

  public int featureCount() {
    return estimator.featureCount();
  }

  public boolean isRegression() {
    return estimator.isRegression();
  }

  public boolean hasProbabilities() {
    return estimator.hasProbability();
  }

  /** Accuracy (a classifier) or R² (a regressor) on the held-out test rows: the tutorial's {@code /score}. */
  @Override
  public OptionalDouble score() {
    return OptionalDouble.of(score);
  }

  /** Accuracy (or a regressor's R²) on the held-out test rows, as recorded in the card. */
  public double accuracy() {
    return score;
  }

  /** The scaler every row goes through before the estimator ({@link Scaler#none()} when there is none). */
  public Scaler scaler() {
    return scaler;
  }

  /** The LIBSVM model (SVC, NuSVC, SVR, NuSVR); empty for a LinearSVC. */
  public Optional<SvcModel> libsvmModel() {
    return estimator instanceof Estimator.Libsvm libsvm ? Optional.of(libsvm.svm()) : Optional.empty();
  }

  /** The LIBLINEAR model (LinearSVC); empty for a LIBSVM one. */
  public Optional<LinearSvcModel> liblinearModel() {
    return estimator instanceof Estimator.Liblinear linear ? Optional.of(linear.linear()) : Optional.empty();
  }

  Estimator estimator() {
    return estimator;
  }

  /** The LIBSVM model: for tests that look inside it, and for exporting a C-SVC (mlapi export --onnx). */
  public SvcModel svm() {
    return libsvmModel().orElseThrow(() -> new IllegalStateException("model " + name() + " is a LinearSVC"));
  }

  double[][] testRows() {
    return testRows;
  }

  int[] testLabels() {
    return testLabels;
  }

  double[] testValues() {
    return testValues;
  }

  @Override
  public List<Tensor> infer(List<Tensor> inputs, List<String> outputs) {
    double[][] x = inputs.get(0).toRows();
    List<String> features = rows.features(); // not card.featureNames(), which builds a list per call
    for (int r = 0; r < x.length; r++) {
      for (int f = 0; f < x[r].length; f++) {
        if (!Double.isFinite(x[r][f])) {
          throw InferenceException.invalidInput("row " + r + ", feature " + features.get(f) + ": " + x[r][f]
              + " is not a finite number");
        }
      }
    }
    Prediction prediction = predict(x, outputs.contains(PREDICT_PROBA), outputs.contains(DECISION_FUNCTION));
    int n = x.length;
    List<Tensor> answer = new ArrayList<>(outputs.size());
    for (String output : outputs) {
      answer.add(switch (output) {
        case PREDICT -> estimator.isRegression()
            ? new Tensor(PREDICT, Datatype.FP64, new long[] {n}, prediction.values())
            : new Tensor(PREDICT, Datatype.INT64, new long[] {n}, classIndices(prediction.classes()));
        case LABEL -> {
          requireClassifier(output);
          byte[][] labels = new byte[n][];
          for (int r = 0; r < n; r++) {
            labels[r] = labelBytes[prediction.classes()[r]];
          }
          yield new Tensor(LABEL, Datatype.BYTES, new long[] {n}, labels);
        }
        case PREDICT_PROBA -> matrix(PREDICT_PROBA, prediction.probabilities(), false);
        case DECISION_FUNCTION -> {
          requireClassifier(output);
          yield matrix(DECISION_FUNCTION, prediction.decisionFunction(), estimator.decisionColumns() == 1);
        }
        default -> throw new IllegalArgumentException("model " + name() + " has no output " + output);
      });
    }
    return answer;
  }

  private void requireClassifier(String output) {
    if (estimator.isRegression()) {
      throw new IllegalArgumentException("model " + name() + " is a regressor and has no output " + output);
    }
  }

  private static long[] classIndices(int[] classes) {
    long[] indices = new long[classes.length];
    for (int r = 0; r < classes.length; r++) {
      indices[r] = classes[r];
    }
    return indices;
  }

  /** Rows of values as one FP64 tensor: {@code [rows]} when {@code vector} (one value per row), else {@code [rows, width]}. */
  private static Tensor matrix(String name, double[][] rows, boolean vector) {
    int width = rows.length == 0 ? 0 : rows[0].length;
    double[] flat = new double[rows.length * width];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * width, width);
    }
    return new Tensor(name, Datatype.FP64, vector ? new long[] {rows.length} : new long[] {rows.length, width}, flat);
  }

  /**
   * Predicts raw {@code rows}, each with {@link #featureCount()} finite values (the caller checks):
   * scales them, then asks the estimator.
   *
   * @throws IllegalStateException when probabilities are asked of a model trained without them
   */
  public Prediction predict(double[][] rows, boolean probabilities, boolean decisionFunction) {
    if (probabilities && !estimator.hasProbability()) {
      throw new IllegalStateException("the model was trained without probability estimates");
    }
    return estimator.predict(scaler.transform(rows), probabilities, decisionFunction);
  }

  /**
   * scikit-learn's {@code decision_function} from LIBSVM's one-vs-one values: for two classes the
   * negated value (so positive favours the second class); for more, {@code _ovr_decision_function}:
   * votes plus the summed confidences squashed into (-1/3, 1/3).
   */
  static double[] scikitLearnDecision(double[] pairs, int classes) {
    if (classes == 2) {
      return new double[] {-pairs[0]};
    }
    double[] votes = new double[classes];
    double[] confidence = new double[classes];
    int k = 0;
    for (int i = 0; i < classes; i++) {
      for (int j = i + 1; j < classes; j++) {
        confidence[i] -= -pairs[k];
        confidence[j] += -pairs[k];
        if (pairs[k] < 0) {
          votes[j] += 1;
        } else {
          votes[i] += 1;
        }
        k++;
      }
    }
    double[] scores = new double[classes];
    for (int c = 0; c < classes; c++) {
      scores[c] = votes[c] + confidence[c] / (3 * (Math.abs(confidence[c]) + 1));
    }
    return scores;
  }
}
