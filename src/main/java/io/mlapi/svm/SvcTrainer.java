package io.mlapi.svm;

import io.mlapi.data.ClassCounts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import libsvm.svm;
import libsvm.svm_model;
import libsvm.svm_node;
import libsvm.svm_parameter;
import libsvm.svm_problem;

/**
 * Fits scikit-learn's {@code SVC}, {@code NuSVC}, {@code SVR} and {@code NuSVR} with LIBSVM
 * exactly as scikit-learn's {@code fit} does, so that both find the same support vectors,
 * coefficients and intercepts.
 *
 * <p>Where upstream LIBSVM and scikit-learn's copy differ, this makes them agree: gamma='scale' is
 * computed with numpy's summation ({@link NumpyVariance}); scikit-learn's LIBSVM groups classes in
 * sorted order where upstream takes them in order of first appearance, so rows are handed to
 * LIBSVM stably sorted by class, which makes the two orders one; {@code class_weight='balanced'}
 * multiplies each class's C by {@code n / (k * n_class)} computed as scikit-learn does. One
 * difference remains: upstream stops at an iteration cap that scikit-learn's copy does not have;
 * that is reported as a warning.
 *
 * <p>Safe to use from several threads at once. LIBSVM keeps two things in static fields: its log
 * sink (set here to {@link SolverLog}, which keeps each thread's log apart) and the random
 * generator of probability fitting, which only training with probabilities touches and which is
 * seeded and used under one lock.
 */
public final class SvcTrainer {
  /** Guards LIBSVM's static random generator: only training with probabilities uses it. */
  private static final Object PROBABILITY_RANDOM = new Object();

  /** What upstream LIBSVM prints when it stops at its hard-coded iteration cap (scikit-learn's copy has none). */
  private static final String ITERATION_CAP = "reaching max number of iterations";

  private final SvcParameters parameters;

  public SvcTrainer(SvcParameters parameters) {
    this.parameters = parameters;
  }

  /**
   * Trains a classifier ({@code SVC} or {@code NuSVC}) on {@code rows} labelled {@code targets}.
   *
   * @param rows the training rows, each with the same number of finite features
   * @param targets each row's class, in {@code 0..classCount-1}; every class must occur
   * @param classCount the number of classes, 2 or more
   */
  public Fit train(double[][] rows, int[] targets, int classCount) {
    if (parameters.type().isRegression()) {
      throw new IllegalArgumentException(parameters.type().label() + " is a regressor; train it on numbers");
    }
    int[] perClass = ClassCounts.of(rows, targets, classCount);
    svm_parameter param = libsvmParameters(rows);
    if (parameters.balanced()) {
      param.nr_weight = classCount;
      param.weight_label = java.util.stream.IntStream.range(0, classCount).toArray();
      param.weight = ClassCounts.balancedWeights(perClass, rows.length);
    }
    Integer[] order = new Integer[rows.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Integer.compare(targets[a], targets[b])); // stable: keeps row order within a class
    double[] y = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      y[i] = targets[order[i]];
    }
    return fit(rows, order, y, param);
  }

  /**
   * Trains a regressor ({@code SVR} or {@code NuSVR}) on {@code rows} with target values {@code y}.
   *
   * @param rows the training rows, each with the same number of finite features
   * @param y each row's finite target value
   */
  public Fit trainRegression(double[][] rows, double[] y) {
    if (!parameters.type().isRegression()) {
      throw new IllegalArgumentException(parameters.type().label() + " is a classifier; train it on classes");
    }
    if (rows.length == 0 || rows.length != y.length) {
      throw new IllegalArgumentException("need one target value per row and at least one row, got "
          + rows.length + " rows and " + y.length + " values");
    }
    for (int i = 0; i < y.length; i++) {
      if (!Double.isFinite(y[i])) {
        throw new IllegalArgumentException("the target of row " + i + " is " + y[i] + ", not a finite number");
      }
    }
    Integer[] order = new Integer[rows.length];
    Arrays.setAll(order, i -> i);
    return fit(rows, order, y.clone(), libsvmParameters(rows));
  }

  private svm_parameter libsvmParameters(double[][] rows) {
    svm_parameter param = new svm_parameter();
    param.svm_type = parameters.type().libsvmCode;
    param.kernel_type = parameters.kernel().libsvmCode;
    param.degree = parameters.degree();
    param.gamma = parameters.gamma().resolve(rows); // on the rows in their given order, as numpy sees them
    param.coef0 = parameters.coef0();
    param.cache_size = parameters.cacheSizeMb();
    param.eps = parameters.tol();
    param.C = parameters.c();
    param.nr_weight = 0;
    param.weight_label = new int[0];
    param.weight = new double[0];
    param.nu = parameters.nu();
    param.p = parameters.epsilon();
    param.shrinking = parameters.shrinking() ? 1 : 0;
    param.probability = parameters.probability() ? 1 : 0;
    return param;
  }

  /** @param order row {@code i} of LIBSVM's problem is {@code rows[order[i]]}, with target {@code y[i]} */
  private Fit fit(double[][] rows, Integer[] order, double[] y, svm_parameter param) {
    int features = rows[0].length;
    svm_problem problem = new svm_problem();
    problem.l = rows.length;
    problem.x = new svm_node[rows.length][];
    problem.y = y;
    for (int i = 0; i < rows.length; i++) {
      double[] row = rows[order[i]];
      if (row.length != features) {
        throw new IllegalArgumentException("row " + order[i] + " has " + row.length + " features, not " + features);
      }
      problem.x[i] = SvcModel.nodes(row);
    }
    String invalid = svm.svm_check_parameter(problem, param);
    if (invalid != null) {
      throw new ParametersRejectedException("LIBSVM rejects the parameters: " + invalid);
    }
    svm_model model;
    String log;
    svm.svm_set_print_string_function(SolverLog.SINK); // LIBSVM would print its solver trace to stdout
    SolverLog.start();
    try {
      if (param.probability == 1) {
        synchronized (PROBABILITY_RANDOM) {
          svm.rand.setSeed(parameters.seed());
          model = svm.svm_train(problem, param);
        }
      } else {
        model = svm.svm_train(problem, param);
      }
    } finally {
      log = SolverLog.finish();
    }
    List<String> warnings = new ArrayList<>();
    if (log.contains(ITERATION_CAP)) {
      warnings.add("LIBSVM stopped at its iteration cap (10,000,000 or 100 x rows) before converging, where "
          + "scikit-learn would go on: predictions usually agree, decision values may differ slightly. "
          + "Scaling the features (--scale standard) usually makes the solver converge.");
    }
    if (model.sv_indices != null) { // back to the caller's row numbers (LIBSVM's are 1-based)
      for (int i = 0; i < model.sv_indices.length; i++) {
        model.sv_indices[i] = order[model.sv_indices[i] - 1] + 1;
      }
    }
    return new Fit(SvcModel.of(model, features), List.copyOf(warnings));
  }

  /**
   * A trained model and what the solver warned of while training it.
   *
   * @param warnings sentences for people, e.g. that the solver did not converge; empty when all went well
   */
  public record Fit(SvcModel model, List<String> warnings) {}
}
