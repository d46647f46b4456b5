package io.mlapi.data;

/**
 * The checks every classifier's training makes of its rows and classes, in one place: one class
 * per row, classes in {@code 0..classCount-1}, each with at least one row.
 */
public final class ClassCounts {
  private ClassCounts() {}

  /**
   * @return the rows of each class
   * @throws IllegalArgumentException naming what is wrong
   */
  public static int[] of(double[][] rows, int[] targets, int classCount) {
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
    return perClass;
  }

  /** {@code compute_class_weight('balanced')}: {@code n / (k * bincount)}, in float64 as scikit-learn computes it. */
  public static double[] balancedWeights(int[] perClass, int rows) {
    double[] weights = new double[perClass.length];
    for (int c = 0; c < perClass.length; c++) {
      weights[c] = rows / (perClass.length * (double) perClass[c]);
    }
    return weights;
  }
}
