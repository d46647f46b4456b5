package io.mlapi.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlapi.repository.ChangeBatcher.Changes;
import io.mlapi.repository.ModelSource.Affected;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Debouncing, with the time given: a batch is due after a quiet period, or at the latest after the longest wait. */
class ChangeBatcherTest {
  private static final long MS = 1_000_000;
  private final ChangeBatcher batcher = new ChangeBatcher(Duration.ofMillis(200), Duration.ofSeconds(2));

  @Test
  void nothingChanged_nothingIsDue() {
    assertThat(batcher.nanosUntilDue(0)).isEqualTo(Long.MAX_VALUE);
    assertThat(batcher.takeIfDue(Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void oneChange_isDueAfterTheQuietPeriod_once() {
    batcher.add(Affected.model("iris"), 1_000 * MS);

    assertThat(batcher.nanosUntilDue(1_000 * MS)).isEqualTo(200 * MS);
    assertThat(batcher.takeIfDue(1_199 * MS)).isEmpty();
    assertThat(batcher.takeIfDue(1_200 * MS)).contains(new Changes(false, Set.of("iris")));
    assertThat(batcher.takeIfDue(5_000 * MS)).isEmpty();
  }

  @Test
  void changesThatKeepComing_areGatheredUntilAPause() {
    batcher.add(Affected.model("iris"), 0);
    batcher.add(Affected.model("wine"), 150 * MS);
    batcher.add(Affected.model("iris"), 300 * MS);

    assertThat(batcher.takeIfDue(450 * MS)).isEmpty();
    assertThat(batcher.takeIfDue(500 * MS)).contains(new Changes(false, Set.of("iris", "wine")));
  }

  @Test
  void changesWithoutAPause_areLookedAtAfterTheLongestWait() {
    for (long at = 0; at <= 1_900 * MS; at += 100 * MS) {
      batcher.add(Affected.model("iris"), at);
      assertThat(batcher.takeIfDue(at)).isEmpty();
    }
    batcher.add(Affected.model("iris"), 2_000 * MS);

    assertThat(batcher.nanosUntilDue(2_000 * MS)).isZero();
    assertThat(batcher.takeIfDue(2_000 * MS)).contains(new Changes(false, Set.of("iris")));
  }

  @Test
  void aChangeThatMayAffectAnyModel_makesTheBatchEverything() {
    batcher.add(Affected.model("iris"), 0);
    batcher.add(Affected.ANY, 10 * MS);

    assertThat(batcher.takeIfDue(210 * MS)).contains(new Changes(true, Set.of("iris")));
  }

  @Test
  void aChangeThatAffectsNoModel_startsNoBatch() {
    batcher.add(Affected.NONE, 0);

    assertThat(batcher.nanosUntilDue(0)).isEqualTo(Long.MAX_VALUE);
    assertThat(batcher.takeIfDue(10_000 * MS)).isEmpty();
  }

  @Test
  void aQuietPeriodLongerThanTheLongestWait_isRefused() {
    assertThatThrownBy(() -> new ChangeBatcher(Duration.ofSeconds(3), Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the quiet period must be at least 0 and at most the longest wait, got PT3S and PT2S");
  }
}
