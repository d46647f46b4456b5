package io.mlapi.model;

import java.util.Arrays;

/**
 * The classes that occur in some training rows, numbered {@code 0..count-1} in sorted order: like
 * scikit-learn, a model knows only the classes it was trained on, whatever the data set holds.
 *
 * @param present the global class indices that occur, ascending
 */
record ClassSubset(int[] present) {
  static ClassSubset of(int[] targets) {
    return new ClassSubset(Arrays.stream(targets).distinct().sorted().toArray());
  }

  int count() {
    return present.length;
  }

  /** Global class indices to this subset's. */
  int[] local(int[] targets) {
    int[] local = new int[targets.length];
    for (int i = 0; i < targets.length; i++) {
      local[i] = Arrays.binarySearch(present, targets[i]);
    }
    return local;
  }

  /** This subset's class indices back to global ones. */
  int[] global(int[] classes) {
    int[] global = new int[classes.length];
    for (int i = 0; i < classes.length; i++) {
      global[i] = present[classes[i]];
    }
    return global;
  }
}
