package io.mlapi.onnx;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.mlapi.model.InferenceException;
import io.mlapi.model.ModelFormatException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The optional {@code model.json} beside a {@code model.onnx}: what the graph cannot say. Every
 * field is optional, and so is the file; whoever wrote it is not trusted, so it is read within a
 * size limit and every field is checked for type, length and count, naming what is wrong.
 *
 * <pre>{@code
 * {
 *   "description": "Iris species from sepal and petal sizes (scikit-learn LogisticRegression)",
 *   "features": ["sepal_length", "sepal_width", "petal_length", "petal_width"],
 *   "classes": ["setosa", "versicolor", "virginica"],
 *   "testRows": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]],
 *   "expected": {"output_label": [0, 2]},
 *   "tolerance": 1e-5
 * }
 * }</pre>
 *
 * @param description what the model is, for people
 * @param features names of the columns of the model's row input; empty when not given
 * @param classes names of the classes, in the column order of the probability output; empty when not given
 * @param testRows rows the load check runs instead of a generated input; empty when not given
 * @param expected per output name, what the model must answer for {@code testRows} (nested or flat,
 *     row-major), or the version is not served
 * @param tolerance how far a number may be from its expected value: {@code |a - e| <= tolerance * max(1, |e|)}
 */
record CardFile(String description, List<String> features, List<String> classes, double[][] testRows,
    Map<String, JsonNode> expected, double tolerance) {
  static final String FILE = "model.json";
  static final long MAX_BYTES = 1024 * 1024;
  static final double DEFAULT_TOLERANCE = 1e-5;
  static final CardFile NONE = new CardFile(null, List.of(), List.of(), new double[0][], Map.of(), DEFAULT_TOLERANCE);

  static final int MAX_TEXT = 4096;
  private static final int MAX_NAME = 256;
  private static final int MAX_NAMES = 100_000;
  private static final int MAX_TEST_ROWS = 1000;
  private static final Set<String> FIELDS = Set.of("description", "features", "classes", "testRows", "expected",
      "tolerance");
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  CardFile {
    features = List.copyOf(features);
    classes = List.copyOf(classes);
    expected = Map.copyOf(expected);
  }

  /** {@code dir}'s {@code model.json}, or {@link #NONE} when there is none. */
  static CardFile read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return NONE;
    }
    byte[] bytes = ModelFile.read(file, MAX_BYTES, null);
    JsonNode tree;
    try {
      tree = JSON.readTree(bytes);
    } catch (JacksonException e) {
      throw new ModelFormatException(file + " is not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new ModelFormatException(file + ": cannot read it: " + e.getMessage(), e);
    }
    try {
      return parse(tree);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(file + ": " + e.getMessage());
    }
  }

  /**
   * @throws IllegalArgumentException naming the field and what is wrong with it
   */
  static CardFile parse(JsonNode tree) {
    if (tree == null || !tree.isObject()) {
      throw new IllegalArgumentException("must be a JSON object, e.g. {\"description\": \"...\"}");
    }
    tree.fieldNames().forEachRemaining(field -> {
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException("unknown field \"" + InferenceException.abbreviate(field) + "\"; the fields of an ONNX model's "
            + FILE + " are " + String.join(", ", FIELDS.stream().sorted().toList()));
      }
    });
    String description = null;
    JsonNode node = tree.get("description");
    if (node != null) {
      if (!node.isTextual() || node.textValue().length() > MAX_TEXT) {
        throw new IllegalArgumentException("description must be a string of at most " + MAX_TEXT + " characters");
      }
      description = node.textValue();
    }
    List<String> features = names(tree.get("features"), "features", 1);
    List<String> classes = names(tree.get("classes"), "classes", 2);
    double[][] testRows = testRows(tree.get("testRows"), features);
    Map<String, JsonNode> expected = new LinkedHashMap<>();
    node = tree.get("expected");
    if (node != null) {
      if (!node.isObject() || node.isEmpty()) {
        throw new IllegalArgumentException("expected must be an object of output name to values");
      }
      if (testRows.length == 0) {
        throw new IllegalArgumentException("expected needs testRows: the rows the values are expected for");
      }
      node.properties().forEach(entry -> {
        if (!entry.getValue().isArray()) {
          throw new IllegalArgumentException("expected." + InferenceException.abbreviate(entry.getKey()) + " must be a list of values");
        }
        expected.put(entry.getKey(), entry.getValue());
      });
    }
    double tolerance = DEFAULT_TOLERANCE;
    node = tree.get("tolerance");
    if (node != null) {
      if (!node.isNumber() || !(node.doubleValue() >= 0) || node.doubleValue() > 1) {
        throw new IllegalArgumentException("tolerance must be a number from 0 to 1, got " + InferenceException.abbreviate(node.toString()));
      }
      tolerance = node.doubleValue();
    }
    return new CardFile(description, features, classes, testRows, expected, tolerance);
  }

  /**
   * @throws IllegalArgumentException unless {@code node} is a list of {@code atLeast} to {@value #MAX_NAMES}
   *     distinct, non-empty names of at most {@value #MAX_NAME} characters
   */
  static List<String> names(JsonNode node, String field, int atLeast) {
    if (node == null) {
      return List.of();
    }
    if (!node.isArray() || node.size() < atLeast || node.size() > MAX_NAMES) {
      throw new IllegalArgumentException(field + " must be a list of " + atLeast + " to " + MAX_NAMES + " names");
    }
    List<String> names = new ArrayList<>(node.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode name = node.get(i);
      if (!name.isTextual() || name.textValue().isEmpty() || name.textValue().length() > MAX_NAME) {
        throw new IllegalArgumentException(field + "[" + i + "] must be a non-empty string of at most " + MAX_NAME
            + " characters");
      }
      if (!seen.add(name.textValue())) {
        throw new IllegalArgumentException(field + "[" + i + "]: \"" + InferenceException.abbreviate(name.textValue()) + "\" repeats");
      }
      names.add(name.textValue());
    }
    return names;
  }

  private static double[][] testRows(JsonNode node, List<String> features) {
    if (node == null) {
      return new double[0][];
    }
    if (!node.isArray() || node.isEmpty() || node.size() > MAX_TEST_ROWS) {
      throw new IllegalArgumentException("testRows must be a list of 1 to " + MAX_TEST_ROWS + " rows");
    }
    double[][] rows = new double[node.size()][];
    for (int r = 0; r < rows.length; r++) {
      JsonNode row = node.get(r);
      int width = rows[0] == null ? row.size() : rows[0].length;
      if (!row.isArray() || row.isEmpty() || row.size() != width || row.size() > MAX_NAMES) {
        throw new IllegalArgumentException("testRows[" + r + "] must be a list of " + (r == 0 ? "numbers" : width
            + " numbers, as the first row has"));
      }
      if (!features.isEmpty() && row.size() != features.size()) {
        throw new IllegalArgumentException("testRows[" + r + "] has " + row.size() + " values, but features names "
            + features.size());
      }
      rows[r] = new double[row.size()];
      for (int f = 0; f < row.size(); f++) {
        JsonNode value = row.get(f);
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
          throw new IllegalArgumentException("testRows[" + r + "][" + f + "] must be a finite number, got "
              + InferenceException.abbreviate(value.toString()));
        }
        rows[r][f] = value.doubleValue();
      }
    }
    return rows;
  }
}
