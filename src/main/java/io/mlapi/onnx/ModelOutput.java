package io.mlapi.onnx;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import io.mlapi.model.Datatype;
import io.mlapi.model.InferenceException;
import io.mlapi.model.Tensor;
import io.mlapi.model.TensorSpec;
import java.util.List;
import java.util.Map;

/** One output of an ONNX graph, and how its value becomes a {@link Tensor}. */
sealed interface ModelOutput {
  /** What the output is, as the model metadata lists it. */
  TensorSpec spec();

  /** The output's value of one run as a tensor. */
  Tensor read(OnnxValue value) throws OrtException;

  /** A tensor output, answered as it is. */
  record Plain(TensorSpec spec) implements ModelOutput {
    @Override
    public Tensor read(OnnxValue value) throws OrtException {
      return OrtTensors.fromOrt(spec.name(), (OnnxTensor) value);
    }
  }

  /**
   * scikit-learn's probabilities as skl2onnx exports them: a ZipMap's sequence of maps, one per row,
   * class to probability. Answered as an FP32 tensor {@code [rows, classes]}, columns in the order
   * of the keys (ONNX Runtime's maps are ordered by key, and so are scikit-learn's classes).
   *
   * @param keys the classes, {@code Long} or {@code String}, in column order
   */
  record ZipMap(TensorSpec spec, List<Object> keys) implements ModelOutput {
    public ZipMap {
      keys = List.copyOf(keys);
    }

    @Override
    public Tensor read(OnnxValue value) throws OrtException {
      List<? extends OnnxValue> rows = ((OnnxSequence) value).getValue();
      int columns = keys.size();
      float[] probabilities = new float[rows.size() * columns];
      try {
        for (int r = 0; r < rows.size(); r++) {
          Map<? extends Object, ? extends Object> row = ((OnnxMap) rows.get(r)).getValue();
          if (row.size() != columns) {
            throw mismatch(r, row);
          }
          for (int c = 0; c < columns; c++) {
            if (!(row.get(keys.get(c)) instanceof Float probability)) {
              throw mismatch(r, row);
            }
            probabilities[r * columns + c] = probability;
          }
        }
      } finally {
        // Each map is an ONNX Runtime value of its own, freed only when closed.
        OnnxValue.close(rows);
      }
      return new Tensor(spec.name(), Datatype.FP32, new long[] {rows.size(), columns}, probabilities);
    }

    /** Not the client's fault, and not a crash: the model answered other classes than it did when it loaded. */
    private InferenceException mismatch(int row, Map<?, ?> answered) {
      return InferenceException.unavailable("output " + spec.name() + " answered row " + row + " with the classes "
          + answered.keySet() + ", not the " + keys + " it answered when it loaded");
    }
  }
}
