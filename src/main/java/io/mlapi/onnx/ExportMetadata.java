package io.mlapi.onnx;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlapi.model.ModelFormatException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@code metadata_props} mlapi writes into the ONNX files it exports, so that an exported model
 * served by mlapi again (or read by anyone) still knows its feature and class names: each a JSON
 * list of strings. Read from any ONNX file, so checked like everything read from one.
 */
final class ExportMetadata {
  static final String FEATURES = "mlapi.features";
  static final String CLASSES = "mlapi.classes";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ExportMetadata() {}

  /** The names under {@code key}, or none when the file has no such entry. */
  static List<String> names(Map<String, String> properties, String key, Path file) {
    String value = properties.get(key);
    if (value == null) {
      return List.of();
    }
    try {
      return List.copyOf(CardFile.names(JSON.readTree(value), key, 1)); // checked as model.json's names are
    } catch (JacksonException | IllegalArgumentException e) {
      // refused below
    }
    throw new ModelFormatException(file + ": its metadata " + key + " must be a JSON list of distinct, non-empty "
        + "names of at most 256 characters");
  }

  /** The entry for {@code names}, as the exporter writes it. */
  static String json(List<String> names) {
    try {
      return JSON.writeValueAsString(names);
    } catch (JacksonException e) {
      throw new IllegalStateException("a list of strings is always JSON", e);
    }
  }
}
