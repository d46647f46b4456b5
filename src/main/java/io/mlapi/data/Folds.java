package io.mlapi.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * scikit-learn's cross-validation folds without shuffling: {@code KFold(k)} for regressors and
 * {@code StratifiedKFold(k)} for classifiers (what {@code GridSearchCV(cv=k)} uses). Each fold's
 * rows are positions in the training rows, ascending, as scikit-learn gives them.
 *
 * @param train per fold, the rows that train
 * @param test per fold, the rows that score
 */
public record Folds(List<int[]> train, List<int[]> test) {
  public Folds {
    train = List.copyOf(train);
    test = List.copyOf(test);
  }

  public int count() {
    return test.size();
  }

  /**
   * {@code KFold(k).split(rows)}: consecutive blocks, the first {@code rows % k} one row longer.
   *
   * @throws IllegalArgumentException when {@code k < 2} or there are fewer rows than folds
   */
  public static Folds kfold(int rows, int k) {
    requireFolds(k);
    if (k > rows) {
      throw new IllegalArgumentException("cannot have " + k + " cross-validation folds with only " + rows
          + " training rows");
    }
    int[] testFold = new int[rows];
    int at = 0;
    for (int fold = 0; fold < k; fold++) {
      int size = rows / k + (fold < rows % k ? 1 : 0);
      Arrays.fill(testFold, at, at + size, fold);
      at += size;
    }
    return of(testFold, k);
  }

  /**
   * {@code StratifiedKFold(k).split(rows, targets)}: classes numbered by first appearance, the
   * sorted labels dealt round-robin to the folds to decide how many rows of each class each fold
   * tests, and each class's rows given to the folds in blocks, in row order.
   *
   * @param targets each training row's class
   * @throws IllegalArgumentException when {@code k < 2} or every class has fewer rows than folds
   */
  public static Folds stratified(int[] targets, int k) {
    requireFolds(k);
    int n = targets.length;
    int[] encoded = new int[n];
    java.util.Map<Integer, Integer> order = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      encoded[i] = order.computeIfAbsent(targets[i], t -> order.size());
    }
    int classes = order.size();
    int[] counts = new int[classes];
    for (int e : encoded) {
      counts[e]++;
    }
    if (Arrays.stream(counts).allMatch(c -> c < k)) {
      throw new IllegalArgumentException(k + " cross-validation folds are more than the rows of any class ("
          + Arrays.stream(counts).max().orElse(0) + " at most); use fewer folds");
    }
    int[] sorted = encoded.clone();
    Arrays.sort(sorted);
    int[][] allocation = new int[k][classes];
    for (int i = 0; i < n; i++) {
      allocation[i % k][sorted[i]]++;
    }
    int[] testFold = new int[n];
    for (int c = 0; c < classes; c++) {
      int fold = 0;
      int left = allocation[0][c];
      for (int i = 0; i < n; i++) {
        if (encoded[i] != c) {
          continue;
        }
        while (left == 0) {
          left = allocation[++fold][c];
        }
        testFold[i] = fold;
        left--;
      }
    }
    return of(testFold, k);
  }

  /** The smallest class's row count, for the warning scikit-learn gives when it is below the folds. */
  public static int smallestClass(int[] targets) {
    java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
    for (int t : targets) {
      counts.merge(t, 1, Integer::sum);
    }
    return counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
  }

  private static void requireFolds(int k) {
    if (k < 2) {
      throw new IllegalArgumentException("cross-validation needs 2 or more folds, got " + k);
    }
  }

  private static Folds of(int[] testFold, int k) {
    List<int[]> train = new ArrayList<>();
    List<int[]> test = new ArrayList<>();
    for (int fold = 0; fold < k; fold++) {
      int f = fold;
      test.add(java.util.stream.IntStream.range(0, testFold.length).filter(i -> testFold[i] == f).toArray());
      train.add(java.util.stream.IntStream.range(0, testFold.length).filter(i -> testFold[i] != f).toArray());
    }
    return new Folds(train, test);
  }
}
