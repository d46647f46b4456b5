package io.mlapi.svm;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import libsvm.svm_parameter;

/** The kernels of scikit-learn's SVC (all but "precomputed"), with LIBSVM's codes. */
public enum Kernel {
  LINEAR(svm_parameter.LINEAR),
  POLY(svm_parameter.POLY),
  RBF(svm_parameter.RBF),
  SIGMOID(svm_parameter.SIGMOID);

  final int libsvmCode;

  Kernel(int libsvmCode) {
    this.libsvmCode = libsvmCode;
  }

  /** The name scikit-learn and the CLI use: {@code rbf}, {@code linear}, {@code poly}, {@code sigmoid}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Kernel parse(String label) {
    for (Kernel kernel : values()) {
      if (kernel.label().equals(label)) {
        return kernel;
      }
    }
    throw new IllegalArgumentException("unknown kernel \"" + label + "\"; expected one of "
        + Arrays.stream(values()).map(Kernel::label).collect(Collectors.joining(", ")));
  }

  static Kernel ofLibsvm(int code) {
    for (Kernel kernel : values()) {
      if (kernel.libsvmCode == code) {
        return kernel;
      }
    }
    throw new IllegalArgumentException("LIBSVM kernel type " + code + " is not one mlapi serves");
  }
}
