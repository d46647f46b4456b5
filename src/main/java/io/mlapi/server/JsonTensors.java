package io.mlapi.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.mlapi.inference.TensorFields;
import io.mlapi.model.Datatype;
import io.mlapi.model.InferenceException;
import io.mlapi.model.Tensor;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Tensors in the Open Inference Protocol's JSON form: a request's {@code inputs} into
 * {@link Tensor}s ({@link Inputs}, read as the body streams by; an input whose elements are binary
 * data after the JSON is handed to {@link BinaryTensorData}), and a {@link Tensor} into an output
 * object. {@code data} is flat in row-major order or nested as the shape says; numbers are checked
 * against their datatype's range, BYTES elements are strings. Nothing is allocated on the client's
 * word: arrays grow with the values the body actually holds, never past the shape's count. The
 * checks of a tensor's own fields are {@link TensorFields}', as every protocol's.
 */
final class JsonTensors {
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private JsonTensors() {}

  private static final SerializedString NAME = new SerializedString("name");
  private static final SerializedString DATATYPE = new SerializedString("datatype");
  private static final SerializedString SHAPE = new SerializedString("shape");
  private static final SerializedString DATA = new SerializedString("data");
  private static final SerializedString PARAMETERS = new SerializedString("parameters");
  private static final SerializedString BINARY_DATA_SIZE = new SerializedString(BinaryTensorData.SIZE);

  /**
   * One output as JSON: {@code {"name", "datatype", "shape", "data"}}, data flat; or, when its
   * elements follow the JSON as binary data, {@code "parameters": {"binary_data_size": N}} instead
   * of {@code "data"}.
   */
  static void write(JsonGenerator json, Tensor tensor, boolean binary) throws IOException {
    json.writeStartObject();
    json.writeFieldName(NAME);
    json.writeString(tensor.name());
    json.writeFieldName(DATATYPE);
    json.writeString(tensor.datatype().name());
    json.writeFieldName(SHAPE);
    long[] shape = tensor.shape();
    json.writeArray(shape, 0, shape.length);
    if (binary) {
      json.writeFieldName(PARAMETERS);
      json.writeStartObject();
      json.writeFieldName(BINARY_DATA_SIZE);
      json.writeNumber(tensor.rawSize());
      json.writeEndObject();
    } else {
      json.writeFieldName(DATA);
      writeData(json, tensor);
    }
    json.writeEndObject();
  }

  /**
   * The elements as a flat JSON list: byte-sized integers as numbers (not base64), unsigned types
   * as unsigned, FP16 as floats, BYTES as UTF-8 strings.
   */
  static void writeData(JsonGenerator json, Tensor tensor) throws IOException {
    Object data = tensor.data();
    int n = tensor.size();
    switch (tensor.datatype()) {
      case FP64 -> json.writeArray((double[]) data, 0, n);
      case INT64 -> json.writeArray((long[]) data, 0, n);
      case INT32 -> json.writeArray((int[]) data, 0, n);
      default -> {
        json.writeStartArray(data, n);
        for (int i = 0; i < n; i++) {
          switch (tensor.datatype()) {
            case BOOL -> json.writeBoolean(((boolean[]) data)[i]);
            case FP32 -> json.writeNumber(((float[]) data)[i]);
            case FP16 -> json.writeNumber(Float.float16ToFloat(((short[]) data)[i]));
            case BYTES -> json.writeString(tensor.string(i));
            case UINT64 -> {
              long bits = ((long[]) data)[i];
              if (bits >= 0) {
                json.writeNumber(bits);
              } else {
                json.writeNumber(new BigInteger(Long.toUnsignedString(bits)));
              }
            }
            default -> json.writeNumber((long) tensor.number(i)); // the other integers, within a long
          }
        }
        json.writeEndArray();
      }
    }
  }

  /**
   * The {@code "inputs"} of a V2 request, read as the body streams by ({@link JsonBodies#readObject}):
   * each tensor's {@code data} straight into its primitive array once its {@code datatype} and
   * {@code shape} are known (a tensor that gives them after its data has its data read again from
   * the body); an input whose parameters give {@code binary_data_size} takes its elements from the
   * binary data ({@link BinaryTensorData#input}). What is wrong is kept and told by
   * {@link #tensors}, in the order the checks are made whatever the order of the fields.
   */
  static final class Inputs extends JsonBodies.ListField {
    private final ByteBuffer binary;
    private final BiConsumer<String, String> parameterCheck;
    private final List<Tensor> tensors = new ArrayList<>();
    private InferenceException problem;

    /**
     * @param binary the binary data after the request's JSON, consumed input by input; {@code null}
     *     for a plain JSON request
     * @param parameterCheck refuses an input's parameter ({@code where}, name) that asks for what
     *     the server does not do
     */
    Inputs(ByteBuffer binary, BiConsumer<String, String> parameterCheck) {
      super("inputs");
      this.binary = binary;
      this.parameterCheck = parameterCheck;
    }

    @Override
    void clear() {
      tensors.clear();
      problem = null;
      if (binary != null) {
        binary.position(0); // the inputs given again take the binary data from its start again
      }
    }

    @Override
    boolean item(int index, JsonToken token, JsonBodies.Field field) throws IOException {
      String where = "inputs[" + index + "]";
      if (token != JsonToken.START_OBJECT) {
        problem = InferenceException.invalidInput(where + " must be a tensor object {\"name\", \"shape\", "
            + "\"datatype\", \"data\"}, got " + Instances.describe(JsonBodies.value(field.parser())));
        return false;
      }
      try {
        tensors.add(tensor(field.parser(), field.body(), where, binary, parameterCheck));
        return true;
      } catch (InferenceException e) {
        problem = e;
        return false;
      }
    }

    /** Whether the body has a non-empty list of inputs. */
    boolean nonEmpty() {
      return given() && count() > 0;
    }

    /** The tensors, in order; the first wrong one's error instead. */
    List<Tensor> tensors() {
      if (problem != null) {
        throw problem;
      }
      return tensors;
    }
  }

  /**
   * The tensor object the parser stands at, as {@code where}: read whole (the parser left at its
   * end), then checked in order: parameters, name, datatype, shape, data (from the JSON, or from
   * {@code binary} when the parameters give {@code binary_data_size}).
   */
  private static Tensor tensor(JsonParser parser, byte[] body, String where, ByteBuffer binary,
      BiConsumer<String, String> parameterCheck) throws IOException {
    JsonNode name = MissingNode.getInstance();
    JsonNode datatype = MissingNode.getInstance();
    JsonNode shape = MissingNode.getInstance();
    JsonNode parameters = MissingNode.getInstance();
    boolean hasData = false;
    JsonNode notAList = MissingNode.getInstance(); // the data, when it is not a list
    int dataStart = -1;
    int dataEnd = -1;
    Header readAs = null; // the header the data was read with as it came by, if it was
    Object values = null;
    InferenceException wrongValues = null;
    for (String field = parser.nextFieldName(); field != null; field = parser.nextFieldName()) {
      JsonToken token = JsonBodies.next(parser);
      switch (field) {
        case "name" -> name = JsonBodies.value(parser);
        case "datatype" -> datatype = JsonBodies.value(parser);
        case "shape" -> shape = JsonBodies.value(parser);
        case "parameters" -> parameters = JsonBodies.value(parser);
        case "data" -> {
          hasData = true;
          readAs = null;
          values = null;
          wrongValues = null;
          dataStart = -1;
          if (token != JsonToken.START_ARRAY) {
            notAList = JsonBodies.value(parser);
          } else {
            dataStart = (int) parser.currentTokenLocation().getByteOffset();
            readAs = Header.orNull(name, datatype, shape, where);
            if (readAs == null) {
              parser.skipChildren();
            } else {
              try {
                values = data(parser, readAs, where);
              } catch (InferenceException e) {
                wrongValues = e;
              }
            }
            dataEnd = (int) parser.currentTokenLocation().getByteOffset() + 1;
          }
        }
        default -> parser.skipChildren();
      }
    }
    checkParameters(where + ".parameters", parameters, parameterCheck);
    Header header = Header.of(name, datatype, shape, where);
    JsonNode binarySize = parameters.path(BinaryTensorData.SIZE);
    if (!binarySize.isMissingNode()) {
      return BinaryTensorData.input(header, where, binarySize, hasData, binary);
    }
    if (dataStart < 0) {
      throw InferenceException.invalidInput(where + ".data must be a list of values, got "
          + Instances.describe(notAList));
    }
    if (header.datatype() == Datatype.FP16) {
      throw TensorFields.fp16Unsupported(where, header.name(), "JSON form",
          "as binary data (the binary data extension: parameters.binary_data_size)");
    }
    if (!header.readsLike(readAs)) {
      // The data came before its datatype or shape (or they changed after it): read it again now.
      try (JsonParser again = JsonBodies.MAPPER.createParser(body, dataStart, dataEnd - dataStart)) {
        again.nextToken();
        return new Tensor(header.name(), header.datatype(), header.shape(), data(again, header, where));
      }
    }
    if (wrongValues != null) {
      throw wrongValues;
    }
    return new Tensor(header.name(), header.datatype(), header.shape(), values);
  }

  /** Hands each name of the {@code parameters} object at {@code where} (if it is one) to {@code check}. */
  static void checkParameters(String where, JsonNode parameters, BiConsumer<String, String> check) {
    if (parameters.isObject()) {
      parameters.fieldNames().forEachRemaining(name -> check.accept(where, name));
    }
  }

  /**
   * What a request's tensor says of itself, checked: a name, a datatype and a shape (its elements
   * counted, not yet read), wherever its elements are (JSON's {@code data}, or binary data).
   */
  record Header(String name, Datatype datatype, long[] shape, long count) {
    /** The checked header; the first thing wrong with it as an error. */
    static Header of(JsonNode name, JsonNode datatype, JsonNode shape, String where) {
      if (!name.isTextual()) {
        throw InferenceException.invalidInput(where + ".name must be a string, e.g. \"input-0\"");
      }
      Datatype type = TensorFields.datatype(where, name.textValue(), datatype.textValue(), datatype.isTextual()
          ? "\"" + InferenceException.abbreviate(datatype.textValue()) + "\"" : Instances.describe(datatype));
      long[] dimensions = JsonTensors.shape(shape, where);
      return new Header(name.textValue(), type, dimensions, TensorFields.elements(where, dimensions));
    }

    /** The checked header, or {@code null} when something is wrong with it or JSON cannot carry its datatype. */
    static Header orNull(JsonNode name, JsonNode datatype, JsonNode shape, String where) {
      if (!name.isTextual() || !datatype.isTextual() || !shape.isArray()) {
        return null;
      }
      try {
        Header header = of(name, datatype, shape, where);
        return header.datatype() == Datatype.FP16 ? null : header;
      } catch (InferenceException e) {
        return null;
      }
    }

    /** Whether data read as {@code other} says is data read as this header says. */
    boolean readsLike(Header other) {
      return other != null && other.datatype == datatype && Arrays.equals(other.shape, shape);
    }
  }

  /**
   * The data list the parser stands at, flat or nested as {@code header}'s shape says, as its
   * datatype's Java array. Reads the whole list (the parser left at its end), then throws the
   * first thing wrong in the order the checks are made: how many values there are, how they are
   * nested, then each value in turn.
   */
  private static Object data(JsonParser parser, Header header, String where) throws IOException {
    Values values = new Values(header.datatype(), header.count(), where);
    JsonToken first = JsonBodies.next(parser);
    if (first != JsonToken.START_ARRAY) {
      long n = 0;
      for (JsonToken token = first; token != JsonToken.END_ARRAY; token = JsonBodies.next(parser)) {
        if (n < header.count()) {
          values.add(parser, token);
        } else {
          parser.skipChildren();
        }
        n++;
      }
      if (n != header.count()) {
        throw InferenceException.invalidInput(where + ".data has " + n + " values, but shape "
            + Tensor.shapeText(header.shape()) + " needs " + header.count() + " values");
      }
      return values.array();
    }
    Nesting nesting = new Nesting(header.shape(), where + ".data");
    for (JsonToken token = first; ; token = JsonBodies.next(parser)) {
      if (token == JsonToken.END_ARRAY) {
        nesting.close();
        if (nesting.closed()) {
          break;
        }
        continue;
      }
      long item = nesting.item();
      if (token == JsonToken.START_ARRAY && nesting.roomForList()) {
        nesting.open(item);
      } else if (token == JsonToken.START_ARRAY) {
        nesting.tooDeep(item);
        nesting.leaves += countLeaves(parser);
      } else if (nesting.roomForList()) {
        nesting.leaves++;
        if (nesting.first(item)) {
          nesting.notAList(item, Instances.describe(JsonBodies.value(parser)));
        } else {
          parser.skipChildren();
        }
      } else {
        nesting.leaves++;
        if (nesting.problem == null && values.size() < header.count()) {
          values.add(parser, token);
        } else {
          parser.skipChildren();
        }
      }
    }
    if (nesting.leaves < header.count()) {
      throw InferenceException.invalidInput(where + ".data holds fewer values than shape "
          + Tensor.shapeText(header.shape()) + " needs (" + header.count() + ")");
    }
    if (nesting.problem != null) {
      throw InferenceException.invalidInput(nesting.problem);
    }
    return values.array();
  }

  /** The values (non-lists; an object counts as one) in the list the parser stands in, to its end. */
  private static long countLeaves(JsonParser parser) throws IOException {
    long leaves = 0;
    for (int depth = 1; depth > 0; ) {
      JsonToken token = JsonBodies.next(parser);
      if (token == JsonToken.START_ARRAY) {
        depth++;
      } else if (token == JsonToken.END_ARRAY) {
        depth--;
      } else {
        leaves++;
        parser.skipChildren();
      }
    }
    return leaves;
  }

  /**
   * Where a nested data list is, as it streams by, against the shape it must have: each list at
   * depth {@code d} holds {@code shape[d]} items, values sit at depth {@code shape.length}. Keeps the
   * first thing wrong in document order (a list's own length counting from where it opens), which
   * is the order a walk of the tree checks them in.
   */
  private static final class Nesting {
    private final long[] shape;
    private final String root;
    /** Per open list (index: its depth, the outermost 0): items seen, where it opened, its index in its parent. */
    private final long[] items;
    private final long[] opened;
    private final long[] index;
    private int depth;
    private long nodes = 1; // the outermost list is node 0
    private long problemAt = Long.MAX_VALUE;
    String problem;
    long leaves;

    /** Starts inside the outermost list. */
    Nesting(long[] shape, String root) {
      this.shape = shape;
      this.root = root;
      this.items = new long[shape.length + 1];
      this.opened = new long[shape.length + 1];
      this.index = new long[shape.length + 1];
      if (shape.length == 0) {
        found(0, root + " must be a value, got a list: the data is nested deeper than shape " + Tensor.shapeText(shape));
      }
    }

    boolean closed() {
      return depth < 0;
    }

    /** An item of the innermost open list begins: counts it; its number in document order. */
    long item() {
      items[depth]++;
      return nodes++;
    }

    /** Whether the shape has a list where the item beginning is (else a value belongs there). */
    boolean roomForList() {
      return depth + 1 < shape.length;
    }

    /** Whether something wrong at {@code item} would be the first thing wrong. */
    boolean first(long item) {
      return item < problemAt;
    }

    /** Enters the list that begins as {@code item}. */
    void open(long item) {
      depth++;
      items[depth] = 0;
      opened[depth] = item;
      index[depth] = items[depth - 1] - 1;
    }

    /** A list begins as {@code item} where a value belongs. */
    void tooDeep(long item) {
      if (first(item)) {
        found(item, path() + "[" + (items[depth] - 1) + "] must be a value, got a list: the data is nested deeper "
            + "than shape " + Tensor.shapeText(shape));
      }
    }

    /** A value ({@code described}) begins as {@code item} where a list belongs. */
    void notAList(long item, String described) {
      found(item, path() + "[" + (items[depth] - 1) + "] must be a list of " + shape[depth + 1] + " values, got "
          + described);
    }

    /** The innermost open list ends. */
    void close() {
      if (depth < shape.length && items[depth] != shape[depth] && first(opened[depth])) {
        found(opened[depth], path() + " must be a list of " + shape[depth] + " values, got " + items[depth]
            + " values");
      }
      depth--;
    }

    private String path() {
      StringBuilder path = new StringBuilder(root);
      for (int d = 1; d <= depth; d++) {
        path.append('[').append(index[d]).append(']');
      }
      return path.toString();
    }

    private void found(long node, String what) {
      problemAt = node;
      problem = what;
    }
  }

  /**
   * The values of a tensor as they come, into its datatype's Java array (grown as values arrive,
   * never past the shape's count), keeping the first wrong one's error.
   */
  private static final class Values {
    private final Datatype datatype;
    private final long count;
    private final String where;
    private Object array;
    private int capacity;
    private int size;
    private InferenceException problem;

    Values(Datatype datatype, long count, String where) {
      this.datatype = datatype;
      this.count = count;
      this.where = where;
    }

    int size() {
      return size;
    }

    /** The value the parser stands at (a list or object is a wrong value, read whole). */
    void add(JsonParser parser, JsonToken token) throws IOException {
      int i = size++;
      if (problem != null) {
        parser.skipChildren();
        return;
      }
      ensureRoom(i);
      boolean number = token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
      switch (datatype) {
        case FP64 -> {
          if (number) {
            ((double[]) array)[i] = parser.getDoubleValue();
            return;
          }
        }
        case FP32 -> {
          if (number) {
            ((float[]) array)[i] = (float) parser.getDoubleValue();
            return;
          }
        }
        case BOOL -> {
          if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
            ((boolean[]) array)[i] = token == JsonToken.VALUE_TRUE;
            return;
          }
        }
        case BYTES -> {
          if (token == JsonToken.VALUE_STRING) {
            ((byte[][]) array)[i] = parser.getText().getBytes(StandardCharsets.UTF_8);
            return;
          }
        }
        default -> {
          if (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER
              && fits(datatype, parser.getLongValue())) {
            ((long[]) array)[i] = parser.getLongValue();
            return;
          }
        }
      }
      // Not what the datatype takes, or an integer out of its range: said from the value's tree, as every
      // check of a value says it.
      try {
        long value = value(JsonBodies.value(parser), datatype, where, i);
        ((long[]) array)[i] = value; // only an integer beyond a long's range, as UINT64 takes
      } catch (InferenceException e) {
        problem = e;
      }
    }

    private void ensureRoom(int i) {
      if (i < capacity) {
        return;
      }
      int grown = (int) Math.min(count, Math.max(16, 2L * capacity));
      array = switch (datatype) {
        case FP64 -> array == null ? new double[grown] : Arrays.copyOf((double[]) array, grown);
        case FP32 -> array == null ? new float[grown] : Arrays.copyOf((float[]) array, grown);
        case BOOL -> array == null ? new boolean[grown] : Arrays.copyOf((boolean[]) array, grown);
        case BYTES -> array == null ? new byte[grown][] : Arrays.copyOf((byte[][]) array, grown);
        default -> array == null ? new long[grown] : Arrays.copyOf((long[]) array, grown);
      };
      capacity = grown;
    }

    /** The values, as the Java array {@link Tensor} holds for the datatype. */
    Object array() {
      if (problem != null) {
        throw problem;
      }
      if (array == null) {
        ensureRoom(0); // no values: an empty array of the right type
      }
      return switch (datatype) {
        case FP64 -> Arrays.copyOf((double[]) array, size);
        case FP32 -> Arrays.copyOf((float[]) array, size);
        case BOOL -> Arrays.copyOf((boolean[]) array, size);
        case BYTES -> Arrays.copyOf((byte[][]) array, size);
        case INT64, UINT64 -> Arrays.copyOf((long[]) array, size);
        case INT32, UINT32, INT16, UINT16, INT8, UINT8 -> {
          long[] values = (long[]) array;
          yield TensorFields.narrow(datatype, size, i -> values[i]);
        }
        case FP16 -> throw new AssertionError("refused before");
      };
    }
  }

  /**
   * Element {@code index} of a tensor of {@code datatype}, checked: what the datatype takes, or
   * the error that says what is wrong with it. For an integer datatype, its bits as a long.
   */
  private static long value(JsonNode node, Datatype datatype, String where, int index) {
    switch (datatype) {
      case BOOL -> throw InferenceException.invalidInput(where + ".data element " + index
          + " must be true or false, got " + Instances.describe(node));
      case BYTES -> throw InferenceException.invalidInput(where + ".data element " + index + " must be a string, got "
          + Instances.describe(node));
      case FP32, FP64, FP16 -> {
        number(node, where, index);
        throw new AssertionError("a number is taken as it streams by");
      }
      default -> {
        return integer(node, datatype, where, index);
      }
    }
  }

  /** Whether {@code value} (a long, as JSON gave it) is within the range of the integer {@code datatype}. */
  private static boolean fits(Datatype datatype, long value) {
    return TensorFields.fits(datatype, value) && (datatype != Datatype.UINT64 || value >= 0);
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
      if (fits(datatype, node.longValue())) {
        return node.longValue();
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
