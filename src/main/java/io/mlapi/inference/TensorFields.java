package io.mlapi.inference;

import io.mlapi.model.Datatype;
import io.mlapi.model.InferenceException;
import io.mlapi.model.Tensor;
import java.util.Arrays;
import java.util.function.IntToLongFunction;

/**
 * The checks every protocol's decoder applies to a request tensor's own fields (its datatype, its
 * shape, an integer element's range), with one message each: REST JSON, REST binary and gRPC name
 * the same mistake the same way. What a tensor must be for a model is the core's
 * ({@link InferenceService#infer}).
 */
public final class TensorFields {
  /** The most dimensions a tensor may have: more is a mistake, and a way to make the server work. */
  public static final int MAX_RANK = 16;

  private TensorFields() {}

  /**
   * The datatype named {@code name}.
   *
   * @param where the input's place in the request, e.g. {@code inputs[0]}
   * @param input the input's name, for the message
   * @param given how the request gave the datatype, for the message when it is not a datatype's name
   */
  public static Datatype datatype(String where, String input, String name, String given) {
    Datatype datatype = name == null ? null : Datatype.named(name);
    if (datatype == null) {
      throw InferenceException.invalidInput(where + ".datatype must be one of " + String.join(", ",
          Arrays.stream(Datatype.values()).map(Datatype::name).toList()) + ", got " + given + " (input \""
          + InferenceException.abbreviate(input) + "\")");
    }
    return datatype;
  }

  /** {@link #datatype(String, String, String, String)} for a datatype given as text. */
  public static Datatype datatype(String where, String input, String name) {
    return datatype(where, input, name, "\"" + InferenceException.abbreviate(name) + "\"");
  }

  /**
   * Checks a shape: at most {@link #MAX_RANK} dimensions, none negative, and at most
   * {@link Tensor#MAX_ELEMENTS} elements in all.
   *
   * @return the number of elements
   */
  public static long elements(String where, long[] shape) {
    boolean valid = shape.length <= MAX_RANK;
    for (int i = 0; i < shape.length && valid; i++) {
      valid = shape[i] >= 0;
    }
    if (!valid) {
      throw InferenceException.invalidInput(where + ".shape must be a list of at most " + MAX_RANK
          + " non-negative integers, got " + InferenceException.abbreviate(Tensor.shapeText(shape)));
    }
    long count = Tensor.elementCount(shape);
    if (count < 0) {
      throw InferenceException.invalidInput(where + ".shape " + Tensor.shapeText(shape) + " holds more than "
          + Tensor.MAX_ELEMENTS + " elements");
    }
    return count;
  }

  /**
   * The {@code count} integers {@code element} gives, in the Java array {@link Tensor}
   * holds for {@code datatype}, an integer type of at most 32 bits (each value already checked to
   * {@link #fits}).
   */
  public static Object narrow(Datatype datatype, int count, IntToLongFunction element) {
    return switch (datatype.size()) {
      case 1 -> {
        byte[] values = new byte[count];
        for (int i = 0; i < count; i++) {
          values[i] = (byte) element.applyAsLong(i);
        }
        yield values;
      }
      case 2 -> {
        short[] values = new short[count];
        for (int i = 0; i < count; i++) {
          values[i] = (short) element.applyAsLong(i);
        }
        yield values;
      }
      case 4 -> {
        int[] values = new int[count];
        for (int i = 0; i < count; i++) {
          values[i] = (int) element.applyAsLong(i);
        }
        yield values;
      }
      default -> throw new IllegalArgumentException("not an integer type of at most 32 bits: " + datatype);
    };
  }

  /**
   * Whether an integer fits an integer datatype of at most 32 bits (64-bit types take any
   * {@code long}: their decoders check the rest).
   */
  public static boolean fits(Datatype datatype, long value) {
    int bits = datatype.size() * 8;
    if (bits == 64) {
      return true;
    }
    long min = datatype.isUnsigned() ? 0 : -(1L << (bits - 1));
    long max = datatype.isUnsigned() ? (1L << bits) - 1 : (1L << (bits - 1)) - 1;
    return value >= min && value <= max;
  }

  /**
   * The refusal of an FP16 tensor in a form that has no 16-bit floats (JSON, gRPC's typed
   * contents), naming the input and the form of the same protocol that carries FP16. FP32 is the
   * way round only for a model that takes FP32 there (mlapi's own take any number); a graph that
   * takes FP16 takes nothing else.
   *
   * @param form what the request's form lacks, e.g. {@code JSON form}
   * @param instead how the same protocol carries FP16, e.g. {@code as binary data (...)}
   */
  public static InferenceException fp16Unsupported(String where, String input, String form, String instead) {
    return InferenceException.invalidInput(where + " (input \"" + InferenceException.abbreviate(input) + "\"): FP16 has "
        + "no " + form + "; send FP16 tensors " + instead + ", or FP32 to a model that takes FP32 there");
  }
}
