package io.mlapi.model;

import io.mlapi.data.Folds;
import io.mlapi.data.NumpySum;
import io.mlapi.data.Scaler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * scikit-learn's {@code GridSearchCV(Pipeline([scaler, estimator]), grid, cv=k)}, with the same
 * candidates, folds, scores and winner:
 *
 * <ul>
 *   <li>candidates in {@code ParameterGrid} order: parameter names sorted, values in the order given,
 *       the last name varying fastest ({@code itertools.product});
 *   <li>{@code StratifiedKFold(k)} for a classifier, {@code KFold(k)} for a regressor, unshuffled;
 *   <li>in each fold the scaler is fitted on the fold's training rows only;
 *   <li>the score is accuracy or R² on the fold's held-out rows; a candidate's mean and standard
 *       deviation are numpy's; the best mean wins, the first candidate on ties.
 * </ul>
 *
 * Every (candidate, fold) fit is independent, so they run on a pool of threads; the results are
 * gathered by position, so the outcome does not depend on the order they finish in.
 */
final class GridSearch {
  /** The search's outcome: every candidate, and the winner's index and estimator. */
  record Result(List<ModelCard.Candidate> candidates, int best, EstimatorSpec winner) {}

  private final EstimatorSpec base;
  private final Scaler.Kind scaler;
  private final TrainingPlan.Search search;

  GridSearch(EstimatorSpec base, Scaler.Kind scaler, TrainingPlan.Search search) {
    this.base = base;
    this.scaler = scaler;
    this.search = search;
  }

  /**
   * The candidates of {@code grid} in {@code ParameterGrid} order, each checked against the estimator.
   *
   * @throws IllegalArgumentException naming a parameter the estimator does not take, or a bad value
   */
  static List<Map<String, String>> candidates(EstimatorSpec base, Map<String, List<String>> grid) {
    TreeMap<String, List<String>> sorted = new TreeMap<>(grid); // Python sorts names by code point, as String does
    List<Map<String, String>> candidates = new ArrayList<>();
    candidates.add(new LinkedHashMap<>());
    for (var entry : sorted.entrySet()) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> prefix : candidates) {
        for (String value : entry.getValue()) {
          Map<String, String> candidate = new LinkedHashMap<>(prefix);
          candidate.put(entry.getKey(), value);
          next.add(candidate);
        }
      }
      candidates = next;
    }
    for (Map<String, String> candidate : candidates) {
      apply(base, candidate);
    }
    return candidates;
  }

  static EstimatorSpec apply(EstimatorSpec base, Map<String, String> parameters) {
    EstimatorSpec spec = base;
    for (var parameter : parameters.entrySet()) {
      try {
        spec = spec.with(parameter.getKey(), parameter.getValue());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--search: " + e.getMessage(), e);
      }
    }
    return spec;
  }

  /** Searches a classifier: {@code targets} are class indices of the training {@code rows}. */
  Result classify(double[][] rows, int[] targets) {
    return run(rows, Folds.stratified(targets, search.folds()), targets, null);
  }

  /** Searches a regressor: {@code values} are the training rows' targets. */
  Result regress(double[][] rows, double[] values) {
    return run(rows, Folds.kfold(rows.length, search.folds()), null, values);
  }

  private Result run(double[][] rows, Folds folds, int[] targets, double[] values) {
    List<Map<String, String>> candidates = candidates(base, search.grid());
    int k = folds.count();
    int total = candidates.size() * k;
    double[][] scores = new double[candidates.size()][k];
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(search.threads(), total), runnable -> {
      Thread thread = new Thread(runnable, "mlapi-grid-search");
      thread.setDaemon(true);
      return thread;
    });
    try {
      ExecutorCompletionService<int[]> done = new ExecutorCompletionService<>(pool);
      for (int c = 0; c < candidates.size(); c++) {
        EstimatorSpec spec = apply(base, candidates.get(c)).withoutProbability();
        for (int f = 0; f < k; f++) {
          int candidate = c;
          int fold = f;
          done.submit(() -> {
            scores[candidate][fold] = score(spec, rows, targets, values, folds.train().get(fold),
                folds.test().get(fold));
            return new int[] {candidate, fold};
          });
        }
      }
      for (int finished = 1; finished <= total; finished++) {
        Future<int[]> next = done.take();
        next.get();
        search.progress().update(finished, total);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the grid search was interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(cause);
    } finally {
      pool.shutdownNow();
    }
    double[] means = new double[candidates.size()];
    List<ModelCard.Candidate> results = new ArrayList<>();
    int best = 0;
    for (int c = 0; c < candidates.size(); c++) {
      means[c] = NumpySum.mean(scores[c]);
      if (means[c] > means[best]) {
        best = c;
      }
    }
    for (int c = 0; c < candidates.size(); c++) {
      double[] deviations = new double[k];
      for (int f = 0; f < k; f++) {
        double d = scores[c][f] - means[c];
        deviations[f] = d * d;
      }
      int c0 = c;
      int rank = 1 + (int) Arrays.stream(means).filter(m -> m > means[c0]).count(); // rankdata(-means, "min")
      results.add(new ModelCard.Candidate(candidates.get(c), scores[c], means[c], Math.sqrt(NumpySum.mean(deviations)),
          rank));
    }
    return new Result(results, best, apply(base, candidates.get(best)));
  }

  /** One fold: the scaler and the estimator fitted on its training rows, scored on its held-out rows. */
  private double score(EstimatorSpec spec, double[][] rows, int[] targets, double[] values, int[] train, int[] test) {
    double[][] trainRows = pick(rows, train);
    Scaler fitted = Scaler.fit(scaler, trainRows, trainRows[0].length);
    double[][] scaledTrain = fitted.transform(trainRows);
    double[][] scaledTest = fitted.transform(pick(rows, test));
    if (values != null) {
      Estimator estimator = spec.fitRegression(scaledTrain, pick(values, train)).estimator();
      return Scores.r2(pick(values, test), estimator.predict(scaledTest, false, false).values());
    }
    int[] trainTargets = pick(targets, train);
    ClassSubset subset = ClassSubset.of(trainTargets);
    Estimator estimator = spec.fit(scaledTrain, subset.local(trainTargets), subset.count()).estimator();
    int[] predicted = subset.global(estimator.predict(scaledTest, false, false).classes());
    return Scores.accuracy(pick(targets, test), predicted);
  }

  private static double[][] pick(double[][] rows, int[] indices) {
    double[][] picked = new double[indices.length][];
    for (int i = 0; i < indices.length; i++) {
      picked[i] = rows[indices[i]];
    }
    return picked;
  }

  private static double[] pick(double[] values, int[] indices) {
    double[] picked = new double[indices.length];
    for (int i = 0; i < indices.length; i++) {
      picked[i] = values[indices[i]];
    }
    return picked;
  }

  private static int[] pick(int[] values, int[] indices) {
    int[] picked = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      picked[i] = values[indices[i]];
    }
    return picked;
  }
}
