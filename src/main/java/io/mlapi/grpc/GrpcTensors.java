package io.mlapi.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.mlapi.grpc.v2.InferTensorContents;
import io.mlapi.grpc.v2.ModelInferRequest;
import io.mlapi.grpc.v2.ModelInferResponse;
import io.mlapi.grpc.v2.ModelMetadataResponse;
import io.mlapi.inference.TensorFields;
import io.mlapi.model.Datatype;
import io.mlapi.model.InferenceException;
import io.mlapi.model.Tensor;
import io.mlapi.model.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;

/**
 * Tensors in the Open Inference Protocol's gRPC form: a request's inputs, typed ({@code contents})
 * or raw ({@code raw_input_contents}, the binary data extension's form: {@link Tensor#fromRaw}),
 * into {@link Tensor}s, and tensors back into outputs. Only decoding and encoding: the core checks
 * the tensors against the model. Nothing is allocated on the client's word: a typed field's length
 * must match the shape before its array is made.
 */
final class GrpcTensors {
  private GrpcTensors() {}

  /** The request's inputs, in order. */
  static List<Tensor> inputs(ModelInferRequest request) {
    int count = request.getInputsCount();
    int raw = request.getRawInputContentsCount();
    if (raw > 0 && raw != count) {
      throw InferenceException.invalidInput("raw_input_contents has " + raw + " entries, but the request has " + count
          + " inputs: give every input its raw contents, in the order of the inputs");
    }
    List<Tensor> tensors = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ModelInferRequest.InferInputTensor input = request.getInputs(i);
      String where = "inputs[" + i + "]";
      Datatype datatype = TensorFields.datatype(where, input.getName(), input.getDatatype());
      long[] shape = input.getShapeList().stream().mapToLong(Long::longValue).toArray();
      long elements = TensorFields.elements(where, shape);
      if (raw > 0) {
        if (input.hasContents()) {
          throw InferenceException.invalidInput(where + " has contents, but the request gives raw_input_contents: "
              + "send every input one way");
        }
        tensors.add(Tensor.fromRaw(input.getName(), datatype, shape, request.getRawInputContents(i).asReadOnlyByteBuffer()));
      } else {
        tensors.add(new Tensor(input.getName(), datatype, shape,
            typed(where, input.getName(), datatype, shape, (int) elements, input.getContents())));
      }
    }
    return tensors;
  }

  /** The elements of a typed input, from the {@code contents} field its datatype uses. */
  private static Object typed(String where, String name, Datatype datatype, long[] shape, int count,
      InferTensorContents contents) {
    switch (datatype) {
      case BOOL -> {
        requireCount(where, "bool_contents", contents.getBoolContentsCount(), shape, count);
        boolean[] values = new boolean[count];
        for (int i = 0; i < count; i++) {
          values[i] = contents.getBoolContents(i);
        }
        return values;
      }
      case INT8, INT16, INT32 -> {
        requireCount(where, "int_contents", contents.getIntContentsCount(), shape, count);
        return integers(where, "int_contents", datatype, count, contents::getIntContents);
      }
      case UINT8, UINT16, UINT32 -> {
        requireCount(where, "uint_contents", contents.getUintContentsCount(), shape, count);
        return integers(where, "uint_contents", datatype, count, i -> Integer.toUnsignedLong(contents.getUintContents(i)));
      }
      case INT64 -> {
        requireCount(where, "int64_contents", contents.getInt64ContentsCount(), shape, count);
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
          values[i] = contents.getInt64Contents(i);
        }
        return values;
      }
      case UINT64 -> {
        requireCount(where, "uint64_contents", contents.getUint64ContentsCount(), shape, count);
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
          values[i] = contents.getUint64Contents(i);
        }
        return values;
      }
      case FP32 -> {
        requireCount(where, "fp32_contents", contents.getFp32ContentsCount(), shape, count);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
          values[i] = contents.getFp32Contents(i);
        }
        return values;
      }
      case FP64 -> {
        requireCount(where, "fp64_contents", contents.getFp64ContentsCount(), shape, count);
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
          values[i] = contents.getFp64Contents(i);
        }
        return values;
      }
      case BYTES -> {
        requireCount(where, "bytes_contents", contents.getBytesContentsCount(), shape, count);
        byte[][] values = new byte[count][];
        for (int i = 0; i < count; i++) {
          values[i] = contents.getBytesContents(i).toByteArray();
        }
        return values;
      }
      case FP16 -> throw TensorFields.fp16Unsupported(where, name, "typed contents field",
          "in raw_input_contents (raw for every input of the request)");
    }
    throw new AssertionError(datatype);
  }

  private static void requireCount(String where, String field, int given, long[] shape, long needed) {
    if (given != needed) {
      throw InferenceException.invalidInput(where + ".contents." + field + " has " + given + " values, but shape "
          + Tensor.shapeText(shape) + " needs " + needed);
    }
  }

  /**
   * The {@code count} elements of a field of integers of at most 32 bits, each checked against
   * {@code datatype}'s range, in its Java array (no wider array on the way).
   */
  private static Object integers(String where, String field, Datatype datatype, int count, IntToLongFunction element) {
    for (int i = 0; i < count; i++) {
      long value = element.applyAsLong(i);
      if (!TensorFields.fits(datatype, value)) {
        throw InferenceException.invalidInput(where + ".contents." + field + " element " + i + ": " + value
            + " is out of the range of " + datatype);
      }
    }
    return TensorFields.narrow(datatype, count, element);
  }

  /**
   * Adds {@code answer} to {@code response}: raw ({@code raw_output_contents}) when {@code raw},
   * else typed, each in the field its datatype uses.
   */
  static void outputs(List<Tensor> answer, boolean raw, ModelInferResponse.Builder response) {
    for (Tensor tensor : answer) {
      ModelInferResponse.InferOutputTensor.Builder output = response.addOutputsBuilder()
          .setName(tensor.name())
          .setDatatype(tensor.datatype().name());
      for (long dimension : tensor.shape()) {
        output.addShape(dimension);
      }
      if (raw) {
        response.addRawOutputContents(UnsafeByteOperations.unsafeWrap(tensor.toRaw())); // a fresh array, never changed
      } else {
        output.setContents(contents(tensor));
      }
    }
  }

  /** Whether {@code answer} must go back raw: FP16 has no typed field. */
  static boolean needsRaw(List<Tensor> answer) {
    return answer.stream().anyMatch(tensor -> tensor.datatype() == Datatype.FP16);
  }

  private static InferTensorContents contents(Tensor tensor) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    int n = tensor.size();
    Object data = tensor.data();
    switch (tensor.datatype()) {
      case BOOL -> {
        for (boolean value : (boolean[]) data) {
          contents.addBoolContents(value);
        }
      }
      case INT8, INT16, INT32 -> {
        for (int i = 0; i < n; i++) {
          contents.addIntContents((int) tensor.number(i));
        }
      }
      case UINT8, UINT16, UINT32 -> {
        for (int i = 0; i < n; i++) {
          contents.addUintContents((int) (long) tensor.number(i));
        }
      }
      case INT64 -> {
        for (long value : (long[]) data) {
          contents.addInt64Contents(value);
        }
      }
      case UINT64 -> {
        for (long value : (long[]) data) {
          contents.addUint64Contents(value);
        }
      }
      case FP32 -> {
        for (float value : (float[]) data) {
          contents.addFp32Contents(value);
        }
      }
      case FP64 -> {
        for (double value : (double[]) data) {
          contents.addFp64Contents(value);
        }
      }
      case BYTES -> {
        for (byte[] value : (byte[][]) data) {
          contents.addBytesContents(ByteString.copyFrom(value));
        }
      }
      case FP16 -> throw new IllegalStateException("FP16 outputs go back raw (needsRaw)");
    }
    return contents.build();
  }

  /** A tensor's metadata: name, datatype, shape (-1 for any size). */
  static ModelMetadataResponse.TensorMetadata metadata(TensorSpec spec) {
    ModelMetadataResponse.TensorMetadata.Builder metadata = ModelMetadataResponse.TensorMetadata.newBuilder()
        .setName(spec.name())
        .setDatatype(spec.datatype().name());
    for (long dimension : spec.shape()) {
      metadata.addShape(dimension);
    }
    return metadata.build();
  }
}
