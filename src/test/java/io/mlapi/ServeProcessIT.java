package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./mlapi serve} as a user runs it: on a fresh machine, and after training their own CSV. */
@Timeout(300)
class ServeProcessIT {
  /** A wine row (class_0 in examples/wine.csv): 13 features, where Iris takes 4. */
  private static final String WINE_ROW = "[14.23,1.71,2.43,15.6,127,2.8,3.06,0.28,2.29,5.64,1.04,3.92,1065]";

  @TempDir
  Path dir;

  @Test
  void serve_freshMachine_trainsTheTutorialModelAndScoresPoint7() {
    Path models = dir.resolve("models");
    try (MlapiProcess mlapi = MlapiProcess.start(Map.of("MODEL_DIR", models.toString(), "PORT", "0"), "serve")) {
      Http http = mlapi.awaitReady(Duration.ofMinutes(2));

      Http.Response score = http.get("/score");
      Http.Response predict = http.post("/predict", "{\"instances\": [[6.8,2.8,4.8,1.4]]}");

      assertThat(mlapi.out()).contains("no model in " + models + ": training the tutorial's Iris model into "
          + models.resolve("iris") + " first", "the default model (/score, /predict) is iris: the only model");
      assertThat(score.status()).isEqualTo(200);
      assertThat(score.body()).isEqualTo("{\"score\":0.7}");
      assertThat(predict.body()).isEqualTo("{\"predictions\":[\"versicolor\"],\"model\":\"iris\",\"version\":\"1\"}");
      assertThat(Files.isSymbolicLink(models.resolve("iris"))).isTrue();
    }
  }

  /**
   * SIGTERM the moment the HTTP port accepts a connection, while the rest still starts (gRPC, hot
   * reload, the models), as when Kubernetes cancels a rollout: a clean stop, exit 0. Before the
   * handler was installed ahead of the servers, the JVM's own SIGTERM handling stopped the HTTP
   * server under the feet of the startup code, which then reported an internal error.
   */
  @Test
  void sigtermWhileStarting_stopsCleanly_exit0() throws Exception {
    Files.createDirectories(dir.resolve("models"));
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (MlapiProcess mlapi = MlapiProcess.start(Map.of("MODEL_DIR", dir.resolve("models").toString()), "serve",
        "--port", Integer.toString(port), "--grpc-port", "0", "--drain-delay", "0s")) {
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (!accepts(port)) {
        assertThat(System.nanoTime() < deadline && mlapi.isAlive()).as("listening: %s", mlapi).isTrue();
        MlapiProcess.sleep(Duration.ofMillis(2));
      }
      mlapi.terminate();

      assertThat(mlapi.waitFor(Duration.ofMinutes(1))).as(mlapi.toString()).isZero();
      assertThat(String.join("\n", mlapi.err())).doesNotContain("internal error");
    }
  }

  private static boolean accepts(int port) {
    try {
      new Socket("127.0.0.1", port).close();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first thing a user does after the tutorial: train on their own file, then serve. */
  @Test
  void trainYourOwnCsv_thenServe_servesYourModel_notIris() {
    Path models = dir.resolve("models");
    Map<String, String> env = Map.of("MODEL_DIR", models.toString());
    MlapiProcess train = MlapiProcess.run(env, "train", "--data", "examples/wine.csv", "--target", "class",
        "--split", "stratified", "--kernel", "linear");
    assertThat(train.exitValue()).as(train.toString()).isZero();

    try (MlapiProcess mlapi = MlapiProcess.start(env, "serve", "--port", "0")) {
      Http http = mlapi.awaitReady(Duration.ofMinutes(2));

      Http.Response predict = http.post("/predict", "{\"instances\": [" + WINE_ROW + "]}");

      assertThat(predict.body()).isEqualTo("{\"predictions\":[\"class_0\"],\"model\":\"wine\",\"version\":\"1\"}");
      assertThat(http.get("/score").json().path("score").asDouble()).isGreaterThan(0.9);
      assertThat(mlapi.out()).noneMatch(line -> line.contains("training the tutorial"))
          .contains("the default model (/score, /predict) is wine: the only model");
      assertThat(models.resolve("iris")).doesNotExist();
    }
  }

  /** Several models in MODEL_DIR: all served, the one trained last answers /predict unless MODEL_FILE says. */
  @Test
  void severalModels_allServed_theOneTrainedLastIsTheDefault_unlessModelFileNamesOne() {
    Path models = dir.resolve("models");
    Map<String, String> env = Map.of("MODEL_DIR", models.toString());
    assertThat(MlapiProcess.run(env, "train").exitValue()).isZero();
    assertThat(MlapiProcess.run(env, "train", "--data", "examples/wine.csv", "--target", "class", "--split",
        "stratified", "--kernel", "linear").exitValue()).isZero();

    try (MlapiProcess mlapi = MlapiProcess.start(env, "serve", "--port", "0")) {
      Http http = mlapi.awaitReady(Duration.ofMinutes(2));

      assertThat(http.post("/predict", "{\"instances\": [" + WINE_ROW + "]}").json().path("model").asText())
          .isEqualTo("wine");
      assertThat(http.post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], "
          + "\"datatype\": \"FP64\", \"data\": [6.8, 2.8, 4.8, 1.4]}]}").status()).isEqualTo(200);
      assertThat(mlapi.out()).contains("the default model (/score, /predict) is wine: the one trained last; "
          + "--model-file (MODEL_FILE) or --default-model picks another");
    }
    try (MlapiProcess mlapi = MlapiProcess.start(Map.of("MODEL_DIR", models.toString(), "MODEL_FILE", "iris"),
        "serve", "--port", "0")) {
      Http http = mlapi.awaitReady(Duration.ofMinutes(2));

      assertThat(http.get("/score").body()).isEqualTo("{\"score\":0.7}");
      assertThat(mlapi.out()).contains("the default model (/score, /predict) is iris: the one at --model-file "
          + "(MODEL_FILE) iris");
    }
  }
}
