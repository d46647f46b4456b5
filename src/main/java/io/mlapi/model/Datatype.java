package io.mlapi.model;

/**
 * The element types of the Open Inference Protocol's tensors, named as its REST and gRPC forms
 * name them, with the Java array each is held in by {@link Tensor}:
 * {@code BOOL boolean[]}, {@code UINT8/INT8 byte[]}, {@code UINT16/INT16/FP16 short[]} (FP16 as
 * its IEEE 754 half-precision bits), {@code UINT32/INT32 int[]}, {@code UINT64/INT64 long[]},
 * {@code FP32 float[]}, {@code FP64 double[]}, {@code BYTES byte[][]}. Unsigned types keep their
 * bits in the signed Java type of the same width.
 */
public enum Datatype {
  BOOL(1),
  UINT8(1),
  UINT16(2),
  UINT32(4),
  UINT64(8),
  INT8(1),
  INT16(2),
  INT32(4),
  INT64(8),
  FP16(2),
  FP32(4),
  FP64(8),
  /** Byte strings of any length; in raw form each is a 4-byte little-endian length, then the bytes. */
  BYTES(-1);

  private final int size;

  Datatype(int size) {
    this.size = size;
  }

  /** Bytes per element in the raw (little-endian) form; -1 for {@link #BYTES}, whose elements vary. */
  public int size() {
    return size;
  }

  /** Whether elements are numbers (every type but {@code BOOL} and {@code BYTES}). */
  public boolean isNumeric() {
    return this != BOOL && this != BYTES;
  }

  public boolean isFloatingPoint() {
    return this == FP16 || this == FP32 || this == FP64;
  }

  public boolean isUnsigned() {
    return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64;
  }

  /** The datatype named {@code name} exactly (e.g. {@code FP32}), or {@code null}. */
  public static Datatype named(String name) {
    for (Datatype datatype : values()) {
      if (datatype.name().equals(name)) {
        return datatype;
      }
    }
    return null;
  }
}
