package io.mlapi.svm;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Checks a LIBSVM text model's header against the file before LIBSVM reads it. LIBSVM allocates
 * what the header says: {@code k(k-1)/2} intercepts for {@code nr_class k}, a {@code (k-1) ×
 * total_sv} coefficient matrix, before it has read one support vector. A file of a few bytes
 * saying {@code total_sv 2147483647} or {@code nr_class 50000} would have it ask for gigabytes
 * (an {@link OutOfMemoryError}, which ends a server that exits on one). So every count is checked
 * against what the file can hold: each header list has exactly as many numbers as its count says,
 * there is one line per support vector, and the coefficients fit in those lines. What LIBSVM then
 * allocates is a small multiple of the file's size. Messages name lines, never quote them.
 */
public final class LibsvmHeader {
  /** The header keys LIBSVM reads (it prints anything else to standard error and gives up). */
  private static final Set<String> KEYS = Set.of("svm_type", "kernel_type", "degree", "gamma", "coef0", "nr_class",
      "total_sv", "rho", "label", "probA", "probB", "prob_density_marks", "nr_sv");
  /** Lists whose length is {@code nr_class} (true) or {@code nr_class(nr_class-1)/2} (false). */
  private static final Map<String, Boolean> LISTS = Map.of("label", true, "nr_sv", true, "prob_density_marks", true,
      "rho", false, "probA", false, "probB", false);

  private LibsvmHeader() {}

  /**
   * @param file the model file's bytes
   * @param features the features of a row (the dense copy of the support vectors is {@code total_sv × features})
   * @param maxDenseBytes the most memory the dense copy may take
   * @throws IllegalArgumentException naming the line that does not add up
   */
  public static void check(byte[] file, int features, long maxDenseBytes) {
    String text = new String(file, StandardCharsets.ISO_8859_1); // one char per byte, whatever the bytes
    long classes = 0;
    long supportVectors = -1;
    int start = 0;
    int line = 0;
    while (true) {
      line++;
      int end = text.indexOf('\n', start);
      if (end < 0) {
        throw new IllegalArgumentException("the header ends at line " + line + " without the SV line that starts "
            + "the support vectors");
      }
      String[] tokens = text.substring(start, end).strip().split("[ \t\r\f]+");
      start = end + 1;
      String key = tokens[0];
      if (key.equals("SV")) {
        break;
      }
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("line " + line + " of the header is not one LIBSVM writes");
      }
      long count = tokens.length - 1L;
      switch (key) {
        case "nr_class" -> classes = number(tokens, line, 1, 1 << 16);
        case "total_sv" -> supportVectors = number(tokens, line, 0, Integer.MAX_VALUE);
        default -> {
          Boolean perClass = LISTS.get(key);
          if (perClass != null) {
            long expected = perClass ? classes : classes * (classes - 1) / 2;
            if (count != expected) {
              throw new IllegalArgumentException("line " + line + " (" + key + ") has " + count + " numbers, but "
                  + "nr_class " + classes + " needs " + expected);
            }
          }
        }
      }
    }
    if (classes < 2 || supportVectors < 0) {
      throw new IllegalArgumentException("the header gives no nr_class of 2 or more, or no total_sv");
    }
    long lines = text.substring(start).lines().filter(body -> !body.isBlank()).count();
    if (lines != supportVectors) {
      throw new IllegalArgumentException("the header says total_sv " + supportVectors + ", but the file has "
          + lines + " support vector lines after line " + line);
    }
    long coefficients = (classes - 1) * supportVectors;
    if (coefficients > (file.length - start + 1) / 2) {
      throw new IllegalArgumentException("the header's nr_class " + classes + " and total_sv " + supportVectors
          + " need more coefficients than the file's " + (file.length - start) + " bytes of support vectors hold");
    }
    if (supportVectors * features > maxDenseBytes / Double.BYTES) {
      throw new IllegalArgumentException(supportVectors + " support vectors of " + features + " features need more "
          + "memory than this server allows a model (" + maxDenseBytes + " bytes); give it a larger heap");
    }
  }

  private static long number(String[] tokens, int line, long min, long max) {
    if (tokens.length != 2) {
      throw new IllegalArgumentException("line " + line + " (" + tokens[0] + ") should hold one number");
    }
    long value;
    try {
      value = Long.parseLong(tokens[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("line " + line + " (" + tokens[0] + ") is not a whole number");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException("line " + line + " (" + tokens[0] + ") is " + value + ", outside "
          + min + " to " + max);
    }
    return value;
  }
}
