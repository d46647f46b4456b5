package io.mlapi.server;

import com.fasterxml.jackson.core.io.SerializedString;
import io.helidon.http.Status;
import io.mlapi.inference.InferenceService;
import io.mlapi.inference.Snapshot;
import io.mlapi.model.InferenceException;
import io.mlapi.model.Model;
import io.mlapi.model.RowPrediction;
import io.mlapi.repository.ModelStatus;
import java.util.List;
import java.util.Map;

/**
 * KServe's V1 data plane: {@code GET /v1/models}, {@code GET /v1/models/NAME} and
 * {@code POST /v1/models/NAME:predict}. Predictions are the model's V1 answer
 * ({@link io.mlapi.model.RowSignature#v1Predictions()}): class indices for mlapi's classifiers, as
 * KServe's scikit-learn server answers for the Iris example, so its clients work unchanged;
 * {@code /predict} answers with labels.
 */
final class KServeV1Api {
  private static final SerializedString PREDICTIONS = new SerializedString("predictions");

  private final InferenceService core;
  private final JsonBodies bodies;

  KServeV1Api(InferenceService core, JsonBodies bodies) {
    this.core = core;
    this.bodies = bodies;
  }

  void models(Exchange exchange) {
    JsonBodies.send(exchange.response(), Status.OK_200,
        Map.of("models", List.copyOf(core.snapshot().state().models().keySet())));
  }

  /** {@code {"name", "ready"}}: 200 when it serves a version, 503 when it does not, 404 when unknown. */
  void model(Exchange exchange) {
    Snapshot snapshot = core.snapshot();
    ModelStatus status = snapshot.status(exchange.param("name"));
    Model model = snapshot.resolve(status, null); // throws the 503 that says why, when none is served
    exchange.answeredBy(model);
    JsonBodies.send(exchange.response(), Status.OK_200, new ModelReady(status.name(), true));
  }

  /** {@code POST /v1/models/NAME:predict}: the route's last segment is {@code NAME:predict} (routes split it at the first colon). */
  void predict(Exchange exchange) {
    Model model = target(exchange);
    Instances instances = new Instances();
    bodies.readObject(exchange, instances);
    RowPrediction prediction = core.predictRows(model, instances.rows(model, core), false, true);
    JsonBodies.send(exchange.response(), Status.OK_200, json -> {
      json.writeStartObject();
      json.writeFieldName(PREDICTIONS);
      JsonTensors.writeData(json, prediction.predictions());
      json.writeEndObject();
    });
  }

  /**
   * {@code POST /v1/models/NAME:explain}: KServe's explainer endpoint, which mlapi does not offer;
   * 404 for an unknown model, as for {@code :predict}.
   */
  void explain(Exchange exchange) {
    Model model = target(exchange);
    throw InferenceException.unimplemented("model " + model.name() + " has no explainer: mlapi serves predictions "
        + "only (POST /v1/models/" + model.name() + ":predict)");
  }

  /** The model of a {@code NAME:verb} route (routes split the last segment at its first colon): 404 when unknown. */
  private Model target(Exchange exchange) {
    String target = exchange.param("name");
    Model model = core.snapshot().model(target.substring(0, target.indexOf(':')), null);
    exchange.answeredBy(model);
    return model;
  }

  record ModelReady(String name, boolean ready) {}
}
