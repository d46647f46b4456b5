package io.mlapi.model;

import io.mlapi.data.Scaler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to train a model: the estimator, the scaler in front of it, and optionally a grid search
 * that picks the estimator's parameters by cross-validation.
 *
 * @param estimator the estimator and its parameters (the search's base)
 * @param scaler the scaler fitted on the training rows (inside each fold during a search)
 * @param search the grid search, or {@code null} for none
 * @param command the {@code mlapi train} command that asks for exactly this, for the card; may be {@code null}
 */
public record TrainingPlan(EstimatorSpec estimator, Scaler.Kind scaler, Search search, String command) {
  /** Plain training: the estimator alone, no scaler, no search. */
  public static TrainingPlan of(EstimatorSpec estimator) {
    return new TrainingPlan(estimator, Scaler.Kind.NONE, null, null);
  }

  /**
   * {@code GridSearchCV(pipeline, grid, cv=folds)}.
   *
   * @param text the grid as given, e.g. {@code C=0.1,1,10;gamma=scale,0.1}
   * @param grid each parameter's values as text, in the order given (the search sorts the names)
   * @param folds the number of cross-validation folds, 2 or more
   * @param threads how many candidates and folds train at once, 1 or more
   * @param progress hears of each finished fit; called on the training thread
   */
  public record Search(String text, Map<String, List<String>> grid, int folds, int threads, Progress progress) {
    public Search {
      grid = new LinkedHashMap<>(grid);
      if (folds < 2) {
        throw new IllegalArgumentException("--cv must be 2 or more folds, got " + folds);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be 1 or more, got " + threads);
      }
    }

    /**
     * Checks every candidate of the grid against {@code base} before anything trains.
     *
     * @throws IllegalArgumentException naming a parameter the estimator does not take, or a bad value
     */
    public void check(EstimatorSpec base) {
      GridSearch.candidates(base, grid);
    }

    /**
     * Parses {@code NAME=V1,V2,...;NAME=...}.
     *
     * @throws IllegalArgumentException naming the part that is wrong
     */
    public static Map<String, List<String>> parse(String text) {
      Map<String, List<String>> grid = new LinkedHashMap<>();
      for (String part : text.split(";", -1)) {
        if (part.isBlank()) {
          continue;
        }
        int equals = part.indexOf('=');
        if (equals <= 0) {
          throw new IllegalArgumentException("--search: \"" + part.strip() + "\" should be NAME=VALUE,VALUE,...");
        }
        String name = part.substring(0, equals).strip();
        List<String> values = java.util.Arrays.stream(part.substring(equals + 1).split(",", -1)).map(String::strip)
            .toList();
        if (values.stream().anyMatch(String::isEmpty)) {
          throw new IllegalArgumentException("--search: " + name + " has an empty value");
        }
        if (grid.put(name, values) != null) {
          throw new IllegalArgumentException("--search: " + name + " appears twice");
        }
      }
      if (grid.isEmpty()) {
        throw new IllegalArgumentException("--search names no parameter; e.g. \"C=0.1,1,10;gamma=scale,0.1\"");
      }
      return grid;
    }
  }

  /** Hears how far a grid search has got. */
  @FunctionalInterface
  public interface Progress {
    void update(int fitsDone, int fitsTotal);
  }
}
