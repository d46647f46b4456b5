package io.mlapi.onnx;

import io.mlapi.data.Scaler;

/**
 * A per-feature affine transformation in front of a model, as ONNX-ML's {@code Scaler} computes it:
 * {@code y[f] = (x[f] - offset[f]) * scale[f]}. scikit-learn's {@code StandardScaler} is
 * {@code offset = mean_, scale = 1 / scale_}; its {@code MinMaxScaler} is
 * {@code offset = -min_ / scale_, scale = scale_}.
 */
record FeatureScaling(double[] offset, double[] scale) {
  public FeatureScaling {
    if (offset.length != scale.length || offset.length == 0) {
      throw new IllegalArgumentException("a scaling needs one offset and one scale per feature, got "
          + offset.length + " offsets and " + scale.length + " scales");
    }
    for (int f = 0; f < offset.length; f++) {
      if (!Double.isFinite(offset[f]) || !Double.isFinite(scale[f])) {
        throw new IllegalArgumentException("feature " + f + ": offset " + offset[f] + " and scale " + scale[f]
            + " must be finite");
      }
    }
    offset = offset.clone();
    scale = scale.clone();
  }

  /**
   * The ONNX form of a scaler mlapi fitted: {@code null} for none. StandardScaler's
   * {@code (x - mean_) / scale_} is {@code offset = mean_, scale = 1 / scale_}; MinMaxScaler's
   * {@code x * scale_ + min_} is {@code offset = -min_ / scale_, scale = scale_}.
   */
  public static FeatureScaling of(Scaler scaler) {
    double[] offset = scaler.offset();
    double[] scale = scaler.scale();
    return switch (scaler.kind()) {
      case NONE -> null;
      case STANDARD -> {
        double[] inverse = new double[scale.length];
        for (int f = 0; f < scale.length; f++) {
          inverse[f] = 1 / scale[f];
        }
        yield new FeatureScaling(offset, inverse);
      }
      case MINMAX -> {
        double[] shift = new double[offset.length];
        for (int f = 0; f < offset.length; f++) {
          shift[f] = -offset[f] / scale[f];
        }
        yield new FeatureScaling(shift, scale);
      }
    };
  }

  @Override
  public double[] offset() {
    return offset.clone();
  }

  @Override
  public double[] scale() {
    return scale.clone();
  }

  public int featureCount() {
    return offset.length;
  }
}
