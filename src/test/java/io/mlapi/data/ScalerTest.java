package io.mlapi.data;

import static io.mlapi.ScikitLearnFixtures.doubles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.ScikitLearnFixtures;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * StandardScaler and MinMaxScaler fitted on the same training rows as scikit-learn (the rows of
 * {@code train_test_split(random_state=42)}), attribute for attribute, bit for bit.
 */
class ScalerTest {
  private static final JsonNode NUMPY = ScikitLearnFixtures.json("numpy.json");

  static Stream<JsonNode> scalers() {
    return ScikitLearnFixtures.elements(NUMPY.get("scalers")).stream();
  }

  private static double[][] trainingRows(JsonNode expected) {
    if (expected.has("rows")) {
      return ScikitLearnFixtures.matrix(expected.get("rows"));
    }
    String file = expected.get("file").asText();
    Dataset data = DatasetReader.read(ScikitLearnFixtures.path(file), null);
    Split split = file.equals("diabetes.csv") ? Split.shuffle(data.rowCount(), 0.2, 42)
        : Split.stratified(data.targets(), 0.2, 42);
    return data.rows(split.train()).features();
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("scalers")
  void fit_sameRowsAsScikitLearn_sameAttributesAndTransform(JsonNode expected) {
    double[][] rows = trainingRows(expected);
    int features = rows[0].length;

    Scaler standard = Scaler.fit(Scaler.Kind.STANDARD, rows, features);
    Scaler minMax = Scaler.fit(Scaler.Kind.MINMAX, rows, features);

    assertThat(standard.offset()).as("mean_").containsExactly(doubles(expected.get("mean_")));
    assertThat(standard.scale()).as("scale_").containsExactly(doubles(expected.get("std_scale_")));
    assertThat(minMax.offset()).as("min_").containsExactly(doubles(expected.get("min_")));
    assertThat(minMax.scale()).as("scale_").containsExactly(doubles(expected.get("minmax_scale_")));
    assertThat(standard.transform(rows[0])).containsExactly(doubles(expected.get("first_row_standard")));
    assertThat(minMax.transform(rows[0])).containsExactly(doubles(expected.get("first_row_minmax")));
  }

  @Test
  void none_leavesRowsAlone_andHasNoParameters() {
    double[][] rows = {{1, 2}, {3, 4}};

    Scaler none = Scaler.fit(Scaler.Kind.NONE, rows, 2);

    assertThat(none.transform(rows)).isSameAs(rows);
    assertThat(none.offset()).isEmpty();
    assertThat(none.featureCount()).isZero();
  }

  @Test
  void badParameters_areRefusedNamingTheFeature() {
    assertThatThrownBy(() -> new Scaler(Scaler.Kind.STANDARD, new double[] {0, 1}, new double[] {1, 0}))
        .hasMessage("feature 1 of the scaler has offset 1.0 and scale 0.0; both must be finite and the scale non-zero");
    assertThatThrownBy(() -> new Scaler(Scaler.Kind.MINMAX, new double[] {0}, new double[] {1, 2}))
        .hasMessage("the scaler has 1 offsets but 2 scales");
    assertThatThrownBy(() -> Scaler.Kind.parse("robust"))
        .hasMessage("unknown scaler \"robust\"; expected none, standard or minmax");
  }
}
