package io.mlapi.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import io.mlapi.model.Datatype;
import io.mlapi.model.Tensor;
import io.mlapi.model.TensorSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The run a model passes before it is served: every output, on {@code model.json}'s test rows or
 * else on a generated input, each answer read as it will be at request time (which also learns a
 * ZipMap's classes), and held to what {@code model.json} expects.
 */
final class CheckRun {
  /** The largest input the check generates (elements). */
  static final long MAX_GENERATED_ELEMENTS = 1 << 24;

  private CheckRun() {}

  /**
   * @param outputs how each output is answered, in the graph's order
   * @param check what the card says of the run
   */
  record Outcome(List<ModelOutput> outputs, OnnxCard.Check check) {}

  /**
   * @param rowInput the input the test rows go to; null when the model takes no rows
   * @throws io.mlapi.model.ModelFormatException when the run fails or answers what the card does not expect
   */
  static Outcome run(Path file, OrtEnvironment env, OrtSession session, GraphSignature graph, TensorSpec rowInput,
      CardFile card) {
    boolean testRows = card.testRows().length > 0;
    for (String expected : card.expected().keySet()) {
      if (!graph.outputs().containsKey(expected)) {
        throw OnnxLoader.refuse(file, CardFile.FILE + " expects values of output \"" + expected + "\", which the "
            + "model does not have; its outputs are " + String.join(", ", graph.outputs().keySet()));
      }
    }
    Map<String, OnnxTensor> feeds = new HashMap<>();
    try {
      for (TensorSpec input : graph.inputs()) {
        Tensor tensor = testRows && input == rowInput
            ? Tensor.fromRows(input.name(), input.datatype(), card.testRows(), card.testRows()[0].length)
            : generated(file, input);
        feeds.put(input.name(), OrtTensors.toOrt(env, tensor));
      }
      try (OrtSession.Result result = session.run(feeds)) {
        List<ModelOutput> outputs = new ArrayList<>();
        List<String> matched = new ArrayList<>();
        for (Map.Entry<String, ValueInfo> entry : graph.outputs().entrySet()) {
          OnnxValue value = result.get(entry.getKey()).orElseThrow();
          ModelOutput output = form(file, entry.getKey(), entry.getValue(), value);
          outputs.add(output);
          JsonExpectation.check(file, card, entry.getKey(), output.read(value)).ifPresent(matched::add);
        }
        return new Outcome(outputs, new OnnxCard.Check(testRows ? "testRows" : "generated",
            testRows ? card.testRows().length : 1, matched));
      }
    } catch (OrtException e) {
      throw OnnxLoader.refuse(file, "the check run on " + (testRows ? "the test rows of " + CardFile.FILE
          : "a generated input (give testRows in " + CardFile.FILE + " to check it on real rows)") + " failed: "
          + OnnxModel.message(e));
    } finally {
      OnnxValue.close(feeds);
    }
  }

  /** How an output is answered, from its declared type and its value in the run. */
  private static ModelOutput form(Path file, String name, ValueInfo declared, OnnxValue value) throws OrtException {
    if (declared instanceof TensorInfo tensor) {
      TensorSpec spec = GraphSignature.spec(file, "output", name, tensor);
      long[] actual = ((OnnxTensor) value).getInfo().getShape();
      if (spec.rank() == 0 && actual.length > 0) {
        // The graph declares no shape for it: say only the rank the run showed, every dimension dynamic.
        long[] shape = new long[actual.length];
        Arrays.fill(shape, -1);
        spec = new TensorSpec(name, spec.datatype(), shape);
      }
      return new ModelOutput.Plain(spec);
    }
    List<Object> keys = ZipMapKeys.of(file, name, value);
    return new ModelOutput.ZipMap(new TensorSpec(name, Datatype.FP32, new long[] {-1, keys.size()}), keys);
  }

  /** An input of zeros (false, empty strings), every dynamic dimension 1. */
  private static Tensor generated(Path file, TensorSpec spec) {
    long[] shape = spec.shape();
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shape[i] < 0 ? 1 : shape[i];
    }
    long count = Tensor.elementCount(shape);
    if (count < 0 || count > MAX_GENERATED_ELEMENTS) {
      throw OnnxLoader.refuse(file, "input " + spec.name() + " has shape " + Tensor.shapeText(spec.shape())
          + ": more than the " + MAX_GENERATED_ELEMENTS + " elements mlapi generates to check a model");
    }
    int n = (int) count;
    Object data = switch (spec.datatype()) {
      case FP32 -> new float[n];
      case FP64 -> new double[n];
      case FP16, INT16, UINT16 -> new short[n];
      case INT8, UINT8 -> new byte[n];
      case INT32, UINT32 -> new int[n];
      case INT64, UINT64 -> new long[n];
      case BOOL -> new boolean[n];
      case BYTES -> {
        byte[][] empty = new byte[n][];
        Arrays.fill(empty, new byte[0]);
        yield empty;
      }
    };
    return new Tensor(spec.name(), spec.datatype(), shape, data);
  }
}
