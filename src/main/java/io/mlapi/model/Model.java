package io.mlapi.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A model being served, whatever made it: mlapi's own ({@link TrainedModel}: LIBSVM or LIBLINEAR,
 * classifier or regressor, with its scaler inside) or one brought as ONNX. Every protocol reaches
 * every model through this interface alone: tensors in and out ({@link #infer}), and for the
 * protocols that speak in rows, {@link #rows()} and {@link #predictRows}.
 *
 * <p>Implementations are immutable and safe to share between threads; a request that holds a model
 * may use it until it finishes, even after the repository has stopped serving it.
 */
public interface Model extends AutoCloseable {
  String name();

  /** A positive integer; newer is larger. */
  int version();

  /** What runs the model, as Triton names platforms: {@code mlapi_libsvm}, {@code onnxruntime_onnx}, ... */
  String platform();

  /** The input tensors, in order. */
  List<TensorSpec> inputs();

  /** Every output the model can give, in order. */
  List<TensorSpec> outputs();

  /** The outputs a request that names none gets. */
  List<String> defaultOutputs();

  /**
   * Whether the input {@code spec} may be sent as {@code given}: by default only as its own
   * datatype (the check runs before {@link #infer}, so a mismatch is the client's error, named).
   */
  default boolean accepts(TensorSpec spec, Datatype given) {
    return spec.datatype() == given;
  }

  /**
   * Runs the model.
   *
   * @param inputs one tensor per input, already checked against {@link #inputs()}: names, datatypes
   *     ({@link #accepts}), shapes, and the row limit
   * @param outputs names from {@link #outputs()}, each once
   * @return the outputs asked for, in the order asked
   * @throws InferenceException of kind {@code INVALID_INPUT} for values the model cannot take (a
   *     NaN feature, say), naming the row and what is wrong
   */
  List<Tensor> infer(List<Tensor> inputs, List<String> outputs);

  /** How the row protocols use the model; empty for a model that does not take rows of features. */
  Optional<RowSignature> rows();

  /**
   * The model's quality on its held-out test rows, measured when it was loaded: accuracy for a
   * classifier, R² for a regressor (what scikit-learn's {@code score} gives); empty when unknown.
   */
  OptionalDouble score();

  /** What {@code GET .../card} and the console show of the model: anything Jackson can write. */
  Object card();

  /**
   * Whether inferring {@code rows} rows takes a few tens of microseconds at most: quick enough to
   * run on a transport's event-loop thread, where handing it to a thread of its own would cost more
   * than the inference (gRPC runs quick calls so). By default not: a model's cost is unknown.
   */
  default boolean isQuick(long rows) {
    return false;
  }

  /** A few rows the model takes (its first test rows), for warm-up and examples; none when unknown. */
  default double[][] sampleRows() {
    return new double[0][];
  }

  /**
   * Predicts rows through {@link #rows()}: the rows become the input tensor, and the answer the
   * prediction outputs.
   *
   * @param rows each with {@code rows().features().size()} values (the caller checks)
   * @param probabilities whether to add the probability output
   * @param v1 whether to answer with {@link RowSignature#v1Predictions()} rather than labels
   * @throws InferenceException when the model takes no rows, or gives no probabilities when asked
   */
  default RowPrediction predictRows(double[][] rows, boolean probabilities, boolean v1) {
    RowSignature signature = rows().orElseThrow(() -> InferenceException.invalidInput("model " + name()
        + " takes tensors, not rows of features: use the Open Inference Protocol (POST /v2/models/" + name()
        + "/infer)"));
    if (probabilities && signature.probabilities() == null) {
      throw InferenceException.invalidInput("model " + name() + " version " + version()
          + " gives no probabilities" + (platform().startsWith("mlapi") ? ": train it with --probability to get them"
          : ""));
    }
    TensorSpec input = inputs().stream().filter(spec -> spec.name().equals(signature.input())).findFirst()
        .orElseThrow(() -> new IllegalStateException("model " + name() + " has no input " + signature.input()));
    Datatype datatype = accepts(input, Datatype.FP64) ? Datatype.FP64 : input.datatype();
    if (datatype != Datatype.FP64 && datatype != Datatype.FP32) {
      throw InferenceException.invalidInput("model " + name() + " takes " + datatype + " rows; send them "
          + "through the Open Inference Protocol (POST /v2/models/" + name() + "/infer)");
    }
    List<String> outputs = new ArrayList<>(2);
    outputs.add(v1 ? signature.v1Predictions() : signature.predictions());
    if (probabilities) {
      outputs.add(signature.probabilities());
    }
    List<Tensor> answer = infer(List.of(Tensor.fromRows(signature.input(), datatype, rows,
        signature.features().size())), outputs);
    return new RowPrediction(answer.get(0), probabilities ? answer.get(1) : null, signature.classes());
  }

  /** Frees what the model holds outside the heap (ONNX Runtime sessions); by default nothing. */
  @Override
  default void close() {}
}
