package io.mlapi.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

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

  @Test
  void stratified_sameSeed_sameRows_otherSeed_otherRows() {
    int[] targets = IntStream.range(0, 300).map(i -> i % 3).toArray();

    Split a = Split.stratified(targets, 0.2, 7);
    Split b = Split.stratified(targets, 0.2, 7);
    Split c = Split.stratified(targets, 0.2, 8);

    assertThat(a.test()).containsExactly(b.test());
    assertThat(a.test()).isNotEqualTo(c.test());
    assertThat(a.seed()).isEqualTo(7L);
  }

  @Test
  void stratified_holdsOutTheFractionOfEveryClass_andEveryRowOnce() {
    int[] targets = IntStream.range(0, 150).map(i -> i / 50).toArray();

    Split split = Split.stratified(targets, 0.2, 1);

    assertThat(split.test()).hasSize(30);
    for (int c = 0; c < 3; c++) {
      int cls = c;
      assertThat(Arrays.stream(split.test()).filter(i -> targets[i] == cls).count()).isEqualTo(10);
    }
    int[] all = IntStream.concat(Arrays.stream(split.train()), Arrays.stream(split.test())).sorted().toArray();
    assertThat(all).containsExactly(IntStream.range(0, 150).toArray());
    assertThat(split.train()).isSorted();
    assertThat(split.test()).isSorted();
  }

  @Test
  void stratified_tinyClass_keepsARowOnEachSide() {
    int[] targets = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1};

    Split split = Split.stratified(targets, 0.1, 3);

    assertThat(Arrays.stream(split.test()).filter(i -> targets[i] == 1).count()).isEqualTo(1);
    assertThat(Arrays.stream(split.train()).filter(i -> targets[i] == 1).count()).isEqualTo(1);
  }
}
