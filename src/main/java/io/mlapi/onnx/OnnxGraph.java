package io.mlapi.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * ONNX's protobuf messages ({@code onnx.proto}: ModelProto, GraphProto, NodeProto, AttributeProto,
 * ValueInfoProto, TensorProto), as far as mlapi writes them, with their field numbers in one place.
 */
final class OnnxGraph {
  /** The IR version written: ONNX 1.10's, which ONNX Runtime 1.10 and later read. */
  static final long IR_VERSION = 8;
  /** ONNX element types ({@code TensorProto.DataType}). */
  static final int FLOAT = 1;
  static final int INT64 = 7;
  static final int STRING = 8;

  private OnnxGraph() {}

  /**
   * A {@code ModelProto}.
   *
   * @param opsets domain to version, e.g. {@code "" -> 15}, {@code "ai.onnx.ml" -> 3}
   * @param metadata its {@code metadata_props}
   */
  static byte[] model(ProtoWriter graph, Map<String, Integer> opsets, String producer, String producerVersion,
      long modelVersion, String doc, Map<String, String> metadata) {
    ProtoWriter model = new ProtoWriter().varint(1, IR_VERSION);
    model.string(2, producer).string(3, producerVersion).varint(5, modelVersion).string(6, doc).message(7, graph);
    opsets.forEach((domain, version) -> model.message(8, new ProtoWriter().string(1, domain).varint(2, version)));
    metadata.forEach((key, value) -> model.message(14, new ProtoWriter().string(1, key).string(2, value)));
    return model.toByteArray();
  }

  /** A {@code GraphProto}. */
  static ProtoWriter graph(String name, String doc, List<ProtoWriter> nodes, List<ProtoWriter> inputs,
      List<ProtoWriter> outputs, List<ProtoWriter> initializers) {
    ProtoWriter graph = new ProtoWriter();
    nodes.forEach(node -> graph.message(1, node));
    graph.string(2, name);
    initializers.forEach(initializer -> graph.message(5, initializer));
    graph.string(10, doc);
    inputs.forEach(input -> graph.message(11, input));
    outputs.forEach(output -> graph.message(12, output));
    return graph;
  }

  /** A {@code NodeProto}. */
  static ProtoWriter node(String opType, String domain, String name, List<String> inputs, List<String> outputs,
      List<ProtoWriter> attributes) {
    ProtoWriter node = new ProtoWriter();
    inputs.forEach(input -> node.string(1, input));
    outputs.forEach(output -> node.string(2, output));
    node.string(3, name).string(4, opType);
    attributes.forEach(attribute -> node.message(5, attribute));
    return node.string(7, domain);
  }

  static ProtoWriter floats(String name, float[] values) {
    return new ProtoWriter().string(1, name).floats(7, values).varint(20, 6);
  }

  static ProtoWriter integer(String name, long value) {
    return new ProtoWriter().string(1, name).varint(3, value).varint(20, 2);
  }

  static ProtoWriter ints(String name, long[] values) {
    return new ProtoWriter().string(1, name).longs(8, values).varint(20, 7);
  }

  static ProtoWriter string(String name, String value) {
    return new ProtoWriter().string(1, name).string(4, value).varint(20, 3);
  }

  static ProtoWriter strings(String name, List<String> values) {
    ProtoWriter attribute = new ProtoWriter().string(1, name);
    values.forEach(value -> attribute.string(9, value));
    return attribute.varint(20, 8);
  }

  /**
   * A {@code ValueInfoProto} of a tensor.
   *
   * @param dimensions each a size, or -1 for a dimension named {@code rows} (any size)
   */
  static ProtoWriter tensor(String name, int elementType, long... dimensions) {
    ProtoWriter shape = new ProtoWriter();
    for (long dimension : dimensions) {
      shape.message(1, dimension < 0 ? new ProtoWriter().string(2, "rows") : new ProtoWriter().varint(1, dimension));
    }
    ProtoWriter tensorType = new ProtoWriter().varint(1, elementType).message(2, shape);
    return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
  }

  /** An int64 {@code TensorProto} initializer. */
  static ProtoWriter initializer(String name, long[] dimensions, long[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    return new ProtoWriter().longs(1, dimensions).varint(2, INT64).string(8, name).bytes(9, raw.array());
  }

  /** A float {@code TensorProto} initializer, its elements as little-endian {@code raw_data}. */
  static ProtoWriter initializer(String name, long[] dimensions, float[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    return new ProtoWriter().longs(1, dimensions).varint(2, FLOAT).string(8, name).bytes(9, raw.array());
  }
}
