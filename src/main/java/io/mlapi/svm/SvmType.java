package io.mlapi.svm;

import java.util.Arrays;
import java.util.stream.Collectors;
import libsvm.svm_parameter;

/** scikit-learn's LIBSVM estimators, with LIBSVM's codes: SVC, NuSVC, SVR and NuSVR. */
public enum SvmType {
  SVC("svc", "C-SVC", svm_parameter.C_SVC, false),
  NU_SVC("nusvc", "nu-SVC", svm_parameter.NU_SVC, false),
  SVR("svr", "epsilon-SVR", svm_parameter.EPSILON_SVR, true),
  NU_SVR("nusvr", "nu-SVR", svm_parameter.NU_SVR, true);

  private final String label;
  private final String algorithm;
  final int libsvmCode;
  private final boolean regression;

  SvmType(String label, String algorithm, int libsvmCode, boolean regression) {
    this.label = label;
    this.algorithm = algorithm;
    this.libsvmCode = libsvmCode;
    this.regression = regression;
  }

  /** The {@code --estimator} value: {@code svc}, {@code nusvc}, {@code svr}, {@code nusvr}. */
  public String label() {
    return label;
  }

  /** LIBSVM's name of the formulation, e.g. {@code C-SVC}. */
  public String algorithm() {
    return algorithm;
  }

  public boolean isRegression() {
    return regression;
  }

  /** @throws IllegalArgumentException naming the choices */
  public static SvmType parse(String label) {
    for (SvmType type : values()) {
      if (type.label.equals(label)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown LIBSVM estimator \"" + label + "\"; expected one of "
        + Arrays.stream(values()).map(SvmType::label).collect(Collectors.joining(", ")));
  }

  static SvmType ofLibsvm(int code) {
    for (SvmType type : values()) {
      if (type.libsvmCode == code) {
        return type;
      }
    }
    throw new IllegalArgumentException("LIBSVM model type " + code + " is not one mlapi serves (one-class SVMs are not)");
  }
}
