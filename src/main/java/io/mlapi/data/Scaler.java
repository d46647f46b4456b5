package io.mlapi.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * A feature scaler fitted on training rows, as scikit-learn's {@code StandardScaler()} and
 * {@code MinMaxScaler()} fit and apply them, bit for bit (numpy's summation order, scikit-learn's
 * {@code _incremental_mean_and_var} and {@code _handle_zeros_in_scale}).
 *
 * <ul>
 *   <li>{@link Kind#STANDARD}: {@code x' = (x - offset) / scale}, where {@code offset} is
 *       {@code mean_} and {@code scale} is {@code scale_} (the standard deviation, 1 for a constant
 *       feature);
 *   <li>{@link Kind#MINMAX}: {@code x' = x * scale + offset}, where {@code scale} is {@code scale_}
 *       ({@code 1 / (max - min)}, or 1 for a constant feature) and {@code offset} is {@code min_}
 *       ({@code -min * scale_});
 *   <li>{@link Kind#NONE}: {@code x' = x}.
 * </ul>
 *
 * Immutable and safe to share between threads.
 */
public final class Scaler {
  private static final double EPSILON = Math.ulp(1.0); // np.finfo(np.float64).eps

  /** What the scaler does; the label is the {@code --scale} value. */
  public enum Kind {
    NONE, STANDARD, MINMAX;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the choices */
    public static Kind parse(String label) {
      for (Kind kind : values()) {
        if (kind.label().equals(label)) {
          return kind;
        }
      }
      throw new IllegalArgumentException("unknown scaler \"" + label + "\"; expected none, standard or minmax");
    }
  }

  private final Kind kind;
  private final double[] offset;
  private final double[] scale;

  /**
   * A scaler with known parameters (as read from a model directory).
   *
   * @throws IllegalArgumentException when the arrays differ in length or hold a value that is not
   *     finite, or a scale of 0
   */
  public Scaler(Kind kind, double[] offset, double[] scale) {
    if (offset.length != scale.length) {
      throw new IllegalArgumentException("the scaler has " + offset.length + " offsets but " + scale.length + " scales");
    }
    for (int f = 0; f < scale.length; f++) {
      if (!Double.isFinite(offset[f]) || !Double.isFinite(scale[f]) || scale[f] == 0) {
        throw new IllegalArgumentException("feature " + f + " of the scaler has offset " + offset[f] + " and scale "
            + scale[f] + "; both must be finite and the scale non-zero");
      }
    }
    if (kind == Kind.NONE && offset.length > 0) {
      throw new IllegalArgumentException("the \"none\" scaler has no parameters");
    }
    this.kind = kind;
    this.offset = offset.clone();
    this.scale = scale.clone();
  }

  /** The scaler that leaves rows as they are. */
  public static Scaler none() {
    return new Scaler(Kind.NONE, new double[0], new double[0]);
  }

  /** Fits a scaler of {@code kind} on {@code rows} (each with {@code features} finite values). */
  public static Scaler fit(Kind kind, double[][] rows, int features) {
    return switch (kind) {
      case NONE -> none();
      case STANDARD -> standard(rows, features);
      case MINMAX -> minMax(rows, features);
    };
  }

  /** {@code StandardScaler().fit(rows)}: mean and variance by the corrected two-pass algorithm. */
  private static Scaler standard(double[][] rows, int features) {
    int n = rows.length;
    double[] sum = NumpySum.columns(rows, features);
    double[] mean = new double[features];
    for (int f = 0; f < features; f++) {
      mean[f] = (0.0 + sum[f]) / n; // (last_sum + new_sum) / updated_sample_count
    }
    double[][] centred = new double[n][features];
    for (int r = 0; r < n; r++) {
      for (int f = 0; f < features; f++) {
        centred[r][f] = rows[r][f] - sum[f] / n;
      }
    }
    double[] correction = NumpySum.columns(centred, features);
    for (double[] row : centred) {
      for (int f = 0; f < features; f++) {
        row[f] = row[f] * row[f];
      }
    }
    double[] squares = NumpySum.columns(centred, features);
    double[] scale = new double[features];
    for (int f = 0; f < features; f++) {
      double variance = (squares[f] - correction[f] * correction[f] / n) / n;
      double bound = n * EPSILON * variance + square(n * mean[f] * EPSILON);
      boolean constant = variance <= bound; // _is_constant_feature
      scale[f] = constant ? 1.0 : Math.sqrt(variance);
    }
    return new Scaler(Kind.STANDARD, mean, scale);
  }

  /** {@code MinMaxScaler().fit(rows)} to the range [0, 1]. */
  private static Scaler minMax(double[][] rows, int features) {
    double[] min = new double[features];
    double[] max = new double[features];
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
    for (double[] row : rows) {
      for (int f = 0; f < features; f++) {
        min[f] = Math.min(min[f], row[f]);
        max[f] = Math.max(max[f], row[f]);
      }
    }
    double[] scale = new double[features];
    double[] offset = new double[features];
    for (int f = 0; f < features; f++) {
      double range = max[f] - min[f];
      scale[f] = (1.0 - 0.0) / (range < 10 * EPSILON ? 1.0 : range);
      offset[f] = 0.0 - min[f] * scale[f];
    }
    return new Scaler(Kind.MINMAX, offset, scale);
  }

  private static double square(double x) {
    return x * x;
  }

  public Kind kind() {
    return kind;
  }

  /** {@code mean_} of a standard scaler, {@code min_} of a min-max one; empty for none. */
  public double[] offset() {
    return offset.clone();
  }

  /** {@code scale_} of either scaler; empty for none. */
  public double[] scale() {
    return scale.clone();
  }

  /** The number of features it scales; 0 for none, which takes any. */
  public int featureCount() {
    return scale.length;
  }

  /** {@code transform([row])[0]} as a new array; {@code row} itself for none. */
  public double[] transform(double[] row) {
    if (kind == Kind.NONE) {
      return row;
    }
    double[] out = new double[row.length];
    for (int f = 0; f < row.length; f++) {
      out[f] = kind == Kind.STANDARD ? (row[f] - offset[f]) / scale[f] : row[f] * scale[f] + offset[f];
    }
    return out;
  }

  /** {@code transform(rows)}: new rows, or {@code rows} itself for none. */
  public double[][] transform(double[][] rows) {
    if (kind == Kind.NONE) {
      return rows;
    }
    double[][] out = new double[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      out[r] = transform(rows[r]);
    }
    return out;
  }
}
