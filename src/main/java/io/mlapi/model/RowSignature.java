package io.mlapi.model;

import java.util.List;

/**
 * How a model takes rows of named features, for the protocols that speak in rows rather than
 * tensors (the tutorial's {@code /predict}, KServe V1, batch scoring): one input of shape
 * {@code [rows, features]}, and which outputs answer them.
 *
 * @param input the input tensor the rows go to
 * @param features the feature names, in column order
 * @param classes a classifier's class labels, in the column order of {@code probabilities};
 *     empty for a regressor
 * @param predictions the output {@code /predict} and batch scoring answer with: per row a class
 *     label, or a number for a regressor
 * @param v1Predictions the output KServe V1 answers with (per row a class index for mlapi's own
 *     classifiers, as KServe's scikit-learn server answers; else as {@code predictions})
 * @param probabilities the output of per-class probabilities, {@code [rows, classes]}; {@code null}
 *     when the model gives none
 */
public record RowSignature(String input, List<String> features, List<String> classes, String predictions,
    String v1Predictions, String probabilities) {
  public RowSignature {
    features = List.copyOf(features);
    classes = List.copyOf(classes);
  }

  public boolean isClassifier() {
    return !classes.isEmpty();
  }
}
