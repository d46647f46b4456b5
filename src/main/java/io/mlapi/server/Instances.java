package io.mlapi.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.inference.InferenceService;
import io.mlapi.model.InferenceException;
import io.mlapi.model.Model;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code "instances"} list of the tutorial's {@code /predict} and of KServe V1 (or, as KServe's
 * V1 protocol also takes it, {@code "inputs"}): rows as lists of numbers in feature order, or as
 * objects of feature name to number. Read as the body streams
 * by ({@link JsonBodies#readObject}), a list row straight into its {@code double[]}; what is wrong
 * with the list is kept and told by {@link #rows}, in the order the checks are made whatever the
 * order in the body. This class only reads JSON types; the checks against the model are the
 * core's ({@link InferenceService}).
 */
final class Instances extends JsonBodies.ListField {
  /** Rows up to the first wrong one: {@code double[]} for a list, the tree of an object (named features). */
  private final List<Object> rows = new ArrayList<>();
  private String problem;
  private double[] scratch = new double[8];

  Instances() {
    super("instances", "inputs");
  }

  @Override
  void clear() {
    rows.clear();
    problem = null;
  }

  @Override
  boolean item(int r, JsonToken token, JsonBodies.Field field) throws IOException {
    JsonParser parser = field.parser();
    if (token == JsonToken.START_ARRAY) {
      double[] row = numbers(parser, field.name(), r);
      if (row == null) {
        return false;
      }
      rows.add(row);
    } else if (token == JsonToken.START_OBJECT) {
      rows.add(JsonBodies.value(parser));
    } else {
      problem = field.name() + "[" + r + "] must be a list of numbers or an object of feature name to number, got "
          + describe(JsonBodies.value(parser));
      return false;
    }
    return true;
  }

  /** A list row, the parser at its start; {@code null} (and the problem kept) when a value is not a number. */
  private double[] numbers(JsonParser parser, String list, int r) throws IOException {
    int n = 0;
    for (JsonToken token = JsonBodies.next(parser); token != JsonToken.END_ARRAY; token = JsonBodies.next(parser)) {
      if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
        problem = list + "[" + r + "][" + n + "] must be a number, got " + describe(JsonBodies.value(parser));
        while (JsonBodies.next(parser) != JsonToken.END_ARRAY) {
          parser.skipChildren();
        }
        return null;
      }
      if (n == scratch.length) {
        scratch = Arrays.copyOf(scratch, 2 * n);
      }
      scratch[n++] = parser.getDoubleValue();
    }
    return Arrays.copyOf(scratch, n);
  }

  /**
   * The rows read, each in {@code model}'s feature order.
   *
   * @throws InferenceException when the rows are given twice or not at all, there are too few or too
   *     many of them, or a row is not a list of numbers or an object of feature name to number (the
   *     first such row)
   */
  double[][] rows(Model model, InferenceService core) {
    if (severalNames()) {
      throw InferenceException.invalidInput("the body has both \"instances\" and \"inputs\"; send the rows in one "
          + "of them");
    }
    if (!given()) {
      throw InferenceException.invalidInput("the body needs \"instances\": a list of rows, each a list of numbers "
          + "or an object of feature name to number (KServe's \"inputs\" is taken the same way)");
    }
    core.checkRowCount(count());
    double[][] x = new double[rows.size()][];
    for (int r = 0; r < x.length; r++) {
      x[r] = rows.get(r) instanceof double[] row ? row : named((JsonNode) rows.get(r), name() + "[" + r + "]", r,
          model, core);
    }
    if (problem != null) {
      throw InferenceException.invalidInput(problem);
    }
    return x;
  }

  private static double[] named(JsonNode row, String where, int r, Model model, InferenceService core) {
    Map<String, Double> values = new HashMap<>();
    for (Map.Entry<String, JsonNode> feature : row.properties()) {
      values.put(feature.getKey(), number(feature.getValue(), where + "." + feature.getKey()));
    }
    return core.namedRow(model, r, values);
  }

  static double number(JsonNode node, String where) {
    if (!node.isNumber()) {
      throw InferenceException.invalidInput(where + " must be a number, got " + describe(node));
    }
    return node.doubleValue();
  }

  static String describe(JsonNode node) {
    return switch (node.getNodeType()) {
      case STRING -> "the string \"" + InferenceException.abbreviate(node.textValue()) + "\"";
      case BOOLEAN -> node.asText();
      case NULL -> "null";
      case NUMBER -> "the number " + InferenceException.abbreviate(node.asText());
      case ARRAY -> "a list";
      case OBJECT -> "an object";
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
