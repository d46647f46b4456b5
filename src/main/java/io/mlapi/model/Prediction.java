package io.mlapi.model;

/**
 * What a model says of a batch of rows.
 *
 * @param classes per row, the index of the predicted class in the model's {@code classes}
 * @param probabilities per row, one probability per class; {@code null} unless asked for
 * @param decisionFunction per row, scikit-learn's {@code decision_function}: one value for two
 *     classes (positive means the second), else one-vs-rest scores per class; {@code null} unless
 *     asked for
 */
public record Prediction(int[] classes, double[][] probabilities, double[][] decisionFunction) {}
