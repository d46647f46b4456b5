package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./mlapi serve} as a user runs it on a fresh machine: nothing trained yet, tutorial environment. */
@Timeout(180)
class ServeProcessIT {
  @TempDir
  Path dir;

  @Test
  void serve_freshMachine_trainsTheTutorialModelAndScoresPoint7() {
    Path models = dir.resolve("models");
    try (MlapiProcess mlapi = MlapiProcess.start(Map.of("MODEL_DIR", models.toString(), "PORT", "0"), "serve")) {
      Http http = mlapi.awaitReady(Duration.ofMinutes(2));

      Http.Response score = http.get("/score");
      Http.Response predict = http.post("/predict", "{\"instances\": [[6.8,2.8,4.8,1.4]]}");

      assertThat(mlapi.out()).contains("no model at " + models.resolve("iris") + ": training the tutorial's Iris model first");
      assertThat(score.status()).isEqualTo(200);
      assertThat(score.body()).isEqualTo("{\"score\":0.7}");
      assertThat(predict.body()).isEqualTo("{\"predictions\":[\"versicolor\"],\"model\":\"iris\",\"version\":\"1\"}");
      assertThat(Files.isSymbolicLink(models.resolve("iris"))).isTrue();
    }
  }
}
