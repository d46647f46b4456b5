package io.mlapi.server;

import io.mlapi.model.InferenceException;
import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.inference.InferenceService;
import io.mlapi.model.Model;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code "instances"} list of the tutorial's {@code /predict} and of KServe V1: rows as lists
 * of numbers in feature order, or as objects of feature name to number. This class only reads
 * JSON types; the checks against the model are the core's ({@link InferenceService}).
 */
final class Instances {
  private Instances() {}

  static double[][] parse(JsonNode body, Model model, InferenceService core) {
    JsonNode instances = body.get("instances");
    if (instances == null || !instances.isArray()) {
      throw InferenceException.invalidInput("the body needs \"instances\": a list of rows, each a list of numbers "
          + "or an object of feature name to number");
    }
    core.checkRowCount(instances.size());
    double[][] rows = new double[instances.size()][];
    for (int r = 0; r < rows.length; r++) {
      JsonNode row = instances.get(r);
      if (row.isArray()) {
        double[] x = new double[row.size()];
        for (int f = 0; f < x.length; f++) {
          x[f] = number(row.get(f), "instances[" + r + "][" + f + "]");
        }
        rows[r] = x;
      } else if (row.isObject()) {
        Map<String, Double> values = new HashMap<>();
        for (Map.Entry<String, JsonNode> field : row.properties()) {
          values.put(field.getKey(), number(field.getValue(), "instances[" + r + "]." + field.getKey()));
        }
        rows[r] = core.namedRow(model, r, values);
      } else {
        throw InferenceException.invalidInput("instances[" + r + "] must be a list of numbers or an object of "
            + "feature name to number, got " + describe(row));
      }
    }
    return rows;
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
