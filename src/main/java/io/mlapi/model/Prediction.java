package io.mlapi.model;

/**
 * What a model says of a batch of rows.
 *
 * @param classes a classifier's answer: per row, the index of the predicted class in the model's
 *     {@code classes}; {@code null} for a regressor
 * @param values a regressor's answer: per row, the predicted number; {@code null} for a classifier
 * @param probabilities per row, one probability per class; {@code null} unless asked for
 * @param decisionFunction per row, scikit-learn's {@code decision_function}: one value for two
 *     classes (positive means the second), else one-vs-rest scores per class; {@code null} unless
 *     asked for
 */
public record Prediction(int[] classes, double[] values, double[][] probabilities, double[][] decisionFunction) {}
