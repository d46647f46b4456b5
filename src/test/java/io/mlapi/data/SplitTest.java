package io.mlapi.data;

import static io.mlapi.ScikitLearnFixtures.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.ScikitLearnFixtures;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SplitTest {
  @Test
  void tutorial_150RowsTestSize02_holdsOutTheLast30() {
    Split split = Split.tutorial(150, 0.2);

    assertThat(split.train()).containsExactly(IntStream.range(0, 120).toArray());
    assertThat(split.test()).containsExactly(IntStream.range(120, 150).toArray());
    assertThat(split.seed()).isNull();
  }

  @Test
  void tutorial_roundsTheTestRowsUpLikeScikitLearn() {
    assertThat(Split.tutorial(178, 0.2).test()).hasSize(36); // ceil(35.6)
    assertThat(Split.tutorial(569, 0.2).test()).hasSize(114); // ceil(113.8)
  }

  @Test
  void tutorial_testSizeOutsideZeroToOne_isRefusedWithTheValue() {
    assertThatThrownBy(() -> Split.tutorial(10, 1.0))
        .hasMessage("test size must be between 0 and 1 (exclusive), got 1.0");
    assertThatThrownBy(() -> Split.tutorial(10, 0)).hasMessageContaining("got 0.0");
    assertThatThrownBy(() -> Split.tutorial(10, Double.NaN)).hasMessageContaining("got NaN");
    assertThatThrownBy(() -> Split.tutorial(2, 0.9))
        .hasMessage("test size 0.9 of 2 rows leaves no rows to train on");
  }

  static Stream<JsonNode> splits() {
    return ScikitLearnFixtures.elements(ScikitLearnFixtures.json("numpy.json").get("splits")).stream();
  }

  /** train_test_split(..., random_state=seed, shuffle=True, stratify=None or y), rows and their order. */
  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("splits")
  void randomSplit_sameRowsInTheSameOrderAsScikitLearn(JsonNode expected) {
    Dataset data = DatasetReader.read(ScikitLearnFixtures.path(expected.get("file").asText()), null);
    long seed = expected.get("seed").longValue();
    double testSize = expected.get("test_size").doubleValue();

    Split split = expected.get("method").asText().equals(Split.STRATIFIED)
        ? Split.stratified(data.targets(), testSize, seed)
        : Split.shuffle(data.rowCount(), testSize, seed);

    assertThat(split.train()).containsExactly(ints(expected.get("train")));
    assertThat(split.test()).containsExactly(ints(expected.get("test")));
    assertThat(split.method()).isEqualTo(expected.get("method").asText());
    assertThat(split.seed()).isEqualTo(seed);
  }

  @Test
  void stratified_classWithOneRow_orFewerTestRowsThanClasses_isRefusedWithTheReason() {
    assertThatThrownBy(() -> Split.stratified(new int[] {0, 0, 0, 1}, 0.5, 0))
        .hasMessage("a stratified split needs two or more rows of every class, but a class has only one; use --split "
            + "shuffle, or more data");
    assertThatThrownBy(() -> Split.stratified(new int[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 1}, 0.1, 3))
        .hasMessage("a stratified split of 10 rows with test size 0.1 gives 9 training and 1 test rows, fewer than "
            + "the 2 classes; change --test-size");
  }

  @Test
  void approximateMode_tiesAreBrokenByTheRandomStream_asScikitLearnDoes() {
    // three classes of 10 rows, 20 draws: 6.67 each, two extra rows go to two of the three tied classes
    int[] a = Split.approximateMode(new int[] {10, 10, 10}, 20, new NumpyRandom(0));
    int[] b = Split.approximateMode(new int[] {10, 10, 10}, 20, new NumpyRandom(1));

    assertThat(IntStream.of(a).sum()).isEqualTo(20);
    assertThat(a).containsOnly(6, 7);
    assertThat(IntStream.of(b).sum()).isEqualTo(20);
  }
}
