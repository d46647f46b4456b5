package io.mlapi.model;

import io.mlapi.svm.SvcModel;
import java.util.List;

/**
 * A trained classifier ready to serve: its card ({@code model.json}), its LIBSVM model, and the
 * held-out test rows it was measured on. The test accuracy is computed once, here, when a model
 * is trained or loaded; {@link #score()} never predicts.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class Model {
  private final ModelCard card;
  private final SvcModel svm;
  private final double[][] testRows;
  private final int[] testLabels;
  private final double score;

  /**
   * @param testLabels per test row, the index of its true class in {@code card.metrics().labels()}
   */
  Model(ModelCard card, SvcModel svm, double[][] testRows, int[] testLabels) {
    this.card = card;
    this.svm = svm;
    this.testRows = testRows;
    this.testLabels = testLabels;
    this.score = accuracy(confusionMatrix(svm, card.classes(), card.metrics().labels(), testRows, testLabels));
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
   * {@code [true label][predicted label]} counts over {@code rows}, labels indexing {@code labels},
   * which hold every class of {@code classes} (the model's) and perhaps more.
   */
  static int[][] confusionMatrix(SvcModel svm, List<String> classes, List<String> labels, double[][] rows,
      int[] truth) {
    int[] labelOf = classes.stream().mapToInt(labels::indexOf).toArray();
    int[][] matrix = new int[labels.size()][labels.size()];
    SvcModel.Scratch scratch = svm.scratch();
    for (int i = 0; i < rows.length; i++) {
      matrix[truth[i]][labelOf[svm.predict(rows[i], scratch)]]++;
    }
    return matrix;
  }

  public ModelCard card() {
    return card;
  }

  public String name() {
    return card.name();
  }

  public int version() {
    return card.version();
  }

  public List<String> classes() {
    return card.classes();
  }

  public List<String> featureNames() {
    return card.featureNames();
  }

  public int featureCount() {
    return svm.featureCount();
  }

  public boolean hasProbabilities() {
    return svm.hasProbability();
  }

  /** Accuracy on the model's held-out test rows: the tutorial's {@code /score}. */
  public double score() {
    return score;
  }

  SvcModel svm() {
    return svm;
  }

  double[][] testRows() {
    return testRows;
  }

  int[] testLabels() {
    return testLabels;
  }

  /**
   * Predicts {@code rows}, each with {@link #featureCount()} finite values (the caller checks).
   *
   * @throws IllegalStateException when probabilities are asked of a model trained without them
   */
  public Prediction predict(double[][] rows, boolean probabilities, boolean decisionFunction) {
    int[] classes = new int[rows.length];
    double[][] probability = probabilities ? new double[rows.length][] : null;
    double[][] decision = decisionFunction ? new double[rows.length][] : null;
    SvcModel.Scratch scratch = svm.scratch();
    for (int r = 0; r < rows.length; r++) {
      classes[r] = svm.predict(rows[r], scratch);
      if (decisionFunction) {
        decision[r] = scikitLearnDecision(scratch.decision(), svm.classCount());
      }
      if (probabilities) {
        probability[r] = svm.probabilities(rows[r]);
      }
    }
    return new Prediction(classes, probability, decision);
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
