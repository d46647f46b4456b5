package io.mlapi.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.data.Scaler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code scaler.json}: a fitted scaler in scikit-learn's attribute names, every number as Java
 * writes it (the shortest text that reads back to the same double):
 * {@code {"kind": "standard", "mean_": [...], "scale_": [...]}} or
 * {@code {"kind": "minmax", "min_": [...], "scale_": [...]}}.
 */
final class ScalerFile {
  private ScalerFile() {}

  static void write(Scaler scaler, Path file) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("kind", scaler.kind().label());
    json.put(offsetName(scaler.kind()), scaler.offset());
    json.put("scale_", scaler.scale());
    ModelJson.MAPPER.writeValue(file.toFile(), json);
  }

  /**
   * @throws ModelFormatException naming the file and what is wrong
   */
  static Scaler read(Path file, String kind, int features) throws IOException {
    JsonNode json;
    try {
      json = ModelJson.MAPPER.readTree(Files.readAllBytes(file));
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new ModelFormatException(file + " is not valid JSON: " + e.getOriginalMessage());
    }
    Scaler.Kind scalerKind;
    try {
      scalerKind = Scaler.Kind.parse(json.path("kind").asText());
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(file + ": " + e.getMessage());
    }
    if (!scalerKind.label().equals(kind)) {
      throw new ModelFormatException(file + " holds a " + scalerKind.label() + " scaler, but " + ModelFiles.CARD
          + " says " + kind);
    }
    double[] offset = numbers(file, json.path(offsetName(scalerKind)), offsetName(scalerKind), features);
    double[] scale = numbers(file, json.path("scale_"), "scale_", features);
    try {
      return new Scaler(scalerKind, offset, scale);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(file + ": " + e.getMessage());
    }
  }

  private static String offsetName(Scaler.Kind kind) {
    return kind == Scaler.Kind.MINMAX ? "min_" : "mean_";
  }

  private static double[] numbers(Path file, JsonNode array, String name, int features) {
    if (!array.isArray() || array.size() != features) {
      throw new ModelFormatException(file + ": " + name + " should be an array of " + features + " numbers");
    }
    double[] values = new double[features];
    for (int f = 0; f < features; f++) {
      if (!array.get(f).isNumber()) {
        throw new ModelFormatException(file + ": " + name + "[" + f + "] is not a number");
      }
      values[f] = array.get(f).doubleValue();
    }
    return values;
  }
}
