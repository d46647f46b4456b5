package io.mlapi.onnx;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The classes of a ZipMap output, learnt from the check run: the keys of its first row, in the
 * order ONNX Runtime keeps them (its maps are {@code std::map}s: int64 keys by value, string keys
 * by their bytes), which is also the order of scikit-learn's {@code classes_}.
 */
final class ZipMapKeys {
  private static final Comparator<Object> ORDER = (a, b) -> a instanceof Long x
      ? Long.compare(x, (Long) b)
      : Arrays.compareUnsigned(((String) a).getBytes(StandardCharsets.UTF_8), ((String) b).getBytes(StandardCharsets.UTF_8));

  private ZipMapKeys() {}

  static List<Object> of(Path file, String output, OnnxValue value) throws OrtException {
    List<? extends OnnxValue> rows = ((OnnxSequence) value).getValue();
    try {
      if (rows.isEmpty()) {
        throw OnnxLoader.refuse(file, "output " + output + " answered no rows in the check run, so its classes are "
            + "unknown; give testRows in " + CardFile.FILE);
      }
      List<Object> keys = new ArrayList<>(((OnnxMap) rows.get(0)).getValue().keySet());
      keys.sort(ORDER);
      return keys;
    } finally {
      OnnxValue.close(rows);
    }
  }
}
