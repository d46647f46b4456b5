package io.mlapi.model;

import java.util.List;

/**
 * A model's answer to rows ({@link Model#predictRows}).
 *
 * @param predictions per row a class label (BYTES), a class index (INT64) or a number
 * @param probabilities {@code [rows, classes]}, or {@code null} when not asked for
 * @param classes the class labels, in the column order of {@code probabilities}; empty for a regressor
 */
public record RowPrediction(Tensor predictions, Tensor probabilities, List<String> classes) {
  public RowPrediction {
    classes = List.copyOf(classes);
  }
}
