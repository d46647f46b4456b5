package io.mlapi.inference;

import io.mlapi.metrics.Metrics;
import io.mlapi.model.InferenceException;
import io.mlapi.model.Model;
import io.mlapi.model.RowPrediction;
import io.mlapi.model.RowSignature;
import io.mlapi.model.Tensor;
import io.mlapi.model.TensorSpec;
import io.mlapi.repository.ModelRepository;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The inference core behind every protocol. A protocol adapter takes one {@link #snapshot()} per
 * request, finds its model there, turns its request into tensors (or rows), and asks the core;
 * the core checks them against the model and runs it. Each check lives here once, so every
 * protocol gives the same answer and the same error for the same mistake; errors are
 * {@link InferenceException}s, which each adapter maps to its own statuses in one place.
 */
public final class InferenceService {
  /**
   * The name KServe's scikit-learn server gives its predict output: a request asking for it gets
   * the model's V1 predictions ({@link RowSignature#v1Predictions()}) under this name, so clients
   * written for that server work unchanged. Not listed in the metadata: it is another name for an
   * output listed there, and a client asking for every listed output would get it twice.
   */
  public static final String KSERVE_PREDICT_OUTPUT = "output-0";

  /**
   * The Open Inference Protocol extensions the server offers, which every protocol's server
   * metadata lists: the model repository (REST), and binary tensor data (REST; gRPC's raw contents
   * are its form there).
   */
  public static final List<String> EXTENSIONS = List.of("model_repository", "binary_tensor_data");

  private final ModelRepository repository;
  private final Metrics metrics;
  private final int maxRows;

  /** @param maxRows the most rows (the first dimension of an input) one request may carry */
  public InferenceService(ModelRepository repository, Metrics metrics, int maxRows) {
    this.repository = repository;
    this.metrics = metrics;
    this.maxRows = maxRows;
  }

  /** The repository as it is now: take one per request, and look everything up in it. */
  public Snapshot snapshot() {
    return new Snapshot(repository.state());
  }

  /** The repository itself, for the repository extension's load and unload. */
  public ModelRepository repository() {
    return repository;
  }

  /**
   * Runs {@code model} on {@code inputs} after checking them against its inputs: each input given
   * once, with a datatype the model accepts, a shape that fits, and at least one and at most the
   * limit of rows. A model with a single input takes a single tensor under any name, as KServe's
   * and MLServer's servers do.
   *
   * @param outputs the outputs asked for, in order; empty for the model's default outputs
   * @return the outputs, in the order asked
   */
  public List<Tensor> infer(Model model, List<Tensor> inputs, List<String> outputs) {
    List<Tensor> bound = bind(model, inputs);
    List<String> wanted = outputs(model, outputs);
    long start = System.nanoTime();
    List<Tensor> answer = model.infer(bound, wanted);
    metrics.inference(model.name(), model.version(), System.nanoTime() - start);
    if (outputs.contains(KSERVE_PREDICT_OUTPUT) && !wanted.contains(KSERVE_PREDICT_OUTPUT)) {
      List<Tensor> renamed = new ArrayList<>(answer);
      int index = outputs.indexOf(KSERVE_PREDICT_OUTPUT);
      renamed.set(index, answer.get(index).named(KSERVE_PREDICT_OUTPUT));
      return renamed;
    }
    return answer;
  }

  /**
   * Refuses a request, input or output parameter that asks for something mlapi does not do, so a
   * client never silently gets another answer than the one it asked for: today Triton's
   * classification extension ({@code "classification"}: top-N classes instead of the tensor).
   * Other parameters are ignored, as the Open Inference Protocol allows.
   *
   * @param where the parameter's place in the request, for the message, e.g. {@code outputs[0]}
   */
  public void checkParameter(String where, String parameter) {
    if (parameter.equals("classification")) {
      throw InferenceException.unimplemented(where + ": the classification extension (parameter "
          + "\"classification\") is not supported; ask for the output itself and rank it yourself");
    }
  }

  /**
   * Predicts rows of features with a model that takes them ({@link Model#rows()}), after checking
   * their number and each one's width.
   */
  public RowPrediction predictRows(Model model, double[][] rows, boolean probabilities, boolean v1) {
    checkRowCount(rows.length);
    RowSignature signature = model.rows().orElse(null);
    if (signature != null) {
      int features = signature.features().size();
      for (int r = 0; r < rows.length; r++) {
        if (rows[r].length != features) {
          throw InferenceException.invalidInput("row " + r + " has " + rows[r].length + " values, but model "
              + model.name() + " takes " + features + " features: " + String.join(", ", signature.features()));
        }
      }
    }
    long start = System.nanoTime();
    RowPrediction prediction = model.predictRows(rows, probabilities, v1);
    metrics.inference(model.name(), model.version(), System.nanoTime() - start);
    return prediction;
  }

  /** Refuses a request of {@code rows} rows, before any is parsed, if there are none or too many. */
  public void checkRowCount(long rows) {
    if (rows == 0) {
      throw InferenceException.invalidInput("no rows: send at least one row");
    }
    if (rows > maxRows) {
      throw InferenceException.limitExceeded(rows + " rows is more than the limit of " + maxRows + " per request");
    }
  }

  /**
   * One row given as feature name to value, in the model's feature order.
   *
   * @param row the row's index, for messages
   */
  public double[] namedRow(Model model, int row, Map<String, Double> values) {
    RowSignature signature = model.rows().orElseThrow(() -> InferenceException.invalidInput("model " + model.name()
        + " takes tensors, not rows of named features: use POST /v2/models/" + model.name() + "/infer"));
    List<String> names = signature.features();
    for (String name : values.keySet()) {
      if (!names.contains(name)) {
        throw InferenceException.invalidInput("row " + row + ": unknown feature \"" + InferenceException.abbreviate(name)
            + "\"; model " + model.name() + " takes " + String.join(", ", names));
      }
    }
    double[] x = new double[names.size()];
    for (int f = 0; f < x.length; f++) {
      Double value = values.get(names.get(f));
      if (value == null) {
        throw InferenceException.invalidInput("row " + row + ": feature \"" + names.get(f) + "\" is missing; model "
            + model.name() + " takes " + String.join(", ", names));
      }
      x[f] = value;
    }
    return x;
  }

  /** The request's tensors in the order of the model's inputs, each named as the model names it. */
  private List<Tensor> bind(Model model, List<Tensor> inputs) {
    List<TensorSpec> specs = model.inputs();
    if (specs.size() == 1 && inputs.size() == 1) {
      return List.of(check(model, specs.get(0), inputs.get(0)).named(specs.get(0).name()));
    }
    if (inputs.size() != specs.size()) {
      throw InferenceException.invalidInput("model " + model.name() + " takes " + specs.size() + " input"
          + (specs.size() == 1 ? "" : "s") + " (" + describe(specs) + "), got " + inputs.size());
    }
    List<Tensor> bound = new ArrayList<>(specs.size());
    for (TensorSpec spec : specs) {
      Tensor given = null;
      for (Tensor input : inputs) {
        if (input.name().equals(spec.name())) {
          if (given != null) {
            throw InferenceException.invalidInput("input \"" + spec.name() + "\" is given twice");
          }
          given = input;
        }
      }
      if (given == null) {
        String unknown = inputs.stream().map(Tensor::name).filter(n -> specs.stream().noneMatch(s -> s.name().equals(n)))
            .findFirst().orElse(spec.name());
        throw InferenceException.invalidInput("model " + model.name() + " has no input \""
            + InferenceException.abbreviate(unknown) + "\"; it takes " + describe(specs));
      }
      bound.add(check(model, spec, given));
    }
    return bound;
  }

  private Tensor check(Model model, TensorSpec spec, Tensor input) {
    String which = "input \"" + InferenceException.abbreviate(input.name()) + "\"";
    if (!model.accepts(spec, input.datatype())) {
      throw InferenceException.invalidInput(which + " is " + input.datatype() + ", but model " + model.name()
          + " takes " + spec.datatype() + " there");
    }
    long[] shape = input.shape();
    if (!spec.fits(shape)) {
      RowSignature rows = model.rows().orElse(null);
      if (rows != null && rows.input().equals(spec.name()) && shape.length == 2) {
        throw InferenceException.invalidInput(which + " has shape " + Tensor.shapeText(shape) + ", but model "
            + model.name() + " takes " + rows.features().size() + " features per row ("
            + String.join(", ", rows.features()) + ")");
      }
      throw InferenceException.invalidInput(which + " has shape " + Tensor.shapeText(shape) + ", but model "
          + model.name() + " takes " + Tensor.shapeText(spec.shape()) + " (-1: any size)");
    }
    if (spec.rank() > 0 && spec.shape()[0] < 0) { // a batch dimension: the rows
      checkRowCount(shape[0]);
    }
    return input;
  }

  /**
   * The model's outputs for the names asked for, checked: known to the model (or KServe's name for
   * its predictions), each once; the model's defaults when none are asked for.
   */
  private static List<String> outputs(Model model, List<String> requested) {
    if (requested.isEmpty()) {
      return model.defaultOutputs();
    }
    List<String> offered = model.outputs().stream().map(TensorSpec::name).toList();
    List<String> wanted = new ArrayList<>(requested.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < requested.size(); i++) {
      String name = requested.get(i);
      String output = name;
      if (!offered.contains(name)) {
        RowSignature rows = model.rows().orElse(null);
        if (!name.equals(KSERVE_PREDICT_OUTPUT) || rows == null) {
          throw InferenceException.invalidInput("outputs[" + i + "]: model " + model.name() + " has no output \""
              + InferenceException.abbreviate(name) + "\"; it offers " + String.join(", ", offered));
        }
        output = rows.v1Predictions();
      }
      if (!seen.add(output)) {
        throw InferenceException.invalidInput("outputs[" + i + "]: \"" + InferenceException.abbreviate(name)
            + "\" is asked for twice" + (output.equals(name) ? "" : " (it is KServe's name for " + output + ")"));
      }
      wanted.add(output);
    }
    return List.copyOf(wanted);
  }

  private static String describe(List<TensorSpec> specs) {
    return String.join(", ", specs.stream().map(TensorSpec::toString).toList());
  }
}
