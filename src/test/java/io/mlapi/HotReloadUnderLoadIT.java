package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload under load, against the real {@code ./mlapi serve}: clients predict without pause
 * while {@code ./mlapi train} writes a new version into the repository, and then a corrupt
 * version appears, file by file. No request may fail, the answers must move to the new version
 * and stay there, and the corrupt version must never answer.
 */
@Timeout(180)
class HotReloadUnderLoadIT {
  private static final String INFER = "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [2, 4], \"datatype\": "
      + "\"FP32\", \"data\": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}]}";

  @TempDir
  Path repository;

  @Test
  void newVersionSwitchesIn_corruptVersionIsNeverServed_andNoRequestFails() {
    try (MlapiProcess mlapi = MlapiProcess.start(Map.of(), "serve", "--port", "0", "--repository",
        repository.toString(), "--poll-interval", "100ms", "--drain-delay", "0s")) {
      Http http = mlapi.awaitReady(Duration.ofSeconds(60)); // an empty repository gets iris/1 first

      try (PredictionLoad load = new PredictionLoad(2, thread -> {
        Http.Response response = http.post("/v2/models/iris/infer", INFER);
        JsonNode json = response.json();
        return new PredictionLoad.Outcome(thread, response.status(), json.path("model_version").asText(null),
            response.status() == 200 && json.path("outputs").get(0).path("data").toString().equals("[1,1]")
                ? null : response.toString());
      }, outcome -> false)) {
        load.awaitMore(50, Duration.ofSeconds(30));

        MlapiProcess train = MlapiProcess.run(Map.of(), "train", "--repository", repository.toString(), "--name", "iris");
        assertThat(train.exitValue()).as(train.toString()).isZero();
        assertThat(train.out()).anyMatch(line -> line.equals("saved to " + repository.resolve("iris/2")));
        load.await("answers from version 2", Duration.ofSeconds(30), () -> load.any(o -> "2".equals(o.version())));

        ModelFixtures.publishCorrupt(repository.resolve("iris/2"), repository.resolve("iris/3"), 3);
        load.await("version 3 reported broken", Duration.ofSeconds(30), () -> http.get("/v2/models/iris")
            .body().contains("{\"version\":\"3\",\"state\":\"UNAVAILABLE\""));
        int afterCorrupt = load.count();
        load.awaitMore(200, Duration.ofSeconds(30)); // several polls' worth of answers after it was seen

        List<PredictionLoad.Outcome> outcomes = load.outcomes();
        assertThat(outcomes).filteredOn(o -> o.failure() != null).as("failed requests").isEmpty();
        assertThat(outcomes).extracting(PredictionLoad.Outcome::version).containsOnly("1", "2").contains("1", "2");
        for (int thread = 0; thread < 2; thread++) {
          int t = thread;
          List<String> versions = outcomes.stream().filter(o -> o.thread() == t).map(PredictionLoad.Outcome::version)
              .toList();
          int switched = versions.indexOf("2");
          assertThat(versions.subList(switched, versions.size())).as("thread " + t + " after the switch")
              .containsOnly("2");
        }
        assertThat(outcomes.subList(afterCorrupt, outcomes.size())).extracting(PredictionLoad.Outcome::version)
            .containsOnly("2");
      }

      String metrics = http.get("/metrics").body();
      // At least one failure: a poll may also catch the corrupt copy half-written, and count that too.
      assertThat(metric(metrics, "mlapi_model_load_failures_total{model=\"iris\"}")).isGreaterThanOrEqualTo(1);
      assertThat(metrics).contains("mlapi_model_loads_total 2.0")
          // iris is failing (version 3), so its versions are listed: 3 broken, 1 not selected
          .contains("mlapi_model_versions{model=\"iris\",state=\"UNAVAILABLE\"} 2.0");
      assertThat(String.join("\n", mlapi.err())).contains("cannot load model iris version 3, not serving it");

      mlapi.terminate();
      assertThat(mlapi.waitFor(Duration.ofSeconds(30))).isZero();
    }
  }

  static double metric(String metrics, String series) {
    return metrics.lines().filter(line -> line.startsWith(series + " ")).mapToDouble(line ->
        Double.parseDouble(line.substring(series.length() + 1))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + series + " in\n" + metrics));
  }
}
