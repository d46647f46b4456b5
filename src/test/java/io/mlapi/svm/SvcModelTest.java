package io.mlapi.svm;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.data.Dataset;
import io.mlapi.data.DatasetReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import libsvm.svm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The dense prediction path against LIBSVM's own {@code svm_predict_values}: bit for bit. */
class SvcModelTest {
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
      assertThat(predicted).as("class of row %d", r)
          .isEqualTo((int) svm.svm_predict(model.libsvm(), SvcModel.nodes(x)))
          .isEqualTo(model.predict(x));
      assertThat(model.decisionValues(x)).isEqualTo(libsvmDecision);
    }
  }
}
