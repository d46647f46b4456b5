package io.mlapi.svm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlapi.data.Dataset;
import io.mlapi.data.DatasetReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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

  static Stream<Arguments> dataSetsAndKernels() {
    return Stream.of("iris.csv", "wine_data.csv", "breast_cancer.csv")
        .flatMap(file -> Stream.of(Kernel.values()).map(kernel -> Arguments.of(file, kernel)));
  }

  private static Dataset read(String file) {
    try {
      return DatasetReader.read(Path.of(SvcModelTest.class.getResource("/sklearn/" + file).toURI()), null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("dataSetsAndKernels")
  void dense_equalsLibsvmBitForBit_onEveryRowAndOnRowsWithZeros(String file, Kernel kernel) {
    Dataset data = read(file);
    SvcModel model = new SvcTrainer(SvcParameters.scikitLearnDefaults().withKernel(kernel))
        .train(data.features(), data.targets(), data.classes().size()).model();
    SvcModel.Scratch scratch = model.scratch(); // reused across rows, as a batch caller does

    SplittableRandom random = new SplittableRandom(7);
    double[][] rows = Stream.concat(Stream.of(data.features()), Stream.generate(() -> {
      double[] row = data.features()[random.nextInt(data.rowCount())].clone();
      row[random.nextInt(row.length)] = 0; // a zero is a feature LIBSVM's sparse vectors leave out
      return row;
    }).limit(50)).toArray(double[][]::new);

    for (int r = 0; r < rows.length; r++) {
      double[] x = rows[r];
      int predicted = model.predict(x, scratch);
      double[] libsvmDecision = model.libsvmDecisionValues(x);
      assertThat(scratch.decision()).as("decision values of row %d", r).isEqualTo(libsvmDecision);
      assertThat(predicted).as("class of row %d", r).isEqualTo(model.libsvmPredict(x)).isEqualTo(model.predict(x));
      assertThat(model.decisionValues(x)).isEqualTo(libsvmDecision);
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
