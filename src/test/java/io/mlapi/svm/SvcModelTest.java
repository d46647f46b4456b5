package io.mlapi.svm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlapi.data.Dataset;
import io.mlapi.data.DatasetReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SvcModelTest {
  @TempDir
  Path dir;

  private static SvcModel trainIris(SvcParameters parameters) {
    Dataset iris = DatasetReader.iris();
    return new SvcTrainer(parameters).train(iris.features(), iris.targets(), 3).model();
  }

  private static double[][] randomRows(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] rows = new double[n][4];
    for (double[] row : rows) {
      for (int f = 0; f < 4; f++) {
        row[f] = random.nextDouble(0, 8);
      }
    }
    return rows;
  }

  @ParameterizedTest
  @EnumSource(Kernel.class)
  void densePrediction_isBitIdenticalToLibsvmsOwn(Kernel kernel) {
    SvcModel model = trainIris(SvcParameters.scikitLearnDefaults().withKernel(kernel).withCoef0(0.5));

    for (double[] row : randomRows(500, 42)) {
      double[] dense = model.decisionValues(row);
      double[] libsvm = model.libsvmDecisionValues(row);
      assertThat(dense).containsExactly(libsvm);
      assertThat(model.predict(row)).isEqualTo(model.libsvmPredict(row));
    }
  }

  @Test
  void writeThenRead_givesTheSameDecisionValues() throws IOException {
    SvcModel model = trainIris(SvcParameters.scikitLearnDefaults().withProbability(true, 1));
    Path file = dir.resolve("model.libsvm");

    model.write(file);
    SvcModel read;
    try (BufferedReader in = Files.newBufferedReader(file)) {
      read = SvcModel.read(in, 4);
    }

    assertThat(read.hasProbability()).isTrue();
    assertThat(read.supportVectorsPerClass()).containsExactly(model.supportVectorsPerClass());
    for (double[] row : randomRows(100, 7)) {
      assertThat(read.decisionValues(row)).containsExactly(model.decisionValues(row));
      assertThat(read.probabilities(row)).containsExactly(model.probabilities(row));
    }
  }

  @Test
  void probabilityTraining_sameSeed_sameModel() {
    SvcModel a = trainIris(SvcParameters.scikitLearnDefaults().withProbability(true, 5));
    SvcModel b = trainIris(SvcParameters.scikitLearnDefaults().withProbability(true, 5));

    double[] row = {6.0, 3.0, 4.5, 1.5};
    assertThat(a.probabilities(row)).containsExactly(b.probabilities(row));
    assertThat(a.probabilities(row)).hasSize(3);
    assertThat(a.probabilities(row)[0] + a.probabilities(row)[1] + a.probabilities(row)[2])
        .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void probabilities_modelWithout_isRefused() {
    SvcModel model = trainIris(SvcParameters.scikitLearnDefaults());

    assertThat(model.hasProbability()).isFalse();
    assertThatThrownBy(() -> model.probabilities(new double[4]))
        .hasMessage("the model was trained without probability estimates");
  }

  @Test
  void read_garbage_isRefusedAsNotAModel() {
    assertThatThrownBy(() -> SvcModel.read(new BufferedReader(new StringReader("svm_type c_svc\nnr_class x\n")), 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a valid LIBSVM model");
    assertThatThrownBy(() -> SvcModel.read(new BufferedReader(new StringReader("")), 4))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void read_supportVectorBeyondTheFeatures_isRefused() throws IOException {
    SvcModel model = trainIris(SvcParameters.scikitLearnDefaults());
    Path file = dir.resolve("model.libsvm");
    model.write(file);

    assertThatThrownBy(() -> {
      try (BufferedReader in = Files.newBufferedReader(file)) {
        SvcModel.read(in, 3);
      }
    }).hasMessage("support vector feature index 4 is out of order or beyond the 3 features");
  }

  @Test
  void read_oneClassModel_isRefused() {
    String text = "svm_type c_svc\nkernel_type linear\nnr_class 1\ntotal_sv 0\nrho\nlabel 0\nnr_sv 0\nSV\n";
    assertThatThrownBy(() -> SvcModel.read(new BufferedReader(new StringReader(text)), 4))
        .hasMessageContaining("a classifier needs two or more");
  }

  @Test
  void train_classWithoutRows_isRefused() {
    double[][] rows = {{1}, {2}};
    assertThatThrownBy(() -> new SvcTrainer(SvcParameters.scikitLearnDefaults()).train(rows, new int[] {0, 2}, 3))
        .hasMessage("class 1 has no training rows");
    assertThatThrownBy(() -> new SvcTrainer(SvcParameters.scikitLearnDefaults()).train(rows, new int[] {0, 0}, 1))
        .hasMessage("need two or more classes to train a classifier, got 1");
    assertThatThrownBy(() -> new SvcTrainer(SvcParameters.scikitLearnDefaults()).train(rows, new int[] {0, 5}, 2))
        .hasMessage("class 5 is not in 0..1");
  }
}
