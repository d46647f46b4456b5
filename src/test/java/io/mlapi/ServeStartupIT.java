package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./mlapi serve} refusing to start on a setup it cannot serve, with the reason and an exit status. */
@Timeout(180)
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

  /** The warm-up sends its requests to the model under the name it is served by (KServe's MODEL_NAME). */
  @Test
  void exitAfterWarmup_withAModelName_warmsTheModelUnderThatName() {
    MlapiProcess serve = MlapiProcess.run(Map.of("MODEL_DIR", dir.resolve("models").toString(), "MODEL_NAME",
        "flowers"), "serve", "--port", "0", "--warmup", "200ms", "--exit-after-warmup");

    assertThat(serve.exitValue()).as(serve.toString()).isEqualTo(0);
    assertThat(serve.out()).as(serve.toString()).anyMatch(line -> line.matches("warmed up in \\d+ ms: \\d+ requests "
        + "with the sample rows of flowers version 1"));
  }

  /** MODEL_FILE names the default model: one that is not there is a mistake, said before serving. */
  @Test
  void modelFileNotInTheModelDirectory_exits2_namingTheModelsThere() {
    Path models = dir.resolve("models");
    assertThat(MlapiProcess.run(Map.of("MODEL_DIR", models.toString()), "train", "--data", "examples/wine.csv",
        "--target", "class").exitValue()).isZero();

    MlapiProcess serve = MlapiProcess.run(Map.of("MODEL_DIR", models.toString(), "MODEL_FILE", "iris"), "serve",
        "--port", "0", "--drain-delay", "0s");

    assertThat(serve.exitValue()).as(serve.toString()).isEqualTo(2);
    assertThat(serve.err()).contains("mlapi serve: --model-file (MODEL_FILE) iris: there is no model at "
        + models.resolve("iris") + " (models in " + models + ": wine)");
    assertThat(models.resolve("iris")).doesNotExist(); // the directory holds a model: nothing is trained
  }

  /** A model that does not load is bad input, as it is for predict. */
  @Test
  void singleModelThatDoesNotLoad_exits2WithTheReason() throws Exception {
    Path good = ModelFixtures.publish(dir.resolve(".staging"), "iris", 1, false);
    Path models = Files.createDirectories(dir.resolve("models"));
    ModelFixtures.publishCorrupt(good, models.resolve("iris"), 1);

    MlapiProcess serve = MlapiProcess.run(Map.of("MODEL_DIR", models.toString()), "serve", "--port", "0",
        "--drain-delay", "0s");

    assertThat(serve.exitValue()).as(serve.toString()).isEqualTo(2);
    assertThat(serve.err()).anyMatch(line -> line.startsWith("mlapi serve: model iris version 1: ")
        && line.contains("model.libsvm does not match its SHA-256"));
  }

  /**
   * A port in use: one line naming the port and what to do, exit 3 at once (MlapiProcess.run gives
   * up after two minutes, so a server left running fails this), and nothing trained meanwhile.
   */
  @Test
  void portInUse_oneLineAndExit3_atOnce_nothingTrained() throws IOException {
    Path models = dir.resolve("models");
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = taken.getLocalPort();

      MlapiProcess serve = MlapiProcess.run(Map.of("MODEL_DIR", models.toString()), "serve", "--host", "127.0.0.1",
          "--port", Integer.toString(port));

      assertThat(serve.exitValue()).as(serve.toString()).isEqualTo(3);
      assertThat(serve.err()).as(serve.toString()).containsExactly("mlapi serve: cannot listen on port " + port
          + " on 127.0.0.1: it is in use by another process; stop that one, or choose another port with --port "
          + "(or PORT; 0 picks a free one)");
      assertThat(serve.out()).isEmpty();
      assertThat(models).doesNotExist();
    }
  }

  /** serve --repository on a directory of single models would write iris/1/ into the model itself. */
  @Test
  void repositoryPointedAtADirectoryOfSingleModels_isRefused_namingTheRightFlag() throws IOException {
    Path models = dir.resolve("models");
    assertThat(MlapiProcess.run(Map.of("MODEL_DIR", models.toString()), "train").exitValue()).isZero();
    var before = listing(models.resolve("iris"));

    MlapiProcess serve = MlapiProcess.run(Map.of(), "serve", "--port", "0", "--repository", models.toString());
    MlapiProcess train = MlapiProcess.run(Map.of(), "train", "--repository", models.toString(), "--version", "1");

    for (MlapiProcess refused : new MlapiProcess[] {serve, train}) {
      assertThat(refused.exitValue()).as(refused.toString()).isEqualTo(2);
      assertThat(refused.err()).as(refused.toString()).singleElement().asString()
          .contains(models + " is a directory of single models", "use --model-dir " + models + " (or MODEL_DIR)");
    }
    assertThat(listing(models.resolve("iris"))).isEqualTo(before);
  }

  private static java.util.List<String> listing(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
