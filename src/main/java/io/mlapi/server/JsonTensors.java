package io.mlapi.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.inference.TensorFields;
import io.mlapi.model.Datatype;
import io.mlapi.model.InferenceException;
import io.mlapi.model.Tensor;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Tensors in the Open Inference Protocol's JSON form: a request's {@code inputs[i]} into a
 * {@link Tensor}, and a {@link Tensor} into an output object. {@code data} is flat in row-major
 * order or nested as the shape says; numbers are checked against their datatype's range, BYTES
 * elements are strings. Nothing is allocated on the client's word: the element count must match
 * what the body actually holds before any array of that size is made.
 */
final class JsonTensors {
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private JsonTensors() {}

  /** One output as JSON: {@code {"name", "datatype", "shape", "data"}}, data flat. */
  record TensorData(String name, String datatype, long[] shape, Object data) {}

  static TensorData output(Tensor tensor) {
    return new TensorData(tensor.name(), tensor.datatype().name(), tensor.shape(), data(tensor));
  }

  /**
   * The elements as an array Jackson writes as a JSON list: byte-sized integers as numbers (not
   * base64), unsigned types as unsigned, FP16 as floats, BYTES as UTF-8 strings.
   */
  static Object data(Tensor tensor) {
    Object data = tensor.data();
    return switch (tensor.datatype()) {
      case BOOL, INT16, INT32, INT64, FP32, FP64 -> data;
      case INT8 -> {
        byte[] bytes = (byte[]) data;
        int[] values = new int[bytes.length];
        Arrays.setAll(values, i -> bytes[i]);
        yield values;
      }
      case UINT8, UINT16, UINT32 -> {
        long[] values = new long[tensor.size()];
        Arrays.setAll(values, i -> (long) tensor.number(i));
        yield values;
      }
      case UINT64 -> {
        long[] bits = (long[]) data;
        Object[] values = new Object[bits.length];
        Arrays.setAll(values, i -> bits[i] >= 0 ? (Object) bits[i] : new BigInteger(Long.toUnsignedString(bits[i])));
        yield values;
      }
      case FP16 -> {
        short[] halves = (short[]) data;
        float[] values = new float[halves.length];
        for (int i = 0; i < halves.length; i++) {
          values[i] = Float.float16ToFloat(halves[i]);
        }
        yield values;
      }
      case BYTES -> {
        String[] values = new String[tensor.size()];
        Arrays.setAll(values, tensor::string);
        yield values;
      }
    };
  }

  /**
   * What {@code inputs[index]} of a request says of itself, checked: an object with a name, a
   * datatype and a shape (its elements counted, not yet read).
   *
   * @param where {@code inputs[index]}, for messages
   * @param count how many elements the shape holds
   */
  record Header(String where, String name, Datatype datatype, long[] shape, long count) {}

  /**
   * The header of {@code inputs[index]} of a request, wherever its elements are (JSON's
   * {@code data}, or the binary data extension's bytes).
   *
   * @throws InferenceException naming the field and what is wrong with it
   */
  static Header header(JsonNode node, int index) {
    String where = "inputs[" + index + "]";
    if (!node.isObject()) {
      throw InferenceException.invalidInput(where + " must be a tensor object {\"name\", \"shape\", \"datatype\", "
          + "\"data\"}, got " + Instances.describe(node));
    }
    JsonNode nameNode = node.path("name");
    if (!nameNode.isTextual()) {
      throw InferenceException.invalidInput(where + ".name must be a string, e.g. \"input-0\"");
    }
    String name = nameNode.textValue();
    JsonNode datatypeNode = node.path("datatype");
    Datatype datatype = TensorFields.datatype(where, name, datatypeNode.textValue(), datatypeNode.isTextual()
        ? "\"" + InferenceException.abbreviate(datatypeNode.textValue()) + "\"" : Instances.describe(datatypeNode));
    long[] shape = shape(node.path("shape"), where);
    return new Header(where, name, datatype, shape, TensorFields.elements(where, shape));
  }

  /**
   * {@code inputs[index]} of a request, its elements in {@code data}.
   *
   * @throws InferenceException naming the field and what is wrong with it
   */
  static Tensor input(JsonNode node, int index) {
    Header header = header(node, index);
    String where = header.where();
    Datatype datatype = header.datatype();
    long[] shape = header.shape();
    JsonNode data = node.path("data");
    if (!data.isArray()) {
      throw InferenceException.invalidInput(where + ".data must be a list of values, got " + Instances.describe(data));
    }
    if (datatype == Datatype.FP16) {
      throw TensorFields.fp16Unsupported(where, header.name(), "JSON form",
          "as binary data (the binary data extension: parameters.binary_data_size)");
    }
    JsonNode[] elements = flatten(data, shape, where, header.count());
    return new Tensor(header.name(), datatype, shape, values(elements, datatype, where));
  }

  /** The shape's integers; {@link TensorFields#elements} checks their values. */
  private static long[] shape(JsonNode node, String where) {
    if (node.isArray() && node.size() <= TensorFields.MAX_RANK) {
      long[] shape = new long[node.size()];
      boolean valid = true;
      for (int i = 0; i < shape.length && valid; i++) {
        JsonNode dimension = node.get(i);
        valid = dimension.isIntegralNumber() && dimension.canConvertToLong();
        shape[i] = valid ? dimension.longValue() : 0;
      }
      if (valid) {
        return shape;
      }
    }
    throw InferenceException.invalidInput(where + ".shape must be a list of at most " + TensorFields.MAX_RANK
        + " non-negative integers, got "
        + (node.isArray() ? InferenceException.abbreviate(node.toString()) : Instances.describe(node)));
  }

  /** The elements of {@code data}, flat or nested as {@code shape} says, checked to number {@code count}. */
  private static JsonNode[] flatten(JsonNode data, long[] shape, String where, long count) {
    boolean nested = !data.isEmpty() && data.get(0).isArray();
    if (!nested) {
      if (data.size() != count) {
        throw InferenceException.invalidInput(where + ".data has " + data.size() + " values, but shape "
            + Tensor.shapeText(shape) + " needs " + count + " values");
      }
      JsonNode[] elements = new JsonNode[data.size()];
      for (int i = 0; i < elements.length; i++) {
        elements[i] = data.get(i);
      }
      return elements;
    }
    JsonNode[] elements = new JsonNode[(int) Math.min(count, countLeaves(data))];
    if (elements.length != count) {
      throw InferenceException.invalidInput(where + ".data holds fewer values than shape " + Tensor.shapeText(shape)
          + " needs (" + count + ")");
    }
    fill(data, shape, 0, where + ".data", elements, new int[1]);
    return elements;
  }

  private static long countLeaves(JsonNode node) {
    if (!node.isArray()) {
      return 1;
    }
    long leaves = 0;
    for (JsonNode child : node) {
      leaves += countLeaves(child);
    }
    return leaves;
  }

  private static void fill(JsonNode node, long[] shape, int axis, String where, JsonNode[] out, int[] next) {
    if (axis == shape.length) {
      if (node.isArray()) {
        throw InferenceException.invalidInput(where + " must be a value, got a list: the data is nested deeper "
            + "than shape " + Tensor.shapeText(shape));
      }
      out[next[0]++] = node;
      return;
    }
    if (!node.isArray() || node.size() != shape[axis]) {
      throw InferenceException.invalidInput(where + " must be a list of " + shape[axis] + " values, got "
          + (node.isArray() ? node.size() + " values" : Instances.describe(node)));
    }
    for (int i = 0; i < node.size(); i++) {
      fill(node.get(i), shape, axis + 1, where + "[" + i + "]", out, next);
    }
  }

  private static Object values(JsonNode[] elements, Datatype datatype, String where) {
    int n = elements.length;
    switch (datatype) {
      case BOOL -> {
        boolean[] values = new boolean[n];
        for (int i = 0; i < n; i++) {
          if (!elements[i].isBoolean()) {
            throw InferenceException.invalidInput(where + ".data element " + i + " must be true or false, got "
                + Instances.describe(elements[i]));
          }
          values[i] = elements[i].booleanValue();
        }
        return values;
      }
      case BYTES -> {
        byte[][] values = new byte[n][];
        for (int i = 0; i < n; i++) {
          if (!elements[i].isTextual()) {
            throw InferenceException.invalidInput(where + ".data element " + i + " must be a string, got "
                + Instances.describe(elements[i]));
          }
          values[i] = elements[i].textValue().getBytes(StandardCharsets.UTF_8);
        }
        return values;
      }
      case FP32 -> {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
          values[i] = (float) number(elements[i], where, i);
        }
        return values;
      }
      case FP64 -> {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
          values[i] = number(elements[i], where, i);
        }
        return values;
      }
      case INT8, UINT8 -> {
        byte[] values = new byte[n];
        for (int i = 0; i < n; i++) {
          values[i] = (byte) integer(elements[i], datatype, where, i);
        }
        return values;
      }
      case INT16, UINT16 -> {
        short[] values = new short[n];
        for (int i = 0; i < n; i++) {
          values[i] = (short) integer(elements[i], datatype, where, i);
        }
        return values;
      }
      case INT32, UINT32 -> {
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
          values[i] = (int) integer(elements[i], datatype, where, i);
        }
        return values;
      }
      case INT64, UINT64 -> {
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
          values[i] = integer(elements[i], datatype, where, i);
        }
        return values;
      }
      case FP16 -> throw new AssertionError("refused before");
    }
    throw new AssertionError(datatype);
  }

  private static double number(JsonNode node, String where, int index) {
    if (!node.isNumber()) {
      throw InferenceException.invalidInput(where + ".data element " + index + " must be a number, got "
          + Instances.describe(node));
    }
    return node.doubleValue();
  }

  /** An integer element within its datatype's range, as the bits its Java array holds. */
  private static long integer(JsonNode node, Datatype datatype, String where, int index) {
    number(node, where, index);
    String at = where + ".data element " + index + ": " + InferenceException.abbreviate(node.toString());
    if (!node.isIntegralNumber()) {
      throw InferenceException.invalidInput(at + " is not an integer, as datatype " + datatype + " needs");
    }
    if (node.canConvertToLong()) {
      long value = node.longValue();
      if (TensorFields.fits(datatype, value) && (datatype != Datatype.UINT64 || value >= 0)) {
        return value;
      }
    } else if (datatype == Datatype.UINT64) {
      BigInteger value = node.bigIntegerValue();
      if (value.signum() >= 0 && value.compareTo(UINT64_MAX) <= 0) {
        return value.longValue();
      }
    }
    throw InferenceException.invalidInput(at + " is out of the range of " + datatype);
  }

  /** The names of {@code outputs} of a request, in order; empty when it names none. */
  static List<String> outputNames(JsonNode outputs) {
    if (outputs.isMissingNode() || outputs.isNull()) {
      return List.of();
    }
    if (!outputs.isArray() || outputs.isEmpty()) {
      throw InferenceException.invalidInput("\"outputs\" must be a non-empty list of {\"name\": ...}, got "
          + Instances.describe(outputs));
    }
    String[] names = new String[outputs.size()];
    for (int i = 0; i < names.length; i++) {
      JsonNode name = outputs.get(i).path("name");
      if (!name.isTextual()) {
        throw InferenceException.invalidInput("outputs[" + i + "].name must be a string, got " + Instances.describe(name));
      }
      names[i] = name.textValue();
    }
    return List.of(names);
  }
}
