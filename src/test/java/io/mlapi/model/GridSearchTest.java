package io.mlapi.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlapi.data.DatasetReader;
import io.mlapi.data.Dataset;
import io.mlapi.data.Scaler;
import io.mlapi.data.Split;
import io.mlapi.svm.SvcParameters;
import io.mlapi.svm.SvmType;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GridSearchTest {
  private static final EstimatorSpec SVC = EstimatorSpec.of(SvcParameters.scikitLearnDefaults());
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void candidates_inParameterGridOrder_namesSortedLastFastest() {
    List<Map<String, String>> candidates = GridSearch.candidates(SVC,
        TrainingPlan.Search.parse("kernel=rbf,poly; C=1,10 ;degree=2"));

    assertThat(candidates).containsExactly(
        Map.of("C", "1", "degree", "2", "kernel", "rbf"),
        Map.of("C", "1", "degree", "2", "kernel", "poly"),
        Map.of("C", "10", "degree", "2", "kernel", "rbf"),
        Map.of("C", "10", "degree", "2", "kernel", "poly"));
    assertThat(candidates.get(0).keySet()).containsExactly("C", "degree", "kernel");
  }

  @Test
  void badGrids_areRefusedNamingThePart() {
    assertThatThrownBy(() -> TrainingPlan.Search.parse("C=1;C=2")).hasMessage("--search: C appears twice");
    assertThatThrownBy(() -> TrainingPlan.Search.parse("C=1,,2")).hasMessage("--search: C has an empty value");
    assertThatThrownBy(() -> TrainingPlan.Search.parse(" ; ")).hasMessageContaining("--search names no parameter");
    assertThatThrownBy(() -> GridSearch.candidates(SVC, TrainingPlan.Search.parse("gamma=0")))
        .hasMessage("--search: gamma must be a positive finite number, got 0.0");
    assertThatThrownBy(() -> GridSearch.candidates(EstimatorSpec.of(SvcParameters.scikitLearnDefaults(SvmType.NU_SVC)),
        TrainingPlan.Search.parse("C=1"))).hasMessage("--search: nusvc has no parameter \"C\" to search; it takes coef0, "
            + "degree, gamma, kernel, nu");
  }

  @Test
  void tiedCandidates_shareTheRank_andTheFirstWins() {
    Dataset iris = DatasetReader.iris();
    // gamma does nothing to a linear kernel: all three candidates score the same
    TrainingPlan.Search search = new TrainingPlan.Search("gamma=0.1,1,10", TrainingPlan.Search.parse("gamma=0.1,1,10"),
        3, 3, (done, total) -> { });
    TrainedModel model = new ModelTrainer(CLOCK).train(iris, Split.stratified(iris.targets(), 0.2, 0),
        new TrainingPlan(EstimatorSpec.of(SvcParameters.scikitLearnDefaults().withKernel(io.mlapi.svm.Kernel.LINEAR)),
            Scaler.Kind.STANDARD, search, null), "tied", 1);

    ModelCard.Search result = model.card().search();
    assertThat(result.candidates()).extracting(ModelCard.Candidate::rank).containsExactly(1, 1, 1);
    assertThat(result.best()).isZero();
    assertThat(model.card().parameters().gamma()).isEqualTo("0.1");
  }

  @Test
  void oneThreadOrMany_sameResult() {
    Dataset wine = DatasetReader.read(io.mlapi.ScikitLearnFixtures.path("wine_data.csv"), null);
    Split split = Split.stratified(wine.targets(), 0.2, 1);
    String grid = "C=0.5,2;gamma=scale,0.05";
    ModelCard.Search[] results = new ModelCard.Search[2];
    int[] threads = {1, 4};
    for (int i = 0; i < 2; i++) {
      TrainingPlan.Search search = new TrainingPlan.Search(grid, TrainingPlan.Search.parse(grid), 4, threads[i],
          (done, total) -> { });
      results[i] = new ModelTrainer(CLOCK).train(wine, split,
          new TrainingPlan(SVC, Scaler.Kind.MINMAX, search, null), "w", 1).card().search();
    }

    assertThat(results[1]).usingRecursiveComparison().isEqualTo(results[0]);
  }
}
