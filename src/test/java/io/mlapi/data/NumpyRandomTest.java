package io.mlapi.data;

import static io.mlapi.ScikitLearnFixtures.ints;
import static io.mlapi.ScikitLearnFixtures.longs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.ScikitLearnFixtures;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** numpy's legacy RandomState, held to what numpy itself drew (scripts/sklearn_reference.py, numpy.json). */
class NumpyRandomTest {
  static Stream<JsonNode> streams() {
    return ScikitLearnFixtures.elements(ScikitLearnFixtures.json("numpy.json").get("streams")).stream();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("streams")
  void stream_sameSeed_sameNumbersAsNumpy(JsonNode expected) {
    long seed = expected.get("seed").longValue();
    Mt19937 bits = new Mt19937(seed);
    long[] uint32 = new long[5];
    for (int i = 0; i < uint32.length; i++) {
      uint32[i] = Integer.toUnsignedLong(bits.nextInt());
    }
    assertThat(uint32).as("randint(0, 2**32, dtype=uint32)").containsExactly(longs(expected.get("uint32")));

    NumpyRandom random = new NumpyRandom(seed);
    for (int i = 0; i < 5; i++) {
      random.randint(0x100000000L); // the five draws above, through numpy's full-range path
    }
    assertThat(random.permutation(10)).containsExactly(ints(expected.get("permutation_10")));
    assertThat(random.permutation(1000)).containsExactly(ints(expected.get("permutation_1000")));
    assertThat(new NumpyRandom(seed).randint(Integer.MAX_VALUE)).isEqualTo(expected.get("randint_2_31").longValue());
  }

  @Test
  void seed_outsideNumpysRange_isRefusedWithNumpysRule() {
    assertThatThrownBy(() -> new NumpyRandom(-1)).hasMessage("seed must be between 0 and 2**32 - 1, got -1");
    assertThatThrownBy(() -> new NumpyRandom(1L << 32)).hasMessage("seed must be between 0 and 2**32 - 1, got 4294967296");
  }

  @Test
  void permutationOfValues_shufflesACopy_leavingTheInputAlone() {
    int[] values = {10, 20, 30, 40};

    int[] shuffled = new NumpyRandom(3).permutation(values);

    assertThat(values).containsExactly(10, 20, 30, 40);
    assertThat(shuffled).containsExactlyInAnyOrder(10, 20, 30, 40)
        .containsExactly(new int[] {10, 20, 30, 40}[new NumpyRandom(3).permutation(4)[0]],
            new int[] {10, 20, 30, 40}[new NumpyRandom(3).permutation(4)[1]],
            new int[] {10, 20, 30, 40}[new NumpyRandom(3).permutation(4)[2]],
            new int[] {10, 20, 30, 40}[new NumpyRandom(3).permutation(4)[3]]);
  }
}
