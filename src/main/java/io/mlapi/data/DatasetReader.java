package io.mlapi.data;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Turns CSV files into {@link Dataset}s. Two layouts are read:
 *
 * <ul>
 *   <li>a header row naming the columns, then one row per sample; the target column holds numbers
 *       or text labels; every other column is a numeric feature;
 *   <li>scikit-learn's bundled format ({@code sklearn/datasets/data/iris.csv} and the like): a
 *       first line {@code rows,features,class names...}, then rows of features and a class index.
 * </ul>
 *
 * Either may be gzip-compressed. Every fault is a {@link DatasetException} naming file, line and
 * column; nothing is guessed or skipped.
 */
public final class DatasetReader {
  private static final String IRIS_RESOURCE = "/io/mlapi/data/iris.csv";
  private static final Pattern COUNT = Pattern.compile("\\d+");

  private DatasetReader() {}

  /** The Iris data set as scikit-learn ships it (150 rows, same order), bundled with mlapi. */
  public static Dataset iris() {
    try (InputStream in = DatasetReader.class.getResourceAsStream(IRIS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the bundled resource " + IRIS_RESOURCE + " is missing");
      }
      return parse("iris (bundled)", in.readAllBytes(), "species");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads {@code file}.
   *
   * @param target the target column's name, or {@code null} for the last column
   */
  public static Dataset read(Path file, String target) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new DatasetException(file.toString(), 0, 0, "no such file");
    } catch (IOException e) {
      throw new DatasetException(file.toString(), 0, 0, "cannot be read: " + e.getMessage());
    }
    return parse(file.toString(), bytes, target);
  }

  static Dataset parse(String file, byte[] bytes, String target) {
    try (CsvReader csv = new CsvReader(reader(file, bytes), file)) {
      String[] header = csv.next();
      if (header == null) {
        throw new DatasetException(file, 1, 0, "the file is empty; expected a header row naming the columns");
      }
      Table table = isScikitLearnHeader(header) ? readScikitLearn(csv, header, target) : readNamed(csv, header, target);
      if (table.rows.isEmpty()) {
        throw new DatasetException(file, csv.lineNumber() + 1, 0, "no data rows after the header");
      }
      return table.toDataset(file, sha256(bytes));
    }
  }

  private static BufferedReader reader(String file, byte[] bytes) {
    InputStream in = new ByteArrayInputStream(bytes);
    if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
      try {
        in = new GZIPInputStream(in);
      } catch (IOException e) {
        throw new DatasetException(file, 0, 0, "looks gzip-compressed but is not: " + e.getMessage());
      }
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  /** scikit-learn's own files start with "rows,features,name,name...": two counts, then labels. */
  private static boolean isScikitLearnHeader(String[] header) {
    return header.length >= 4
        && COUNT.matcher(header[0]).matches()
        && COUNT.matcher(header[1]).matches()
        && !COUNT.matcher(header[2]).matches();
  }

  private static Table readScikitLearn(CsvReader csv, String[] header, String target) {
    int features = Integer.parseInt(header[1]);
    if (target != null && !target.equals("target")) {
      throw new DatasetException(csv.file(), 1, 0,
          "this is scikit-learn's bundled format, whose target is the last column, named \"target\"; got --target "
              + target);
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < features; i++) {
      names.add("feature_" + i);
    }
    names.add("target");
    List<String> labels = List.of(header).subList(2, header.length);
    Table table = new Table(names, features);
    for (String[] record = csv.next(); record != null; record = csv.next()) {
      String index = table.add(csv, record);
      if (!COUNT.matcher(index).matches() || Integer.parseInt(index) >= labels.size()) {
        throw new DatasetException(csv.file(), csv.lineNumber(), features + 1,
            "class index \"" + index + "\" is not one of 0.." + (labels.size() - 1) + " named in line 1");
      }
      table.labels.set(table.labels.size() - 1, labels.get(Integer.parseInt(index)));
    }
    table.classOrder = labels;
    return table;
  }

  private static Table readNamed(CsvReader csv, String[] header, String target) {
    csv.requireColumnNames(header);
    int targetIndex = target == null ? header.length - 1 : List.of(header).indexOf(target);
    if (targetIndex < 0) {
      throw new DatasetException(csv.file(), 1, 0,
          "no column \"" + target + "\" in the header; the columns are " + String.join(", ", header));
    }
    if (header.length < 2) {
      throw new DatasetException(csv.file(), 1, 0,
          "the header has only the target column \"" + header[targetIndex] + "\"; at least one feature is needed");
    }
    Table table = new Table(List.of(header), targetIndex);
    for (String[] record = csv.next(); record != null; record = csv.next()) {
      table.add(csv, record);
    }
    return table;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Rows as they are read: features parsed, labels kept as text until the classes are known. */
  private static final class Table {
    private final List<String> columns;
    private final int targetIndex;
    private final List<double[]> rows = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private List<String> classOrder;

    Table(List<String> columns, int targetIndex) {
      this.columns = columns;
      this.targetIndex = targetIndex;
    }

    /** Parses one record's features; returns its label. */
    String add(CsvReader csv, String[] record) {
      if (record.length != columns.size()) {
        throw new DatasetException(csv.file(), csv.lineNumber(), Math.min(record.length, columns.size()) + 1,
            record.length + " fields, but the header has " + columns.size() + " columns");
      }
      double[] x = new double[columns.size() - 1];
      int j = 0;
      for (int i = 0; i < record.length; i++) {
        if (i != targetIndex) {
          x[j++] = csv.number(record, i, columns.get(i));
        }
      }
      String label = record[targetIndex];
      if (label.isEmpty()) {
        throw new DatasetException(csv.file(), csv.lineNumber(), targetIndex + 1,
            "the target column \"" + columns.get(targetIndex) + "\" is empty");
      }
      rows.add(x);
      labels.add(label);
      return label;
    }

    Dataset toDataset(String file, String sha256) {
      List<String> classes = classOrder != null ? usedInOrder(classOrder) : sortedClasses(labels);
      if (classes.size() < 2) {
        throw new DatasetException(file, 1, targetIndex + 1,
            "the target column \"" + columns.get(targetIndex) + "\" holds one class only (\"" + classes.get(0)
                + "\"); a classifier needs two or more");
      }
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < classes.size(); i++) {
        index.put(classes.get(i), i);
      }
      int[] targets = new int[labels.size()];
      for (int i = 0; i < targets.length; i++) {
        targets[i] = index.get(labels.get(i));
      }
      List<String> features = new ArrayList<>(columns);
      features.remove(targetIndex);
      return new Dataset(file, sha256, features, columns.get(targetIndex), classes, rows.toArray(double[][]::new), targets);
    }

    private List<String> usedInOrder(List<String> order) {
      Set<String> used = new HashSet<>(labels);
      return order.stream().filter(used::contains).toList();
    }
  }

  /**
   * scikit-learn sorts classes with {@code np.unique}: numerically when the labels are numbers,
   * else by code point. Labels keep the text they were written with.
   */
  static List<String> sortedClasses(List<String> labels) {
    Map<String, Boolean> distinct = new LinkedHashMap<>();
    labels.forEach(label -> distinct.put(label, Boolean.TRUE));
    List<String> classes = new ArrayList<>(distinct.keySet());
    boolean numeric = classes.stream().allMatch(label -> CsvReader.isDecimal(label));
    Comparator<String> byCodePoint = (a, b) -> {
      int i = 0;
      int j = 0;
      while (i < a.length() && j < b.length()) {
        int ca = a.codePointAt(i);
        int cb = b.codePointAt(j);
        if (ca != cb) {
          return Integer.compare(ca, cb);
        }
        i += Character.charCount(ca);
        j += Character.charCount(cb);
      }
      return Integer.compare(a.length() - i, b.length() - j);
    };
    Comparator<String> order = numeric
        ? Comparator.<String>comparingDouble(Double::parseDouble).thenComparing(byCodePoint)
        : byCodePoint;
    classes.sort(order);
    return classes;
  }
}
