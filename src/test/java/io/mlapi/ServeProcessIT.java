package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./mlapi serve} as a user runs it on a fresh machine: nothing trained yet. */
class ServeProcessIT {
  private static final Duration START = Duration.ofSeconds(120); // the launcher may build the jar first

  @TempDir
  Path dir;

  @Test
  void serve_freshMachine_trainsTheTutorialModelAndScoresPoint7() throws Exception {
    Path models = dir.resolve("models");
    try (MlapiProcess mlapi = MlapiProcess.launcher(Map.of("MODEL_DIR", models.toString(), "PORT", "0"), "serve")) {
      int port = mlapi.awaitPort(START);
      mlapi.awaitLine("serving iris version 1", START);
      HttpClient client = HttpClient.newHttpClient();

      HttpResponse<String> score = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/score"))
          .build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> predict = client.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/predict"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [[6.8,2.8,4.8,1.4]]}")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(mlapi.output()).contains("no model at " + models.resolve("iris") + ": training the tutorial's Iris model first");
      assertThat(score.statusCode()).isEqualTo(200);
      assertThat(score.body()).isEqualTo("{\"score\":0.7}");
      assertThat(predict.body()).isEqualTo("{\"predictions\":[\"versicolor\"],\"model\":\"iris\",\"version\":\"1\"}");
      assertThat(Files.isSymbolicLink(models.resolve("iris"))).isTrue();
    }
  }

  @Test
  void serve_brokenModel_exitsNonZeroNamingTheProblem() throws Exception {
    Path models = dir.resolve("models");
    Files.createDirectories(models.resolve("iris"));
    Files.writeString(models.resolve("iris/model.json"), "{\"formatVersion\": 9}");

    try (MlapiProcess mlapi = MlapiProcess.jar(Map.of("MODEL_DIR", models.toString(), "PORT", "0"), "serve")) {
      assertThat(mlapi.awaitExit(START)).isEqualTo(1);
      assertThat(mlapi.output()).contains("has format version 9, but this mlapi");
    }
  }
}
