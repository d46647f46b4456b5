package io.mlapi.onnx;

import io.mlapi.model.Datatype;
import io.mlapi.model.RowSignature;
import io.mlapi.model.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether an ONNX model takes rows of features, and how the row protocols ({@code /predict}, KServe
 * V1) use it: one FP32 or FP64 input of shape {@code [rows, features]}; its predictions are the
 * label output (INT64 or strings, named like {@code label}, one per row), or for a model with one
 * numeric output of one value per row (a regressor) that output; its probabilities are the ZipMap
 * output, or one named like {@code prob} with a column per class.
 */
final class RowInputs {
  private RowInputs() {}

  /** The model's only input when it is one FP32 or FP64 matrix; else null. */
  static TensorSpec rowInput(List<TensorSpec> inputs) {
    if (inputs.size() != 1) {
      return null;
    }
    TensorSpec input = inputs.get(0);
    boolean floats = input.datatype() == Datatype.FP32 || input.datatype() == Datatype.FP64;
    return floats && input.rank() == 2 && input.shape()[1] != 0 ? input : null;
  }

  /**
   * @param width the features per row, or -1 when neither the graph nor a name list says
   * @param features their names; empty for {@code x0, x1, ...}
   * @param classes the classes in the probability output's column order; empty when unknown
   * @return the signature, or null when no output answers rows
   */
  static RowSignature signature(TensorSpec input, int width, List<String> features, List<String> classes,
      List<ModelOutput> outputs) {
    if (width < 1) {
      return null;
    }
    String predictions = null;
    for (ModelOutput output : outputs) {
      TensorSpec spec = output.spec();
      if (spec.name().toLowerCase(Locale.ROOT).contains("label") && onePerRow(spec)
          && (spec.datatype() == Datatype.INT64 || spec.datatype() == Datatype.BYTES)) {
        predictions = spec.name();
        break;
      }
    }
    if (predictions == null && outputs.size() == 1 && onePerRow(outputs.get(0).spec())
        && outputs.get(0).spec().datatype().isNumeric()) {
      predictions = outputs.get(0).spec().name();
    }
    if (predictions == null) {
      return null;
    }
    String probabilities = null;
    for (ModelOutput output : outputs) {
      TensorSpec spec = output.spec();
      boolean probabilityLike = output instanceof ModelOutput.ZipMap
          || spec.name().toLowerCase(Locale.ROOT).contains("prob");
      if (probabilityLike && !classes.isEmpty() && spec.rank() == 2 && spec.shape()[1] == classes.size()
          && (spec.datatype() == Datatype.FP32 || spec.datatype() == Datatype.FP64)) {
        probabilities = spec.name();
        break;
      }
    }
    List<String> names = features;
    if (names.isEmpty()) {
      names = new ArrayList<>(width);
      for (int f = 0; f < width; f++) {
        names.add("x" + f);
      }
    }
    return new RowSignature(input.name(), names, classes, predictions, predictions, probabilities);
  }

  /** A value per row: {@code [rows]} or {@code [rows, 1]}. */
  private static boolean onePerRow(TensorSpec spec) {
    return spec.rank() == 1 || (spec.rank() == 2 && spec.shape()[1] == 1);
  }
}
