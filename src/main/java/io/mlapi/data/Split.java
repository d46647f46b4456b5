package io.mlapi.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which rows train the model and which are held out to test it.
 *
 * @param method {@code tutorial} or {@code stratified}
 * @param testSize the fraction of rows held out, in (0, 1)
 * @param seed the seed of a stratified split; {@code null} for the tutorial split, which is not random
 * @param train row indices for training, ascending
 * @param test row indices for testing, ascending
 */
public record Split(String method, double testSize, Long seed, int[] train, int[] test) {
  public static final String TUTORIAL = "tutorial";
  public static final String STRATIFIED = "stratified";

  /**
   * scikit-learn's {@code train_test_split(test_size=testSize, shuffle=False)}: the last
   * {@code ceil(testSize * rows)} rows are the test rows, the others train.
   */
  public static Split tutorial(int rows, double testSize) {
    int testRows = testRowCount(rows, testSize);
    int[] train = range(0, rows - testRows);
    int[] test = range(rows - testRows, rows);
    return new Split(TUTORIAL, testSize, null, train, test);
  }

  /**
   * Holds out about {@code testSize} of each class, chosen at random from {@code seed}: the same
   * seed gives the same split. Every class with two or more rows keeps at least one row on each
   * side. (Not the same rows as scikit-learn's StratifiedShuffleSplit, whose random stream is
   * numpy's.)
   */
  public static Split stratified(int[] targets, double testSize, long seed) {
    testRowCount(targets.length, testSize);
    int classes = Arrays.stream(targets).max().orElse(-1) + 1;
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < targets.length; i++) {
      byClass.get(targets[i]).add(i);
    }
    SplittableRandom random = new SplittableRandom(seed);
    boolean[] isTest = new boolean[targets.length];
    for (List<Integer> rows : byClass) {
      int n = rows.size();
      int take = n < 2 ? 0 : Math.min(n - 1, Math.max(1, (int) Math.round(n * testSize)));
      for (int k = 0; k < take; k++) { // a partial Fisher-Yates shuffle draws `take` distinct rows
        int j = k + random.nextInt(n - k);
        Integer chosen = rows.get(j);
        rows.set(j, rows.get(k));
        rows.set(k, chosen);
        isTest[chosen] = true;
      }
    }
    int[] test = range(0, targets.length);
    int[] train = Arrays.stream(test).filter(i -> !isTest[i]).toArray();
    test = Arrays.stream(test).filter(i -> isTest[i]).toArray();
    return new Split(STRATIFIED, testSize, seed, train, test);
  }

  private static int testRowCount(int rows, double testSize) {
    if (!(testSize > 0 && testSize < 1)) {
      throw new IllegalArgumentException("test size must be between 0 and 1 (exclusive), got " + testSize);
    }
    int testRows = (int) Math.ceil(testSize * rows);
    if (testRows >= rows) {
      throw new IllegalArgumentException("test size " + testSize + " of " + rows
          + " rows leaves no rows to train on");
    }
    return testRows;
  }

  private static int[] range(int from, int to) {
    int[] rows = new int[to - from];
    Arrays.setAll(rows, i -> from + i);
    return rows;
  }
}
