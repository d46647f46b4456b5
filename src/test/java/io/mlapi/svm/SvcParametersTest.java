package io.mlapi.svm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SvcParametersTest {
  @Test
  void scikitLearnDefaults_areThoseOfSvc() {
    SvcParameters p = SvcParameters.scikitLearnDefaults();

    assertThat(p.kernel()).isEqualTo(Kernel.RBF);
    assertThat(p.c()).isEqualTo(1.0);
    assertThat(p.gamma().label()).isEqualTo("scale");
    assertThat(p.degree()).isEqualTo(3);
    assertThat(p.coef0()).isEqualTo(0.0);
    assertThat(p.tol()).isEqualTo(1e-3);
    assertThat(p.shrinking()).isTrue();
    assertThat(p.cacheSizeMb()).isEqualTo(200);
    assertThat(p.probability()).isFalse();
  }

  @Test
  void invalidValues_areRefusedNamingTheParameterAndValue() {
    SvcParameters p = SvcParameters.scikitLearnDefaults();
    assertThatThrownBy(() -> p.withC(0)).hasMessage("C must be a positive number, got 0.0");
    assertThatThrownBy(() -> p.withC(Double.NaN)).hasMessage("C must be a positive number, got NaN");
    assertThatThrownBy(() -> p.withDegree(-1)).hasMessage("degree must be 0 or more, got -1");
    assertThatThrownBy(() -> p.withCoef0(Double.POSITIVE_INFINITY)).hasMessage("coef0 must be finite, got Infinity");
  }

  @Test
  void gammaParse_acceptsScaleAutoOrAPositiveNumber() {
    assertThat(Gamma.parse("scale")).isEqualTo(new Gamma.Scale());
    assertThat(Gamma.parse("auto").resolve(new double[][] {{1, 2, 3, 4}})).isEqualTo(0.25);
    assertThat(Gamma.parse("0.5").resolve(new double[][] {{1}})).isEqualTo(0.5);
    assertThat(Gamma.parse("0.5").label()).isEqualTo("0.5");
    assertThatThrownBy(() -> Gamma.parse("large"))
        .hasMessage("gamma must be \"scale\", \"auto\" or a positive number, got \"large\"");
    assertThatThrownBy(() -> Gamma.parse("-1")).hasMessage("gamma must be a positive finite number, got -1.0");
    assertThatThrownBy(() -> Gamma.parse("NaN")).hasMessage("gamma must be a positive finite number, got NaN");
  }

  @Test
  void gammaScale_constantData_isOneAsInScikitLearn() {
    assertThat(new Gamma.Scale().resolve(new double[][] {{2, 2}, {2, 2}})).isEqualTo(1.0);
  }

  @Test
  void kernelParse_unknown_listsTheKnownOnes() {
    assertThat(Kernel.parse("poly")).isEqualTo(Kernel.POLY);
    assertThatThrownBy(() -> Kernel.parse("precomputed"))
        .hasMessage("unknown kernel \"precomputed\"; expected one of linear, poly, rbf, sigmoid");
  }

  @Test
  void numpyVariance_differsFromATwoPassSumWhereNumpyDoes() {
    // The tutorial's training rows: numpy's pairwise summation and a plain loop part in the last bit.
    double[][] rows = io.mlapi.data.DatasetReader.iris().rows(java.util.stream.IntStream.range(0, 120).toArray())
        .features();
    double sum = 0;
    int n = 0;
    for (double[] row : rows) {
      for (double v : row) {
        sum += v;
        n++;
      }
    }
    double mean = sum / n;
    double squares = 0;
    for (double[] row : rows) {
      for (double v : row) {
        squares += (v - mean) * (v - mean);
      }
    }
    double twoPass = squares / n;

    assertThat(NumpyVariance.of(rows)).isNotEqualTo(twoPass);
    assertThat(Math.abs(NumpyVariance.of(rows) - twoPass)).isLessThanOrEqualTo(Math.ulp(twoPass));
  }
}
