package io.mlapi.cli;

import io.mlapi.data.Dataset;
import io.mlapi.data.Split;
import io.mlapi.model.TrainedModel;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Warns of a classifier that its split made useless, while it is still only a file: the test rows
 * hold a class that the training rows barely have and the model misses it, or the model does worse
 * than always answering the most common training class. The usual cause is the tutorial split (the
 * last rows held out, unshuffled) on a file sorted by class; {@code --split stratified} fixes it.
 */
final class UselessModelCheck {
  private UselessModelCheck() {}

  /** Prints the warnings for {@code model}, trained and tested on {@code split} of {@code data}, to {@code err}. */
  static void warn(Dataset data, Split split, TrainedModel model, PrintWriter err) {
    int[] trainCounts = new int[data.classes().size()];
    for (int row : split.train()) {
      trainCounts[data.targets()[row]]++;
    }
    for (String warning : warnings(data.classes(), trainCounts, model.card().metrics().confusionMatrix(),
        split.method())) {
      err.println("warning: " + warning);
    }
    err.flush();
  }

  /**
   * @param classes the class labels
   * @param trainCounts training rows per class
   * @param confusion test rows by true class (row) and predicted class (column)
   * @param splitMethod how the rows were split ({@link Split#TUTORIAL} gets the advice to stratify)
   */
  static List<String> warnings(List<String> classes, int[] trainCounts, int[][] confusion, String splitMethod) {
    int trainTotal = 0;
    int majority = 0;
    for (int c = 0; c < trainCounts.length; c++) {
      trainTotal += trainCounts[c];
      if (trainCounts[c] > trainCounts[majority]) {
        majority = c;
      }
    }
    int[] testCounts = new int[confusion.length];
    int testTotal = 0;
    int right = 0;
    for (int c = 0; c < confusion.length; c++) {
      for (int count : confusion[c]) {
        testCounts[c] += count;
      }
      testTotal += testCounts[c];
      right += confusion[c][c];
    }
    if (testTotal == 0 || trainTotal == 0) {
      return List.of();
    }
    String fix = Split.TUTORIAL.equals(splitMethod)
        ? "the tutorial split holds out the last rows unshuffled, so a file sorted by class tests on classes it "
            + "barely trained on: --split stratified holds out the same share of every class"
        : "check the data, or try other parameters (--kernel, --C, --gamma)";
    List<String> warnings = new ArrayList<>();
    for (int c = 0; c < testCounts.length; c++) {
      double testShare = (double) testCounts[c] / testTotal;
      double trainShare = (double) trainCounts[c] / trainTotal;
      boolean barelyTrained = trainShare < testShare / 2;
      boolean mostlyMissed = testCounts[c] > 0 && confusion[c][c] * 2 < testCounts[c];
      if (barelyTrained && mostlyMissed) {
        warnings.add(String.format(Locale.ROOT, "class \"%s\" is %s of the test rows but %s of the training rows "
            + "(%d of %d), and the model gets %d of its %d test rows right; %s", classes.get(c), percent(testShare),
            percent(trainShare), trainCounts[c], trainTotal, confusion[c][c], testCounts[c], fix));
      }
    }
    double accuracy = (double) right / testTotal;
    double baseline = (double) testCounts[majority] / testTotal;
    if (accuracy < baseline) {
      warnings.add(String.format(Locale.ROOT, "test accuracy %s is below the %s of always answering \"%s\", the "
          + "most common class in the training rows: the model is worse than no model; %s", round(accuracy),
          round(baseline), classes.get(majority), fix));
    }
    return warnings;
  }

  private static String percent(double share) {
    return Math.round(share * 100) + "%";
  }

  private static String round(double value) {
    return String.format(Locale.ROOT, "%.3f", value).replaceFirst("0+$", "").replaceFirst("\\.$", ".0");
  }
}
