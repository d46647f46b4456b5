package io.mlapi.model;

import java.util.Arrays;

/**
 * What a model takes or gives under one name: the datatype and the shape, {@code -1} for a
 * dimension of any size (the first is usually the rows). The V2 metadata lists these.
 */
public record TensorSpec(String name, Datatype datatype, long[] shape) {
  public TensorSpec {
    shape = shape.clone();
  }

  /** A copy of the shape. */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** Whether a tensor of {@code given} shape fits: same rank, and every fixed dimension equal. */
  public boolean fits(long[] given) {
    if (given.length != shape.length) {
      return false;
    }
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] >= 0 && shape[i] != given[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TensorSpec that && name.equals(that.name) && datatype == that.datatype
        && Arrays.equals(shape, that.shape);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + datatype + " " + Tensor.shapeText(shape);
  }
}
