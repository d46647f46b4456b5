package io.mlapi.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.mlapi.data.DatasetReader;
import io.mlapi.data.Split;
import io.mlapi.model.Datatype;
import io.mlapi.model.ModelTrainer;
import io.mlapi.model.Tensor;
import io.mlapi.model.TrainedModel;
import io.mlapi.svm.SvcParameters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What serving through ONNX Runtime costs per call besides the model itself, on the tutorial's
 * Iris SVC exported by {@code mlapi export --onnx}, for one row and for 1,000:
 *
 * <ul>
 *   <li>{@code toOrt}: mlapi's FP32 tensor to ONNX Runtime's (a copy into a new direct buffer), and
 *       closed; {@code toOrtPooled} the same into a reused one ({@link DirectBuffers}), as requests do;
 *   <li>{@code fromOrt}: an FP32 output of ONNX Runtime's back into mlapi's tensor;
 *   <li>{@code onnxInfer}: all of {@link OnnxModel#infer} for the {@code label} output (tensors in,
 *       the session's run, strings out), against {@code nativeInfer}, mlapi's own predictor
 *       ({@code TrainedModel.infer}) answering the same labels for the same rows.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OnnxTensorBenchmark {
  @Param({"1", "1000"})
  public int rows;

  private OrtEnvironment environment;
  private Path directory;
  private OnnxModel onnx;
  private TrainedModel trained;
  private Tensor input;
  private OnnxTensor output;
  private final DirectBuffers buffers = new DirectBuffers();
  private final List<ByteBuffer> taken = new ArrayList<>(1);

  @Setup(Level.Trial)
  public void setUp() throws IOException, OrtException {
    var iris = DatasetReader.iris();
    trained = new ModelTrainer(Clock.systemUTC()).train(iris, Split.tutorial(150, 0.2),
        SvcParameters.scikitLearnDefaults(), "iris", 1);
    directory = Files.createTempDirectory("onnx-benchmark");
    Files.write(directory.resolve(OnnxLoader.MODEL_FILE), OnnxExport.of(trained));
    onnx = new OnnxLoader(OnnxSettings.defaults()).load(directory, "iris", 1);
    environment = RuntimeStart.environment();
    float[] values = new float[rows * 4];
    for (int r = 0; r < rows; r++) {
      double[] row = iris.features()[r % 150];
      for (int f = 0; f < 4; f++) {
        values[r * 4 + f] = (float) row[f];
      }
    }
    input = new Tensor(OnnxExport.INPUT, Datatype.FP32, new long[] {rows, 4}, values);
    output = OnnxTensor.createTensor(environment, FloatBuffer.wrap(new float[rows * 3]), new long[] {rows, 3});
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    output.close();
    onnx.close();
    Files.delete(directory.resolve(OnnxLoader.MODEL_FILE));
    Files.delete(directory);
  }

  @Benchmark
  public long toOrt() throws OrtException {
    try (OnnxTensor tensor = OrtTensors.toOrt(environment, input)) {
      return tensor.getInfo().getNumElements();
    }
  }

  @Benchmark
  public long toOrtPooled() throws OrtException {
    try (OnnxTensor tensor = OrtTensors.toOrt(environment, input, buffers, taken)) {
      return tensor.getInfo().getNumElements();
    } finally {
      taken.forEach(buffers::giveBack);
      taken.clear();
    }
  }

  @Benchmark
  public Tensor fromOrt() throws OrtException {
    return OrtTensors.fromOrt("decision_values", output);
  }

  @Benchmark
  public List<Tensor> onnxInfer() {
    return onnx.infer(List.of(input), List.of(OnnxExport.LABEL));
  }

  @Benchmark
  public List<Tensor> nativeInfer() {
    return trained.infer(List.of(input), List.of("label"));
  }
}
