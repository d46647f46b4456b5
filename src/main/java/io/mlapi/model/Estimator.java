package io.mlapi.model;

import io.mlapi.linear.LinearSvcModel;
import io.mlapi.svm.SvcModel;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fitted estimator inside a {@link TrainedModel}, LIBSVM's or LIBLINEAR's, seen the same way:
 * rows (already scaled) in, classes or values and scikit-learn's decision function out. Immutable
 * and safe to share between threads.
 */
sealed interface Estimator {
  /** The file of the model directory the estimator is saved to. */
  String file();

  boolean isRegression();

  /** A classifier's number of classes; 0 for a regressor. */
  int classCount();

  int featureCount();

  boolean hasProbability();

  /** Support vectors per class (one count for a regressor); empty for a linear model. */
  int[] supportVectors();

  /**
   * Roughly the work of predicting one row, in multiply-adds: what {@link TrainedModel#isQuick}
   * weighs. Measured against JMH's {@code PredictBenchmark}: about 0.3 ns each.
   */
  long operationsPerRow();

  /** Predicts {@code rows}; probabilities and decision values only when asked for. */
  Prediction predict(double[][] rows, boolean probabilities, boolean decisionFunction);

  void write(Path file) throws IOException;

  /** scikit-learn's {@code decision_function} columns: one for two classes, else one per class. */
  default int decisionColumns() {
    return classCount() == 2 ? 1 : classCount();
  }

  /** A LIBSVM model: SVC, NuSVC, SVR or NuSVR. */
  record Libsvm(SvcModel svm) implements Estimator {
    @Override
    public String file() {
      return ModelFiles.LIBSVM;
    }

    @Override
    public boolean isRegression() {
      return svm.isRegression();
    }

    @Override
    public int classCount() {
      return svm.classCount();
    }

    @Override
    public int featureCount() {
      return svm.featureCount();
    }

    @Override
    public boolean hasProbability() {
      return svm.hasProbability();
    }

    @Override
    public int[] supportVectors() {
      return svm.supportVectorsPerClass();
    }

    /**
     * Per support vector, a multiply-add per feature and an exponential (or tanh, or power) that
     * costs about twenty; four times that with probabilities, which go through LIBSVM's own path.
     */
    @Override
    public long operationsPerRow() {
      long kernel = (long) svm.supportVectorCount() * (svm.featureCount() + 20);
      return svm.hasProbability() ? 4 * kernel : kernel;
    }

    @Override
    public Prediction predict(double[][] rows, boolean probabilities, boolean decisionFunction) {
      SvcModel.Scratch scratch = svm.scratch();
      if (svm.isRegression()) {
        double[] values = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
          values[r] = svm.predictValue(rows[r], scratch);
        }
        return new Prediction(null, values, null, null);
      }
      int[] classes = new int[rows.length];
      double[][] probability = probabilities ? new double[rows.length][] : null;
      double[][] decision = decisionFunction ? new double[rows.length][] : null;
      for (int r = 0; r < rows.length; r++) {
        classes[r] = svm.predict(rows[r], scratch);
        if (decisionFunction) {
          decision[r] = TrainedModel.scikitLearnDecision(scratch.decision(), svm.classCount());
        }
        if (probabilities) {
          probability[r] = svm.probabilities(rows[r]);
        }
      }
      return new Prediction(classes, null, probability, decision);
    }

    @Override
    public void write(Path file) throws IOException {
      svm.write(file);
    }
  }

  /** A LIBLINEAR model: LinearSVC. */
  record Liblinear(LinearSvcModel linear) implements Estimator {
    @Override
    public String file() {
      return ModelFiles.LIBLINEAR;
    }

    @Override
    public boolean isRegression() {
      return false;
    }

    @Override
    public int classCount() {
      return linear.classCount();
    }

    @Override
    public int featureCount() {
      return linear.featureCount();
    }

    @Override
    public boolean hasProbability() {
      return false;
    }

    @Override
    public int[] supportVectors() {
      return new int[0];
    }

    /** A multiply-add per feature and class. */
    @Override
    public long operationsPerRow() {
      return (long) linear.featureCount() * Math.max(1, linear.classCount());
    }

    @Override
    public Prediction predict(double[][] rows, boolean probabilities, boolean decisionFunction) {
      if (probabilities) {
        throw new IllegalStateException("LinearSVC gives no probabilities");
      }
      int[] classes = new int[rows.length];
      double[][] decision = decisionFunction ? new double[rows.length][] : null;
      double[] scratch = new double[linear.decisionColumns()];
      for (int r = 0; r < rows.length; r++) {
        double[] scores = linear.decisionFunction(rows[r], decisionFunction ? new double[scratch.length] : scratch);
        classes[r] = linear.classOf(scores);
        if (decisionFunction) {
          decision[r] = scores;
        }
      }
      return new Prediction(classes, null, null, decision);
    }

    @Override
    public void write(Path file) throws IOException {
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        linear.write(out);
      }
    }
  }
}
