package io.mlapi.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.model.Datatype;
import io.mlapi.model.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Holds a check run's answer to what {@code model.json} expects of it. */
final class JsonExpectation {
  private JsonExpectation() {}

  /**
   * @return {@code output} when the card expects values of it and the answer matches them; empty
   *     when it expects none
   * @throws io.mlapi.model.ModelFormatException naming the first value that differs
   */
  static Optional<String> check(Path file, CardFile card, String output, Tensor answer) {
    JsonNode expected = card.expected().get(output);
    if (expected == null) {
      return Optional.empty();
    }
    List<JsonNode> values = new ArrayList<>();
    flatten(expected, values);
    String where = CardFile.FILE + "'s expected." + output;
    if (values.size() != answer.size()) {
      throw OnnxLoader.refuse(file, where + " has " + values.size() + " values, but the model answers "
          + answer.size() + " (shape " + Tensor.shapeText(answer.shape()) + ") for the test rows");
    }
    for (int i = 0; i < values.size(); i++) {
      JsonNode value = values.get(i);
      String got;
      boolean same;
      if (answer.datatype() == Datatype.BYTES) {
        got = "\"" + answer.string(i) + "\"";
        same = value.isTextual() && value.textValue().equals(answer.string(i));
      } else if (answer.datatype() == Datatype.BOOL) {
        got = String.valueOf(answer.number(i) != 0);
        same = value.isBoolean() && value.booleanValue() == (answer.number(i) != 0);
      } else {
        double actual = answer.number(i);
        got = String.valueOf(actual);
        same = value.isNumber()
            && Math.abs(actual - value.doubleValue()) <= card.tolerance() * Math.max(1, Math.abs(value.doubleValue()));
      }
      if (!same) {
        throw OnnxLoader.refuse(file, "the model answers " + got + " for element " + i + " of output " + output
            + ", but " + where + " says " + io.mlapi.model.InferenceException.abbreviate(value.toString())
            + " (tolerance " + card.tolerance() + ")");
      }
    }
    return Optional.of(output);
  }

  private static void flatten(JsonNode node, List<JsonNode> into) {
    if (node.isArray()) {
      node.forEach(child -> flatten(child, into));
    } else {
      into.add(node);
    }
  }
}
