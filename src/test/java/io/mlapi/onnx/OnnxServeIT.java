package io.mlapi.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.Http;
import io.mlapi.MlapiProcess;
import io.mlapi.ModelFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX models served by the real {@code ./mlapi serve} beside mlapi's own, through each protocol
 * on this branch (V2 REST JSON, the tutorial's {@code /predict}, KServe V1), with the core's checks,
 * the catalog, metrics and hot reload.
 */
@Timeout(240)
class OnnxServeIT {
  @TempDir
  Path repository;

  private MlapiProcess serve(String... more) {
    String[] args = Stream.concat(Stream.of("serve", "--port", "0", "--repository", repository.toString(),
        "--drain-delay", "0s"), Stream.of(more)).toArray(String[]::new);
    return MlapiProcess.start(Map.of(), args);
  }

  private static String tensor(String name, String datatype, String shape, String data) {
    return "{\"name\": \"" + name + "\", \"datatype\": \"" + datatype + "\", \"shape\": " + shape + ", \"data\": "
        + data + "}";
  }

  private static String infer(String... tensors) {
    return "{\"inputs\": [" + String.join(", ", tensors) + "]}";
  }

  @Test
  void everyProtocol_servesOnnxModels_withTheCoresChecks() {
    OnnxFixtures.publish(repository, "clf", 1, "classifier_svm");
    OnnxFixtures.publish(repository, "trees", 1, "trees");
    OnnxFixtures.publish(repository, "pair", 1, "two_inputs");
    OnnxFixtures.publish(repository, "types", 1, "datatypes");
    OnnxFixtures.publish(repository, "colors", 1, "strings");
    ModelFixtures.publish(repository, "iris", 1, false);
    try (MlapiProcess mlapi = serve("--default-model", "clf", "--max-rows", "100", "--poll-interval", "100ms")) {
      Http http = mlapi.awaitReady(Duration.ofSeconds(90));
      OnnxFixtures.publish(repository, "broken", 1, "broken_garbage");

      // V2 metadata, straight from the graph
      JsonNode metadata = http.get("/v2/models/clf").json();
      assertThat(metadata.get("platform").asText()).isEqualTo("onnxruntime_onnx");
      assertThat(metadata.get("inputs").toString())
          .isEqualTo("[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[-1,4]}]");
      assertThat(metadata.get("outputs").toString()).isEqualTo("[{\"name\":\"output_label\",\"datatype\":\"BYTES\","
          + "\"shape\":[-1]},{\"name\":\"output_probability\",\"datatype\":\"FP32\",\"shape\":[-1,3]}]");
      assertThat(metadata.at("/mlapi/classes").toString()).isEqualTo("[\"setosa\",\"versicolor\",\"virginica\"]");
      assertThat(http.get("/v2/models/iris").json().get("platform").asText()).isEqualTo("mlapi_libsvm");

      // V2 infer: all outputs by default, one when asked
      Http.Response both = http.post("/v2/models/clf/infer", infer(tensor("float_input", "FP32", "[2, 4]",
          "[[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]")));
      assertThat(both.status()).as(both.body()).isEqualTo(200);
      assertThat(both.json().at("/outputs/0/data").toString()).isEqualTo("[\"setosa\",\"virginica\"]");
      assertThat(both.json().at("/outputs/1/shape").toString()).isEqualTo("[2,3]");
      Http.Response labelOnly = http.post("/v2/models/clf/infer", "{\"inputs\": [" + tensor("float_input", "FP32",
          "[1, 4]", "[5.1, 3.5, 1.4, 0.2]") + "], \"outputs\": [{\"name\": \"output_probability\"}]}");
      assertThat(labelOnly.json().get("outputs")).hasSize(1);
      assertThat(labelOnly.json().at("/outputs/0/name").asText()).isEqualTo("output_probability");

      // the core's checks, before ONNX Runtime runs anything
      Http.Response wrongType = http.post("/v2/models/clf/infer", infer(tensor("float_input", "FP64", "[1, 4]",
          "[5.1, 3.5, 1.4, 0.2]")));
      assertThat(wrongType.status()).isEqualTo(400);
      assertThat(wrongType.error()).isEqualTo("input \"float_input\" is FP64, but model clf takes FP32 there");
      Http.Response wrongShape = http.post("/v2/models/clf/infer", infer(tensor("float_input", "FP32", "[1, 3]",
          "[5.1, 3.5, 1.4]")));
      assertThat(wrongShape.status()).isEqualTo(400);
      assertThat(wrongShape.error()).isEqualTo("input \"float_input\" has shape [1, 3], but model clf takes 4 features "
          + "per row (x0, x1, x2, x3)");
      Http.Response tooMany = http.post("/v2/models/trees/infer", infer(tensor("input", "FP32", "[101, 10]",
          "[" + String.join(",", java.util.Collections.nCopies(1010, "0")) + "]")));
      assertThat(tooMany.status()).isEqualTo(413);
      assertThat(tooMany.error()).isEqualTo("101 rows is more than the limit of 100 per request");

      // two inputs, bound by name; one missing is named
      Http.Response pair = http.post("/v2/models/pair/infer", infer(tensor("b", "FP32", "[1, 3]", "[4, 5, 6]"),
          tensor("a", "FP32", "[1, 3]", "[1, 2, 3]")));
      assertThat(pair.json().at("/outputs/0/data").toString()).isEqualTo("[5.0,7.0,9.0]");
      assertThat(pair.json().at("/outputs/1/data").toString()).isEqualTo("[4.0,10.0,18.0]");
      Http.Response half = http.post("/v2/models/pair/infer", infer(tensor("a", "FP32", "[1, 3]", "[1, 2, 3]")));
      assertThat(half.status()).isEqualTo(400);
      assertThat(half.error()).isEqualTo("model pair takes 2 inputs (a FP32 [-1, 3], b FP32 [-1, 3]), got 1");

      // every JSON datatype through ONNX Runtime and back (FP16 is binary-only in JSON)
      Http.Response types = http.post("/v2/models/types/infer", infer(
          tensor("in_fp32", "FP32", "[1, 2]", "[1.5, -2.25]"), tensor("in_fp64", "FP64", "[1, 2]", "[3.141592653589793, 1e300]"),
          tensor("in_fp16", "FP32", "[1, 2]", "[0, 0]"), tensor("in_int8", "INT8", "[1, 2]", "[-128, 127]"),
          tensor("in_int16", "INT16", "[1, 2]", "[-32768, 32767]"), tensor("in_int32", "INT32", "[1, 2]", "[-1, 2147483647]"),
          tensor("in_int64", "INT64", "[1, 2]", "[-9223372036854775808, 9223372036854775807]"),
          tensor("in_uint8", "UINT8", "[1, 2]", "[0, 255]"), tensor("in_bool", "BOOL", "[1, 2]", "[true, false]"),
          tensor("in_string", "BYTES", "[1, 2]", "[\"\", \"日本\"]")));
      assertThat(types.status()).as("FP16 given as FP32").isEqualTo(400);
      assertThat(types.error()).isEqualTo("input \"in_fp16\" is FP32, but model types takes FP16 there");

      // strings
      Http.Response colors = http.post("/v2/models/colors/infer", infer(tensor("color", "BYTES", "[3]",
          "[\"green\", \"red\", \"mauve\"]")));
      assertThat(colors.json().at("/outputs/0/data").toString()).isEqualTo("[1,0,-1]");

      // the row protocols: /predict (default model) and KServe V1
      Http.Response predict = http.post("/predict", "{\"instances\": [[6.7, 3.0, 5.2, 2.3], {\"x0\": 5.1, \"x1\": 3.5, "
          + "\"x2\": 1.4, \"x3\": 0.2}], \"probabilities\": true}");
      assertThat(predict.status()).as(predict.body()).isEqualTo(200);
      assertThat(predict.json().get("predictions").toString()).isEqualTo("[\"virginica\",\"setosa\"]");
      assertThat(predict.json().at("/probabilities/1/setosa").asDouble()).isGreaterThan(0.9);
      Http.Response v1 = http.post("/v1/models/clf:predict", "{\"instances\": [[6.7, 3.0, 5.2, 2.3]]}");
      assertThat(v1.body()).isEqualTo("{\"predictions\":[\"virginica\"]}");
      Http.Response regression = http.post("/v1/models/trees:predict", "{\"instances\": [["
          + String.join(",", java.util.Collections.nCopies(10, "0.01")) + "]]}");
      assertThat(regression.status()).as(regression.body()).isEqualTo(200);
      assertThat(regression.json().get("predictions").get(0).isNumber()).isTrue();
      Http.Response noRows = http.post("/v1/models/pair:predict", "{\"instances\": [[1, 2, 3]]}");
      assertThat(noRows.status()).isEqualTo(400);
      assertThat(noRows.error()).isEqualTo("model pair takes tensors, not rows of features: use the Open Inference "
          + "Protocol (POST /v2/models/pair/infer)");

      // catalog, card, metrics; the broken model (added while serving) is reported, never served
      assertThat(http.get("/v2/models/clf/card").json().get("platform").asText()).isEqualTo("onnxruntime_onnx");
      await("the broken model reported", () -> http.get("/v2/models/broken").status() == 503);
      assertThat(http.get("/v2/models/broken").error()).contains("model.onnx: ONNX Runtime cannot load it");
      assertThat(http.get("/v2/health/ready").status()).as("a broken new model takes no replica out").isEqualTo(200);
      String metrics = http.get("/metrics").body();
      assertThat(metrics).contains("mlapi_model_load_failures_total{model=\"broken\"} 1.0")
          .contains("mlapi_inference_duration_seconds_count{model=\"clf\",version=\"1\"}");
      assertThat(mlapi.isAlive()).isTrue();
    }
  }

  @Test
  void hotReload_onnxVersionOverATrainedOne_andBack() throws IOException {
    ModelFixtures.publish(repository, "iris", 1, false);
    try (MlapiProcess mlapi = serve("--poll-interval", "100ms")) {
      Http http = mlapi.awaitReady(Duration.ofSeconds(90));
      String row = infer(tensor("input-0", "FP32", "[1, 4]", "[6.7, 3.0, 5.2, 2.3]"));
      assertThat(http.get("/v2/models/iris").json().get("platform").asText()).isEqualTo("mlapi_libsvm");

      Path v2 = OnnxFixtures.publish(repository, "iris", 2,
          OnnxExport.of(ModelFixtures.iris("iris", 2, false)), null);
      await("version 2 served", () -> http.get("/v2/models/iris").json().get("platform").asText()
          .equals("onnxruntime_onnx"));
      Http.Response onnx = http.post("/v2/models/iris/infer", row);
      assertThat(onnx.json().get("model_version").asText()).isEqualTo("2");
      assertThat(onnx.json().at("/outputs/0/data").toString()).isEqualTo("[\"virginica\"]");
      assertThat(http.post("/predict", "{\"instances\": [[6.7, 3.0, 5.2, 2.3]]}").json().get("predictions").toString())
          .isEqualTo("[\"virginica\"]");

      deleteTree(v2);
      await("version 1 served again", () -> http.get("/v2/models/iris").json().get("platform").asText()
          .equals("mlapi_libsvm"));
      Http.Response back = http.post("/v2/models/iris/infer", row);
      assertThat(back.json().get("model_version").asText()).isEqualTo("1");
      assertThat(back.json().at("/outputs/0/data").toString()).as("predict: class indices").isEqualTo("[2]");

      Http.Response unload = http.post("/v2/repository/models/iris/unload", "");
      assertThat(unload.status()).isEqualTo(200);
      assertThat(http.post("/v2/models/iris/infer", row).status()).isEqualTo(503);
      assertThat(http.post("/v2/repository/models/iris/load", "").status()).isEqualTo(200);
      assertThat(http.post("/v2/models/iris/infer", row).status()).isEqualTo(200);
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 60 s: " + what);
      }
      MlapiProcess.sleep(Duration.ofMillis(50));
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
