package io.mlapi.linear;

import static io.mlapi.ScikitLearnFixtures.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.ScikitLearnFixtures;
import io.mlapi.data.Mt19937;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** scikit-learn's LIBLINEAR coordinate order: bounded_rand_int on std::mt19937, held to sklearn.svm._newrand. */
class ScikitLearnRandomTest {
  static Stream<JsonNode> streams() {
    return ScikitLearnFixtures.elements(ScikitLearnFixtures.json("numpy.json").get("bounded_rand_int")).stream();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("streams")
  void boundedRandInt_sameNumbersAsScikitLearn(JsonNode expected) {
    int[] ranges = ints(expected.get("ranges"));
    int[] values = ints(expected.get("values"));
    Bounded random = new Bounded(new Mt19937(expected.get("seed").longValue()));

    for (int i = 0; i < values.length; i++) {
      assertThat(random.nextInt(ranges[i % ranges.length])).as("draw %d", i).isEqualTo(values[i]);
    }
  }

  @Test
  void nonPositiveBound_isRefused() {
    assertThatThrownBy(() -> new ScikitLearnRandom(0).nextInt(0)).hasMessage("bound must be positive, got 0");
  }

  /** {@link ScikitLearnRandom}'s draw on a generator seeded directly, as {@code set_seed_wrap} seeds it. */
  private record Bounded(Mt19937 bits) {
    int nextInt(int bound) {
      return ScikitLearnRandom.bounded(bits, bound);
    }
  }
}
