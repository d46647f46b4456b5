package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./mlapi serve} refusing to start on a setup it cannot serve, with the reason and an exit status. */
@Timeout(120)
class ServeStartupIT {
  @TempDir
  Path dir;

  @Test
  void defaultModelNotInTheRepository_exits2() {
    ModelFixtures.publish(dir, "iris", 1, false);

    MlapiProcess serve = MlapiProcess.run(Map.of(), "serve", "--port", "0", "--repository", dir.toString(),
        "--default-model", "wine", "--drain-delay", "0s");

    assertThat(serve.exitValue()).as(serve.toString()).isEqualTo(2);
    assertThat(serve.err()).contains("mlapi serve: --default-model wine: there is no such model in the model "
        + "repository " + dir + " (models: iris)");
  }

  @Test
  void exitAfterWarmup_servesTheWarmUpThenExits0_asATrainingRunForTheAotCache() {
    MlapiProcess serve = MlapiProcess.run(Map.of("MODEL_DIR", dir.resolve("models").toString()), "serve", "--port",
        "0", "--warmup", "200ms", "--exit-after-warmup");

    assertThat(serve.exitValue()).as(serve.toString()).isEqualTo(0);
    assertThat(serve.out()).anyMatch(line -> line.matches("warmed up in \\d+ ms: \\d+ requests with the sample rows "
        + "of iris version 1"));
    assertThat(serve.out()).anyMatch(line -> line.matches("ready \\d+ ms after the JVM started"));
  }

  @Test
  void singleModelThatDoesNotLoad_exits1WithTheReason() throws Exception {
    Path good = ModelFixtures.publish(dir.resolve(".staging"), "iris", 1, false);
    Path models = Files.createDirectories(dir.resolve("models"));
    ModelFixtures.publishCorrupt(good, models.resolve("iris"), 1);

    MlapiProcess serve = MlapiProcess.run(Map.of("MODEL_DIR", models.toString()), "serve", "--port", "0",
        "--drain-delay", "0s");

    assertThat(serve.exitValue()).as(serve.toString()).isEqualTo(1);
    assertThat(serve.err()).anyMatch(line -> line.startsWith("mlapi serve: model iris version 1: ")
        && line.contains("model.libsvm does not match its SHA-256"));
  }
}
