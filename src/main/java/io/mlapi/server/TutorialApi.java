package io.mlapi.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Status;
import io.mlapi.inference.InferenceService;
import io.mlapi.model.InferenceException;
import io.mlapi.model.Model;
import io.mlapi.model.RowPrediction;
import io.mlapi.model.Tensor;
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

  /** {@code {"score": ...}} of the default model on its held-out rows, measured when it loaded. */
  void score(Exchange exchange) {
    Model model = core.snapshot().defaultModel();
    exchange.answeredBy(model);
    double score = model.score().orElseThrow(() -> InferenceException.invalidInput("model " + model.name()
        + " has no held-out test rows to score it on"));
    JsonBodies.send(exchange.response(), Status.OK_200, Map.of("score", score));
  }

  void predict(Exchange exchange) {
    JsonNode body = bodies.read(exchange);
    Model model = core.snapshot().defaultModel();
    exchange.answeredBy(model);
    JsonNode probabilitiesFlag = body.path("probabilities");
    if (!probabilitiesFlag.isMissingNode() && !probabilitiesFlag.isBoolean()) {
      throw InferenceException.invalidInput("\"probabilities\" must be true or false, got "
          + Instances.describe(probabilitiesFlag));
    }
    boolean probabilities = probabilitiesFlag.asBoolean(false);
    RowPrediction prediction = core.predictRows(model, Instances.parse(body, model, core), probabilities, false);
    List<Map<String, Double>> perClass = null;
    if (probabilities) {
      Tensor p = prediction.probabilities();
      List<String> classes = prediction.classes();
      int rows = (int) p.dimension(0);
      perClass = new ArrayList<>(rows);
      for (int r = 0; r < rows; r++) {
        Map<String, Double> byClass = new LinkedHashMap<>();
        for (int c = 0; c < classes.size(); c++) {
          byClass.put(classes.get(c), p.number(r * classes.size() + c));
        }
        perClass.add(byClass);
      }
    }
    JsonBodies.send(exchange.response(), Status.OK_200, new PredictResponse(
        JsonTensors.data(prediction.predictions()), perClass, model.name(), Integer.toString(model.version())));
  }

  /** @param predictions per row a label (a number for a regressor) */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record PredictResponse(Object predictions, List<Map<String, Double>> probabilities, String model, String version) {}
}
