package io.mlapi.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Status;
import io.mlapi.inference.InferenceService;
import io.mlapi.inference.Snapshot;
import io.mlapi.model.InferenceException;
import io.mlapi.model.MlapiVersion;
import io.mlapi.model.Model;
import io.mlapi.model.RowSignature;
import io.mlapi.model.Tensor;
import io.mlapi.model.TensorSpec;
import io.mlapi.repository.ModelStatus;
import java.util.List;
import java.util.Map;

/**
 * The Open Inference Protocol (KServe V2) over REST: server and model metadata, health, and
 * inference with JSON tensors ({@link JsonTensors}) or binary ones ({@link BinaryTensorData}). A
 * thin adapter: the request becomes {@link Tensor}s, the core ({@link InferenceService}) checks and
 * runs them, and its tensors go back the way the request asked.
 */
final class OpenInferenceApi {
  private static final SerializedString MODEL_NAME = new SerializedString("model_name");
  private static final SerializedString MODEL_VERSION = new SerializedString("model_version");
  private static final SerializedString ID = new SerializedString("id");
  private static final SerializedString OUTPUTS = new SerializedString("outputs");

  private final InferenceService core;
  private final JsonBodies bodies;
  private final Runnable requireReady;

  OpenInferenceApi(InferenceService core, JsonBodies bodies, Runnable requireReady) {
    this.core = core;
    this.bodies = bodies;
    this.requireReady = requireReady;
  }

  void server(Exchange exchange) {
    JsonBodies.send(exchange.response(), Status.OK_200,
        new ServerMetadata("mlapi", MlapiVersion.VALUE, InferenceService.EXTENSIONS));
  }

  void live(Exchange exchange) {
    JsonBodies.send(exchange.response(), Status.OK_200, Map.of("live", true));
  }

  void ready(Exchange exchange) {
    requireReady.run();
    JsonBodies.send(exchange.response(), Status.OK_200, Map.of("ready", true));
  }

  void modelReady(Exchange exchange) {
    Model model = core.snapshot().model(exchange.param("name"), version(exchange));
    exchange.answeredBy(model);
    JsonBodies.send(exchange.response(), Status.OK_200, new KServeV1Api.ModelReady(model.name(), true));
  }

  void metadata(Exchange exchange) {
    Snapshot snapshot = core.snapshot();
    ModelStatus status = snapshot.status(exchange.param("name"));
    Model model = snapshot.resolve(status, version(exchange));
    exchange.answeredBy(model);
    List<VersionState> states = status.versions().stream()
        .map(v -> new VersionState(Integer.toString(v.version()), v.state().name(), v.reason()))
        .toList();
    RowSignature rows = model.rows().orElse(null);
    JsonBodies.send(exchange.response(), Status.OK_200, new ModelMetadata(
        status.name(),
        status.servedVersions().stream().map(String::valueOf).toList(),
        model.platform(),
        model.inputs().stream().map(TensorMetadata::of).toList(),
        model.outputs().stream().map(TensorMetadata::of).toList(),
        new MlapiMetadata(Integer.toString(model.version()), rows == null ? null : rows.features(),
            rows == null ? null : rows.classes(), example(model), states)));
  }

  void infer(Exchange exchange) {
    Model model = core.snapshot().model(exchange.param("name"), version(exchange));
    exchange.answeredBy(model);
    BinaryTensorData.Request request = BinaryTensorData.read(exchange, bodies);
    JsonTensors.Inputs inputs = new JsonTensors.Inputs(request.binary(), core::checkParameter);
    JsonBodies.TreeField idField = new JsonBodies.TreeField("id");
    JsonBodies.TreeField parametersField = new JsonBodies.TreeField("parameters");
    JsonBodies.TreeField outputsField = new JsonBodies.TreeField("outputs");
    request.readJson(field -> inputs.read(field) || idField.read(field) || parametersField.read(field)
        || outputsField.read(field));
    JsonNode idNode = idField.value();
    if (!idNode.isMissingNode() && !idNode.isTextual()) {
      throw InferenceException.invalidInput("\"id\" must be a string, got " + Instances.describe(idNode));
    }
    JsonNode parameters = parametersField.value();
    if (!parameters.isMissingNode() && !parameters.isObject() && !parameters.isNull()) {
      throw InferenceException.invalidInput("\"parameters\" must be an object, got " + Instances.describe(parameters));
    }
    JsonNode requested = outputsField.value();
    List<String> outputs = JsonTensors.outputNames(requested);
    if (!inputs.nonEmpty()) {
      throw InferenceException.invalidInput("the body needs \"inputs\": a non-empty list of tensors {\"name\", "
          + "\"shape\", \"datatype\", \"data\"}; model " + model.name() + " takes " + describe(model.inputs()));
    }
    // The core refuses parameters that ask for what mlapi does not do.
    JsonTensors.checkParameters("parameters", parameters, core::checkParameter);
    for (int i = 0; i < requested.size(); i++) {
      JsonTensors.checkParameters("outputs[" + i + "].parameters", requested.get(i).path("parameters"),
          core::checkParameter);
    }
    List<Tensor> tensors = inputs.tensors(); // each input's own parameters are checked as it is read
    request.requireAllClaimed();
    List<Tensor> answer = core.infer(model, tensors, outputs);
    boolean[] binary = BinaryTensorData.binaryOutputs(parameters, requested, answer.size());
    String id = idNode.isTextual() ? idNode.textValue() : exchange.requestId();
    BinaryTensorData.send(exchange.response(), json -> {
      json.writeStartObject();
      json.writeFieldName(MODEL_NAME);
      json.writeString(model.name());
      json.writeFieldName(MODEL_VERSION);
      json.writeString(Integer.toString(model.version()));
      json.writeFieldName(ID);
      json.writeString(id);
      json.writeFieldName(OUTPUTS);
      json.writeStartArray();
      for (int i = 0; i < answer.size(); i++) {
        JsonTensors.write(json, answer.get(i), binary[i]);
      }
      json.writeEndArray();
      json.writeEndObject();
    }, answer, binary);
  }

  /** The model's first sample row (its first test row), for clients and the console to start from; or none. */
  private static double[] example(Model model) {
    double[][] samples = model.sampleRows();
    return samples.length > 0 ? samples[0] : null;
  }

  private static String describe(List<TensorSpec> specs) {
    return String.join(", ", specs.stream().map(TensorSpec::toString).toList());
  }

  /** The {@code {version}} of the route, or {@code null} on the routes without one. */
  static String version(Exchange exchange) {
    return exchange.request().path().pathParameters().contains("version") ? exchange.param("version") : null;
  }

  record ServerMetadata(String name, String version, List<String> extensions) {}

  record TensorMetadata(String name, String datatype, long[] shape) {
    static TensorMetadata of(TensorSpec spec) {
      return new TensorMetadata(spec.name(), spec.datatype().name(), spec.shape());
    }
  }

  record VersionState(String version, String state, String reason) {}

  /**
   * mlapi's additions to the model metadata: which version the rest describes, the features in
   * input order and the classes in {@code predict}'s index order (for models that take rows), an
   * example row (the first held-out test row, when the model has one), and every version's state.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record MlapiMetadata(String version, List<String> features, List<String> classes, double[] example,
      List<VersionState> versions) {}

  record ModelMetadata(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
      List<TensorMetadata> outputs, MlapiMetadata mlapi) {}
}
