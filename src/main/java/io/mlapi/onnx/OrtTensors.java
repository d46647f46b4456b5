package io.mlapi.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import io.mlapi.model.Datatype;
import io.mlapi.model.InferenceException;
import io.mlapi.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * mlapi's {@link Tensor}s to ONNX Runtime's and back, element for element: FP16 as its half-precision
 * bits, unsigned 8-bit as its bits, BOOL as one byte, BYTES as UTF-8 text (ONNX's string tensors
 * hold text, and ONNX Runtime's Java API takes and gives {@code String}s).
 */
final class OrtTensors {
  private OrtTensors() {}

  /**
   * The Open Inference Protocol datatype of an ONNX element type, or {@code null} for those mlapi
   * cannot pass through ONNX Runtime's Java API (UINT16/32/64, BFLOAT16, complex, 8-bit floats).
   */
  static Datatype datatype(OnnxTensorType type) {
    return switch (type) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> Datatype.FP32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> Datatype.FP64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> Datatype.FP16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> Datatype.INT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> Datatype.INT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> Datatype.INT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> Datatype.INT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> Datatype.UINT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> Datatype.BOOL;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> Datatype.BYTES;
      default -> null;
    };
  }

  /** ONNX's name of an element type, as its specification writes it ({@code uint32}, {@code bfloat16}). */
  static String onnxName(OnnxTensorType type) {
    return type.name().substring("ONNX_TENSOR_ELEMENT_DATA_TYPE_".length()).toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * An ONNX Runtime tensor with the elements of {@code tensor}; the caller closes it.
   *
   * @throws InferenceException when a BYTES element is not UTF-8 text, naming the input and element
   */
  static OnnxTensor toOrt(OrtEnvironment env, Tensor tensor) throws OrtException {
    long[] shape = tensor.shape();
    Object data = tensor.data();
    return switch (tensor.datatype()) {
      case FP32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap((float[]) data), shape);
      case FP64 -> OnnxTensor.createTensor(env, DoubleBuffer.wrap((double[]) data), shape);
      case FP16 -> OnnxTensor.createTensor(env, ShortBuffer.wrap((short[]) data), shape, OnnxJavaType.FLOAT16);
      case INT8 -> OnnxTensor.createTensor(env, ByteBuffer.wrap((byte[]) data), shape, OnnxJavaType.INT8);
      case UINT8 -> OnnxTensor.createTensor(env, ByteBuffer.wrap((byte[]) data), shape, OnnxJavaType.UINT8);
      case INT16 -> OnnxTensor.createTensor(env, ShortBuffer.wrap((short[]) data), shape);
      case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap((int[]) data), shape);
      case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) data), shape);
      case BOOL -> {
        boolean[] values = (boolean[]) data;
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
          bytes[i] = (byte) (values[i] ? 1 : 0);
        }
        yield OnnxTensor.createTensor(env, ByteBuffer.wrap(bytes), shape, OnnxJavaType.BOOL);
      }
      case BYTES -> OnnxTensor.createTensor(env, text(tensor), shape);
      default -> throw new IllegalArgumentException("ONNX Runtime takes no " + tensor.datatype() + " tensors; "
          + "the model's inputs list only datatypes it does");
    };
  }

  /**
   * As {@link #toOrt(OrtEnvironment, Tensor)}, but FP32, FP64, INT32 and INT64 elements are copied into
   * a buffer from {@code buffers}, which is added to {@code taken}: the caller gives it back once the
   * tensor is closed.
   */
  static OnnxTensor toOrt(OrtEnvironment env, Tensor tensor, DirectBuffers buffers, List<ByteBuffer> taken)
      throws OrtException {
    long[] shape = tensor.shape();
    return switch (tensor.datatype()) {
      case FP32 -> {
        float[] values = (float[]) tensor.data();
        FloatBuffer direct = take(buffers, taken, values.length, Float.BYTES).asFloatBuffer().put(values).flip();
        yield OnnxTensor.createTensor(env, direct, shape);
      }
      case FP64 -> {
        double[] values = (double[]) tensor.data();
        DoubleBuffer direct = take(buffers, taken, values.length, Double.BYTES).asDoubleBuffer().put(values).flip();
        yield OnnxTensor.createTensor(env, direct, shape);
      }
      case INT32 -> {
        int[] values = (int[]) tensor.data();
        IntBuffer direct = take(buffers, taken, values.length, Integer.BYTES).asIntBuffer().put(values).flip();
        yield OnnxTensor.createTensor(env, direct, shape);
      }
      case INT64 -> {
        long[] values = (long[]) tensor.data();
        LongBuffer direct = take(buffers, taken, values.length, Long.BYTES).asLongBuffer().put(values).flip();
        yield OnnxTensor.createTensor(env, direct, shape);
      }
      default -> toOrt(env, tensor);
    };
  }

  private static ByteBuffer take(DirectBuffers buffers, List<ByteBuffer> taken, int elements, int elementBytes) {
    // The request's byte limit keeps a tensor far below 2 GiB; Math.multiplyExact guards the rest.
    ByteBuffer buffer = buffers.take(Math.multiplyExact(elements, elementBytes));
    taken.add(buffer);
    return buffer;
  }

  private static String[] text(Tensor tensor) {
    byte[][] elements = (byte[][]) tensor.data();
    String[] strings = new String[elements.length];
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    for (int i = 0; i < elements.length; i++) {
      try {
        CharBuffer chars = utf8.decode(ByteBuffer.wrap(elements[i]));
        strings[i] = chars.toString();
      } catch (CharacterCodingException e) {
        throw InferenceException.invalidInput("input \"" + tensor.name() + "\": element " + i + " is not UTF-8 text; "
            + "the model's string tensors hold text");
      }
    }
    return strings;
  }

  /** The elements of an ONNX Runtime tensor as mlapi's tensor {@code name}, shape and all. */
  static Tensor fromOrt(String name, OnnxTensor tensor) throws OrtException {
    long[] shape = tensor.getInfo().getShape();
    OnnxTensorType type = tensor.getInfo().onnxType;
    Datatype datatype = datatype(type);
    if (datatype == null) {
      throw new IllegalStateException("output " + name + " is " + onnxName(type) + ", which the load check refuses");
    }
    Object data = switch (datatype) {
      case FP32 -> array(tensor.getFloatBuffer());
      case FP64 -> array(tensor.getDoubleBuffer());
      case FP16, INT16 -> array(tensor.getShortBuffer());
      case INT8, UINT8 -> array(tensor.getByteBuffer());
      case INT32 -> array(tensor.getIntBuffer());
      case INT64 -> array(tensor.getLongBuffer());
      case BOOL -> {
        byte[] bytes = array(tensor.getByteBuffer());
        boolean[] values = new boolean[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
          values[i] = bytes[i] != 0;
        }
        yield values;
      }
      case BYTES -> {
        List<String> strings = new ArrayList<>();
        flatten(tensor.getValue(), strings);
        byte[][] values = new byte[strings.size()][];
        for (int i = 0; i < values.length; i++) {
          values[i] = strings.get(i).getBytes(StandardCharsets.UTF_8);
        }
        yield values;
      }
      default -> throw new AssertionError(datatype);
    };
    return new Tensor(name, datatype, shape, data);
  }

  /** A string tensor's value as ONNX Runtime gives it, a {@code String} or nested arrays of them, flat in row-major order. */
  private static void flatten(Object value, List<String> into) {
    if (value instanceof String text) {
      into.add(text);
    } else {
      for (Object element : (Object[]) value) {
        flatten(element, into);
      }
    }
  }

  private static float[] array(FloatBuffer buffer) {
    if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
        && buffer.array().length == buffer.remaining()) {
      return buffer.array();
    }
    float[] values = new float[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  private static double[] array(DoubleBuffer buffer) {
    if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
        && buffer.array().length == buffer.remaining()) {
      return buffer.array();
    }
    double[] values = new double[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  private static short[] array(ShortBuffer buffer) {
    short[] values = new short[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  private static byte[] array(ByteBuffer buffer) {
    byte[] values = new byte[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  private static int[] array(IntBuffer buffer) {
    int[] values = new int[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  private static long[] array(LongBuffer buffer) {
    long[] values = new long[buffer.remaining()];
    buffer.get(values);
    return values;
  }
}
