package io.mlapi.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The ONNX models of {@code src/test/resources/onnx/} (written by {@code scripts/onnx_fixtures.py})
 * placed into repositories, and what scikit-learn and numpy answer for them.
 */
public final class OnnxFixtures {
  private static final JsonNode EXPECTED = read();

  private OnnxFixtures() {}

  private static JsonNode read() {
    try (InputStream in = OnnxFixtures.class.getResourceAsStream("/onnx/expected.json")) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What {@code expected.json} records for {@code fixture}. */
  public static JsonNode expected(String fixture) {
    return EXPECTED.get(fixture);
  }

  /** The bytes of {@code fixture.onnx}. */
  public static byte[] bytes(String fixture) {
    try (InputStream in = OnnxFixtures.class.getResourceAsStream("/onnx/" + fixture + ".onnx")) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + fixture);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code fixture.onnx} as {@code repository/name/version/model.onnx}; the version directory. */
  public static Path publish(Path repository, String name, int version, String fixture) {
    return publish(repository, name, version, bytes(fixture), null);
  }

  /** Writes {@code model} (and {@code cardJson} as model.json, unless null) as {@code repository/name/version/}. */
  public static Path publish(Path repository, String name, int version, byte[] model, String cardJson) {
    Path dir = repository.resolve(name).resolve(Integer.toString(version));
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(OnnxLoader.MODEL_FILE), model);
      if (cardJson != null) {
        Files.writeString(dir.resolve("model.json"), cardJson);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** The rows of {@code expected.json}'s {@code fixture} as a flat FP32 array, and their count. */
  public static float[] rowsFlat(String fixture) {
    JsonNode rows = expected(fixture).get("rows");
    int width = rows.get(0).size();
    float[] flat = new float[rows.size() * width];
    for (int r = 0; r < rows.size(); r++) {
      for (int f = 0; f < width; f++) {
        flat[r * width + f] = (float) rows.get(r).get(f).doubleValue();
      }
    }
    return flat;
  }
}
