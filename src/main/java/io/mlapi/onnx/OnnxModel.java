package io.mlapi.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.mlapi.model.InferenceException;
import io.mlapi.model.Model;
import io.mlapi.model.RowSignature;
import io.mlapi.model.Tensor;
import io.mlapi.model.TensorSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.logging.Logger;

/**
 * An ONNX model served through ONNX Runtime: its inputs and outputs are the graph's, each request
 * one run of its session, and it answers exactly what ONNX Runtime answers, tensor for tensor
 * (scikit-learn's ZipMap probabilities as an FP32 tensor, see {@link ModelOutput.ZipMap}).
 *
 * <p>Safe to share between threads: ONNX Runtime runs one session for many threads at once. The
 * session is closed when the repository closes the model and the last request running it is done
 * ({@link SessionGuard}); a request that comes later is told the version is no longer served.
 */
public final class OnnxModel implements Model {
  /** Triton's name for models run by ONNX Runtime. */
  public static final String PLATFORM = "onnxruntime_onnx";
  private static final Logger LOG = Logger.getLogger(OnnxModel.class.getName());

  private final String name;
  private final int version;
  private final OrtEnvironment environment;
  private final SessionGuard<OrtSession> session;
  private final List<TensorSpec> inputs;
  private final Map<String, ModelOutput> outputs;
  private final List<TensorSpec> outputSpecs;
  private final List<String> defaultOutputs;
  private final RowSignature rows;
  private final OnnxCard card;
  private final double[][] sampleRows;
  private final DirectBuffers buffers;

  /**
   * @param outputs every output of the graph, in its order
   * @param rows how the row protocols use the model, or {@code null} when it takes no rows
   */
  OnnxModel(String name, int version, OrtEnvironment environment, OrtSession session, List<TensorSpec> inputs,
      List<ModelOutput> outputs, RowSignature rows, OnnxCard card, double[][] sampleRows, DirectBuffers buffers) {
    this.name = name;
    this.version = version;
    this.environment = environment;
    this.session = new SessionGuard<>(session,
        () -> "version " + version + " of model " + name + " is no longer served; retry to get the version served now",
        e -> LOG.warning("closing the ONNX Runtime session of model " + name + " version " + version + " failed: " + e));
    this.inputs = List.copyOf(inputs);
    Map<String, ModelOutput> byName = new LinkedHashMap<>();
    outputs.forEach(output -> byName.put(output.spec().name(), output));
    this.outputs = byName;
    this.outputSpecs = outputs.stream().map(ModelOutput::spec).toList();
    this.defaultOutputs = List.copyOf(byName.keySet()); // once here, not on every request that names none
    this.rows = rows;
    this.card = card;
    this.sampleRows = sampleRows;
    this.buffers = buffers;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int version() {
    return version;
  }

  @Override
  public String platform() {
    return PLATFORM;
  }

  @Override
  public List<TensorSpec> inputs() {
    return inputs;
  }

  @Override
  public List<TensorSpec> outputs() {
    return outputSpecs;
  }

  /** Every output, as ONNX Runtime (and Triton) answer a request that names none. */
  @Override
  public List<String> defaultOutputs() {
    return defaultOutputs;
  }

  @Override
  public List<Tensor> infer(List<Tensor> given, List<String> wanted) {
    try (SessionGuard<OrtSession>.Lease lease = session.acquire()) {
      return run(lease.resource(), given, wanted);
    }
  }

  private List<Tensor> run(OrtSession running, List<Tensor> given, List<String> wanted) {
    Map<String, OnnxTensor> feeds = new HashMap<>();
    List<ByteBuffer> taken = new ArrayList<>(given.size());
    try {
      for (int i = 0; i < given.size(); i++) {
        feeds.put(inputs.get(i).name(), OrtTensors.toOrt(environment, given.get(i), buffers, taken));
      }
      try (OrtSession.Result result = running.run(feeds, new LinkedHashSet<>(wanted))) {
        List<Tensor> answer = new ArrayList<>(wanted.size());
        for (String output : wanted) {
          OnnxValue value = result.get(output).orElseThrow(
              () -> new IllegalStateException("ONNX Runtime gave no output " + output));
          answer.add(outputs.get(output).read(value));
        }
        return answer;
      }
    } catch (OrtException e) {
      // The core has checked names, datatypes and shapes against the graph: what is left to fail
      // depends on the values (an index out of range, dimensions the graph ties together).
      throw InferenceException.invalidInput("model " + name + " cannot run on this input: " + message(e));
    } finally {
      OnnxValue.close(feeds);
      taken.forEach(buffers::giveBack); // the tensors over them are closed, and every output was copied out
    }
  }

  /** ONNX Runtime's own sentence, without its "Error code - X - message:" preamble, cut to a readable length. */
  static String message(OrtException e) {
    String text = String.valueOf(e.getMessage());
    int start = text.indexOf("message: ");
    text = start >= 0 ? text.substring(start + "message: ".length()) : text;
    return text.length() <= 400 ? text : text.substring(0, 397) + "...";
  }

  @Override
  public Optional<RowSignature> rows() {
    return Optional.ofNullable(rows);
  }

  /** Unknown: an ONNX model brings no held-out rows with their true answers. */
  @Override
  public OptionalDouble score() {
    return OptionalDouble.empty();
  }

  @Override
  public OnnxCard card() {
    return card;
  }

  /** The test rows of {@code model.json}, if it gives them. */
  @Override
  public double[][] sampleRows() {
    return sampleRows.clone();
  }

  /** Whether the session is closed: the repository closed the model, and no request runs it any more. */
  boolean sessionClosed() {
    return session.resourceClosed();
  }

  /**
   * Stops serving: later requests are told the version is no longer served, and the session is
   * closed as soon as the requests running it are done (at once, when none is).
   */
  @Override
  public void close() {
    session.close();
  }

  @Override
  public String toString() {
    return "ONNX model " + name + " version " + version;
  }
}
