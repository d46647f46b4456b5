package io.mlapi.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Status;
import io.mlapi.model.MlapiVersion;
import io.mlapi.model.Model;
import io.mlapi.model.Prediction;
import io.mlapi.repository.ModelStatus;
import io.mlapi.repository.VersionStatus;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Open Inference Protocol (KServe V2) over REST: server and model metadata, health, and
 * inference on one input tensor of shape {@code [rows, features]}.
 *
 * <p>{@code predict} is INT64: per row, the index of the predicted class in the model's
 * {@code classes}. That is what KServe's and MLServer's scikit-learn servers answer for the Iris
 * example, so their clients work unchanged. Labels come as the BYTES output {@code label}, and
 * {@code predict_proba} and {@code decision_function} as FP64, when asked for by name in
 * {@code "outputs"}; without {@code "outputs"} the answer holds {@code predict} alone, as
 * KServe's does.
 */
final class OpenInferenceApi {
  static final String PLATFORM = "mlapi_libsvm";
  static final String INPUT = "input-0";

  /** The outputs a model offers, by their V2 names. */
  enum Output {
    PREDICT("predict", "INT64"),
    LABEL("label", "BYTES"),
    PREDICT_PROBA("predict_proba", "FP64"),
    DECISION_FUNCTION("decision_function", "FP64");

    final String tensorName;
    final String datatype;

    Output(String tensorName, String datatype) {
      this.tensorName = tensorName;
      this.datatype = datatype;
    }

    /** The tensor's shape for {@code rows} rows ({@code -1}: any number); null when the model lacks it. */
    List<Integer> shape(Model model, int rows) {
      int classes = model.classes().size();
      return switch (this) {
        case PREDICT, LABEL -> List.of(rows);
        case PREDICT_PROBA -> model.hasProbabilities() ? List.of(rows, classes) : null;
        // scikit-learn's decision_function: one column for two classes, one per class otherwise
        case DECISION_FUNCTION -> classes == 2 ? List.of(rows) : List.of(rows, classes);
      };
    }

    static Output named(String name) {
      for (Output output : values()) {
        if (output.tensorName.equals(name)) {
          return output;
        }
      }
      return null;
    }
  }

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
        new ServerMetadata("mlapi", MlapiVersion.VALUE, List.of("model_repository")));
  }

  void live(Exchange exchange) {
    JsonBodies.send(exchange.response(), Status.OK_200, Map.of("live", true));
  }

  void ready(Exchange exchange) {
    requireReady.run();
    JsonBodies.send(exchange.response(), Status.OK_200, Map.of("ready", true));
  }

  void modelReady(Exchange exchange) {
    Model model = core.model(exchange.param("name"), version(exchange));
    exchange.answeredBy(model);
    JsonBodies.send(exchange.response(), Status.OK_200, new KServeV1Api.ModelReady(model.name(), true));
  }

  void metadata(Exchange exchange) {
    ModelStatus status = core.status(exchange.param("name"));
    Model model = core.model(status.name(), version(exchange));
    exchange.answeredBy(model);
    List<TensorMetadata> outputs = new ArrayList<>();
    for (Output output : Output.values()) {
      List<Integer> shape = output.shape(model, -1);
      if (shape != null) {
        outputs.add(new TensorMetadata(output.tensorName, output.datatype, shape));
      }
    }
    List<VersionState> states = status.versions().stream()
        .map(v -> new VersionState(Integer.toString(v.version()), v.state().name(), v.reason()))
        .toList();
    JsonBodies.send(exchange.response(), Status.OK_200, new ModelMetadata(
        status.name(),
        status.servedVersions().stream().map(String::valueOf).toList(),
        PLATFORM,
        List.of(new TensorMetadata(INPUT, "FP64", List.of(-1, model.featureCount()))),
        outputs,
        new MlapiMetadata(Integer.toString(model.version()), model.featureNames(), model.classes(), states)));
  }

  void infer(Exchange exchange) {
    Model model = core.model(exchange.param("name"), version(exchange));
    exchange.answeredBy(model);
    JsonNode body = bodies.read(exchange);
    JsonNode id = body.path("id");
    if (!id.isMissingNode() && !id.isTextual()) {
      throw ApiException.badRequest("\"id\" must be a string, got " + Instances.describe(id));
    }
    JsonNode parameters = body.path("parameters");
    if (!parameters.isMissingNode() && !parameters.isObject() && !parameters.isNull()) {
      throw ApiException.badRequest("\"parameters\" must be an object, got " + Instances.describe(parameters));
    }
    Set<Output> wanted = outputs(body.path("outputs"), model);
    double[][] rows = rows(body.path("inputs"), model);
    Prediction prediction = core.predict(model, rows, wanted.contains(Output.PREDICT_PROBA),
        wanted.contains(Output.DECISION_FUNCTION));

    List<TensorData> tensors = new ArrayList<>(wanted.size());
    for (Output output : wanted) {
      Object data = switch (output) {
        case PREDICT -> prediction.classes();
        case LABEL -> labels(model, prediction.classes());
        case PREDICT_PROBA -> flatten(prediction.probabilities());
        case DECISION_FUNCTION -> flatten(prediction.decisionFunction());
      };
      tensors.add(new TensorData(output.tensorName, output.datatype, output.shape(model, rows.length), data));
    }
    JsonBodies.send(exchange.response(), Status.OK_200, new InferResponse(model.name(),
        Integer.toString(model.version()), id.isTextual() ? id.textValue() : exchange.requestId(), tensors));
  }

  /** The {@code {version}} of the route, or {@code null} on the routes without one. */
  static String version(Exchange exchange) {
    return exchange.request().path().pathParameters().contains("version") ? exchange.param("version") : null;
  }

  /** The outputs asked for, in the order asked; {@code predict} alone when none are. */
  private static Set<Output> outputs(JsonNode requested, Model model) {
    if (requested.isMissingNode() || requested.isNull()) {
      return EnumSet.of(Output.PREDICT);
    }
    if (!requested.isArray() || requested.isEmpty()) {
      throw ApiException.badRequest("\"outputs\" must be a non-empty list of {\"name\": ...}, got "
          + Instances.describe(requested));
    }
    Set<Output> wanted = new LinkedHashSet<>();
    for (int i = 0; i < requested.size(); i++) {
      JsonNode name = requested.get(i).path("name");
      Output output = name.isTextual() ? Output.named(name.textValue()) : null;
      if (output == null || output.shape(model, -1) == null) {
        throw ApiException.badRequest("outputs[" + i + "]: model " + model.name() + " has no output "
            + (name.isTextual() ? "\"" + Instances.abbreviate(name.textValue()) + "\"" : Instances.describe(name))
            + "; it offers " + offered(model));
      }
      if (!wanted.add(output)) {
        throw ApiException.badRequest("outputs[" + i + "]: \"" + output.tensorName + "\" is asked for twice");
      }
    }
    return wanted;
  }

  private static String offered(Model model) {
    List<String> names = new ArrayList<>();
    for (Output output : Output.values()) {
      if (output.shape(model, -1) != null) {
        names.add(output.tensorName);
      }
    }
    return String.join(", ", names)
        + (model.hasProbabilities() ? "" : " (predict_proba needs a model trained with --probability)");
  }

  /** The rows of the one input tensor: shape {@code [rows, features]}, data nested or flat in row-major order. */
  private double[][] rows(JsonNode inputs, Model model) {
    if (!inputs.isArray()) {
      throw ApiException.badRequest("the body needs \"inputs\": a list holding one tensor {\"name\", \"shape\": "
          + "[rows, " + model.featureCount() + "], \"datatype\", \"data\"}");
    }
    if (inputs.size() != 1) {
      throw ApiException.badRequest("model " + model.name() + " takes one input tensor of shape [rows, "
          + model.featureCount() + "], got " + inputs.size());
    }
    JsonNode input = inputs.get(0);
    if (!input.isObject()) {
      throw ApiException.badRequest("inputs[0] must be a tensor object, got " + Instances.describe(input));
    }
    if (!input.path("name").isTextual()) {
      throw ApiException.badRequest("inputs[0].name must be a string, e.g. \"" + INPUT + "\"");
    }
    Datatype datatype = Datatype.of(input.path("datatype"));
    JsonNode shape = input.path("shape");
    if (!shape.isArray() || shape.size() != 2 || !isCount(shape.get(0)) || !isCount(shape.get(1))) {
      throw ApiException.badRequest("inputs[0].shape must be [rows, features] (two non-negative integers), got "
          + (shape.isArray() ? Instances.abbreviate(shape.toString()) : Instances.describe(shape)));
    }
    long rowCount = shape.get(0).longValue();
    long features = shape.get(1).longValue();
    core.checkRowCount((int) Math.min(rowCount, Integer.MAX_VALUE));
    if (features != model.featureCount()) {
      throw ApiException.badRequest("inputs[0].shape " + shape + ": model " + model.name() + " takes "
          + model.featureCount() + " features per row (" + String.join(", ", model.featureNames()) + ")");
    }
    JsonNode data = input.path("data");
    if (!data.isArray()) {
      throw ApiException.badRequest("inputs[0].data must be a list of numbers, got " + Instances.describe(data));
    }
    int rows = (int) rowCount;
    int width = (int) features;
    boolean nested = !data.isEmpty() && data.get(0).isArray();
    if (nested ? data.size() != rows : data.size() != (long) rows * width) {
      throw ApiException.badRequest("inputs[0].data has " + data.size() + (nested ? " rows" : " values")
          + ", but shape [" + rows + ", " + width + "] needs " + (nested ? rows + " rows" : (long) rows * width + " values"));
    }
    double[][] x = new double[rows][width];
    if (nested) {
      for (int r = 0; r < rows; r++) {
        JsonNode row = data.get(r);
        if (!row.isArray() || row.size() != width) {
          throw ApiException.badRequest("inputs[0].data[" + r + "] must be a list of " + width + " numbers, got "
              + (row.isArray() ? row.size() + " values" : Instances.describe(row)));
        }
        for (int f = 0; f < width; f++) {
          x[r][f] = datatype.value(row.get(f), r * width + f);
        }
      }
    } else {
      for (int i = 0; i < data.size(); i++) {
        x[i / width][i % width] = datatype.value(data.get(i), i);
      }
    }
    return x;
  }

  private static boolean isCount(JsonNode node) {
    return node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0;
  }

  /** The input datatypes accepted, and how each reads a JSON number. */
  enum Datatype {
    FP32, FP64, INT32, INT64;

    static Datatype of(JsonNode node) {
      if (node.isTextual()) {
        for (Datatype datatype : values()) {
          if (datatype.name().equals(node.textValue())) {
            return datatype;
          }
        }
      }
      throw ApiException.badRequest("inputs[0].datatype must be FP32, FP64, INT32 or INT64, got "
          + (node.isTextual() ? "\"" + Instances.abbreviate(node.textValue()) + "\"" : Instances.describe(node)));
    }

    /**
     * The element's value: FP32 rounded to single precision, as a client's float32 array holds it
     * (so the answer is the one scikit-learn gives that array); integers checked against their range.
     */
    double value(JsonNode node, int index) {
      if (!node.isNumber()) {
        throw ApiException.badRequest("inputs[0].data element " + index + " must be a number, got "
            + Instances.describe(node));
      }
      return switch (this) {
        case FP32 -> (float) node.doubleValue();
        case FP64 -> node.doubleValue();
        case INT32, INT64 -> {
          String where = "inputs[0].data element " + index + ": " + Instances.abbreviate(node.toString());
          if (!node.isIntegralNumber()) {
            throw ApiException.badRequest(where + " is not an integer, as datatype " + name() + " needs");
          }
          if (this == INT32 ? !node.isInt() : !node.canConvertToLong()) {
            throw ApiException.badRequest(where + " is out of the range of " + name());
          }
          yield node.doubleValue();
        }
      };
    }
  }

  private static List<String> labels(Model model, int[] classes) {
    List<String> labels = new ArrayList<>(classes.length);
    for (int c : classes) {
      labels.add(model.classes().get(c));
    }
    return labels;
  }

  private static double[] flatten(double[][] rows) {
    int width = rows.length == 0 ? 0 : rows[0].length;
    double[] flat = new double[rows.length * width];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * width, width);
    }
    return flat;
  }

  record ServerMetadata(String name, String version, List<String> extensions) {}

  record TensorMetadata(String name, String datatype, List<Integer> shape) {}

  record TensorData(String name, String datatype, List<Integer> shape, Object data) {}

  record VersionState(String version, String state, String reason) {}

  /**
   * mlapi's additions to the model metadata: which version the rest describes, the features in
   * input order, the classes in {@code predict}'s index order, and every version's state.
   */
  record MlapiMetadata(String version, List<String> features, List<String> classes, List<VersionState> versions) {}

  record ModelMetadata(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
      List<TensorMetadata> outputs, MlapiMetadata mlapi) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record InferResponse(String model_name, String model_version, String id, List<TensorData> outputs) {}
}
