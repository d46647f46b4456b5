package io.mlapi.linear;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import io.mlapi.data.ClassCounts;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fits scikit-learn's {@code LinearSVC} as scikit-learn's copy of LIBLINEAR does: rows made sparse
 * (zeros left out) with the intercept as an extra feature of value {@code intercept_scaling} (1),
 * classes in sorted order, one-vs-rest with the class as +1 (for two classes one problem, the
 * second class as +1), {@code class_weight='balanced'} as scikit-learn computes it, and the
 * coordinate order drawn from scikit-learn's random stream ({@link ScikitLearnRandom}).
 *
 * <p>One-vs-rest (the default) runs {@link DualCoordinateDescent}, a faithful port of scikit-learn's
 * solver, and matches scikit-learn bit for bit. Crammer-Singer runs LIBLINEAR Java's own solver,
 * given scikit-learn's coordinate order: its Crammer-Singer solver is the same algorithm as
 * scikit-learn's (100,000 iterations at most, as there), and the parity tests find the same
 * weights bit for bit. Either way the model is a LIBLINEAR model, saved in LIBLINEAR's text format
 * and read back by LIBLINEAR Java.
 *
 * <p>Safe to use from several threads at once: each training has its own random stream, and
 * LIBLINEAR Java's only static state, its debug output, is switched off.
 */
public final class LinearSvcTrainer {
  private final LinearSvcParameters parameters;

  public LinearSvcTrainer(LinearSvcParameters parameters) {
    this.parameters = parameters;
  }

  /**
   * A trained model and what the solver warned of.
   *
   * @param warnings sentences for people (the solver stopped at {@code max_iter}); empty when all went well
   */
  public record Fit(LinearSvcModel model, List<String> warnings) {}

  /**
   * @param rows the training rows, each with the same number of finite features
   * @param targets each row's class in {@code 0..classCount-1}; every class must occur
   * @param classCount 2 or more
   */
  public Fit train(double[][] rows, int[] targets, int classCount) {
    int[] perClass = ClassCounts.of(rows, targets, classCount);
    int features = rows[0].length;
    Integer[] order = new Integer[rows.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Integer.compare(targets[a], targets[b])); // group_classes: sorted, stable
    int[][] indices = new int[rows.length][];
    double[][] values = new double[rows.length][];
    int[] sortedTargets = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      double[] row = rows[order[i]];
      if (row.length != features) {
        throw new IllegalArgumentException("row " + order[i] + " has " + row.length + " features, not " + features);
      }
      sparse(row, i, indices, values);
      sortedTargets[i] = targets[order[i]];
    }
    double[] classWeights = ClassCounts.balancedWeights(perClass, rows.length);
    double[] weightedC = new double[classCount];
    for (int c = 0; c < classCount; c++) {
      weightedC[c] = parameters.balanced() ? parameters.c() * classWeights[c] : parameters.c();
    }
    ScikitLearnRandom random = new ScikitLearnRandom(parameters.seed());
    if (LinearSvcParameters.CRAMMER_SINGER.equals(parameters.multiClass())) {
      return crammerSinger(indices, values, sortedTargets, features, parameters.balanced() ? classWeights : null,
          random);
    }
    DualCoordinateDescent.SparseRows x = new DualCoordinateDescent.SparseRows(indices, values, features + 1);
    boolean hinge = LinearSvcParameters.HINGE.equals(parameters.loss());
    int problems = classCount == 2 ? 1 : classCount;
    double[][] weights = new double[problems][features + 1];
    int iterations = 0;
    for (int p = 0; p < problems; p++) {
      int positive = classCount == 2 ? 1 : p;
      byte[] y = new byte[rows.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = (byte) (sortedTargets[i] == positive ? 1 : -1);
      }
      double cn = classCount == 2 ? weightedC[0] : parameters.c();
      iterations = Math.max(iterations, DualCoordinateDescent.solve(x, y, parameters.tol(), weightedC[positive], cn,
          hinge, parameters.maxIter(), random, weights[p]));
    }
    List<String> warnings = iterations >= parameters.maxIter()
        ? List.of("LIBLINEAR stopped at max_iter (" + parameters.maxIter() + " iterations) before converging, as "
            + "scikit-learn's LinearSVC does (it warns \"Liblinear failed to converge\"): scale the features "
            + "(--scale standard) or raise --max-iter")
        : List.of();
    return new Fit(LinearSvcModel.of(load(modelText(weights, classCount, features, hinge)), features), warnings);
  }

  /** LIBLINEAR's text model of one-vs-rest weights (a binary model keeps LIBLINEAR's sign: positive favours label 0). */
  private static String modelText(double[][] weights, int classCount, int features, boolean hinge) {
    StringBuilder text = new StringBuilder();
    text.append("solver_type ").append(hinge ? SolverType.L2R_L1LOSS_SVC_DUAL : SolverType.L2R_L2LOSS_SVC_DUAL)
        .append("\nnr_class ").append(classCount).append("\nlabel");
    for (int c = 0; c < classCount; c++) {
      text.append(' ').append(c);
    }
    text.append("\nnr_feature ").append(features).append("\nbias 1.0\nw\n");
    for (int f = 0; f <= features; f++) {
      for (double[] w : weights) {
        text.append(classCount == 2 ? -w[f] : w[f]).append(' ');
      }
      text.append('\n');
    }
    return text.toString();
  }

  private static de.bwaldvogel.liblinear.Model load(String text) {
    try {
      return Linear.loadModel(new StringReader(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @param classWeights each class's weight, or {@code null} for none */
  private Fit crammerSinger(int[][] indices, double[][] values, int[] targets, int features, double[] classWeights,
      ScikitLearnRandom random) {
    Problem problem = new Problem();
    problem.l = targets.length;
    problem.n = features + 1;
    problem.bias = 1.0;
    problem.x = new Feature[targets.length][];
    problem.y = new double[targets.length];
    for (int i = 0; i < targets.length; i++) {
      Feature[] nodes = new Feature[indices[i].length];
      for (int k = 0; k < nodes.length; k++) {
        nodes[k] = new FeatureNode(indices[i][k] + 1, values[i][k]);
      }
      problem.x[i] = nodes;
      problem.y[i] = targets[i];
    }
    Parameter param = new Parameter(SolverType.MCSVM_CS, parameters.c(), parameters.tol(), parameters.maxIter(), 0.1);
    if (classWeights != null) {
      param.setWeights(classWeights, java.util.stream.IntStream.range(0, classWeights.length).toArray());
    }
    param.setRandom(random);
    Linear.disableDebugOutput(); // LIBLINEAR prints its solver trace to stdout otherwise
    return new Fit(LinearSvcModel.of(Linear.train(problem, param), features), List.of());
  }

  /** Row {@code i} as LIBLINEAR takes it from scikit-learn: zeros left out, then the bias feature of value 1. */
  private static void sparse(double[] row, int i, int[][] indices, double[][] values) {
    List<Integer> at = new ArrayList<>(row.length + 1);
    for (int f = 0; f < row.length; f++) {
      if (row[f] != 0) {
        at.add(f);
      }
    }
    at.add(row.length);
    indices[i] = at.stream().mapToInt(Integer::intValue).toArray();
    values[i] = new double[indices[i].length];
    for (int k = 0; k < indices[i].length; k++) {
      values[i][k] = indices[i][k] == row.length ? 1.0 : row[indices[i][k]];
    }
  }
}
