package io.mlapi.svm;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import libsvm.svm;
import libsvm.svm_model;
import libsvm.svm_node;
import libsvm.svm_parameter;

/**
 * A trained LIBSVM model (C-SVC, nu-SVC, epsilon-SVR or nu-SVR), plus its support vectors laid out
 * densely for prediction.
 *
 * <p>A classifier's classes are the indices {@code 0..classCount()-1}, in scikit-learn's sorted
 * order (the trainer makes LIBSVM's "order of first appearance" coincide with it). A regressor has
 * no classes ({@link #classCount()} is 0) and predicts a number ({@link #predictValue}). Prediction evaluates the
 * kernel over a flat feature-major array instead of LIBSVM's linked {@code svm_node}s: feature by
 * feature, one pass over all support vectors at a time. Each support vector's sum still takes the
 * features in LIBSVM's order with the same operations, so decision values are bit-identical to
 * {@code svm_predict_values} (a test holds it to that), while the inner loop runs across support
 * vectors with no dependency between iterations, which the JIT compiles to SIMD instructions.
 * {@code docs/performance.md} has the measurements behind this layout.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class SvcModel {
  private final svm_model libsvm;
  private final SvmType type;
  private final int features;
  private final int classes;
  private final Kernel kernel;
  private final double gamma;
  private final double coef0;
  private final int degree;
  /** Feature-major: feature {@code f} of support vector {@code i} is at {@code f * supportVectorCount + i}. */
  private final double[] supportVectors;
  private final int supportVectorCount;
  private final int[] start;
  private final int[] count;
  private final double[][] coefficients;
  private final double[] rho;

  private SvcModel(svm_model model, int features) {
    this.libsvm = model;
    this.type = SvmType.ofLibsvm(model.param.svm_type);
    this.features = features;
    this.classes = type.isRegression() ? 0 : model.nr_class;
    this.kernel = Kernel.ofLibsvm(model.param.kernel_type);
    this.gamma = model.param.gamma;
    this.coef0 = model.param.coef0;
    this.degree = model.param.degree;
    this.supportVectorCount = model.l;
    this.supportVectors = new double[model.l * features];
    for (int i = 0; i < model.l; i++) {
      for (svm_node node : model.SV[i]) {
        supportVectors[(node.index - 1) * model.l + i] = node.value;
      }
    }
    this.count = type.isRegression() ? new int[] {model.l} : model.nSV.clone();
    this.start = new int[count.length];
    for (int i = 1; i < count.length; i++) {
      start[i] = start[i - 1] + count[i - 1];
    }
    this.coefficients = model.sv_coef;
    this.rho = model.rho;
  }

  /**
   * Wraps a model LIBSVM trained or loaded, after checking it is one mlapi can serve.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static SvcModel of(svm_model model, int features) {
    if (model == null || model.param == null) {
      throw new IllegalArgumentException("not a valid LIBSVM model: its header could not be parsed");
    }
    SvmType type = SvmType.ofLibsvm(model.param.svm_type);
    Kernel.ofLibsvm(model.param.kernel_type);
    if (type.isRegression()) {
      if (model.rho == null || model.rho.length != 1) {
        throw new IllegalArgumentException("a regression model has one intercept (rho)");
      }
      if (model.sv_coef == null || model.sv_coef.length != 1 || model.sv_coef[0] == null
          || model.sv_coef[0].length != model.l) {
        throw new IllegalArgumentException("expected one row of " + model.l + " coefficients");
      }
      model.param.probability = 0; // mlapi gives regressors no probability model
    } else {
      checkClassifier(model);
    }
    if (model.SV == null || model.SV.length != model.l) {
      throw new IllegalArgumentException("expected " + model.l + " support vectors");
    }
    for (svm_node[] vector : model.SV) {
      int last = 0;
      for (svm_node node : vector) {
        if (node.index <= last || node.index > features) {
          throw new IllegalArgumentException("support vector feature index " + node.index
              + " is out of order or beyond the " + features + " features");
        }
        last = node.index;
      }
    }
    return new SvcModel(model, features);
  }

  private static void checkClassifier(svm_model model) {
    int k = model.nr_class;
    if (k < 2 || model.label == null || model.label.length != k) {
      throw new IllegalArgumentException("the model has " + k + " classes; a classifier needs two or more");
    }
    for (int i = 0; i < k; i++) {
      if (model.label[i] != i) {
        throw new IllegalArgumentException("class labels must be 0.." + (k - 1) + " in order, got "
            + Arrays.toString(model.label));
      }
    }
    if (model.nSV == null || model.nSV.length != k || Arrays.stream(model.nSV).sum() != model.l
        || Arrays.stream(model.nSV).anyMatch(n -> n < 0)) {
      throw new IllegalArgumentException("support vector counts per class do not add up to " + model.l);
    }
    if (model.rho == null || model.rho.length != k * (k - 1) / 2) {
      throw new IllegalArgumentException("expected " + k * (k - 1) / 2 + " intercepts (rho)");
    }
    if (model.sv_coef == null || model.sv_coef.length != k - 1
        || Arrays.stream(model.sv_coef).anyMatch(row -> row == null || row.length != model.l)) {
      throw new IllegalArgumentException("expected " + (k - 1) + " rows of " + model.l + " coefficients");
    }
    boolean hasProbability = model.probA != null && model.probB != null;
    if (model.param.probability == 1 && !hasProbability) {
      throw new IllegalArgumentException("the model says it has probabilities but has no probA/probB");
    }
    model.param.probability = hasProbability ? 1 : 0;
  }

  /**
   * Reads LIBSVM's text model format.
   *
   * @param features how many features a row has (LIBSVM's format does not say)
   * @throws IllegalArgumentException when the text is not a LIBSVM model mlapi can serve
   */
  public static SvcModel read(BufferedReader in, int features) throws IOException {
    svm_model model;
    try {
      model = svm.svm_load_model(in);
    } catch (RuntimeException e) { // LIBSVM's parser throws whatever its string handling hits
      throw new IllegalArgumentException("not a valid LIBSVM model: " + e, e);
    }
    return of(model, features);
  }

  /** Writes LIBSVM's text model format (every number as Java prints it, so it reads back exactly). */
  public void write(Path file) throws IOException {
    svm.svm_save_model(file.toString(), libsvm);
  }

  public int featureCount() {
    return features;
  }

  /** Which of scikit-learn's LIBSVM estimators this is. */
  public SvmType type() {
    return type;
  }

  public boolean isRegression() {
    return type.isRegression();
  }

  /** The number of classes of a classifier; 0 for a regressor. */
  public int classCount() {
    return classes;
  }

  /** LIBSVM's parameters the model was trained with (C, nu, epsilon; gamma is {@link #gamma()}). */
  public double c() {
    return libsvm.param.C;
  }

  public Kernel kernel() {
    return kernel;
  }

  /** The gamma of the rbf, poly and sigmoid kernels (the linear kernel has none: LIBSVM does not save it). */
  public double gamma() {
    return gamma;
  }

  public int supportVectorCount() {
    return supportVectorCount;
  }

  /** Support vectors per class, in class order (a regressor's: one count, all of them). */
  public int[] supportVectorsPerClass() {
    return count.clone();
  }

  /** Indices (0-based) of the support vectors among the rows the model was trained on; empty after loading. */
  public int[] supportIndices() {
    return libsvm.sv_indices == null ? new int[0] : Arrays.stream(libsvm.sv_indices).map(i -> i - 1).toArray();
  }

  /** LIBSVM's rho for each pair of classes (0,1), (0,2), ..., (1,2), ...: the negated intercepts (a regressor's: one). */
  public double[] rho() {
    return rho.clone();
  }

  public boolean hasProbability() {
    return libsvm.param.probability == 1;
  }

  /** Number of pairwise decision values: {@code k(k-1)/2}. */
  public int pairCount() {
    return classes * (classes - 1) / 2;
  }

  /**
   * Scratch space for {@link #predict(double[], Scratch)}, so that predicting many rows allocates
   * nothing per row. Not thread-safe: one per thread, made by {@link #scratch()} of the model it
   * is used with.
   */
  public static final class Scratch {
    final double[] kernelValues;
    final double[] decision;
    final int[] votes;

    private Scratch(int supportVectors, int pairs, int classes) {
      this.kernelValues = new double[supportVectors];
      this.decision = new double[pairs];
      this.votes = new int[classes];
    }

    /** The one-vs-one decision values of the row last predicted, pairs in the order of {@link #rho()}. */
    public double[] decision() {
      return decision;
    }
  }

  public Scratch scratch() {
    return new Scratch(supportVectorCount, Math.max(1, pairCount()), Math.max(1, classes));
  }

  /**
   * A regressor's prediction for one row: LIBSVM's {@code svm_predict_values}, the support
   * vectors' coefficients times their kernel values, minus rho.
   *
   * @throws IllegalStateException when the model is a classifier
   */
  public double predictValue(double[] x, Scratch scratch) {
    if (!type.isRegression()) {
      throw new IllegalStateException("a classifier predicts classes, not values");
    }
    kernelValues(x, scratch.kernelValues);
    double[] coef = coefficients[0];
    double sum = 0;
    for (int i = 0; i < supportVectorCount; i++) {
      sum += coef[i] * scratch.kernelValues[i];
    }
    sum -= rho[0];
    scratch.decision[0] = sum;
    return sum;
  }

  /**
   * The predicted class of one row, leaving its decision values in {@code scratch}: LIBSVM's
   * {@code svm_predict_values} and its one-vs-one vote, without allocating.
   */
  public int predict(double[] x, Scratch scratch) {
    if (type.isRegression()) {
      throw new IllegalStateException("a regressor predicts values, not classes");
    }
    kernelValues(x, scratch.kernelValues);
    return vote(scratch);
  }

  /** The decision values and the one-vs-one vote, from the kernel values in {@code scratch}. */
  int vote(Scratch scratch) {
    double[] kernelValues = scratch.kernelValues;
    double[] decision = scratch.decision;
    int[] votes = scratch.votes;
    Arrays.fill(votes, 0);
    int p = 0;
    for (int i = 0; i < classes; i++) {
      for (int j = i + 1; j < classes; j++) {
        double sum = 0;
        int si = start[i];
        int sj = start[j];
        double[] coef1 = coefficients[j - 1];
        double[] coef2 = coefficients[i];
        for (int k = 0; k < count[i]; k++) {
          sum += coef1[si + k] * kernelValues[si + k];
        }
        for (int k = 0; k < count[j]; k++) {
          sum += coef2[sj + k] * kernelValues[sj + k];
        }
        sum -= rho[p];
        decision[p] = sum;
        if (sum > 0) {
          votes[i]++;
        } else {
          votes[j]++;
        }
        p++;
      }
    }
    int best = 0;
    for (int i = 1; i < classes; i++) {
      if (votes[i] > votes[best]) {
        best = i;
      }
    }
    return best;
  }

  /** The predicted class of one row. */
  public int predict(double[] x) {
    return predict(x, scratch());
  }

  /** LIBSVM's one-vs-one decision values of one row, pairs in the order of {@link #rho()}. */
  public double[] decisionValues(double[] x) {
    Scratch scratch = scratch();
    predict(x, scratch);
    return scratch.decision;
  }

  /**
   * Class probabilities of one row by LIBSVM's pairwise coupling of Platt-scaled decision values.
   *
   * @throws IllegalStateException when the model was trained without probability estimates
   */
  public double[] probabilities(double[] x) {
    if (!hasProbability()) {
      throw new IllegalStateException("the model was trained without probability estimates");
    }
    double[] probabilities = new double[classes];
    svm.svm_predict_probability(libsvm, nodes(x), probabilities);
    return probabilities;
  }

  /** The kernel's {@code coef0} (poly and sigmoid). */
  public double coef0() {
    return coef0;
  }

  /** The poly kernel's degree. */
  public int degree() {
    return degree;
  }

  /** The support vectors one after the other, {@link #featureCount()} values each: a copy, for export. */
  public double[] supportVectorsByRow() {
    double[] rows = new double[supportVectorCount * features];
    for (int f = 0; f < features; f++) {
      for (int i = 0; i < supportVectorCount; i++) {
        rows[i * features + f] = supportVectors[f * supportVectorCount + i];
      }
    }
    return rows;
  }

  /**
   * LIBSVM's dual coefficients ({@code sv_coef}): {@code classCount() - 1} rows of one value per
   * support vector, laid out as LIBSVM's one-vs-one decision values read them. A copy, for export.
   */
  public double[][] dualCoefficients() {
    double[][] copy = new double[coefficients.length][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = coefficients[i].clone();
    }
    return copy;
  }

  /** LIBSVM's Platt scaling slopes per pair of classes (order of {@link #rho()}); empty without probabilities. */
  public double[] probabilityA() {
    return hasProbability() ? libsvm.probA.clone() : new double[0];
  }

  /** LIBSVM's Platt scaling intercepts per pair of classes (order of {@link #rho()}); empty without probabilities. */
  public double[] probabilityB() {
    return hasProbability() ? libsvm.probB.clone() : new double[0];
  }

  /** The support vectors, feature-major, for benchmarks of other layouts; not to be changed. */
  double[] featureMajorSupportVectors() {
    return supportVectors;
  }

  /** LIBSVM's model, for tests and benchmarks that hold the dense path to LIBSVM's own. */
  svm_model libsvm() {
    return libsvm;
  }

  /** LIBSVM's own prediction path, for tests that hold the dense one to it. */
  double[] libsvmDecisionValues(double[] x) {
    double[] decision = new double[pairCount()];
    svm.svm_predict_values(libsvm, nodes(x), decision);
    return decision;
  }

  /** LIBSVM's own prediction, for tests that hold the dense path to it. */
  int libsvmPredict(double[] x) {
    return (int) svm.svm_predict(libsvm, nodes(x));
  }

  static svm_node[] nodes(double[] x) {
    svm_node[] nodes = new svm_node[x.length];
    for (int i = 0; i < x.length; i++) {
      nodes[i] = new svm_node();
      nodes[i].index = i + 1;
      nodes[i].value = x[i];
    }
    return nodes;
  }

  /**
   * LIBSVM's {@code k_function} of {@code x} with every support vector. The loops run feature by
   * feature over all support vectors, so each vector's sum adds its features in LIBSVM's order
   * (bit-identical results) while consecutive iterations are independent (SIMD-friendly).
   */
  private void kernelValues(double[] x, double[] values) {
    int l = supportVectorCount;
    double[] sv = supportVectors;
    Arrays.fill(values, 0, l, 0.0);
    if (kernel == Kernel.RBF) {
      for (int f = 0, base = 0; f < features; f++, base += l) {
        double xf = x[f];
        for (int i = 0; i < l; i++) {
          double d = xf - sv[base + i];
          values[i] += d * d;
        }
      }
      for (int i = 0; i < l; i++) {
        values[i] = Math.exp(-gamma * values[i]);
      }
      return;
    }
    for (int f = 0, base = 0; f < features; f++, base += l) {
      double xf = x[f];
      for (int i = 0; i < l; i++) {
        values[i] += xf * sv[base + i];
      }
    }
    switch (kernel) {
      case LINEAR -> { }
      case POLY -> {
        for (int i = 0; i < l; i++) {
          values[i] = powi(gamma * values[i] + coef0, degree);
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < l; i++) {
          values[i] = Math.tanh(gamma * values[i] + coef0);
        }
      }
      default -> throw new AssertionError(kernel);
    }
  }

  /** LIBSVM's integer power by squaring (not {@link Math#pow}, whose rounding differs). */
  private static double powi(double base, int times) {
    double tmp = base;
    double ret = 1.0;
    for (int t = times; t > 0; t /= 2) {
      if (t % 2 == 1) {
        ret *= tmp;
      }
      tmp = tmp * tmp;
    }
    return ret;
  }
}
