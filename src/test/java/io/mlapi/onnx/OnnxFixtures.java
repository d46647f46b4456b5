package io.mlapi.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlapi.model.Datatype;
import io.mlapi.model.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

  /**
   * Inputs for {@code datatypes.onnx}: two rows of each of its datatypes, extremes included
   * ({@code datatypes_without_fp16.onnx} takes the same but {@code in_fp16}).
   */
  public static List<Tensor> datatypeSamples() {
    long[] shape = {2, 2};
    return List.of(
        new Tensor("in_fp32", Datatype.FP32, shape, new float[] {1.5f, -0f, Float.MAX_VALUE, Float.MIN_VALUE}),
        new Tensor("in_fp64", Datatype.FP64, shape, new double[] {Math.PI, -1e300, 0, Double.MIN_VALUE}),
        new Tensor("in_fp16", Datatype.FP16, shape, new short[] {Float.floatToFloat16(1.5f), Float.floatToFloat16(-2f),
            Float.floatToFloat16(65504f), Float.floatToFloat16(6.1e-5f)}),
        new Tensor("in_int8", Datatype.INT8, shape, new byte[] {-128, 127, 0, -1}),
        new Tensor("in_int16", Datatype.INT16, shape, new short[] {Short.MIN_VALUE, Short.MAX_VALUE, 0, -1}),
        new Tensor("in_int32", Datatype.INT32, shape, new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1}),
        new Tensor("in_int64", Datatype.INT64, shape, new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1}),
        new Tensor("in_uint8", Datatype.UINT8, shape, new byte[] {(byte) 255, 0, (byte) 128, 1}),
        new Tensor("in_bool", Datatype.BOOL, shape, new boolean[] {true, false, false, true}),
        Tensor.ofStrings("in_string", shape, new String[] {"", "héllo", "日本", "a\u0000b"}));
  }
}
