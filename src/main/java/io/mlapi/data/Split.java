package io.mlapi.data;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Which rows train the model and which are held out to test it, each list in the order
 * scikit-learn's {@code train_test_split} returns them (a model trained on the rows in this order
 * is the model scikit-learn trains).
 *
 * @param method {@link #TUTORIAL}, {@link #SHUFFLE} or {@link #STRATIFIED}
 * @param testSize the fraction of rows held out, in (0, 1)
 * @param seed the {@code random_state} of a random split; {@code null} for the tutorial split
 * @param train row indices for training
 * @param test row indices for testing
 */
public record Split(String method, double testSize, Long seed, int[] train, int[] test) {
  public static final String TUTORIAL = "tutorial";
  public static final String SHUFFLE = "shuffle";
  public static final String STRATIFIED = "stratified";
  public static final List<String> METHODS = List.of(TUTORIAL, SHUFFLE, STRATIFIED);

  /**
   * scikit-learn's {@code train_test_split(test_size=testSize, shuffle=False)}: the last
   * {@code ceil(testSize * rows)} rows are the test rows, the others train.
   */
  public static Split tutorial(int rows, double testSize) {
    int testRows = testRowCount(rows, testSize);
    return new Split(TUTORIAL, testSize, null, range(0, rows - testRows), range(rows - testRows, rows));
  }

  /**
   * {@code train_test_split(test_size=testSize, random_state=seed, shuffle=True)}, which is
   * {@code ShuffleSplit}: one {@code permutation(rows)} of numpy's {@code RandomState(seed)}; its
   * first {@code ceil(testSize * rows)} entries are the test rows, the rest train.
   */
  public static Split shuffle(int rows, double testSize, long seed) {
    int testRows = testRowCount(rows, testSize);
    int[] permutation = new NumpyRandom(seed).permutation(rows);
    return new Split(SHUFFLE, testSize, seed, Arrays.copyOfRange(permutation, testRows, rows),
        Arrays.copyOf(permutation, testRows));
  }

  /**
   * {@code train_test_split(..., random_state=seed, shuffle=True, stratify=y)}, which is
   * {@code StratifiedShuffleSplit}: each class's share of the training and test rows by
   * scikit-learn's {@code _approximate_mode} (ties broken at random), each class's rows permuted,
   * and both lists permuted again, all from one {@code RandomState(seed)} in scikit-learn's order.
   *
   * @param targets each row's class index
   * @throws IllegalArgumentException with scikit-learn's reasons: a class with one row, or fewer
   *     training or test rows than classes
   */
  public static Split stratified(int[] targets, double testSize, long seed) {
    int n = targets.length;
    int testRows = testRowCount(n, testSize);
    int trainRows = n - testRows;
    int classes = Arrays.stream(targets).max().orElse(-1) + 1;
    int[] counts = new int[classes];
    for (int target : targets) {
      counts[target]++;
    }
    int[] present = Arrays.stream(counts).filter(c -> c > 0).toArray(); // np.unique drops absent labels
    int[] classIndex = new int[classes];
    for (int c = 0, k = 0; c < classes; c++) {
      classIndex[c] = counts[c] > 0 ? k++ : -1;
    }
    if (Arrays.stream(present).min().orElse(0) < 2) {
      throw new IllegalArgumentException("a stratified split needs two or more rows of every class, but a class "
          + "has only one; use --split shuffle, or more data");
    }
    if (trainRows < present.length || testRows < present.length) {
      throw new IllegalArgumentException("a stratified split of " + n + " rows with test size " + testSize + " gives "
          + trainRows + " training and " + testRows + " test rows, fewer than the " + present.length
          + " classes; change --test-size");
    }
    int[][] rowsOfClass = new int[present.length][];
    int[] filled = new int[present.length];
    for (int k = 0; k < present.length; k++) {
      rowsOfClass[k] = new int[present[k]];
    }
    for (int i = 0; i < n; i++) {
      int k = classIndex[targets[i]];
      rowsOfClass[k][filled[k]++] = i;
    }
    NumpyRandom random = new NumpyRandom(seed);
    int[] trainPerClass = approximateMode(present, trainRows, random);
    int[] remaining = new int[present.length];
    Arrays.setAll(remaining, k -> present[k] - trainPerClass[k]);
    int[] testPerClass = approximateMode(remaining, testRows, random);
    int[] train = new int[Arrays.stream(trainPerClass).sum()];
    int[] test = new int[Arrays.stream(testPerClass).sum()];
    int trainAt = 0;
    int testAt = 0;
    for (int k = 0; k < present.length; k++) {
      int[] permutation = random.permutation(present[k]);
      for (int j = 0; j < trainPerClass[k]; j++) {
        train[trainAt++] = rowsOfClass[k][permutation[j]];
      }
      for (int j = trainPerClass[k]; j < trainPerClass[k] + testPerClass[k]; j++) {
        test[testAt++] = rowsOfClass[k][permutation[j]];
      }
    }
    return new Split(STRATIFIED, testSize, seed, random.permutation(train), random.permutation(test));
  }

  /**
   * scikit-learn's {@code _approximate_mode(class_counts, n_draws, rng)}: each class's share of
   * {@code draws}, rounded down, then the rows left over given to the classes with the largest
   * remainders, ties broken by {@code rng.choice(..., replace=False)}.
   */
  static int[] approximateMode(int[] counts, int draws, NumpyRandom random) {
    long total = Arrays.stream(counts).asLongStream().sum();
    double[] continuous = new double[counts.length];
    double[] floored = new double[counts.length];
    for (int k = 0; k < counts.length; k++) {
      continuous[k] = counts[k] / (double) total * draws;
      floored[k] = Math.floor(continuous[k]);
    }
    int needToAdd = (int) (draws - NumpySum.of(floored));
    if (needToAdd > 0) {
      double[] remainder = new double[counts.length];
      TreeSet<Double> values = new TreeSet<>();
      for (int k = 0; k < counts.length; k++) {
        remainder[k] = continuous[k] - floored[k];
        values.add(remainder[k]);
      }
      for (double value : values.descendingSet()) {
        int[] inds = java.util.stream.IntStream.range(0, counts.length).filter(k -> remainder[k] == value).toArray();
        int addNow = Math.min(inds.length, needToAdd);
        int[] chosen = random.permutation(inds.length); // choice(inds, addNow, replace=False)
        for (int j = 0; j < addNow; j++) {
          floored[inds[chosen[j]]] += 1;
        }
        needToAdd -= addNow;
        if (needToAdd == 0) {
          break;
        }
      }
    }
    int[] result = new int[counts.length];
    for (int k = 0; k < counts.length; k++) {
      result[k] = (int) floored[k];
    }
    return result;
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
