package io.mlapi.data;

import java.util.List;

/**
 * A labelled table for classification: numeric features and one class per row.
 *
 * <p>{@code classes} are in scikit-learn's order (sorted, as {@code np.unique} sorts them) and
 * {@code targets[i]} is the index of row {@code i}'s class in that list. Arrays are shared, not
 * copied: a dataset is built once by {@link DatasetReader} and only read afterwards.
 *
 * @param source where the rows came from (a file name, or {@code iris (bundled)})
 * @param sha256 hex SHA-256 of the bytes the rows were parsed from, for provenance
 * @param featureNames one name per feature column, in column order
 * @param target the name of the class column
 * @param classes the class labels, sorted
 * @param features {@code rows x featureNames.size()} values, all finite
 * @param targets one class index per row
 */
public record Dataset(
    String source,
    String sha256,
    List<String> featureNames,
    String target,
    List<String> classes,
    double[][] features,
    int[] targets) {

  public Dataset {
    featureNames = List.copyOf(featureNames);
    classes = List.copyOf(classes);
    if (features.length != targets.length) {
      throw new IllegalArgumentException(
          "features has " + features.length + " rows but targets has " + targets.length);
    }
  }

  public int rowCount() {
    return features.length;
  }

  public int featureCount() {
    return featureNames.size();
  }

  /**
   * Each row's target as a number, for a regressor: the label as written, parsed.
   *
   * @throws DatasetException naming the target column and the first label that is not a number
   */
  public double[] numericTargets() {
    double[] byClass = new double[classes.size()];
    for (int c = 0; c < byClass.length; c++) {
      String label = classes.get(c);
      if (!CsvReader.isDecimal(label)) {
        throw new DatasetException(source, 0, 0, "the target column \"" + target + "\" holds \"" + label
            + "\", not a number; a regressor (svr, nusvr) needs a numeric target");
      }
      byClass[c] = Double.parseDouble(label);
    }
    double[] values = new double[targets.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = byClass[targets[i]];
    }
    return values;
  }

  /** The rows at {@code indices}, in that order, as a new dataset with the same provenance. */
  public Dataset rows(int[] indices) {
    double[][] x = new double[indices.length][];
    int[] y = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      x[i] = features[indices[i]];
      y[i] = targets[indices[i]];
    }
    return new Dataset(source, sha256, featureNames, target, classes, x, y);
  }
}
