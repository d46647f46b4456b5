package io.mlapi.linear;

import java.nio.charset.StandardCharsets;

/**
 * Checks a LIBLINEAR text model's header before LIBLINEAR reads it. LIBLINEAR allocates its weight
 * matrix from the header ({@code (nr_feature + bias) × nr_class} doubles) before it has read one
 * weight, so a file of a few bytes saying {@code nr_feature 2147483647} would have it ask for
 * gigabytes. The counts must be the ones the model card gives (its features and classes), and the
 * weights they announce must fit in the file. Messages name lines, never quote them.
 */
public final class LiblinearHeader {
  private LiblinearHeader() {}

  /**
   * @param file the model file's bytes
   * @param features the features the card lists
   * @param classes the classes the card lists
   * @throws IllegalArgumentException naming the line that does not add up
   */
  public static void check(byte[] file, int features, int classes) {
    String text = new String(file, StandardCharsets.ISO_8859_1); // one char per byte, whatever the bytes
    long nrClass = -1;
    long nrFeature = -1;
    int start = 0;
    for (int line = 1; ; line++) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        throw new IllegalArgumentException("the header ends at line " + line + " without the w line that starts "
            + "the weights");
      }
      String[] tokens = text.substring(start, end).strip().split("[ \t\r\f]+");
      start = end + 1;
      switch (tokens[0]) {
        case "w" -> {
          if (nrClass < 0 || nrFeature < 0) {
            throw new IllegalArgumentException("the header has no nr_class or no nr_feature before its weights");
          }
          long rows = nrFeature + 1; // the bias, which mlapi's LinearSVC always has (intercept_scaling)
          long perRow = nrClass == 2 ? 1 : nrClass;
          if (rows * perRow * 2 > file.length - start) { // each weight takes a digit and a separator at least
            throw new IllegalArgumentException("the header announces " + rows * perRow + " weights, more than the "
                + (file.length - start) + " bytes after line " + line + " can hold");
          }
          return;
        }
        case "nr_class" -> nrClass = count(tokens, line, classes, "classes");
        case "nr_feature" -> nrFeature = count(tokens, line, features, "features");
        default -> { } // solver_type, label, bias: LIBLINEAR checks these itself, allocating nothing large
      }
    }
  }

  private static long count(String[] tokens, int line, int expected, String what) {
    if (tokens.length != 2 || !tokens[1].matches("[0-9]{1,9}") || Long.parseLong(tokens[1]) != expected) {
      throw new IllegalArgumentException("line " + line + " of the header should say " + expected + " " + what
          + ", as the model card does");
    }
    return expected;
  }
}
