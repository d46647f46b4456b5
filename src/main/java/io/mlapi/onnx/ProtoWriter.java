package io.mlapi.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few pieces of the Protocol Buffers wire format an ONNX file needs, written by hand so that
 * exporting a model takes no protobuf library: varints, length-delimited bytes and
 * messages, and packed repeated numbers (which every protobuf parser reads for repeated scalars).
 */
final class ProtoWriter {
  private static final int VARINT = 0;
  private static final int LENGTH_DELIMITED = 2;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  ProtoWriter varint(int field, long value) {
    tag(field, VARINT);
    rawVarint(value);
    return this;
  }

  ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  ProtoWriter bytes(int field, byte[] value) {
    tag(field, LENGTH_DELIMITED);
    rawVarint(value.length);
    out.writeBytes(value);
    return this;
  }

  ProtoWriter message(int field, ProtoWriter message) {
    return bytes(field, message.toByteArray());
  }

  /** A packed repeated {@code float} field. */
  ProtoWriter floats(int field, float[] values) {
    ProtoWriter packed = new ProtoWriter();
    for (float value : values) {
      packed.rawFixed32(Float.floatToIntBits(value));
    }
    return bytes(field, packed.toByteArray());
  }

  /** A packed repeated {@code int64} field. */
  ProtoWriter longs(int field, long[] values) {
    ProtoWriter packed = new ProtoWriter();
    for (long value : values) {
      packed.rawVarint(value);
    }
    return bytes(field, packed.toByteArray());
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void tag(int field, int wireType) {
    rawVarint((long) field << 3 | wireType);
  }

  /** Base 128, least significant group first; negative numbers take ten bytes, as protobuf's int64 does. */
  private void rawVarint(long value) {
    long rest = value;
    while ((rest & ~0x7FL) != 0) {
      out.write((int) (rest & 0x7F) | 0x80);
      rest >>>= 7;
    }
    out.write((int) rest);
  }

  private void rawFixed32(int bits) {
    out.write(bits);
    out.write(bits >>> 8);
    out.write(bits >>> 16);
    out.write(bits >>> 24);
  }
}
