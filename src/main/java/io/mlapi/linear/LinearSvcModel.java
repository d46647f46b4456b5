package io.mlapi.linear;

import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.SolverType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;

/**
 * A trained {@code LinearSVC}: LIBLINEAR's model, and its weights in scikit-learn's layout
 * ({@code coef_}, {@code intercept_}): one row for two classes (positive favours the second
 * class), else one row per class. Decisions are {@code x . coef_[k] + intercept_[k]}; the class is
 * the second one when the single decision is positive, else the first of the largest decisions.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class LinearSvcModel {
  private final Model liblinear;
  private final int features;
  private final int classes;
  private final double[][] coef;
  private final double[] intercept;

  private LinearSvcModel(Model liblinear, int features, double[][] coef, double[] intercept) {
    this.liblinear = liblinear;
    this.features = features;
    this.classes = liblinear.getNrClass();
    this.coef = coef;
    this.intercept = intercept;
  }

  /**
   * Wraps a model LIBLINEAR trained or loaded, after checking it is one mlapi can serve.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static LinearSvcModel of(Model model, int features) {
    SolverType solver = model.getSolverType();
    if (solver != SolverType.L2R_L2LOSS_SVC_DUAL && solver != SolverType.L2R_L1LOSS_SVC_DUAL
        && solver != SolverType.MCSVM_CS && solver != SolverType.L2R_L2LOSS_SVC) {
      throw new IllegalArgumentException("LIBLINEAR solver " + solver + " is not a LinearSVC");
    }
    int k = model.getNrClass();
    int[] labels = model.getLabels();
    if (k < 2 || labels == null || labels.length != k) {
      throw new IllegalArgumentException("the model has " + k + " classes; a classifier needs two or more");
    }
    for (int i = 0; i < k; i++) {
      if (labels[i] != i) {
        throw new IllegalArgumentException("class labels must be 0.." + (k - 1) + " in order, got "
            + Arrays.toString(labels));
      }
    }
    if (model.getNrFeature() != features) {
      throw new IllegalArgumentException("the model has " + model.getNrFeature() + " features, not " + features);
    }
    if (model.getBias() != 1.0) {
      throw new IllegalArgumentException("the model's bias feature is " + model.getBias() + ", not 1 (intercept_scaling)");
    }
    double[][] perClass = new double[k][features];
    double[] biasPerClass = new double[k];
    for (int c = 0; c < k; c++) {
      for (int f = 0; f < features; f++) {
        perClass[c][f] = model.getDecfunCoef(f + 1, c);
      }
      biasPerClass[c] = model.getDecfunBias(c);
    }
    for (int c = 0; c < k; c++) {
      for (int f = 0; f < features; f++) {
        if (!Double.isFinite(perClass[c][f])) {
          throw new IllegalArgumentException("weight " + f + " of class " + c + " is " + perClass[c][f]);
        }
      }
    }
    if (k > 2) {
      return new LinearSvcModel(model, features, perClass, biasPerClass);
    }
    if (solver == SolverType.MCSVM_CS) { // scikit-learn: coef_[1] - coef_[0] for two classes
      double[] row = new double[features];
      for (int f = 0; f < features; f++) {
        row[f] = perClass[1][f] - perClass[0][f];
      }
      return new LinearSvcModel(model, features, new double[][] {row}, new double[] {biasPerClass[1] - biasPerClass[0]});
    }
    // LIBLINEAR's single weight vector favours its first label; scikit-learn's favours the second
    return new LinearSvcModel(model, features, new double[][] {perClass[1]}, new double[] {biasPerClass[1]});
  }

  /** Reads LIBLINEAR's text model format. */
  public static LinearSvcModel read(BufferedReader in, int features) throws IOException {
    Model model;
    try {
      model = Linear.loadModel(in);
    } catch (RuntimeException e) { // LIBLINEAR's parser throws whatever its string handling hits
      throw new IllegalArgumentException("not a valid LIBLINEAR model: " + e.getMessage(), e);
    }
    return of(model, features);
  }

  /** Writes LIBLINEAR's text model format (every number with 17 digits, so it reads back exactly). */
  public void write(Writer out) throws IOException {
    Linear.saveModel(out, liblinear);
  }

  public int featureCount() {
    return features;
  }

  public int classCount() {
    return classes;
  }

  /** scikit-learn's {@code coef_}: {@code [1][features]} for two classes, else {@code [classes][features]}. */
  public double[][] coef() {
    double[][] copy = new double[coef.length][];
    for (int i = 0; i < coef.length; i++) {
      copy[i] = coef[i].clone();
    }
    return copy;
  }

  /** scikit-learn's {@code intercept_}. */
  public double[] intercept() {
    return intercept.clone();
  }

  /** {@code decision_function([x])[0]}: one value for two classes, else one per class. */
  public double[] decisionFunction(double[] x) {
    return decisionFunction(x, new double[coef.length]);
  }

  /**
   * {@link #decisionFunction(double[])} into {@code scores} (of {@link #decisionColumns()} values),
   * so that predicting many rows need not allocate per row.
   */
  public double[] decisionFunction(double[] x, double[] scores) {
    for (int k = 0; k < coef.length; k++) {
      double sum = 0;
      double[] w = coef[k];
      for (int f = 0; f < features; f++) {
        sum += x[f] * w[f];
      }
      scores[k] = sum + intercept[k];
    }
    return scores;
  }

  /** How many values {@link #decisionFunction} gives: one for two classes, else one per class. */
  public int decisionColumns() {
    return coef.length;
  }

  /** The predicted class of one row. */
  public int predict(double[] x) {
    return classOf(decisionFunction(x));
  }

  /** The class {@code decision} (from {@link #decisionFunction}) predicts. */
  public int classOf(double[] decision) {
    if (decision.length == 1) {
      return decision[0] > 0 ? 1 : 0;
    }
    int best = 0;
    for (int k = 1; k < decision.length; k++) {
      if (decision[k] > decision[best]) {
        best = k;
      }
    }
    return best;
  }
}
