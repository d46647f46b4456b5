package io.mlapi.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.mlapi.ModelFixtures;
import io.mlapi.grpc.v2.GRPCInferenceServiceGrpc;
import io.mlapi.grpc.v2.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.mlapi.grpc.v2.InferParameter;
import io.mlapi.grpc.v2.InferTensorContents;
import io.mlapi.grpc.v2.ModelInferRequest;
import io.mlapi.grpc.v2.ModelInferResponse;
import io.mlapi.grpc.v2.ModelMetadataRequest;
import io.mlapi.grpc.v2.ModelMetadataResponse;
import io.mlapi.grpc.v2.ModelReadyRequest;
import io.mlapi.grpc.v2.ServerLiveRequest;
import io.mlapi.grpc.v2.ServerMetadataRequest;
import io.mlapi.grpc.v2.ServerMetadataResponse;
import io.mlapi.grpc.v2.ServerReadyRequest;
import io.mlapi.inference.InferenceService;
import io.mlapi.metrics.Metrics;
import io.mlapi.model.Datatype;
import io.mlapi.model.MlapiVersion;
import io.mlapi.model.Tensor;
import io.mlapi.model.TrainedModel;
import io.mlapi.repository.ModelLoader;
import io.mlapi.repository.ModelRepository;
import io.mlapi.repository.RepositoryDirectory;
import io.mlapi.repository.VersionPolicies;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The gRPC server on a free port, called by grpc-java's own client: every RPC of the Open
 * Inference Protocol's service, typed and raw contents, each status code with the message REST
 * gives for the same mistake, deadlines, the message size limit, health and reflection.
 *
 * <p>The repository: {@code iris} 1 (served), 2 (broken, so not served; all versions are wanted)
 * and {@code spare} 1 (unloaded by the test that needs it). At most 100 rows and 64 KiB a request.
 */
class GrpcServerTest {
  private static final int MAX_BYTES = 64 * 1024;
  private static final double[] TWO_ROWS = {6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6};

  @TempDir
  Path root;
  private final Metrics metrics = new Metrics();
  private ModelRepository repository;
  private GrpcServer server;
  private ManagedChannel channel;
  private GRPCInferenceServiceBlockingStub stub;

  @BeforeEach
  void start() {
    Path v1 = ModelFixtures.publish(root, "iris", 1, false);
    ModelFixtures.publishCorrupt(v1, root.resolve("iris/2"), 2);
    ModelFixtures.publish(root, "spare", 1, false);
    repository = new ModelRepository(new RepositoryDirectory(root), ModelLoader.trained(),
        VersionPolicies.parse(List.of("iris=all")), metrics, null);
    repository.poll();
    server = GrpcServer.start("127.0.0.1", 0, GrpcServer.Limits.defaults(MAX_BYTES),
        new InferenceService(repository, metrics, 100), metrics, Duration.ofMillis(20), () -> false);
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
        .maxInboundMessageSize(16 * 1024 * 1024).build();
    stub = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  // ---- requests ----

  private static ModelInferRequest.Builder infer(String model) {
    return ModelInferRequest.newBuilder().setModelName(model);
  }

  private static ModelInferRequest.InferInputTensor.Builder input(String name, Datatype datatype, long... shape) {
    ModelInferRequest.InferInputTensor.Builder input = ModelInferRequest.InferInputTensor.newBuilder()
        .setName(name).setDatatype(datatype.name());
    for (long dimension : shape) {
      input.addShape(dimension);
    }
    return input;
  }

  private static ModelInferRequest.InferInputTensor.Builder fp32(String name, long rows, double... values) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (double value : values) {
      contents.addFp32Contents((float) value);
    }
    return input(name, Datatype.FP32, rows, values.length / rows).setContents(contents);
  }

  /** The rows as the raw form of {@code datatype} (every Iris value is a whole number for the integer types). */
  private static ByteString raw(Datatype datatype, double... values) {
    Object data = switch (datatype) {
      case FP64 -> values.clone();
      case FP32 -> {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
          floats[i] = (float) values[i];
        }
        yield floats;
      }
      case FP16 -> {
        short[] halves = new short[values.length];
        for (int i = 0; i < values.length; i++) {
          halves[i] = Float.floatToFloat16((float) values[i]);
        }
        yield halves;
      }
      case INT8, UINT8 -> {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
          bytes[i] = (byte) values[i];
        }
        yield bytes;
      }
      case INT16, UINT16 -> {
        short[] shorts = new short[values.length];
        for (int i = 0; i < values.length; i++) {
          shorts[i] = (short) values[i];
        }
        yield shorts;
      }
      case INT32, UINT32 -> {
        int[] ints = new int[values.length];
        for (int i = 0; i < values.length; i++) {
          ints[i] = (int) values[i];
        }
        yield ints;
      }
      case INT64, UINT64 -> {
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
          longs[i] = (long) values[i];
        }
        yield longs;
      }
      default -> throw new IllegalArgumentException(datatype.name());
    };
    return ByteString.copyFrom(new Tensor("x", datatype, new long[] {values.length}, data).toRaw());
  }

  /** The typed contents of {@code values} in the field {@code datatype} uses. */
  private static InferTensorContents typed(Datatype datatype, double... values) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (double value : values) {
      switch (datatype) {
        case FP32 -> contents.addFp32Contents((float) value);
        case FP64 -> contents.addFp64Contents(value);
        case INT8, INT16, INT32 -> contents.addIntContents((int) value);
        case UINT8, UINT16, UINT32 -> contents.addUintContents((int) value);
        case INT64 -> contents.addInt64Contents((long) value);
        case UINT64 -> contents.addUint64Contents((long) value);
        default -> throw new IllegalArgumentException(datatype.name());
      }
    }
    return contents.build();
  }

  private static List<Long> predictions(ModelInferResponse response, int output) {
    if (response.getRawOutputContentsCount() > 0) {
      ByteBuffer raw = response.getRawOutputContents(output).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      List<Long> values = new ArrayList<>();
      while (raw.hasRemaining()) {
        values.add(raw.getLong());
      }
      return values;
    }
    return response.getOutputs(output).getContents().getInt64ContentsList();
  }

  /** The status a call fails with. */
  private static StatusRuntimeException failing(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }

  private static Status.Code codeOf(Runnable call) {
    return failing(call).getStatus().getCode();
  }

  private StatusRuntimeException failure(ModelInferRequest request) {
    return failing(() -> stub.modelInfer(request));
  }

  private String metricsText() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    metrics.write(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  // ---- health and metadata RPCs ----

  @Test
  void serverLiveReadyAndMetadata() {
    assertThat(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
    assertThat(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
    ServerMetadataResponse metadata = stub.serverMetadata(ServerMetadataRequest.getDefaultInstance());
    assertThat(metadata.getName()).isEqualTo("mlapi");
    assertThat(metadata.getVersion()).isEqualTo(MlapiVersion.VALUE);
    assertThat(metadata.getExtensionsList()).containsExactly("model_repository", "binary_tensor_data");
  }

  @Test
  void modelMetadata_theServedVersionsPlatformAndTensors() {
    ModelMetadataResponse metadata = stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("iris").build());

    assertThat(metadata.getName()).isEqualTo("iris");
    assertThat(metadata.getVersionsList()).containsExactly("1");
    assertThat(metadata.getPlatform()).isEqualTo("mlapi_libsvm");
    assertThat(metadata.getInputsList()).singleElement().satisfies(input -> {
      assertThat(input.getName()).isEqualTo("input-0");
      assertThat(input.getDatatype()).isEqualTo("FP64");
      assertThat(input.getShapeList()).containsExactly(-1L, 4L);
    });
    assertThat(metadata.getOutputsList()).extracting(ModelMetadataResponse.TensorMetadata::getName)
        .containsExactly("predict", "label", "decision_function");
    assertThat(stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("iris").setVersion("1").build())
        .getName()).isEqualTo("iris");
  }

  @Test
  void modelReady_servedTrue_notServedFalse_unknownNotFound() {
    assertThat(stub.modelReady(ModelReadyRequest.newBuilder().setName("iris").build()).getReady()).isTrue();
    assertThat(stub.modelReady(ModelReadyRequest.newBuilder().setName("iris").setVersion("1").build()).getReady())
        .isTrue();
    assertThat(stub.modelReady(ModelReadyRequest.newBuilder().setName("iris").setVersion("2").build()).getReady())
        .as("the broken version").isFalse();
    assertThat(codeOf(() -> stub.modelReady(ModelReadyRequest.newBuilder().setName("iris").setVersion("9").build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(codeOf(() -> stub.modelReady(ModelReadyRequest.newBuilder().setName("nope").build())))
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  // ---- inference ----

  @Test
  void modelInfer_kserveIrisRequestTyped_answersClassIndexOneForBoth_echoesIdAndVersion() {
    ModelInferResponse response = stub.modelInfer(infer("iris").setId("my-id").addInputs(fp32("input-0", 2, TWO_ROWS))
        .build());

    assertThat(response.getModelName()).isEqualTo("iris");
    assertThat(response.getModelVersion()).isEqualTo("1");
    assertThat(response.getId()).isEqualTo("my-id");
    assertThat(response.getRawOutputContentsCount()).as("typed in, typed out").isZero();
    assertThat(response.getOutputsList()).singleElement().satisfies(output -> {
      assertThat(output.getName()).isEqualTo("predict");
      assertThat(output.getDatatype()).isEqualTo("INT64");
      assertThat(output.getShapeList()).containsExactly(2L);
    });
    assertThat(predictions(response, 0)).containsExactly(1L, 1L);
  }

  @ParameterizedTest
  @EnumSource(value = Datatype.class, names = {"FP32", "FP64", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16",
      "UINT32", "UINT64"})
  void modelInfer_everyNumericDatatype_typedAndRaw_sameAnswers(Datatype datatype) {
    double[] rows = {7, 3, 5, 1, 5, 3, 1, 0, 7, 3, 6, 2};
    List<Long> expected = predictions(stub.modelInfer(infer("iris").addInputs(input("x", Datatype.FP64, 3, 4)
        .setContents(typed(Datatype.FP64, rows))).build()), 0);

    ModelInferResponse typed = stub.modelInfer(infer("iris").addInputs(input("x", datatype, 3, 4)
        .setContents(typed(datatype, rows))).build());
    ModelInferResponse raw = stub.modelInfer(infer("iris").addInputs(input("x", datatype, 3, 4))
        .addRawInputContents(raw(datatype, rows)).build());

    assertThat(expected).containsExactly(1L, 0L, 2L);
    assertThat(predictions(typed, 0)).isEqualTo(expected);
    assertThat(raw.getRawOutputContentsCount()).as("raw in, raw out").isEqualTo(1);
    assertThat(raw.getOutputs(0).hasContents()).isFalse();
    assertThat(predictions(raw, 0)).isEqualTo(expected);
  }

  @Test
  void modelInfer_fp16_rawOnly() {
    ModelInferResponse raw = stub.modelInfer(infer("iris").addInputs(input("x", Datatype.FP16, 2, 4))
        .addRawInputContents(raw(Datatype.FP16, TWO_ROWS)).build());
    assertThat(predictions(raw, 0)).containsExactly(1L, 1L);

    StatusRuntimeException typed = failure(infer("iris").addInputs(input("x", Datatype.FP16, 2, 4)).build());
    assertThat(typed.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(typed.getStatus().getDescription()).isEqualTo("inputs[0] (input \"x\"): FP16 has no typed contents "
        + "field; send FP16 tensors in raw_input_contents (raw for every input of the request), or FP32 to a model "
        + "that takes FP32 there");
  }

  @Test
  void modelInfer_requestedOutputs_inTheOrderAsked_typedAndRaw_withKServesOutputName() {
    ModelInferRequest.Builder request = infer("iris").addInputs(fp32("input-0", 2, TWO_ROWS))
        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("label"))
        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("decision_function"))
        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("output-0"));

    ModelInferResponse typed = stub.modelInfer(request.build());
    assertThat(typed.getOutputsList()).extracting(ModelInferResponse.InferOutputTensor::getName)
        .containsExactly("label", "decision_function", "output-0");
    assertThat(typed.getOutputs(0).getContents().getBytesContentsList()).extracting(ByteString::toStringUtf8)
        .containsExactly("versicolor", "versicolor");
    assertThat(typed.getOutputs(1).getShapeList()).containsExactly(2L, 3L);
    assertThat(typed.getOutputs(1).getContents().getFp64ContentsCount()).isEqualTo(6);
    assertThat(typed.getOutputs(2).getDatatype()).isEqualTo("INT64");
    assertThat(predictions(typed, 2)).containsExactly(1L, 1L);

    ModelInferResponse raw = stub.modelInfer(request.setInputs(0, input("input-0", Datatype.FP64, 2, 4))
        .addRawInputContents(raw(Datatype.FP64, TWO_ROWS)).build());
    ByteBuffer labels = raw.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    byte[] first = new byte[labels.getInt()];
    labels.get(first);
    assertThat(new String(first, StandardCharsets.UTF_8)).as("BYTES raw: a 4-byte length, then the bytes")
        .isEqualTo("versicolor");
    assertThat(raw.getRawOutputContents(1).size()).isEqualTo(6 * 8);
    assertThat(predictions(raw, 2)).containsExactly(1L, 1L);
  }

  // ---- every error code, with REST's message ----

  @Test
  void invalidArgument_theCoresMessage_sameAsRest() {
    StatusRuntimeException width = failure(infer("iris").addInputs(fp32("x", 1, 1, 2, 3)).build());
    assertThat(width.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(width.getStatus().getDescription()).isEqualTo("input \"x\" has shape [1, 3], but model iris takes "
        + "4 features per row (sepal_length, sepal_width, petal_length, petal_width)");

    StatusRuntimeException strings = failure(infer("iris").addInputs(input("x", Datatype.BYTES, 1, 4)
        .setContents(InferTensorContents.newBuilder().addBytesContents(ByteString.copyFromUtf8("a"))
            .addBytesContents(ByteString.copyFromUtf8("b")).addBytesContents(ByteString.copyFromUtf8("c"))
            .addBytesContents(ByteString.copyFromUtf8("d")))).build());
    assertThat(strings.getStatus().getDescription()).isEqualTo("input \"x\" is BYTES, but model iris takes FP64 there");

    assertThat(failure(infer("iris").addInputs(fp32("x", 1, 1, 2, Double.NaN, 4)).build()).getStatus()
        .getDescription()).isEqualTo("row 0, feature petal_length: NaN is not a finite number");
    assertThat(failure(infer("iris").addInputs(fp32("x", 1, 1, 2, 3, 4)).addOutputs(
        ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("nope")).build()).getStatus()
        .getDescription()).isEqualTo("outputs[0]: model iris has no output \"nope\"; it offers predict, label, "
            + "decision_function");
    assertThat(failure(infer("iris").addInputs(input("x", Datatype.FP32, 0, 4)).build()).getStatus().getDescription())
        .isEqualTo("no rows: send at least one row");
  }

  @Test
  void invalidArgument_malformedTensors_nameTheField() {
    assertThat(failure(infer("iris").addInputs(input("x", Datatype.FP32, 2, 4)
        .setContents(typed(Datatype.FP32, 1, 2, 3, 4))).build()).getStatus().getDescription())
        .isEqualTo("inputs[0].contents.fp32_contents has 4 values, but shape [2, 4] needs 8");
    assertThat(failure(infer("iris").addInputs(input("x", Datatype.INT8, 1, 4)
        .setContents(typed(Datatype.INT32, 1, 2, 300, 4))).build()).getStatus().getDescription())
        .isEqualTo("inputs[0].contents.int_contents element 2: 300 is out of the range of INT8");
    assertThat(failure(infer("iris").addInputs(input("x", Datatype.UINT16, 1, 4)
        .setContents(typed(Datatype.UINT32, 1, 2, 70000, 4))).build()).getStatus().getDescription())
        .isEqualTo("inputs[0].contents.uint_contents element 2: 70000 is out of the range of UINT16");
    assertThat(failure(infer("iris").addInputs(input("x", Datatype.FP32, 1, 4).setDatatype("BF16")).build())
        .getStatus().getDescription()).endsWith("got \"BF16\" (input \"x\")");
    assertThat(failure(infer("iris").addInputs(input("x", Datatype.FP64, 2, 4))
        .addRawInputContents(raw(Datatype.FP64, 1, 2, 3, 4)).build()).getStatus().getDescription())
        .isEqualTo("input \"x\": raw data has 32 bytes, but shape [2, 4] of FP64 needs 64");
    assertThat(failure(infer("iris").addInputs(input("x", Datatype.FP64, 1, 4))
        .addInputs(input("y", Datatype.FP64, 1, 4)).addRawInputContents(raw(Datatype.FP64, 1, 2, 3, 4)).build())
        .getStatus().getDescription()).startsWith("raw_input_contents has 1 entries, but the request has 2 inputs");
    assertThat(failure(infer("iris").addInputs(fp32("x", 1, 1, 2, 3, 4))
        .addRawInputContents(raw(Datatype.FP32, 1, 2, 3, 4)).build()).getStatus().getDescription())
        .startsWith("inputs[0] has contents, but the request gives raw_input_contents");
    assertThat(failure(infer("iris").addInputs(input("x", Datatype.FP64, 1, -4)).build()).getStatus()
        .getDescription()).isEqualTo("inputs[0].shape must be a list of at most 16 non-negative integers, got [1, -4]");
  }

  @Test
  void notFound_unknownModelOrVersion() {
    StatusRuntimeException model = failure(infer("nope").addInputs(fp32("x", 1, 1, 2, 3, 4)).build());
    assertThat(model.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(model.getStatus().getDescription()).isEqualTo("no model named \"nope\"; the models are iris, spare");

    StatusRuntimeException version = failure(infer("iris").setModelVersion("7").addInputs(fp32("x", 1, 1, 2, 3, 4))
        .build());
    assertThat(version.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(version.getStatus().getDescription()).isEqualTo("model iris has no version \"7\"; its versions are 2, 1");
  }

  @Test
  void unavailable_aBrokenVersionOrAnUnloadedModel() {
    StatusRuntimeException broken = failure(infer("iris").setModelVersion("2").addInputs(fp32("x", 1, 1, 2, 3, 4))
        .build());
    assertThat(broken.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(broken.getStatus().getDescription()).startsWith("version 2 of model iris is not served: ");

    repository.unload("spare");
    StatusRuntimeException unloaded = failure(infer("spare").addInputs(fp32("x", 1, 1, 2, 3, 4)).build());
    assertThat(unloaded.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(unloaded.getStatus().getDescription()).isEqualTo("model spare has no version ready: it was unloaded; "
        + "load it with POST /v2/repository/models/spare/load");
    assertThat(stub.modelReady(ModelReadyRequest.newBuilder().setName("spare").build()).getReady()).isFalse();
  }

  @Test
  void resourceExhausted_moreRowsThanTheLimit_orAMessageOverTheSizeLimit() {
    double[] rows = new double[101 * 4];
    java.util.Arrays.fill(rows, 1);
    StatusRuntimeException tooMany = failure(infer("iris").addInputs(fp32("x", 101, rows)).build());
    assertThat(tooMany.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(tooMany.getStatus().getDescription()).isEqualTo("101 rows is more than the limit of 100 per request");

    StatusRuntimeException tooLarge = failure(infer("iris").setId("x".repeat(MAX_BYTES))
        .addInputs(fp32("x", 1, 1, 2, 3, 4)).build());
    assertThat(tooLarge.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(tooLarge.getStatus().getDescription()).contains(Integer.toString(MAX_BYTES));
  }

  @Test
  void unimplemented_theClassificationExtension() {
    StatusRuntimeException classification = failure(infer("iris").addInputs(fp32("x", 1, 1, 2, 3, 4))
        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("decision_function")
            .putParameters("classification", InferParameter.newBuilder().setInt64Param(2).build())).build());

    assertThat(classification.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(classification.getStatus().getDescription()).startsWith("outputs[0].parameters: the classification "
        + "extension (parameter \"classification\") is not supported");
  }

  @Test
  void otherParameters_areTakenAndIgnored() {
    ModelInferResponse response = stub.modelInfer(infer("iris").putParameters("priority",
        InferParameter.newBuilder().setInt64Param(1).build()).addInputs(fp32("input-0", 2, TWO_ROWS)
        .putParameters("note", InferParameter.newBuilder().setStringParam("x").build())).build());

    assertThat(predictions(response, 0)).containsExactly(1L, 1L);
  }

  /**
   * A call whose deadline has passed when it arrives is not run: sent by curl over HTTP/2 with
   * {@code grpc-timeout: 1n}, since grpc-java's own client would not send it at all.
   */
  @Test
  void deadlineExceeded_aCallPastItsDeadlineIsNotRun() throws Exception {
    ModelInferRequest request = infer("iris").addInputs(fp32("input-0", 2, TWO_ROWS)).build();
    byte[] message = request.toByteArray();
    Path body = Files.createTempFile(root, "call", ".bin");
    Files.write(body, ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message)
        .array());
    String before = metricsText();

    Process curl = new ProcessBuilder("curl", "-s", "--http2-prior-knowledge", "-o", "/dev/null",
        "-H", "content-type: application/grpc", "-H", "te: trailers", "-H", "grpc-timeout: 1n",
        "--data-binary", "@" + body, "http://127.0.0.1:" + server.port() + "/" + GrpcServer.SERVICE + "/ModelInfer")
        .redirectErrorStream(true).start();
    assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();

    String after = awaitMetric("status=\"DEADLINE_EXCEEDED\"");
    assertThat(inferences(after)).as("inferences run").isEqualTo(inferences(before));
    assertThat(after).contains("mlapi_requests_total{endpoint=\"inference.GRPCInferenceService/ModelInfer\",model=\"\","
        + "protocol=\"grpc\",status=\"DEADLINE_EXCEEDED\",version=\"\"} 1.0");
    stub.modelInfer(request); // and the server goes on serving
    assertThat(inferences(metricsText())).isEqualTo(inferences(before) + 1);
  }

  /**
   * A client that starts a call, sends the first bytes of its message and then nothing holds those
   * bytes only for the request timeout: the call is then ended with {@code DEADLINE_EXCEEDED}
   * (sent by curl, which streams its standard input, kept open here, as the request).
   */
  @Test
  void aMessageThatStopsArriving_isEndedAtTheRequestTimeout() throws Exception {
    try (GrpcServer strict = GrpcServer.start("127.0.0.1", 0, new GrpcServer.Limits(MAX_BYTES, Duration.ofMillis(300),
        Duration.ofSeconds(75), 1000L * MAX_BYTES), new InferenceService(repository, metrics, 100), metrics, Duration.ofMillis(20),
        () -> false)) {
      String before = metricsText();
      Process curl = stalledCall(strict.port());
      try {

        String after = awaitMetric("status=\"DEADLINE_EXCEEDED\"");

        assertThat(after).contains("mlapi_requests_total{endpoint=\"inference.GRPCInferenceService/ModelInfer\","
            + "model=\"\",protocol=\"grpc\",status=\"DEADLINE_EXCEEDED\",version=\"\"} 1.0");
        assertThat(inferences(after)).as("inferences run").isEqualTo(inferences(before));
        curl.getOutputStream().close(); // curl ends its upload, then shows what it was told
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
            .contains("grpc-status: 4", "grpc-message: the request message was not complete within 300 ms of the "
                + "call's start (--request-timeout)");
      } finally {
        curl.destroyForcibly();
      }
      ManagedChannel other = ManagedChannelBuilder.forAddress("127.0.0.1", strict.port()).usePlaintext().build();
      try { // and whole calls are served as ever
        assertThat(GRPCInferenceServiceGrpc.newBlockingStub(other).withDeadlineAfter(30, TimeUnit.SECONDS)
            .modelInfer(infer("iris").addInputs(fp32("input-0", 2, TWO_ROWS)).build()).getOutputsCount()).isOne();
      } finally {
        other.shutdownNow();
      }
    }
  }

  /**
   * Calls the model calls quick (one row) run on the event loops, the others (1,000 rows, beyond the
   * Iris model's 193) on virtual threads: from eight clients at once, each call gets the answer to
   * its own rows, the model's own.
   */
  @Test
  void quickAndLongInferencesAtOnce_eachGetsItsOwnRowsAnswers() throws Exception {
    double[][] iris = io.mlapi.data.DatasetReader.iris().features();
    TrainedModel model = ModelFixtures.iris(1);
    assertThat(model.isQuick(1)).isTrue();
    assertThat(model.isQuick(1000)).isFalse();
    try (GrpcServer large = GrpcServer.start("127.0.0.1", 0, GrpcServer.Limits.defaults(1 << 20),
        new InferenceService(repository, metrics, 1000), metrics, Duration.ofMillis(20), () -> false)) {
      ManagedChannel other = ManagedChannelBuilder.forAddress("127.0.0.1", large.port()).usePlaintext().build();
      ExecutorService clients = Executors.newFixedThreadPool(8);
      try {
        GRPCInferenceServiceBlockingStub client = GRPCInferenceServiceGrpc.newBlockingStub(other);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
          int first = c;
          done.add(clients.submit(() -> {
            for (int call = 0; call < 20; call++) {
              int rows = call % 4 == 0 ? 1000 : 1;
              double[][] x = new double[rows][];
              double[] flat = new double[rows * 4];
              for (int r = 0; r < rows; r++) {
                x[r] = iris[(first * 31 + call * 7 + r) % iris.length];
                System.arraycopy(x[r], 0, flat, r * 4, 4);
              }
              ModelInferResponse response = client.withDeadlineAfter(30, TimeUnit.SECONDS).modelInfer(infer("iris")
                  .setId(first + "/" + call).addInputs(input("input-0", Datatype.FP64, rows, 4)
                      .setContents(typed(Datatype.FP64, flat))).build());
              int[] expected = model.predict(x, false, false).classes();
              assertThat(response.getId()).isEqualTo(first + "/" + call);
              List<Long> got = predictions(response, 0);
              assertThat(got).hasSize(rows);
              for (int r = 0; r < rows; r++) {
                assertThat(got.get(r)).as("call %d/%d row %d", first, call, r).isEqualTo(expected[r]);
              }
            }
            return null;
          }));
        }
        for (Future<?> future : done) {
          future.get(60, TimeUnit.SECONDS);
        }
      } finally {
        clients.shutdownNow();
        other.shutdownNow();
      }
    }
  }

  /**
   * Clients that start messages and stall hold, all together, at most the buffered-bytes budget:
   * with room for two messages, two such calls fill it; a third call, however small, waits its
   * turn, and is answered as soon as one of the stalled calls ends. (A call that waits past the
   * request timeout: {@code ArrivingMessagesTest}.)
   */
  @Test
  void callsWaitingForTheirMessages_holdAtMostTheBudget_furtherCallsWaitTheirTurn() throws Exception {
    try (GrpcServer strict = GrpcServer.start("127.0.0.1", 0, new GrpcServer.Limits(MAX_BYTES, Duration.ofSeconds(30),
        Duration.ofSeconds(75), 2L * MAX_BYTES), new InferenceService(repository, metrics, 100), metrics,
        Duration.ofMillis(20), () -> false)) {
      ManagedChannel other = ManagedChannelBuilder.forAddress("127.0.0.1", strict.port()).usePlaintext().build();
      List<Process> stalled = new ArrayList<>();
      try {
        stalled.add(stalledCall(strict.port()));
        stalled.add(stalledCall(strict.port()));
        awaitMetric("mlapi_requests_in_flight 2.0");

        var waiting = GRPCInferenceServiceGrpc.newFutureStub(other).withDeadlineAfter(30, TimeUnit.SECONDS)
            .modelInfer(infer("iris").addInputs(fp32("input-0", 2, TWO_ROWS)).build());
        awaitMetric("mlapi_requests_in_flight 3.0");
        assertThatThrownBy(() -> waiting.get(200, TimeUnit.MILLISECONDS)).as("waits its turn")
            .isInstanceOf(TimeoutException.class);
        stalled.remove(0).destroyForcibly();

        assertThat(predictions(waiting.get(30, TimeUnit.SECONDS), 0)).containsExactly(1L, 1L);
      } finally {
        stalled.forEach(Process::destroyForcibly);
        other.shutdownNow();
      }
    }
  }

  /**
   * A ModelInfer call whose message is announced as 1,000 bytes, 10 sent, the rest never (curl, its
   * input left open); curl prints the response's headers and trailers once its input is closed.
   */
  private static Process stalledCall(int port) throws IOException {
    Process curl = new ProcessBuilder("curl", "-s", "--http2-prior-knowledge", "-X", "POST", "-T", "-",
        "-D", "-", "-o", "/dev/null", "-H", "content-type: application/grpc", "-H", "te: trailers",
        "http://127.0.0.1:" + port + "/" + GrpcServer.SERVICE + "/ModelInfer").start();
    curl.getOutputStream().write(ByteBuffer.allocate(15).put((byte) 0).putInt(1000).array());
    curl.getOutputStream().flush();
    return curl;
  }

  /** A connection with no calls is closed (GOAWAY) after the idle timeout, as HTTP's kept-alive ones are. */
  @Test
  void anIdleConnection_isClosedAfterTheIdleTimeout() throws Exception {
    try (GrpcServer strict = GrpcServer.start("127.0.0.1", 0, new GrpcServer.Limits(MAX_BYTES, Duration.ofSeconds(30),
        Duration.ofMillis(300), 1000L * MAX_BYTES), new InferenceService(repository, metrics, 100), metrics, Duration.ofMillis(20),
        () -> false)) {
      ManagedChannel other = ManagedChannelBuilder.forAddress("127.0.0.1", strict.port()).usePlaintext().build();
      try {
        GRPCInferenceServiceGrpc.newBlockingStub(other).withDeadlineAfter(30, TimeUnit.SECONDS)
            .serverLive(ServerLiveRequest.getDefaultInstance());
        assertThat(other.getState(false)).isEqualTo(ConnectivityState.READY);
        CountDownLatch left = new CountDownLatch(1);
        other.notifyWhenStateChanged(ConnectivityState.READY, left::countDown);

        assertThat(left.await(30, TimeUnit.SECONDS)).as("the server closed the idle connection").isTrue();
        assertThat(other.getState(false)).isEqualTo(ConnectivityState.IDLE);
      } finally {
        other.shutdownNow();
      }
    }
  }

  private String awaitMetric(String text) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String now = metricsText();
    while (!now.contains(text) && System.nanoTime() < deadline) {
      Thread.sleep(10); // the transport records the cancelled call on its own thread
      now = metricsText();
    }
    return now;
  }

  private static double inferences(String metricsText) {
    return metricsText.lines().filter(line -> line.startsWith("mlapi_inference_duration_seconds_count{model=\"iris\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void metrics_countEachCallWithTheGrpcProtocolTheModelAndTheStatusName() throws IOException {
    stub.modelInfer(infer("iris").addInputs(fp32("input-0", 2, TWO_ROWS)).build());
    codeOf(() -> stub.modelInfer(infer("nope").build()));

    String text = metricsText();
    assertThat(text).contains("mlapi_requests_total{endpoint=\"inference.GRPCInferenceService/ModelInfer\","
        + "model=\"iris\",protocol=\"grpc\",status=\"OK\",version=\"1\"} 1.0");
    assertThat(text).contains("mlapi_requests_total{endpoint=\"inference.GRPCInferenceService/ModelInfer\","
        + "model=\"\",protocol=\"grpc\",status=\"NOT_FOUND\",version=\"\"} 1.0");
    assertThat(text).contains("mlapi_request_duration_seconds_count{endpoint="
        + "\"inference.GRPCInferenceService/ModelInfer\",protocol=\"grpc\"} 2");
  }

  // ---- health, reflection, stopping ----

  /** Watches {@code service}'s health: each status sent goes to {@code watched}, the stream's end counts {@code ended} down. */
  private void watch(String service, BlockingQueue<ServingStatus> watched, CountDownLatch ended) {
    HealthGrpc.newStub(channel).watch(HealthCheckRequest.newBuilder().setService(service).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(HealthCheckResponse response) {
            watched.add(response.getStatus());
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            ended.countDown();
          }
        });
  }

  @Test
  void health_watchOfAnUnknownService_staysOpenUntilTheServerStops_thenEnds() throws Exception {
    BlockingQueue<ServingStatus> watched = new LinkedBlockingQueue<>();
    CountDownLatch ended = new CountDownLatch(1);
    watch("nope", watched, ended);
    assertThat(watched.poll(30, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVICE_UNKNOWN);

    server.shutdown();

    assertThat(ended.await(30, TimeUnit.SECONDS)).as("the stopping server ends the watch, not waits for it").isTrue();
    assertThat(watched.poll()).isEqualTo(ServingStatus.NOT_SERVING);
  }

  @Test
  void health_servingWhenReady_notServingFromTheMomentItDrains_unknownServicesNotFound() throws Exception {
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    BlockingQueue<ServingStatus> watched = new LinkedBlockingQueue<>();
    watch("", watched, new CountDownLatch(1));
    assertThat(watched.poll(30, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);

    assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
    assertThat(health.check(HealthCheckRequest.newBuilder().setService(GrpcServer.SERVICE).build()).getStatus())
        .isEqualTo(ServingStatus.SERVING);
    assertThat(codeOf(() -> health.check(HealthCheckRequest.newBuilder().setService("nope").build())))
        .isEqualTo(Status.Code.NOT_FOUND);

    server.startDraining();

    assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(watched.poll(30, TimeUnit.SECONDS)).as("the watch sees the change").isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isFalse();
    assertThat(predictions(stub.modelInfer(infer("iris").addInputs(fp32("input-0", 2, TWO_ROWS)).build()), 0))
        .as("still serving while draining").containsExactly(1L, 1L);

    server.shutdown();
    server.awaitTermination(Duration.ofSeconds(10));
    assertThat(codeOf(() -> stub.serverLive(ServerLiveRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void health_notServingUntilTheModelsAreLoaded() {
    ModelRepository empty = new ModelRepository(new RepositoryDirectory(root), ModelLoader.trained(),
        VersionPolicies.latest(), metrics, null);
    try (GrpcServer starting = GrpcServer.start("127.0.0.1", 0, GrpcServer.Limits.defaults(MAX_BYTES),
        new InferenceService(empty, metrics, 100), metrics, Duration.ofMillis(20), () -> false)) {
      ManagedChannel other = ManagedChannelBuilder.forAddress("127.0.0.1", starting.port()).usePlaintext().build();
      try {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(other);
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
            .isEqualTo(ServingStatus.NOT_SERVING);
        StatusRuntimeException loading = failing(() -> GRPCInferenceServiceGrpc.newBlockingStub(other)
            .modelInfer(infer("iris").addInputs(fp32("x", 1, 1, 2, 3, 4)).build()));
        assertThat(loading.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(loading.getStatus().getDescription())
            .isEqualTo("the models are still loading; retry when /v2/health/ready answers 200");

        empty.poll();

        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
      } finally {
        other.shutdownNow();
      }
    }
  }

  @Test
  void health_notServingWhileTheHttpServerWarmsUp() {
    AtomicBoolean warming = new AtomicBoolean(true);
    try (GrpcServer starting = GrpcServer.start("127.0.0.1", 0, GrpcServer.Limits.defaults(MAX_BYTES),
        new InferenceService(repository, metrics, 100), metrics, Duration.ofMillis(20), warming::get)) {
      ManagedChannel other = ManagedChannelBuilder.forAddress("127.0.0.1", starting.port()).usePlaintext().build();
      try {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(other);
        GRPCInferenceServiceBlockingStub calls = GRPCInferenceServiceGrpc.newBlockingStub(other);
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
            .isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(calls.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isFalse();
        assertThat(predictions(calls.modelInfer(infer("iris").addInputs(fp32("input-0", 2, TWO_ROWS)).build()), 0))
            .as("served while warming, as HTTP requests are").containsExactly(1L, 1L);

        warming.set(false);

        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
        assertThat(calls.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
      } finally {
        other.shutdownNow();
      }
    }
  }

  @Test
  void reflection_listsTheServices_andDescribesTheInferenceService() throws InterruptedException {
    BlockingQueue<ServerReflectionResponse> answers = new LinkedBlockingQueue<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
        .serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse response) {
            answers.add(response);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onNext(ServerReflectionRequest.newBuilder().setFileContainingSymbol(GrpcServer.SERVICE).build());

    ServerReflectionResponse services = answers.poll(30, TimeUnit.SECONDS);
    ServerReflectionResponse file = answers.poll(30, TimeUnit.SECONDS);
    requests.onCompleted();

    assertThat(services.getListServicesResponse().getServiceList()).extracting(ServiceResponse::getName)
        .contains("inference.GRPCInferenceService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");
    assertThat(file.getFileDescriptorResponse().getFileDescriptorProtoCount()).isPositive();
    assertThat(file.getFileDescriptorResponse().getFileDescriptorProto(0).toStringUtf8())
        .contains("grpc_predict_v2.proto", "ModelInfer");
  }

  @Test
  void startOnAPortInUse_saysWhich() {
    assertThatThrownBy(() -> GrpcServer.start("127.0.0.1", server.port(), GrpcServer.Limits.defaults(MAX_BYTES),
        new InferenceService(repository, metrics, 100), metrics, Duration.ofSeconds(1), () -> false))
        .hasMessageStartingWith("cannot listen for gRPC on 127.0.0.1:" + server.port() + ": ");
  }
}
