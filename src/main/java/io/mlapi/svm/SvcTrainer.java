package io.mlapi.svm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import libsvm.svm;
import libsvm.svm_model;
import libsvm.svm_node;
import libsvm.svm_parameter;
import libsvm.svm_problem;

/**
 * Fits a C-SVC with LIBSVM exactly as scikit-learn's {@code SVC.fit} does, so that both find the
 * same support vectors, coefficients and intercepts.
 *
 * <p>Two things differ between upstream LIBSVM and scikit-learn's copy, and both are made to
 * agree here: gamma='scale' is computed with numpy's summation ({@link NumpyVariance}), and
 * scikit-learn's LIBSVM groups classes in sorted order where upstream takes them in order of first
 * appearance: rows are handed to LIBSVM stably sorted by class, which makes the two orders one.
 */
public final class SvcTrainer {
  /** LIBSVM keeps its random generator and log sink in static fields: one training at a time. */
  private static final Object LIBSVM_STATE = new Object();

  /** What upstream LIBSVM prints when it stops at its hard-coded iteration cap (scikit-learn's copy has none). */
  private static final String ITERATION_CAP = "reaching max number of iterations";

  private final SvcParameters parameters;

  public SvcTrainer(SvcParameters parameters) {
    this.parameters = parameters;
  }

  /**
   * Trains on {@code rows} labelled {@code classes}.
   *
   * @param rows the training rows, each with the same number of finite features
   * @param targets each row's class, in {@code 0..classCount-1}; every class must occur
   * @param classCount the number of classes, 2 or more
   */
  public Fit train(double[][] rows, int[] targets, int classCount) {
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

    svm_parameter param = new svm_parameter();
    param.svm_type = svm_parameter.C_SVC;
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
    param.nu = 0.5;
    param.p = 0.1;
    param.shrinking = parameters.shrinking() ? 1 : 0;
    param.probability = parameters.probability() ? 1 : 0;

    Integer[] order = new Integer[rows.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Integer.compare(targets[a], targets[b])); // stable: keeps row order within a class
    svm_problem problem = new svm_problem();
    problem.l = rows.length;
    problem.x = new svm_node[rows.length][];
    problem.y = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      double[] row = rows[order[i]];
      if (row.length != features) {
        throw new IllegalArgumentException("row " + order[i] + " has " + row.length + " features, not " + features);
      }
      problem.x[i] = SvcModel.nodes(row);
      problem.y[i] = targets[order[i]];
    }

    String invalid = svm.svm_check_parameter(problem, param);
    if (invalid != null) {
      throw new IllegalArgumentException("LIBSVM rejects the parameters: " + invalid);
    }
    svm_model model;
    StringBuilder log = new StringBuilder();
    synchronized (LIBSVM_STATE) {
      svm.svm_set_print_string_function(log::append); // LIBSVM would print its solver trace to stdout
      svm.rand.setSeed(parameters.seed());
      model = svm.svm_train(problem, param);
    }
    List<String> warnings = new ArrayList<>();
    if (log.indexOf(ITERATION_CAP) >= 0) {
      warnings.add("LIBSVM stopped at its iteration cap (10,000,000 or 100 x rows) before converging, where "
          + "scikit-learn would go on: predictions usually agree, decision values may differ slightly. "
          + "Scaling the features to similar ranges usually makes the solver converge.");
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
