package io.mlapi.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.ScikitLearnFixtures;
import io.mlapi.data.Dataset;
import io.mlapi.data.DatasetReader;
import io.mlapi.data.Scaler;
import io.mlapi.data.Split;
import io.mlapi.linear.LinearSvcParameters;
import io.mlapi.svm.SvcParameters;
import io.mlapi.svm.SvmType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every estimator behind every scaler, written and read back: the same card and the same answers, bit for bit. */
class EveryEstimatorRoundTripTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);

  @TempDir
  Path dir;

  static Stream<Arguments> estimators() {
    List<EstimatorSpec> specs = List.of(
        EstimatorSpec.of(SvcParameters.scikitLearnDefaults(SvmType.SVC).withProbability(true, 3)),
        EstimatorSpec.of(SvcParameters.scikitLearnDefaults(SvmType.NU_SVC).withBalanced(true)),
        EstimatorSpec.of(SvcParameters.scikitLearnDefaults(SvmType.SVR)),
        EstimatorSpec.of(SvcParameters.scikitLearnDefaults(SvmType.NU_SVR)),
        EstimatorSpec.of(LinearSvcParameters.scikitLearnDefaults(0)),
        EstimatorSpec.of(LinearSvcParameters.scikitLearnDefaults(0).withMultiClass(LinearSvcParameters.CRAMMER_SINGER)));
    return specs.stream().flatMap(spec -> Stream.of(Scaler.Kind.values()).map(kind -> Arguments.of(spec, kind)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("estimators")
  void writeThenRead_sameCardSameAnswers(EstimatorSpec spec, Scaler.Kind scaler) {
    Dataset data = DatasetReader.read(ScikitLearnFixtures.path(spec.isRegression() ? "diabetes.csv" : "wine_data.csv"),
        null);
    Split split = Split.shuffle(data.rowCount(), 0.25, 5);
    TrainedModel trained = new ModelTrainer(CLOCK).train(data, split, new TrainingPlan(spec, scaler, null, "mlapi train"),
        "m", 1);

    TrainedModel written = new ModelWriter().writeNew(trained, dir.resolve("m").resolve("1"));
    TrainedModel read = ModelReader.read(dir.resolve("m").resolve("1"));

    assertThat(read.card()).usingRecursiveComparison().isEqualTo(written.card());
    assertThat(read.scaler().offset()).containsExactly(trained.scaler().offset());
    assertThat(read.scaler().scale()).containsExactly(trained.scaler().scale());
    double[][] rows = data.features();
    boolean decision = !spec.isRegression();
    Prediction before = trained.predict(rows, trained.hasProbabilities(), decision);
    Prediction after = read.predict(rows, read.hasProbabilities(), decision);
    assertThat(after).usingRecursiveComparison().isEqualTo(before);
    assertThat(read.outputs()).usingRecursiveComparison().isEqualTo(trained.outputs());
    assertThat(read.platform()).isEqualTo(spec.linear() != null ? "mlapi_liblinear" : "mlapi_libsvm");
  }
}
