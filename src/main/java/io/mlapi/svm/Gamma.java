package io.mlapi.svm;

/**
 * How the RBF, polynomial and sigmoid kernels' gamma is chosen, as scikit-learn's SVC does:
 * {@code scale} = 1 / (n_features * variance of all training values), {@code auto} = 1 /
 * n_features, or a fixed positive number.
 */
public sealed interface Gamma {
  /** {@code scale}, {@code auto}, or the number as written. */
  String label();

  /** The gamma for these training rows. */
  double resolve(double[][] rows);

  static Gamma parse(String text) {
    switch (text) {
      case "scale":
        return new Scale();
      case "auto":
        return new Auto();
      default:
        double value;
        try {
          value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "gamma must be \"scale\", \"auto\" or a positive number, got \"" + text + "\"");
        }
        return new Fixed(value);
    }
  }

  record Scale() implements Gamma {
    @Override
    public String label() {
      return "scale";
    }

    @Override
    public double resolve(double[][] rows) {
      double variance = NumpyVariance.of(rows);
      return variance == 0.0 ? 1.0 : 1.0 / (rows[0].length * variance);
    }
  }

  record Auto() implements Gamma {
    @Override
    public String label() {
      return "auto";
    }

    @Override
    public double resolve(double[][] rows) {
      return 1.0 / rows[0].length;
    }
  }

  record Fixed(double value) implements Gamma {
    public Fixed {
      if (!(value > 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException("gamma must be a positive finite number, got " + value);
      }
    }

    @Override
    public String label() {
      return Double.toString(value);
    }

    @Override
    public double resolve(double[][] rows) {
      return value;
    }
  }
}
