package io.mlapi.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Status;
import io.mlapi.model.Model;
import io.mlapi.model.Prediction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tutorial's API, grown up: {@code /score} as it was, and {@code /predict} for new rows, on the default model. */
final class TutorialApi {
  private final InferenceService core;
  private final JsonBodies bodies;

  TutorialApi(InferenceService core, JsonBodies bodies) {
    this.core = core;
    this.bodies = bodies;
  }

  /** {@code {"score": accuracy}} of the default model on its held-out rows, measured when it loaded. */
  void score(Exchange exchange) {
    Model model = core.defaultModel();
    exchange.answeredBy(model);
    JsonBodies.send(exchange.response(), Status.OK_200, Map.of("score", model.score()));
  }

  void predict(Exchange exchange) {
    JsonNode body = bodies.read(exchange);
    Model model = core.defaultModel();
    exchange.answeredBy(model);
    JsonNode probabilitiesFlag = body.path("probabilities");
    if (!probabilitiesFlag.isMissingNode() && !probabilitiesFlag.isBoolean()) {
      throw ApiException.badRequest("\"probabilities\" must be true or false, got " + Instances.describe(probabilitiesFlag));
    }
    boolean probabilities = probabilitiesFlag.asBoolean(false);
    Prediction prediction = core.predict(model, Instances.parse(body, model, core), probabilities, false);

    List<String> labels = new ArrayList<>(prediction.classes().length);
    for (int c : prediction.classes()) {
      labels.add(model.classes().get(c));
    }
    List<Map<String, Double>> perClass = null;
    if (probabilities) {
      perClass = new ArrayList<>();
      for (double[] row : prediction.probabilities()) {
        Map<String, Double> byClass = new LinkedHashMap<>();
        for (int c = 0; c < row.length; c++) {
          byClass.put(model.classes().get(c), row[c]);
        }
        perClass.add(byClass);
      }
    }
    JsonBodies.send(exchange.response(), Status.OK_200,
        new PredictResponse(labels, perClass, model.name(), Integer.toString(model.version())));
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record PredictResponse(
      List<String> predictions, List<Map<String, Double>> probabilities, String model, String version) {}
}
