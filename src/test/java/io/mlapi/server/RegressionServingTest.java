package io.mlapi.server;

import static io.mlapi.ScikitLearnFixtures.doubles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.Http;
import io.mlapi.ScikitLearnFixtures;
import io.mlapi.batch.BatchPredictor;
import io.mlapi.data.Dataset;
import io.mlapi.data.DatasetReader;
import io.mlapi.data.Scaler;
import io.mlapi.data.Split;
import io.mlapi.model.EstimatorSpec;
import io.mlapi.model.ModelReader;
import io.mlapi.model.ModelTrainer;
import io.mlapi.model.ModelWriter;
import io.mlapi.model.TrainedModel;
import io.mlapi.model.TrainingPlan;
import io.mlapi.svm.SvcParameters;
import io.mlapi.svm.SvmType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A regressor (SVR behind a StandardScaler, on scikit-learn's diabetes data) served end to end:
 * every protocol and batch scoring take raw features and answer the numbers scikit-learn's
 * {@code Pipeline(StandardScaler(), SVR()).predict} gives, and {@code /score} is its R².
 */
class RegressionServingTest {
  @TempDir
  static Path root;
  private static TestServer server;
  private static Http http;
  private static double[][] testRows;
  private static double[] expected;
  private static double r2;

  @BeforeAll
  static void start() {
    Dataset data = DatasetReader.read(ScikitLearnFixtures.path("diabetes.csv"), null);
    Split split = Split.shuffle(data.rowCount(), 0.2, 0);
    TrainedModel model = new ModelTrainer(TestServer.CLOCK).train(data, split,
        new TrainingPlan(EstimatorSpec.of(SvcParameters.scikitLearnDefaults(SvmType.SVR)), Scaler.Kind.STANDARD, null,
            null), "diabetes", 1);
    new ModelWriter().writeNew(model, root.resolve("diabetes").resolve("1"));
    testRows = data.rows(split.test()).features();
    JsonNode reference = ScikitLearnFixtures.elements(ScikitLearnFixtures.json("estimators.json").get("cases"))
        .stream().filter(c -> c.get("file").asText().equals("diabetes.csv") && c.get("estimator").asText().equals("svr")
            && c.get("scale").asText().equals("standard") && c.get("split").asText().equals("shuffle")
            && c.get("seed").intValue() == 0 && c.get("params").isEmpty())
        .findFirst().orElseThrow();
    expected = doubles(reference.get("test_predictions"));
    r2 = reference.get("score").doubleValue();
    server = new TestServer(root, ServerConfig.onPort(0));
    http = server.http;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String instances(int rows) {
    return IntStream.range(0, rows).mapToObj(r -> java.util.Arrays.stream(testRows[r])
        .mapToObj(v -> Double.toString(v)).collect(Collectors.joining(",", "[", "]")))
        .collect(Collectors.joining(",", "{\"instances\":[", "]}"));
  }

  private static void assertScikitLearns(JsonNode numbers, int rows) {
    assertThat(numbers.size()).isEqualTo(rows);
    for (int r = 0; r < rows; r++) {
      assertThat(numbers.get(r).isNumber()).as("row %d is a number", r).isTrue();
      assertThat(numbers.get(r).doubleValue()).as("row %d", r).isCloseTo(expected[r], within(1e-9));
    }
  }

  @Test
  void score_isTheTestRowsR2_asScikitLearnsScore() {
    assertThat(http.get("/score").json().path("score").doubleValue()).isCloseTo(r2, within(1e-12));
  }

  @Test
  void predict_rawFeatures_scikitLearnsNumbers() {
    Http.Response response = http.post("/predict", instances(5));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertScikitLearns(response.json().path("predictions"), 5);
  }

  @Test
  void kserveV1_answersNumbersToo() {
    Http.Response response = http.post("/v1/models/diabetes:predict", instances(3));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertScikitLearns(response.json().path("predictions"), 3);
  }

  @Test
  void openInferenceV2_predictIsFp64OneValuePerRow() {
    String data = IntStream.range(0, 4).mapToObj(r -> java.util.Arrays.stream(testRows[r])
        .mapToObj(Double::toString).collect(Collectors.joining(","))).collect(Collectors.joining(","));
    Http.Response response = http.post("/v2/models/diabetes/infer", "{\"inputs\":[{\"name\":\"input-0\",\"shape\":[4,10],"
        + "\"datatype\":\"FP64\",\"data\":[" + data + "]}]}");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode output = response.json().path("outputs").get(0);
    assertThat(output.path("name").asText()).isEqualTo("predict");
    assertThat(output.path("datatype").asText()).isEqualTo("FP64");
    assertThat(output.path("shape").toString()).isEqualTo("[4]");
    assertScikitLearns(output.path("data"), 4);
  }

  @Test
  void openInferenceV2_askingARegressorForLabels_isTheClientsError() {
    Http.Response response = http.post("/v2/models/diabetes/infer", "{\"inputs\":[{\"name\":\"input-0\",\"shape\":[1,10],"
        + "\"datatype\":\"FP64\",\"data\":[0,0,0,0,0,0,0,0,0,0]}],\"outputs\":[{\"name\":\"label\"}]}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.error()).contains("label");
  }

  @Test
  void predictWithProbabilities_aRegressorHasNone_isTheClientsError() {
    Http.Response response = http.post("/predict", "{\"instances\":[[0,0,0,0,0,0,0,0,0,0]],\"probabilities\":true}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.error()).contains("gives no probabilities");
  }

  @Test
  void batchPredict_writesNumbers(@TempDir Path dir) throws IOException {
    TrainedModel model = ModelReader.read(root.resolve("diabetes").resolve("1"));
    List<String> names = model.featureNames();
    StringBuilder csv = new StringBuilder(String.join(",", names)).append('\n');
    for (int r = 0; r < 6; r++) {
      csv.append(java.util.Arrays.stream(testRows[r]).mapToObj(Double::toString).collect(Collectors.joining(",")))
          .append('\n');
    }
    Path input = Files.writeString(dir.resolve("rows.csv"), csv);

    new BatchPredictor(model, 2, 2, BatchPredictor.OnError.FAIL).predict(input, dir.resolve("out.csv"), (r, b) -> { });

    List<String> lines = Files.readAllLines(dir.resolve("out.csv"));
    assertThat(lines.get(0)).endsWith(",prediction");
    for (int r = 0; r < 6; r++) {
      String last = lines.get(r + 1).substring(lines.get(r + 1).lastIndexOf(',') + 1);
      assertThat(Double.parseDouble(last)).as(String.format(Locale.ROOT, "row %d", r)).isCloseTo(expected[r],
          within(1e-9));
    }
  }
}
