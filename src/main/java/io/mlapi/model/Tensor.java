package io.mlapi.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A named tensor of the Open Inference Protocol, protocol-neutral: its elements flat in row-major
 * order, in the Java array {@link Datatype} names. REST JSON, REST binary and gRPC requests are all
 * decoded into tensors, and every model answers with them.
 *
 * <p>The raw form ({@link #fromRaw}, {@link #writeRaw}) is the one the binary extension and gRPC's
 * {@code raw_input_contents} share: elements little-endian, booleans one byte each (0 or 1), and each
 * {@code BYTES} element a 4-byte little-endian length followed by its bytes.
 *
 * <p>Immutable by convention: the array is not copied, and no one changes it after construction.
 */
public final class Tensor {
  /** The most elements a tensor may hold: Java arrays are indexed by {@code int}. */
  public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private final String name;
  private final Datatype datatype;
  private final long[] shape;
  private final Object data;
  private final int size;

  /**
   * @param data the elements, flat and row-major, in the array type of {@code datatype}
   * @throws IllegalArgumentException when {@code data} is not of {@code datatype}'s array type or
   *     does not hold exactly as many elements as {@code shape} says: a bug of the caller's, since
   *     decoders check what clients send ({@link #elementCount}) before they build a tensor
   */
  public Tensor(String name, Datatype datatype, long[] shape, Object data) {
    this.name = name;
    this.datatype = datatype;
    this.shape = shape.clone();
    this.data = data;
    long count = elementCount(this.shape);
    if (count < 0) {
      throw new IllegalArgumentException("shape " + shapeText(shape) + " is not a valid tensor shape");
    }
    int length = length(datatype, data);
    if (length != count) {
      throw new IllegalArgumentException("tensor " + name + " of shape " + shapeText(shape) + " needs " + count
          + " elements, got " + length);
    }
    this.size = length;
  }

  /** An FP64 tensor of {@code rows.length} rows of {@code width} values, or of {@code datatype} when numeric. */
  public static Tensor fromRows(String name, Datatype datatype, double[][] rows, int width) {
    long[] shape = {rows.length, width};
    int n = rows.length * width;
    Object data = switch (datatype) {
      case FP64 -> {
        double[] flat = new double[n];
        for (int r = 0; r < rows.length; r++) {
          System.arraycopy(rows[r], 0, flat, r * width, width);
        }
        yield flat;
      }
      case FP32 -> {
        float[] flat = new float[n];
        for (int r = 0; r < rows.length; r++) {
          for (int f = 0; f < width; f++) {
            flat[r * width + f] = (float) rows[r][f];
          }
        }
        yield flat;
      }
      default -> throw new IllegalArgumentException("rows are given as FP32 or FP64, not " + datatype);
    };
    return new Tensor(name, datatype, shape, data);
  }

  /** A BYTES tensor of UTF-8 strings. */
  public static Tensor ofStrings(String name, long[] shape, String[] values) {
    byte[][] bytes = new byte[values.length][];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = values[i].getBytes(StandardCharsets.UTF_8);
    }
    return new Tensor(name, Datatype.BYTES, shape, bytes);
  }

  /**
   * The elements a tensor of {@code shape} holds, or -1 when a dimension is negative or the count
   * exceeds {@link #MAX_ELEMENTS}.
   */
  public static long elementCount(long[] shape) {
    long count = 1;
    for (long dimension : shape) {
      if (dimension < 0) {
        return -1;
      }
      if (dimension != 0 && count > MAX_ELEMENTS / dimension) {
        return -1;
      }
      count *= dimension;
    }
    return count;
  }

  /**
   * Decodes the raw form of an input (see the class comment).
   *
   * @throws InferenceException when {@code raw} does not hold exactly the elements the shape needs
   */
  public static Tensor fromRaw(String name, Datatype datatype, long[] shape, ByteBuffer raw) {
    long count = elementCount(shape);
    if (count < 0) {
      throw InferenceException.invalidInput("input \"" + name + "\": shape " + shapeText(shape)
          + " is not a valid tensor shape");
    }
    ByteBuffer in = raw.slice().order(ByteOrder.LITTLE_ENDIAN);
    int n = (int) count;
    if (datatype == Datatype.BYTES) {
      // The lengths are checked before anything is allocated: a shape may claim far more elements
      // than the data holds, and an array of that many references would take gigabytes.
      int start = in.position();
      for (int i = 0; i < n; i++) {
        if (in.remaining() < 4) {
          throw InferenceException.invalidInput("input \"" + name + "\": raw BYTES data ends after " + i + " of "
              + n + " elements; each is a 4-byte little-endian length, then that many bytes");
        }
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
          throw InferenceException.invalidInput("input \"" + name + "\": raw BYTES element " + i + " says "
              + Integer.toUnsignedString(length) + " bytes, but " + in.remaining() + " remain");
        }
        in.position(in.position() + length);
      }
      if (in.hasRemaining()) {
        throw InferenceException.invalidInput("input \"" + name + "\": raw BYTES data has " + in.remaining()
            + " bytes after its " + n + " elements");
      }
      in.position(start);
      byte[][] elements = new byte[n][];
      for (int i = 0; i < n; i++) {
        elements[i] = new byte[in.getInt()];
        in.get(elements[i]);
      }
      return new Tensor(name, datatype, shape, elements);
    }
    long needed = count * datatype.size();
    if (in.remaining() != needed) {
      throw InferenceException.invalidInput("input \"" + name + "\": raw data has " + in.remaining()
          + " bytes, but shape " + shapeText(shape) + " of " + datatype + " needs " + needed);
    }
    Object data = switch (datatype) {
      case BOOL -> {
        boolean[] values = new boolean[n];
        for (int i = 0; i < n; i++) {
          byte value = in.get();
          if (value != 0 && value != 1) { // as numpy and Triton's clients write them; anything else is no BOOL
            throw InferenceException.invalidInput("input \"" + name + "\": raw BOOL element " + i + " is "
                + Byte.toUnsignedInt(value) + "; a BOOL is one byte, 0 (false) or 1 (true)");
          }
          values[i] = value == 1;
        }
        yield values;
      }
      case UINT8, INT8 -> {
        byte[] values = new byte[n];
        in.get(values);
        yield values;
      }
      case UINT16, INT16, FP16 -> {
        short[] values = new short[n];
        in.asShortBuffer().get(values);
        yield values;
      }
      case UINT32, INT32 -> {
        int[] values = new int[n];
        in.asIntBuffer().get(values);
        yield values;
      }
      case UINT64, INT64 -> {
        long[] values = new long[n];
        in.asLongBuffer().get(values);
        yield values;
      }
      case FP32 -> {
        float[] values = new float[n];
        in.asFloatBuffer().get(values);
        yield values;
      }
      case FP64 -> {
        double[] values = new double[n];
        in.asDoubleBuffer().get(values);
        yield values;
      }
      case BYTES -> throw new AssertionError("handled above");
    };
    return new Tensor(name, datatype, shape, data);
  }

  /** Bytes of the raw form. */
  public long rawSize() {
    if (datatype != Datatype.BYTES) {
      return (long) size * datatype.size();
    }
    long bytes = 0;
    for (byte[] element : (byte[][]) data) {
      bytes += 4 + element.length;
    }
    return bytes;
  }

  /** Writes the raw form into {@code out}, which must have {@link #rawSize()} bytes left. */
  public void writeRaw(ByteBuffer out) {
    ByteBuffer le = out.slice().order(ByteOrder.LITTLE_ENDIAN);
    switch (datatype) {
      case BOOL -> {
        for (boolean value : (boolean[]) data) {
          le.put((byte) (value ? 1 : 0));
        }
      }
      case UINT8, INT8 -> le.put((byte[]) data);
      case UINT16, INT16, FP16 -> le.asShortBuffer().put((short[]) data);
      case UINT32, INT32 -> le.asIntBuffer().put((int[]) data);
      case UINT64, INT64 -> le.asLongBuffer().put((long[]) data);
      case FP32 -> le.asFloatBuffer().put((float[]) data);
      case FP64 -> le.asDoubleBuffer().put((double[]) data);
      case BYTES -> {
        for (byte[] element : (byte[][]) data) {
          le.putInt(element.length);
          le.put(element);
        }
      }
    }
    out.position(out.position() + (int) rawSize());
  }

  /** The raw form as a new array. */
  public byte[] toRaw() {
    byte[] raw = new byte[Math.toIntExact(rawSize())];
    writeRaw(ByteBuffer.wrap(raw));
    return raw;
  }

  public String name() {
    return name;
  }

  public Datatype datatype() {
    return datatype;
  }

  /** A copy of the shape. */
  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public long dimension(int axis) {
    return shape[axis];
  }

  /** The element array, of the type {@link Datatype} names; never to be changed. */
  public Object data() {
    return data;
  }

  /** How many elements the tensor holds. */
  public int size() {
    return size;
  }

  /** The same elements under another name. */
  public Tensor named(String newName) {
    return new Tensor(newName, datatype, shape, data);
  }

  /**
   * Element {@code i} of a numeric or boolean tensor as a double: unsigned types as unsigned,
   * FP16 widened, booleans as 0 and 1.
   */
  public double number(int i) {
    return switch (datatype) {
      case BOOL -> ((boolean[]) data)[i] ? 1 : 0;
      case UINT8 -> Byte.toUnsignedInt(((byte[]) data)[i]);
      case INT8 -> ((byte[]) data)[i];
      case UINT16 -> Short.toUnsignedInt(((short[]) data)[i]);
      case INT16 -> ((short[]) data)[i];
      case FP16 -> Float.float16ToFloat(((short[]) data)[i]);
      case UINT32 -> Integer.toUnsignedLong(((int[]) data)[i]);
      case INT32 -> ((int[]) data)[i];
      case UINT64 -> unsignedToDouble(((long[]) data)[i]);
      case INT64 -> ((long[]) data)[i];
      case FP32 -> ((float[]) data)[i];
      case FP64 -> ((double[]) data)[i];
      case BYTES -> throw new IllegalStateException("BYTES elements are not numbers");
    };
  }

  /** Element {@code i} of a BYTES tensor, decoded as UTF-8. */
  public String string(int i) {
    return new String(((byte[][]) data)[i], StandardCharsets.UTF_8);
  }

  /**
   * The rows of a rank-2 numeric tensor, each element as {@link #number} gives it.
   *
   * @throws IllegalStateException when the tensor is not rank 2 or not numeric
   */
  public double[][] toRows() {
    if (rank() != 2 || !datatype.isNumeric()) {
      throw new IllegalStateException("tensor " + name + " is " + datatype + " " + shapeText(shape)
          + ", not numeric rows");
    }
    int rows = (int) shape[0];
    int width = (int) shape[1];
    double[][] result = new double[rows][width];
    if (datatype == Datatype.FP64) {
      double[] flat = (double[]) data;
      for (int r = 0; r < rows; r++) {
        System.arraycopy(flat, r * width, result[r], 0, width);
      }
      return result;
    }
    for (int r = 0; r < rows; r++) {
      for (int f = 0; f < width; f++) {
        result[r][f] = number(r * width + f);
      }
    }
    return result;
  }

  /** {@code [2, 4]}: a shape as people and error messages write it. */
  public static String shapeText(long[] shape) {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      text.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return text.append(']').toString();
  }

  private static double unsignedToDouble(long bits) {
    double value = (double) (bits >>> 1) * 2.0;
    return value + (bits & 1);
  }

  private static int length(Datatype datatype, Object data) {
    return switch (datatype) {
      case BOOL -> data instanceof boolean[] a ? a.length : mismatch(datatype, data);
      case UINT8, INT8 -> data instanceof byte[] a ? a.length : mismatch(datatype, data);
      case UINT16, INT16, FP16 -> data instanceof short[] a ? a.length : mismatch(datatype, data);
      case UINT32, INT32 -> data instanceof int[] a ? a.length : mismatch(datatype, data);
      case UINT64, INT64 -> data instanceof long[] a ? a.length : mismatch(datatype, data);
      case FP32 -> data instanceof float[] a ? a.length : mismatch(datatype, data);
      case FP64 -> data instanceof double[] a ? a.length : mismatch(datatype, data);
      case BYTES -> data instanceof byte[][] a ? a.length : mismatch(datatype, data);
    };
  }

  private static int mismatch(Datatype datatype, Object data) {
    throw new IllegalArgumentException(datatype + " elements cannot be held in "
        + (data == null ? "null" : data.getClass().getSimpleName()));
  }

  @Override
  public String toString() {
    return "Tensor[" + name + " " + datatype + " " + shapeText(shape) + "]";
  }

  /** Same name, datatype, shape and elements. */
  @Override
  public boolean equals(Object other) {
    return other instanceof Tensor that && name.equals(that.name) && datatype == that.datatype
        && Arrays.equals(shape, that.shape) && Arrays.deepEquals(new Object[] {data}, new Object[] {that.data});
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }
}
