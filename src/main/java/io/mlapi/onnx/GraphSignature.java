package io.mlapi.onnx;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import io.mlapi.model.Datatype;
import io.mlapi.model.TensorSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A graph's inputs and outputs as ONNX Runtime reads them, refused when mlapi cannot pass them:
 * inputs must be tensors of a datatype ONNX Runtime's Java API handles; outputs tensors of those,
 * or ZipMap's sequences of maps (int64 or string keys to float32).
 *
 * @param inputs in the graph's order
 * @param outputs name to what the graph declares, in the graph's order
 */
record GraphSignature(List<TensorSpec> inputs, Map<String, ValueInfo> outputs) {
  GraphSignature {
    inputs = List.copyOf(inputs);
    outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
  }

  /**
   * @throws io.mlapi.model.ModelFormatException naming the input or output mlapi cannot pass, and why
   */
  static GraphSignature read(Path file, OrtSession session) throws OrtException {
    List<TensorSpec> inputs = new ArrayList<>();
    for (NodeInfo input : session.getInputInfo().values()) {
      if (!(input.getInfo() instanceof TensorInfo tensor)) {
        throw OnnxLoader.refuse(file, "input " + input.getName() + " is " + describe(input.getInfo())
            + "; mlapi passes tensors only");
      }
      inputs.add(spec(file, "input", input.getName(), tensor));
    }
    Map<String, ValueInfo> outputs = new LinkedHashMap<>();
    for (NodeInfo output : session.getOutputInfo().values()) {
      if (!(output.getInfo() instanceof TensorInfo tensor) && !isZipMap(output.getInfo())) {
        throw OnnxLoader.refuse(file, "output " + output.getName() + " is " + describe(output.getInfo())
            + "; mlapi answers tensors, and sequences of maps of class to probability (scikit-learn's ZipMap) as "
            + "FP32 tensors");
      }
      if (output.getInfo() instanceof TensorInfo tensor) {
        spec(file, "output", output.getName(), tensor); // refuses a datatype mlapi cannot pass, before any run
      }
      outputs.put(output.getName(), output.getInfo());
    }
    return new GraphSignature(inputs, outputs);
  }

  /** A tensor's name, datatype and shape ({@code -1} for a dynamic dimension). */
  static TensorSpec spec(Path file, String kind, String name, TensorInfo info) {
    Datatype datatype = OrtTensors.datatype(info.onnxType);
    if (datatype == null) {
      throw OnnxLoader.refuse(file, kind + " " + name + " is a tensor of " + OrtTensors.onnxName(info.onnxType)
          + ", which ONNX Runtime's Java API cannot pass; mlapi serves FP32, FP64, FP16, INT8, INT16, INT32, INT64, "
          + "UINT8, BOOL and string (BYTES) tensors");
    }
    long[] shape = info.getShape();
    for (int i = 0; i < shape.length; i++) {
      shape[i] = Math.max(shape[i], -1); // symbolic dimensions come as -1; nothing below means anything else
    }
    return new TensorSpec(name, datatype, shape);
  }

  private static boolean isZipMap(ValueInfo info) {
    if (!(info instanceof SequenceInfo sequence) || !sequence.isSequenceOfMaps()) {
      return false;
    }
    MapInfo map = sequence.mapInfo;
    return map.valueType == OnnxJavaType.FLOAT && (map.keyType == OnnxJavaType.INT64 || map.keyType == OnnxJavaType.STRING);
  }

  private static String describe(ValueInfo info) {
    if (info instanceof SequenceInfo sequence) {
      return sequence.isSequenceOfMaps() ? "a sequence of maps " + sequence.mapInfo.keyType + " to "
          + sequence.mapInfo.valueType : "a sequence of " + sequence.sequenceType + " tensors";
    }
    if (info instanceof MapInfo map) {
      return "a map " + map.keyType + " to " + map.valueType;
    }
    return String.valueOf(info);
  }
}
