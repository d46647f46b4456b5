package io.mlapi.server;

import io.mlapi.model.Model;
import io.mlapi.model.Prediction;
import io.mlapi.repository.ServedModels;
import java.util.List;
import java.util.Map;

/**
 * The inference core behind every protocol: finds the model a request addresses, checks the rows
 * against it, and predicts. Each check lives here once, so every protocol gives the same answer
 * and the same error for the same mistake.
 */
public final class InferenceService {
  private final ServedModels models;
  private final int maxRows;

  public InferenceService(ServedModels models, int maxRows) {
    this.models = models;
    this.maxRows = maxRows;
  }

  /** The default model, or 503 while none is loaded. */
  public Model defaultModel() {
    return models.defaultModel()
        .orElseThrow(() -> new ApiException(503, "no model is loaded yet; retry when /readyz answers 200"));
  }

  public boolean ready() {
    return models.ready();
  }

  /** Refuses a request of {@code rows} rows before any is parsed, if there are none or too many. */
  public void checkRowCount(int rows) {
    if (rows == 0) {
      throw ApiException.badRequest("no instances: send at least one row");
    }
    if (rows > maxRows) {
      throw ApiException.badRequest(rows + " rows is more than the limit of " + maxRows + " per request");
    }
  }

  /**
   * One row given as feature name to value, in the model's feature order.
   *
   * @param row the row's index, for messages
   */
  public double[] namedRow(Model model, int row, Map<String, Double> values) {
    List<String> names = model.featureNames();
    double[] x = new double[names.size()];
    for (String name : values.keySet()) {
      if (!names.contains(name)) {
        throw ApiException.badRequest("row " + row + ": unknown feature \"" + name + "\"; model " + model.name()
            + " takes " + String.join(", ", names));
      }
    }
    for (int f = 0; f < x.length; f++) {
      Double value = values.get(names.get(f));
      if (value == null) {
        throw ApiException.badRequest("row " + row + ": feature \"" + names.get(f) + "\" is missing; model "
            + model.name() + " takes " + String.join(", ", names));
      }
      x[f] = value;
    }
    return x;
  }

  /**
   * Predicts {@code rows} after checking them: at least one and at most the limit, each with the
   * model's feature count, every value finite.
   */
  public Prediction predict(Model model, double[][] rows, boolean probabilities, boolean decisionFunction) {
    checkRowCount(rows.length);
    int features = model.featureCount();
    for (int r = 0; r < rows.length; r++) {
      double[] row = rows[r];
      if (row.length != features) {
        throw ApiException.badRequest("row " + r + " has " + row.length + " values, but model " + model.name()
            + " takes " + features + " features: " + String.join(", ", model.featureNames()));
      }
      for (int f = 0; f < features; f++) {
        if (!Double.isFinite(row[f])) {
          throw ApiException.badRequest("row " + r + ", feature " + model.featureNames().get(f) + ": "
              + row[f] + " is not a finite number");
        }
      }
    }
    if (probabilities && !model.hasProbabilities()) {
      throw ApiException.badRequest("model " + model.name() + " version " + model.version()
          + " was trained without probability estimates; train it with --probability to get them");
    }
    return model.predict(rows, probabilities, decisionFunction);
  }
}
