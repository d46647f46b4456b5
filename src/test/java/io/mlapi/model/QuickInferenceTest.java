package io.mlapi.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.ModelFixtures;
import io.mlapi.data.Dataset;
import io.mlapi.data.DatasetReader;
import io.mlapi.data.Scaler;
import io.mlapi.data.Split;
import io.mlapi.linear.LinearSvcParameters;
import org.junit.jupiter.api.Test;

/**
 * {@link TrainedModel#isQuick}: how many rows a model infers quickly enough for an event loop,
 * from its support vectors, features and classes.
 */
class QuickInferenceTest {
  @Test
  void tutorialSvc_isQuickUpToItsBudgetOfRows() {
    TrainedModel iris = ModelFixtures.iris(1);
    long perRow = iris.svm().supportVectorCount() * (4L + 20) + 4;
    long most = TrainedModel.QUICK_OPERATIONS / perRow;

    assertThat(iris.svm().supportVectorCount()).isEqualTo(43);
    assertThat(most).isEqualTo(193);
    assertThat(iris.isQuick(0)).isTrue();
    assertThat(iris.isQuick(1)).isTrue();
    assertThat(iris.isQuick(most)).isTrue();
    assertThat(iris.isQuick(most + 1)).isFalse();
    assertThat(iris.isQuick(Long.MAX_VALUE)).isFalse();
    assertThat(iris.isQuick(-1)).isFalse();
  }

  @Test
  void probabilities_goThroughLibsvmsOwnPath_aQuarterOfTheRows() {
    TrainedModel iris = ModelFixtures.iris("iris", 1, true);
    long perRow = 4 * iris.svm().supportVectorCount() * (4L + 20) + 4;

    assertThat(iris.isQuick(TrainedModel.QUICK_OPERATIONS / perRow)).isTrue();
    assertThat(iris.isQuick(TrainedModel.QUICK_OPERATIONS / perRow + 1)).isFalse();
  }

  @Test
  void linearSvc_aMultiplyAddPerFeatureAndClass() {
    Dataset data = DatasetReader.iris();
    TrainedModel linear = new ModelTrainer(ModelFixtures.CLOCK).train(data, Split.tutorial(150, 0.2),
        new TrainingPlan(EstimatorSpec.of(LinearSvcParameters.scikitLearnDefaults(0)), Scaler.Kind.NONE, null,
            "mlapi train"), "linear", 1);
    long perRow = 4 * 3 + 4;

    assertThat(linear.isQuick(TrainedModel.QUICK_OPERATIONS / perRow)).isTrue();
    assertThat(linear.isQuick(TrainedModel.QUICK_OPERATIONS / perRow + 1)).isFalse();
  }
}
