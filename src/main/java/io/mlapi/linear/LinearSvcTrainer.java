package io.mlapi.linear;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fits scikit-learn's {@code LinearSVC} with LIBLINEAR Java, the port of the library scikit-learn
 * wraps: the same solver (dual coordinate descent for the squared hinge or hinge loss, or
 * Crammer-Singer), the intercept as an extra feature of value 1, classes in sorted order (rows are
 * handed over stably sorted by class, as for LIBSVM), {@code class_weight='balanced'} as
 * scikit-learn computes it, and the coordinate order drawn from scikit-learn's random stream
 * ({@link ScikitLearnRandom}).
 *
 * <p>What still differs from scikit-learn's copy of LIBLINEAR (which is older): LIBLINEAR 2.44's
 * dual solver stops only when the projected gradients are also small on their own, adds a row's
 * squared norm to its diagonal in another order, and after 300 iterations hands over to a primal
 * Newton solver where scikit-learn goes on to {@code max_iter}. So coefficients agree closely
 * (the parity tests measure how closely) rather than bit for bit.
 *
 * <p>Safe to use from several threads at once: each training has its own random stream, and
 * LIBLINEAR's only static state, its debug output, is switched off.
 */
public final class LinearSvcTrainer {
  private final LinearSvcParameters parameters;

  public LinearSvcTrainer(LinearSvcParameters parameters) {
    this.parameters = parameters;
  }

  /**
   * @param rows the training rows, each with the same number of finite features
   * @param targets each row's class in {@code 0..classCount-1}; every class must occur
   * @param classCount 2 or more
   */
  public LinearSvcModel train(double[][] rows, int[] targets, int classCount) {
    if (rows.length == 0 || rows.length != targets.length) {
      throw new IllegalArgumentException("need one class per row and at least one row, got "
          + rows.length + " rows and " + targets.length + " classes");
    }
    if (classCount < 2) {
      throw new IllegalArgumentException("need two or more classes to train a classifier, got " + classCount);
    }
    int[] perClass = new int[classCount];
    for (int target : targets) {
      if (target < 0 || target >= classCount) {
        throw new IllegalArgumentException("class " + target + " is not in 0.." + (classCount - 1));
      }
      perClass[target]++;
    }
    for (int c = 0; c < classCount; c++) {
      if (perClass[c] == 0) {
        throw new IllegalArgumentException("class " + c + " has no training rows");
      }
    }
    int features = rows[0].length;
    Integer[] order = new Integer[rows.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Integer.compare(targets[a], targets[b])); // stable: classes in sorted order
    Problem problem = new Problem();
    problem.l = rows.length;
    problem.n = features + 1;
    problem.bias = 1.0; // intercept_scaling
    problem.x = new Feature[rows.length][];
    problem.y = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      double[] row = rows[order[i]];
      if (row.length != features) {
        throw new IllegalArgumentException("row " + order[i] + " has " + row.length + " features, not " + features);
      }
      problem.x[i] = nodes(row, problem.bias);
      problem.y[i] = targets[order[i]];
    }
    boolean crammerSinger = LinearSvcParameters.CRAMMER_SINGER.equals(parameters.multiClass());
    SolverType solver = crammerSinger ? SolverType.MCSVM_CS
        : LinearSvcParameters.HINGE.equals(parameters.loss()) ? SolverType.L2R_L1LOSS_SVC_DUAL
        : SolverType.L2R_L2LOSS_SVC_DUAL;
    Parameter param = new Parameter(solver, parameters.c(), parameters.tol(), parameters.maxIter(), 0.1);
    if (parameters.balanced()) {
      double[] weights = new double[classCount];
      int[] labels = new int[classCount];
      for (int c = 0; c < classCount; c++) {
        labels[c] = c;
        weights[c] = rows.length / (classCount * (double) perClass[c]);
      }
      param.setWeights(weights, labels);
    }
    param.setRandom(new ScikitLearnRandom(parameters.seed()));
    Linear.disableDebugOutput(); // LIBLINEAR prints its solver trace to stdout otherwise
    return LinearSvcModel.of(Linear.train(problem, param), features);
  }

  /** LIBLINEAR's sparse row, as scikit-learn makes it of a dense one: zeros left out, the bias feature last. */
  static Feature[] nodes(double[] row, double bias) {
    List<Feature> nodes = new ArrayList<>(row.length + 1);
    for (int f = 0; f < row.length; f++) {
      if (row[f] != 0) {
        nodes.add(new FeatureNode(f + 1, row[f]));
      }
    }
    if (bias > 0) {
      nodes.add(new FeatureNode(row.length + 1, bias));
    }
    return nodes.toArray(Feature[]::new);
  }
}
