package io.mlapi.server;

import io.mlapi.model.InferenceException;
import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.inference.InferenceService;
import io.mlapi.model.Model;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code "instances"} (or {@code "inputs"}) list of the tutorial's {@code /predict} and of KServe V1: rows as lists
 * of numbers in feature order, or as objects of feature name to number. This class only reads
 * JSON types; the checks against the model are the core's ({@link InferenceService}).
 */
final class Instances {
  private Instances() {}

  static double[][] parse(JsonNode body, Model model, InferenceService core) {
    if (body.has("instances") && body.has("inputs")) {
      throw InferenceException.invalidInput("the body has both \"instances\" and \"inputs\"; send the rows in one "
          + "of them");
    }
    // KServe's V1 protocol takes the rows as "instances" or as "inputs", the same way.
    String field = body.has("inputs") ? "inputs" : "instances";
    JsonNode instances = body.get(field);
    if (instances == null || !instances.isArray()) {
      throw InferenceException.invalidInput("the body needs \"instances\": a list of rows, each a list of numbers "
          + "or an object of feature name to number (KServe's \"inputs\" is taken the same way)");
    }
    core.checkRowCount(instances.size());
    double[][] rows = new double[instances.size()][];
    for (int r = 0; r < rows.length; r++) {
      JsonNode row = instances.get(r);
      if (row.isArray()) {
        double[] x = new double[row.size()];
        for (int f = 0; f < x.length; f++) {
          x[f] = number(row.get(f), field + "[" + r + "][" + f + "]");
        }
        rows[r] = x;
      } else if (row.isObject()) {
        Map<String, Double> values = new HashMap<>();
        for (Map.Entry<String, JsonNode> entry : row.properties()) {
          values.put(entry.getKey(), number(entry.getValue(), field + "[" + r + "]." + entry.getKey()));
        }
        rows[r] = core.namedRow(model, r, values);
      } else {
        throw InferenceException.invalidInput(field + "[" + r + "] must be a list of numbers or an object of "
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
