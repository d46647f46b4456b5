package io.mlapi.data;

import static io.mlapi.ScikitLearnFixtures.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.ScikitLearnFixtures;
import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** KFold and StratifiedKFold (unshuffled) on the training rows of a split, held to scikit-learn's folds. */
class FoldsTest {
  static Stream<JsonNode> folds() {
    return ScikitLearnFixtures.elements(ScikitLearnFixtures.json("numpy.json").get("folds")).stream();
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("folds")
  void folds_sameTrainingRows_sameFoldsAsScikitLearn(JsonNode expected) {
    String file = expected.get("file").asText();
    Dataset data = DatasetReader.read(ScikitLearnFixtures.path(file), null);
    int k = expected.get("k").intValue();
    Folds folds;
    if (expected.get("stratified").booleanValue()) {
      Split split = Split.stratified(data.targets(), 0.2, 42);
      folds = Folds.stratified(data.rows(split.train()).targets(), k);
    } else {
      folds = Folds.kfold(Split.shuffle(data.rowCount(), 0.2, 42).train().length, k);
    }

    assertThat(folds.count()).isEqualTo(k);
    for (int f = 0; f < k; f++) {
      int[] test = folds.test().get(f);
      assertThat(test).as("fold %d", f).containsExactly(ints(expected.get("test").get(f)));
      int[] all = IntStream.concat(Arrays.stream(folds.train().get(f)), Arrays.stream(test)).sorted().toArray();
      assertThat(all).as("fold %d covers every row once", f).containsExactly(IntStream.range(0, all.length).toArray());
    }
  }

  @Test
  void tooFewRowsOrFolds_areRefusedWithTheReason() {
    assertThatThrownBy(() -> Folds.kfold(3, 5)).hasMessage("cannot have 5 cross-validation folds with only 3 training rows");
    assertThatThrownBy(() -> Folds.kfold(10, 1)).hasMessage("cross-validation needs 2 or more folds, got 1");
    assertThatThrownBy(() -> Folds.stratified(new int[] {0, 0, 1, 1}, 3))
        .hasMessage("3 cross-validation folds are more than the rows of any class (2 at most); use fewer folds");
    assertThat(Folds.smallestClass(new int[] {0, 0, 1, 2, 2, 2})).isEqualTo(1);
  }
}
