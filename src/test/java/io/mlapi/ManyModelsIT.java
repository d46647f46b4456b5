package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository of 300 models against the real {@code ./mlapi serve}: all ready; changes seen by
 * the watch (the poll interval is an hour, so nothing else could see them); {@code /metrics}
 * without series of idle models but their failure counters; {@code /v2/models} walked page by
 * page, each model once. The 10,000-model measurement is a benchmark ({@code bench/run.sh
 * --phases many_models}), not a test.
 */
@Timeout(300)
class ManyModelsIT {
  private static final int MODELS = 300;
  private static final String INFER = "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4], \"datatype\": "
      + "\"FP64\", \"data\": [6.8, 2.8, 4.8, 1.4]}]}";

  @TempDir
  Path dir;

  private static String name(int i) {
    return String.format("iris-%03d", i);
  }

  @Test
  void threeHundredModels_serve_arePaged_haveFewSeries_andChangesAreWatched() throws IOException {
    Path template = ModelFixtures.publish(dir.resolve("template"), "iris", 1, false);
    Path repository = dir.resolve("repository");
    IntStream.range(0, MODELS).forEach(i -> ModelFixtures.publishCopy(template, repository, name(i), 1));

    try (MlapiProcess mlapi = MlapiProcess.start(Map.of(), "serve", "--port", "0", "--grpc-port", "0",
        "--repository", repository.toString(), "--poll-interval", "1h", "--drain-delay", "0s")) {
      Http http = mlapi.awaitReady(Duration.ofMinutes(3));

      JsonNode all = http.get("/v2/models").json();
      assertThat(all.path("total").asInt()).isEqualTo(MODELS);
      assertThat(http.get("/v2/models?ready=false").json().path("total").asInt()).isZero();
      assertThat(mlapi.out()).contains("serving " + MODELS + " models (" + MODELS + " versions) from the model "
          + "repository " + repository + "; GET /v2/models lists them");
      assertThat(mlapi.err()).anySatisfy(line -> assertThat(line)
          .contains("loaded " + MODELS + " model versions of " + MODELS + " models in"));
      assertThat(mlapi.err()).noneSatisfy(line -> assertThat(line).contains("loaded model iris-"));

      List<String> walked = new ArrayList<>();
      String next = null;
      do {
        JsonNode page = http.get("/v2/models?limit=7" + (next == null ? "" : "&after=" + next)).json();
        page.path("models").forEach(model -> walked.add(model.path("name").asText()));
        next = page.path("next").isNull() ? null : page.path("next").asText();
      } while (next != null);
      assertThat(walked).containsExactlyElementsOf(IntStream.range(0, MODELS).mapToObj(ManyModelsIT::name).toList());

      assertThat(http.post("/v2/models/iris-007/infer", INFER).status()).isEqualTo(200);
      String metrics = http.get("/metrics").body();
      assertThat(metrics.lines().filter(line -> line.contains("model=\"iris-100\"")))
          .containsExactly("mlapi_model_load_failures_total{model=\"iris-100\"} 0.0");
      assertThat(metrics.lines().filter(line -> line.startsWith("mlapi_requests_total{") && line.contains("model=\"")
          && !line.contains("model=\"\""))).isNotEmpty().allSatisfy(line -> assertThat(line).contains("iris-007"));
      assertThat(metrics).doesNotContain("mlapi_model_versions{")
          .contains("mlapi_repository_models{state=\"READY\"} " + MODELS + ".0")
          .contains("mlapi_model_loads_total " + MODELS + ".0");

      // What only the watch can see: a new version, a new model, a model removed.
      ModelFixtures.publishCopy(template, repository, "iris-150", 2);
      ModelFixtures.publishCopy(template, repository, "zz-new", 1);
      deleteTree(repository.resolve(name(299)));
      await("the changes served", () -> {
        JsonNode version = http.get("/v2/models/iris-150").json().path("versions");
        return version.size() == 1 && version.get(0).asText().equals("2")
            && http.get("/v2/models/zz-new/ready").status() == 200
            && http.get("/v2/models/" + name(299) + "/ready").status() == 404;
      });
      assertThat(http.get("/v2/models").json().path("total").asInt()).isEqualTo(MODELS);
      assertThat(mlapi.err()).anySatisfy(line -> assertThat(line)
          .contains("watching the model repository " + repository + " for changes (" + (2 * MODELS + 1) + " directories)"));
      assertThat(mlapi.err()).anySatisfy(line -> assertThat(line).contains("loaded model zz-new version 1"));

      mlapi.terminate();
      assertThat(mlapi.waitFor(Duration.ofSeconds(30))).isZero();
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      MlapiProcess.sleep(Duration.ofMillis(50));
    }
  }

  private static void deleteTree(Path path) throws IOException {
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path entry : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(entry);
      }
    }
  }
}
