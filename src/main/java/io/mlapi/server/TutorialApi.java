package io.mlapi.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Status;
import io.mlapi.inference.InferenceService;
import io.mlapi.model.InferenceException;
import io.mlapi.model.Model;
import io.mlapi.model.RowPrediction;
import io.mlapi.model.Tensor;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** The tutorial's API, grown up: {@code /score} as it was, and {@code /predict} for new rows, on the default model. */
final class TutorialApi {
  private static final SerializedString PREDICTIONS = new SerializedString("predictions");
  private static final SerializedString PROBABILITIES = new SerializedString("probabilities");
  private static final SerializedString MODEL = new SerializedString("model");
  private static final SerializedString VERSION = new SerializedString("version");

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
    Instances instances = new Instances();
    JsonBodies.TreeField flag = new JsonBodies.TreeField("probabilities");
    bodies.readObject(exchange, field -> instances.read(field) || flag.read(field));
    Model model = core.snapshot().defaultModel();
    exchange.answeredBy(model);
    JsonNode probabilitiesFlag = flag.value();
    if (!probabilitiesFlag.isMissingNode() && !probabilitiesFlag.isBoolean()) {
      throw InferenceException.invalidInput("\"probabilities\" must be true or false, got "
          + Instances.describe(probabilitiesFlag));
    }
    boolean probabilities = probabilitiesFlag.asBoolean(false);
    RowPrediction prediction = core.predictRows(model, instances.rows(model, core), probabilities, false);
    JsonBodies.send(exchange.response(), Status.OK_200, json -> {
      json.writeStartObject();
      json.writeFieldName(PREDICTIONS);
      JsonTensors.writeData(json, prediction.predictions());
      if (probabilities) {
        json.writeFieldName(PROBABILITIES);
        writeByClass(json, prediction.probabilities(), prediction.classes());
      }
      json.writeFieldName(MODEL);
      json.writeString(model.name());
      json.writeFieldName(VERSION);
      json.writeString(Integer.toString(model.version()));
      json.writeEndObject();
    });
  }

  /** Per row an object of class label to probability, in the classes' order. */
  private static void writeByClass(JsonGenerator json, Tensor probabilities, List<String> classes) throws IOException {
    int rows = (int) probabilities.dimension(0);
    json.writeStartArray();
    for (int r = 0; r < rows; r++) {
      json.writeStartObject();
      for (int c = 0; c < classes.size(); c++) {
        json.writeNumberField(classes.get(c), probabilities.number(r * classes.size() + c));
      }
      json.writeEndObject();
    }
    json.writeEndArray();
  }
}
