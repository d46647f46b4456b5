package io.mlapi.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mlapi.Http;
import io.mlapi.MlapiProcess;
import io.mlapi.ModelFixtures;
import io.mlapi.grpc.v2.GRPCInferenceServiceGrpc;
import io.mlapi.grpc.v2.InferTensorContents;
import io.mlapi.grpc.v2.ModelInferRequest;
import io.mlapi.grpc.v2.ModelInferResponse;
import io.mlapi.grpc.v2.ModelMetadataRequest;
import io.mlapi.grpc.v2.ModelMetadataResponse;
import io.mlapi.model.Datatype;
import io.mlapi.model.Tensor;
import io.mlapi.model.TensorSpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every ONNX fixture through every form of the Open Inference Protocol a real {@code ./mlapi serve}
 * speaks, beside one of mlapi's own models: REST JSON, REST with Triton's binary tensor data
 * extension (built byte by byte as tritonclient.http sends it), and gRPC with typed
 * {@code contents} and with {@code raw_input_contents} (grpc-java's generated client). Each
 * request's answer must be, tensor for tensor and bit for bit, what ONNX Runtime answers for the
 * same tensors in this JVM, and close to what scikit-learn or numpy answer ({@code expected.json});
 * each mistake must be refused with the same message by every protocol.
 *
 * <p>The client side here is written from the protocols' texts, not with mlapi's own codecs, so a
 * mistake shared by the server's encoder and decoder cannot hide.
 */
@Timeout(120)
class OnnxProtocolsIT {
  /** The limit of rows, which Iris's 150 rows reach exactly. */
  private static final int MAX_ROWS = 150;
  private static final double TOLERANCE = 1e-5;

  /** The forms of the protocol a request can take. */
  enum Protocol {
    JSON, BINARY, GRPC_TYPED, GRPC_RAW;

    boolean grpc() {
      return this == GRPC_TYPED || this == GRPC_RAW;
    }
  }

  private static final Protocol[] EVERY = Protocol.values();
  /** The forms that carry FP16: the binary extension and gRPC's raw contents. */
  private static final Protocol[] BINARY_FORMS = {Protocol.BINARY, Protocol.GRPC_RAW};
  /** Two rows of every datatype of datatypes.onnx, extremes included. */
  private static final List<Tensor> SAMPLES = OnnxFixtures.datatypeSamples();

  @TempDir
  static Path repository;
  private static MlapiProcess mlapi;
  private static Http http;
  private static ManagedChannel channel;
  /** The same fixtures run by ONNX Runtime in this JVM, by model name: what every protocol must answer. */
  private static Map<String, OnnxModel> reference;
  private static final ObjectMapper PYTHON_JSON = JsonMapper.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .build();

  @BeforeAll
  static void serve() {
    Map<String, String> fixtures = Map.of("clf", "classifier_svm", "clf-int", "classifier_linear", "trees", "trees",
        "network", "network", "pair", "two_inputs", "types", "datatypes", "typed", "datatypes_without_fp16",
        "colors", "strings");
    OnnxLoader loader = new OnnxLoader(OnnxSettings.defaults());
    Map<String, OnnxModel> loaded = new HashMap<>();
    fixtures.forEach((name, fixture) -> loaded.put(name,
        loader.load(OnnxFixtures.publish(repository, name, 1, fixture), name, 1)));
    reference = Map.copyOf(loaded);
    ModelFixtures.publish(repository, "iris", 1, false);
    mlapi = MlapiProcess.start(Map.of(), "serve", "--port", "0", "--repository", repository.toString(),
        "--max-rows", Integer.toString(MAX_ROWS), "--poll-interval", "0", "--drain-delay", "0s");
    http = mlapi.awaitReady(Duration.ofSeconds(90));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", mlapi.grpcPort()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (reference != null) {
      reference.values().forEach(OnnxModel::close);
    }
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (mlapi != null) {
      mlapi.terminate();
      assertThat(mlapi.waitFor(Duration.ofSeconds(30))).as(mlapi.toString()).isZero();
    }
  }

  // ---- the fixtures, through every protocol ----

  @Test
  void zipMapClassifiers_answerFp32RowsByClasses_everyProtocol_asOnnxRuntimeAndScikitLearn() {
    for (String model : List.of("clf", "clf-int")) {
      String fixture = model.equals("clf") ? "classifier_svm" : "classifier_linear";
      JsonNode expected = OnnxFixtures.expected(fixture);
      Tensor rows = new Tensor("float_input", Datatype.FP32, new long[] {MAX_ROWS, 4}, OnnxFixtures.rowsFlat(fixture));

      List<Tensor> all = answerEverywhere(model, List.of(rows), List.of(), EVERY);
      List<Tensor> probabilitiesOnly = answerEverywhere(model, List.of(rows), List.of("output_probability"), EVERY);

      assertThat(all).extracting(Tensor::name).containsExactly("output_label", "output_probability");
      Tensor labels = all.get(0);
      for (int r = 0; r < MAX_ROWS; r++) {
        Object label = labels.datatype() == Datatype.BYTES ? labels.string(r) : ((long[]) labels.data())[r];
        assertThat(String.valueOf(label)).as("%s row %d", model, r).isEqualTo(expected.get("labels").get(r).asText());
      }
      Tensor probabilities = probabilitiesOnly.get(0);
      assertThat(probabilities.datatype()).isEqualTo(Datatype.FP32);
      assertThat(probabilities.shape()).containsExactly(MAX_ROWS, 3);
      assertThat(probabilities).isEqualTo(all.get(1));
      assertCloseTo(probabilities, expected.get("probabilities"), TOLERANCE);
    }
  }

  @Test
  void treeEnsemble_andNetwork_everyProtocol_outputsSelected() {
    JsonNode trees = OnnxFixtures.expected("trees");
    Tensor diabetes = new Tensor("input", Datatype.FP32, new long[] {50, 10}, OnnxFixtures.rowsFlat("trees"));
    Tensor variable = answerEverywhere("trees", List.of(diabetes), List.of("variable"), EVERY).get(0);
    assertThat(variable.shape()).containsExactly(50, 1);
    for (int r = 0; r < 50; r++) {
      double want = trees.get("predictions").get(r).doubleValue();
      assertThat(variable.number(r)).as("row %d", r).isCloseTo(want, within(TOLERANCE * Math.max(1, Math.abs(want))));
    }

    JsonNode network = OnnxFixtures.expected("network");
    Tensor x = new Tensor("x", Datatype.FP32, new long[] {5, 4}, OnnxFixtures.rowsFlat("network"));
    List<Tensor> both = answerEverywhere("network", List.of(x), List.of(), EVERY);
    List<Tensor> reversed = answerEverywhere("network", List.of(x), List.of("probabilities", "logits"), EVERY);
    assertThat(reversed).containsExactly(both.get(1), both.get(0));
    assertCloseTo(both.get(0), network.get("logits"), 1e-4);
    assertCloseTo(both.get(1), network.get("probabilities"), TOLERANCE);
  }

  @Test
  void twoInputs_boundByName_inEitherOrder_everyProtocol() {
    Tensor a = new Tensor("a", Datatype.FP32, new long[] {2, 3}, new float[] {1, 2, 3, -1.5f, 0, 1e30f});
    Tensor b = new Tensor("b", Datatype.FP32, new long[] {2, 3}, new float[] {4, 5, 6, 2, -0f, 1e-10f});

    List<Tensor> answer = answerEverywhere("pair", List.of(b, a), List.of("product", "sum"), EVERY);

    assertThat((float[]) answer.get(0).data()).containsExactly(4, 10, 18, -3, -0f, 1e20f);
    assertThat((float[]) answer.get(1).data()).containsExactly(5, 7, 9, 0.5f, 0, 1e30f);
    assertThat(answerEverywhere("pair", List.of(a, b), List.of(), EVERY)).containsExactly(
        answer.get(1), answer.get(0));
  }

  /**
   * NaN and the infinities reach ONNX Runtime from every form (JSON as Python's json.dumps writes
   * them, bare words), and come back exactly in the binary forms; JSON answers them as the strings
   * "NaN", "Infinity" and "-Infinity", which strict JSON parsers (browsers, Go, Jackson's defaults)
   * read, and which numpy turns back into the numbers (tritonclient's as_numpy does).
   */
  @Test
  void nonFiniteNumbers_reachOnnxRuntime_andComeBack_everyProtocol() {
    Tensor a = new Tensor("a", Datatype.FP32, new long[] {1, 3}, new float[] {Float.NaN, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY});
    Tensor b = new Tensor("b", Datatype.FP32, new long[] {1, 3}, new float[] {1, 2, 3});

    List<Tensor> answer = answerEverywhere("pair", List.of(a, b), List.of("sum"), EVERY);

    assertThat((float[]) answer.get(0).data()).containsExactly(Float.NaN, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY);
    assertThat(http.post(path("pair"), jsonText(List.of(a, b), List.of("sum"))).body())
        .contains("\"data\":[\"NaN\",\"Infinity\",\"-Infinity\"]");
  }

  @Test
  void everyDatatype_butFp16_everyProtocol_passesThroughOnnxRuntimeUnchanged() {
    List<Tensor> inputs = SAMPLES.stream().filter(t -> t.datatype() != Datatype.FP16).toList();

    List<Tensor> answer = answerEverywhere("typed", inputs, List.of(), EVERY);

    assertSameTensors(answer, inputs.stream().map(t -> t.named(t.name().replace("in_", "out_"))).toList(), "Identity");
  }

  @Test
  void everyDatatype_withFp16_inTheBinaryForms_andFp16AloneBinaryInAJsonRequest() {
    List<Tensor> identity = SAMPLES.stream().map(t -> t.named(t.name().replace("in_", "out_"))).toList();

    assertSameTensors(answerEverywhere("types", SAMPLES, List.of(), BINARY_FORMS), identity, "Identity");
    Answer mixed = binary("types", SAMPLES, List.of(), t -> t.datatype() == Datatype.FP16, false);
    assertThat(mixed.error()).isNull();
    assertThat(mixed.binary()).isFalse();
    assertSameTensors(mixed.outputs(), identity, "FP16 inside the binary data, the rest JSON, every output JSON");
  }

  @Test
  void fp16_inAFormWithoutIt_isRefusedNamingTheInputAndTheFormThatCarriesIt() {
    assertRefused(send(Protocol.JSON, "types", SAMPLES, List.of()), Protocol.JSON, "inputs[2] (input \"in_fp16\"): "
        + "FP16 has no JSON form; send FP16 tensors as binary data (the binary data extension: "
        + "parameters.binary_data_size), or FP32 to a model that takes FP32 there");
    assertRefused(send(Protocol.GRPC_TYPED, "types", SAMPLES, List.of()), Protocol.GRPC_TYPED, "inputs[2] (input "
        + "\"in_fp16\"): FP16 has no typed contents field; send FP16 tensors in raw_input_contents (raw for every "
        + "input of the request), or FP32 to a model that takes FP32 there");
  }

  @Test
  void stringTensors_everyProtocol_andBytesThatAreNoText_refusedNamingTheInput() {
    Tensor colors = Tensor.ofStrings("color", new long[] {5}, new String[] {"green", "red", "mauve", "", "blue"});

    Tensor codes = answerEverywhere("colors", List.of(colors), List.of(), EVERY).get(0);

    assertThat((long[]) codes.data()).containsExactly(1, 0, -1, -1, 2);
    Tensor latin1 = new Tensor("color", Datatype.BYTES, new long[] {2}, new byte[][] {
        "red".getBytes(StandardCharsets.UTF_8), {(byte) 0xe9}});
    for (Protocol protocol : List.of(Protocol.BINARY, Protocol.GRPC_TYPED, Protocol.GRPC_RAW)) {
      assertRefused(send(protocol, "colors", List.of(latin1), List.of()), protocol,
          "input \"color\": element 1 is not UTF-8 text; the model's string tensors hold text");
    }
  }

  @Test
  void nativeModel_besideTheOnnxOnes_everyProtocol() {
    Tensor kserveIris = new Tensor("input-0", Datatype.FP32, new long[] {2, 4},
        new float[] {6.8f, 2.8f, 4.8f, 1.4f, 6.0f, 3.4f, 4.5f, 1.6f});
    for (Protocol protocol : EVERY) {
      Answer answer = send(protocol, "iris", List.of(kserveIris), List.of("predict", "label"));
      assertThat(answer.error()).as(protocol.name()).isNull();
      assertThat((long[]) answer.outputs().get(0).data()).as(protocol.name()).containsExactly(1, 1);
      assertThat(answer.outputs().get(1).string(1)).as(protocol.name()).isEqualTo("versicolor");
    }
  }

  @Test
  void grpcModelMetadata_theGraphsTensors_zipMapAsFp32() {
    ModelMetadataResponse metadata = GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS).modelMetadata(ModelMetadataRequest.newBuilder().setName("clf").build());

    assertThat(metadata.getPlatform()).isEqualTo("onnxruntime_onnx");
    assertThat(metadata.getInputsList()).extracting(m -> m.getName() + " " + m.getDatatype() + " " + m.getShapeList())
        .containsExactly("float_input FP32 [-1, 4]");
    assertThat(metadata.getOutputsList()).extracting(m -> m.getName() + " " + m.getDatatype() + " " + m.getShapeList())
        .containsExactly("output_label BYTES [-1]", "output_probability FP32 [-1, 3]");
  }

  // ---- the same mistake, the same message, whatever the protocol ----

  @Test
  void wrongDatatype_wrongShape_unknownOrMissingInputOrOutput_400AndInvalidArgument_sameMessage() {
    Tensor fp64 = new Tensor("float_input", Datatype.FP64, new long[] {1, 4}, new double[] {5.1, 3.5, 1.4, 0.2});
    assertRefusedEverywhere("clf", List.of(fp64), List.of(), "input \"float_input\" is FP64, but model clf takes "
        + "FP32 there");
    Tensor int64 = new Tensor("in_int64", Datatype.INT32, new long[] {1, 2}, new int[] {1, 2});
    List<Tensor> typedWrong = SAMPLES.stream().filter(t -> t.datatype() != Datatype.FP16)
        .map(t -> t.name().equals("in_int64") ? int64 : t).toList();
    assertRefusedEverywhere("typed", typedWrong, List.of(), "input \"in_int64\" is INT32, but model typed takes "
        + "INT64 there");

    Tensor narrow = new Tensor("float_input", Datatype.FP32, new long[] {1, 3}, new float[] {5.1f, 3.5f, 1.4f});
    assertRefusedEverywhere("clf", List.of(narrow), List.of(), "input \"float_input\" has shape [1, 3], but model "
        + "clf takes 4 features per row (x0, x1, x2, x3)");
    Tensor a = new Tensor("a", Datatype.FP32, new long[] {1, 3}, new float[] {1, 2, 3});
    Tensor flat = new Tensor("b", Datatype.FP32, new long[] {3}, new float[] {4, 5, 6});
    assertRefusedEverywhere("pair", List.of(a, flat), List.of(), "input \"b\" has shape [3], but model pair takes "
        + "[-1, 3] (-1: any size)");

    assertRefusedEverywhere("pair", List.of(a, flat.named("c")), List.of(), "model pair has no input \"c\"; it takes "
        + "a FP32 [-1, 3], b FP32 [-1, 3]");
    assertRefusedEverywhere("pair", List.of(a), List.of(), "input \"b\" is missing; model pair takes a FP32 [-1, 3], "
        + "b FP32 [-1, 3]");
    assertRefusedEverywhere("clf", List.of(narrow, narrow.named("extra")), List.of(), "model clf takes 1 input "
        + "(float_input FP32 [-1, 4]), got 2");
    assertRefusedEverywhere("pair", List.of(a, a.named("b")), List.of("sum", "difference"), "outputs[1]: model pair "
        + "has no output \"difference\"; it offers sum, product");

    Tensor three = new Tensor("b", Datatype.FP32, new long[] {3, 3}, new float[9]);
    Tensor two = new Tensor("a", Datatype.FP32, new long[] {2, 3}, new float[6]);
    String onnxRuntimes = send(Protocol.JSON, "pair", List.of(two, three), List.of()).error();
    assertThat(onnxRuntimes).as("dimensions the graph ties together: ONNX Runtime's own refusal")
        .startsWith("model pair cannot run on this input: ");
    assertRefusedEverywhere("pair", List.of(two, three), List.of(), onnxRuntimes);
  }

  @Test
  void moreRowsThanTheLimit_onTheFirstDimension_413AndResourceExhausted_sameMessage() {
    float[] rows = new float[(MAX_ROWS + 1) * 4];
    Arrays.fill(rows, 1);
    for (Protocol protocol : EVERY) {
      assertLimit(send(protocol, "clf", List.of(new Tensor("float_input", Datatype.FP32, new long[] {MAX_ROWS + 1, 4},
          rows)), List.of()), protocol);
      assertLimit(send(protocol, "colors", List.of(Tensor.ofStrings("color", new long[] {MAX_ROWS + 1},
          Collections.nCopies(MAX_ROWS + 1, "red").toArray(String[]::new))), List.of()), protocol);
    }
  }

  @Test
  void rawBool_isOneByteZeroOrOne_anythingElseRefused() {
    Tensor bool = SAMPLES.stream().filter(t -> t.datatype() == Datatype.BOOL).findFirst().orElseThrow();
    byte[] two = {1, 0, 2, 1};
    List<Tensor> inputs = SAMPLES.stream().filter(t -> t.datatype() != Datatype.FP16).toList();
    String header = binaryHeader(inputs, List.of(), t -> true, true);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Tensor t : inputs) {
      body.writeBytes(t == bool ? two : raw(t));
    }
    Http.BinaryResponse rest = http.postBinary("/v2/models/typed/infer", header, body.toByteArray());
    ModelInferRequest.Builder request = grpcRequest("typed", inputs, List.of(), true)
        .setRawInputContents(inputs.indexOf(bool), ByteString.copyFrom(two));

    String message = "input \"in_bool\": raw BOOL element 2 is 2; a BOOL is one byte, 0 (false) or 1 (true)";
    assertThat(rest.status()).isEqualTo(400);
    assertThat(rest.error()).isEqualTo(message);
    assertRefused(grpc(request), Protocol.GRPC_RAW, message);
  }

  // ---- requests and answers ----

  /**
   * What one protocol answered: the outputs, or the refusal's status (HTTP status or gRPC code) and
   * message; and whether the outputs came in binary form (the extension's bytes, gRPC's raw contents).
   */
  record Answer(String status, List<Tensor> outputs, String error, boolean binary) {
    static Answer refused(String status, String error) {
      return new Answer(status, List.of(), error, false);
    }
  }

  /**
   * Sends the same request through each of {@code protocols}, checks each answers exactly what ONNX
   * Runtime answers in this JVM, and returns that answer.
   */
  private static List<Tensor> answerEverywhere(String model, List<Tensor> inputs, List<String> outputs,
      Protocol... protocols) {
    List<Tensor> expected = onnxRuntime(model, inputs, outputs);
    for (Protocol protocol : protocols) {
      Answer answer = send(protocol, model, inputs, outputs);
      assertThat(answer.error()).as("%s %s", protocol, model).isNull();
      assertSameTensors(answer.outputs(), expected, protocol + " " + model);
      boolean fp16 = expected.stream().anyMatch(t -> t.datatype() == Datatype.FP16);
      assertThat(answer.binary()).as("%s %s: outputs in binary form", protocol, model)
          .isEqualTo(protocol == Protocol.BINARY || protocol == Protocol.GRPC_RAW || (protocol.grpc() && fp16));
    }
    return expected;
  }

  /** What ONNX Runtime answers for {@code inputs}, run in this JVM without any protocol. */
  private static List<Tensor> onnxRuntime(String name, List<Tensor> inputs, List<String> outputs) {
    OnnxModel model = reference.get(name);
    List<Tensor> bound = model.inputs().stream().map(TensorSpec::name)
        .map(input -> inputs.stream().filter(t -> t.name().equals(input)).findFirst().orElseThrow()).toList();
    return model.infer(bound, outputs.isEmpty() ? model.defaultOutputs() : outputs);
  }

  /** The same tensors, in order, bit for bit; a difference is shown element by element (a Tensor's own text has none). */
  private static void assertSameTensors(List<Tensor> actual, List<Tensor> expected, String what) {
    assertThat(actual).as(what).extracting(Tensor::toString)
        .containsExactlyElementsOf(expected.stream().map(Tensor::toString).toList());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(Arrays.deepToString(new Object[] {actual.get(i).data()})).as("%s: %s", what, expected.get(i))
          .isEqualTo(Arrays.deepToString(new Object[] {expected.get(i).data()}));
      assertThat(actual.get(i)).as("%s: %s", what, expected.get(i)).isEqualTo(expected.get(i));
    }
  }

  private static void assertRefusedEverywhere(String model, List<Tensor> inputs, List<String> outputs, String message) {
    for (Protocol protocol : EVERY) {
      assertRefused(send(protocol, model, inputs, outputs), protocol, message);
    }
  }

  private static void assertRefused(Answer answer, Protocol protocol, String message) {
    assertThat(answer.status()).as(protocol.name()).isEqualTo(protocol.grpc() ? "INVALID_ARGUMENT" : "400");
    assertThat(answer.error()).as(protocol.name()).isEqualTo(message);
  }

  private static void assertLimit(Answer answer, Protocol protocol) {
    assertThat(answer.status()).as(protocol.name()).isEqualTo(protocol.grpc() ? "RESOURCE_EXHAUSTED" : "413");
    assertThat(answer.error()).as(protocol.name()).isEqualTo((MAX_ROWS + 1) + " rows is more than the limit of "
        + MAX_ROWS + " per request");
  }

  private static void assertCloseTo(Tensor actual, JsonNode expectedRows, double tolerance) {
    int columns = (int) actual.dimension(1);
    for (int r = 0; r < expectedRows.size(); r++) {
      for (int c = 0; c < columns; c++) {
        assertThat(actual.number(r * columns + c)).as("%s row %d column %d", actual.name(), r, c)
            .isCloseTo(expectedRows.get(r).get(c).doubleValue(), within(tolerance));
      }
    }
  }

  private static Answer send(Protocol protocol, String model, List<Tensor> inputs, List<String> outputs) {
    return switch (protocol) {
      case JSON -> json(model, inputs, outputs);
      case BINARY -> binary(model, inputs, outputs, t -> true, true);
      case GRPC_TYPED -> grpc(grpcRequest(model, inputs, outputs, false));
      case GRPC_RAW -> grpc(grpcRequest(model, inputs, outputs, true));
    };
  }

  private static String path(String model) {
    return "/v2/models/" + model + "/infer";
  }

  // REST JSON

  private static Answer json(String model, List<Tensor> inputs, List<String> outputs) {
    Http.Response response = http.post(path(model), jsonText(inputs, outputs));
    if (response.status() != 200) {
      return Answer.refused(Integer.toString(response.status()), response.error());
    }
    List<Tensor> answer = new ArrayList<>();
    response.json().path("outputs").forEach(output -> answer.add(fromJson(output)));
    return new Answer("200", answer, null, false);
  }

  /** A JSON request as Python's json.dumps writes it (NaN and Infinity as bare words). */
  private static String jsonText(List<Tensor> inputs, List<String> outputs) {
    ObjectNode body = Http.JSON.createObjectNode();
    ArrayNode tensors = body.putArray("inputs");
    for (Tensor tensor : inputs) {
      ObjectNode input = tensors.addObject().put("name", tensor.name()).put("datatype", tensor.datatype().name());
      Arrays.stream(tensor.shape()).forEach(input.putArray("shape")::add);
      input.set("data", elements(tensor));
    }
    if (!outputs.isEmpty()) {
      ArrayNode wanted = body.putArray("outputs");
      outputs.forEach(name -> wanted.addObject().put("name", name));
    }
    try {
      return PYTHON_JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A tensor's elements as JSON writes them: flat, numbers, booleans, strings; FP16 as the numbers it holds. */
  private static ArrayNode elements(Tensor tensor) {
    ArrayNode data = Http.JSON.createArrayNode();
    Object elements = tensor.data();
    for (int i = 0; i < tensor.size(); i++) {
      switch (tensor.datatype()) {
        case BOOL -> data.add(((boolean[]) elements)[i]);
        case BYTES -> data.add(tensor.string(i));
        case FP32 -> data.add(((float[]) elements)[i]);
        case FP64 -> data.add(((double[]) elements)[i]);
        case FP16 -> data.add(Float.float16ToFloat(((short[]) elements)[i]));
        case INT64, UINT64 -> data.add(((long[]) elements)[i]);
        default -> data.add((long) tensor.number(i));
      }
    }
    return data;
  }

  private static Tensor fromJson(JsonNode output) {
    Datatype datatype = Datatype.valueOf(output.path("datatype").asText());
    long[] shape = Http.JSON.convertValue(output.path("shape"), long[].class);
    JsonNode data = output.path("data");
    int n = data.size();
    Object values = switch (datatype) {
      case BOOL -> {
        boolean[] booleans = new boolean[n];
        for (int i = 0; i < n; i++) {
          booleans[i] = data.get(i).booleanValue();
        }
        yield booleans;
      }
      case BYTES -> {
        byte[][] strings = new byte[n][];
        for (int i = 0; i < n; i++) {
          strings[i] = data.get(i).textValue().getBytes(StandardCharsets.UTF_8);
        }
        yield strings;
      }
      case FP32 -> {
        float[] floats = new float[n];
        for (int i = 0; i < n; i++) {
          floats[i] = (float) number(data.get(i));
        }
        yield floats;
      }
      case FP64 -> {
        double[] doubles = new double[n];
        for (int i = 0; i < n; i++) {
          doubles[i] = number(data.get(i));
        }
        yield doubles;
      }
      case FP16 -> {
        short[] halves = new short[n];
        for (int i = 0; i < n; i++) {
          halves[i] = Float.floatToFloat16((float) number(data.get(i)));
        }
        yield halves;
      }
      default -> {
        long[] integers = new long[n];
        for (int i = 0; i < n; i++) {
          integers[i] = data.get(i).longValue();
        }
        yield narrow(datatype, integers);
      }
    };
    return new Tensor(output.path("name").asText(), datatype, shape, values);
  }

  /** A JSON number, or one of the strings "NaN", "Infinity", "-Infinity" (as numpy reads them). */
  private static double number(JsonNode element) {
    return element.isTextual() ? Double.parseDouble(element.textValue()) : element.doubleValue();
  }

  /** Integers in the Java array of {@code datatype} (its width), as {@link Tensor} holds them. */
  private static Object narrow(Datatype datatype, long[] values) {
    return switch (datatype.size()) {
      case 1 -> {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
          bytes[i] = (byte) values[i];
        }
        yield bytes;
      }
      case 2 -> {
        short[] shorts = new short[values.length];
        for (int i = 0; i < values.length; i++) {
          shorts[i] = (short) values[i];
        }
        yield shorts;
      }
      case 4 -> {
        int[] ints = new int[values.length];
        for (int i = 0; i < values.length; i++) {
          ints[i] = (int) values[i];
        }
        yield ints;
      }
      default -> values;
    };
  }

  // REST binary

  /**
   * A request of the binary extension as tritonclient.http writes it: each input that
   * {@code sentBinary} picks as raw bytes after the JSON, the others JSON; the outputs binary
   * ({@code "binary_data": true} each, or {@code "binary_data_output": true} when none is named) or
   * all JSON.
   */
  private static Answer binary(String model, List<Tensor> inputs, List<String> outputs, Predicate<Tensor> sentBinary,
      boolean binaryOutputs) {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    inputs.stream().filter(sentBinary).forEach(t -> data.writeBytes(raw(t)));
    Http.BinaryResponse response = http.postBinary(path(model), binaryHeader(inputs, outputs, sentBinary,
        binaryOutputs), data.toByteArray());
    if (response.status() != 200) {
      return Answer.refused(Integer.toString(response.status()), response.error());
    }
    List<Tensor> answer = new ArrayList<>();
    for (int i = 0; i < response.json().path("outputs").size(); i++) {
      JsonNode output = response.json().path("outputs").get(i);
      answer.add(response.binaries().get(i) == null ? fromJson(output) : fromRaw(output.path("name").asText(),
          Datatype.valueOf(output.path("datatype").asText()), Http.JSON.convertValue(output.path("shape"), long[].class),
          response.binary(i)));
    }
    return new Answer("200", answer, null, response.binaries().stream().allMatch(Objects::nonNull));
  }

  /** The JSON object of a binary request, as Python's json.dumps writes tritonclient's dictionary. */
  private static String binaryHeader(List<Tensor> inputs, List<String> outputs, Predicate<Tensor> sentBinary,
      boolean binaryOutputs) {
    StringBuilder json = new StringBuilder("{\"inputs\": [");
    for (int i = 0; i < inputs.size(); i++) {
      Tensor tensor = inputs.get(i);
      json.append(i == 0 ? "" : ", ").append("{\"name\": \"").append(tensor.name()).append("\", \"shape\": ")
          .append(Tensor.shapeText(tensor.shape())).append(", \"datatype\": \"").append(tensor.datatype()).append('"');
      if (sentBinary.test(tensor)) {
        json.append(", \"parameters\": {\"binary_data_size\": ").append(raw(tensor).length).append("}}");
      } else {
        json.append(", \"data\": ").append(elements(tensor)).append('}');
      }
    }
    json.append(']');
    if (outputs.isEmpty()) {
      json.append(", \"parameters\": {\"binary_data_output\": ").append(binaryOutputs).append('}');
    } else {
      json.append(", \"outputs\": [");
      for (int i = 0; i < outputs.size(); i++) {
        json.append(i == 0 ? "" : ", ").append("{\"name\": \"").append(outputs.get(i))
            .append("\", \"parameters\": {\"binary_data\": ").append(binaryOutputs).append("}}");
      }
      json.append(']');
    }
    return json.append('}').toString();
  }

  /**
   * The raw form both the binary extension and gRPC's raw contents use, written as a client writes
   * it: little-endian, row-major, a BOOL one byte, FP16 its two bytes of IEEE half precision, each
   * BYTES element a 4-byte length and its bytes.
   */
  private static byte[] raw(Tensor tensor) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Object data = tensor.data();
    for (int i = 0; i < tensor.size(); i++) {
      ByteBuffer element = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      switch (tensor.datatype()) {
        case BOOL -> element.put((byte) (((boolean[]) data)[i] ? 1 : 0));
        case INT8, UINT8 -> element.put(((byte[]) data)[i]);
        case INT16, UINT16, FP16 -> element.putShort(((short[]) data)[i]);
        case INT32, UINT32 -> element.putInt(((int[]) data)[i]);
        case INT64, UINT64 -> element.putLong(((long[]) data)[i]);
        case FP32 -> element.putFloat(((float[]) data)[i]);
        case FP64 -> element.putDouble(((double[]) data)[i]);
        case BYTES -> {
          byte[] bytes = ((byte[][]) data)[i];
          out.write(element.putInt(bytes.length).array(), 0, 4);
          out.writeBytes(bytes);
          continue;
        }
      }
      out.write(element.array(), 0, element.position());
    }
    return out.toByteArray();
  }

  /** A tensor from its raw form, read as a client reads it. */
  private static Tensor fromRaw(String name, Datatype datatype, long[] shape, ByteBuffer raw) {
    ByteBuffer in = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int n = (int) Arrays.stream(shape).reduce(1, Math::multiplyExact);
    Object values = switch (datatype) {
      case BOOL -> {
        boolean[] booleans = new boolean[n];
        for (int i = 0; i < n; i++) {
          byte value = in.get();
          assertThat(value).as("a raw BOOL").isBetween((byte) 0, (byte) 1);
          booleans[i] = value == 1;
        }
        yield booleans;
      }
      case BYTES -> {
        byte[][] strings = new byte[n][];
        for (int i = 0; i < n; i++) {
          strings[i] = new byte[in.getInt()];
          in.get(strings[i]);
        }
        yield strings;
      }
      case FP32 -> {
        float[] floats = new float[n];
        in.asFloatBuffer().get(floats);
        in.position(in.position() + 4 * n);
        yield floats;
      }
      case FP64 -> {
        double[] doubles = new double[n];
        in.asDoubleBuffer().get(doubles);
        in.position(in.position() + 8 * n);
        yield doubles;
      }
      default -> {
        long[] integers = new long[n];
        for (int i = 0; i < n; i++) {
          integers[i] = switch (datatype.size()) {
            case 1 -> in.get();
            case 2 -> in.getShort();
            case 4 -> in.getInt();
            default -> in.getLong();
          };
        }
        yield narrow(datatype, integers);
      }
    };
    assertThat(in.remaining()).as("bytes after the elements of %s", name).isZero();
    return new Tensor(name, datatype, shape, values);
  }

  // gRPC

  private static ModelInferRequest.Builder grpcRequest(String model, List<Tensor> inputs, List<String> outputs,
      boolean raw) {
    ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName(model);
    for (Tensor tensor : inputs) {
      ModelInferRequest.InferInputTensor.Builder input = request.addInputsBuilder().setName(tensor.name())
          .setDatatype(tensor.datatype().name());
      Arrays.stream(tensor.shape()).forEach(input::addShape);
      if (raw) {
        request.addRawInputContents(ByteString.copyFrom(raw(tensor)));
      } else {
        input.setContents(contents(tensor));
      }
    }
    outputs.forEach(name -> request.addOutputsBuilder().setName(name));
    return request;
  }

  private static Answer grpc(ModelInferRequest.Builder request) {
    ModelInferResponse response;
    try {
      response = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
          .modelInfer(request.build());
    } catch (StatusRuntimeException e) {
      return Answer.refused(e.getStatus().getCode().name(), e.getStatus().getDescription());
    }
    List<Tensor> answer = new ArrayList<>();
    for (int i = 0; i < response.getOutputsCount(); i++) {
      ModelInferResponse.InferOutputTensor output = response.getOutputs(i);
      Datatype datatype = Datatype.valueOf(output.getDatatype());
      long[] shape = output.getShapeList().stream().mapToLong(Long::longValue).toArray();
      answer.add(response.getRawOutputContentsCount() > 0
          ? fromRaw(output.getName(), datatype, shape, response.getRawOutputContents(i).asReadOnlyByteBuffer())
          : fromContents(output.getName(), datatype, shape, output.getContents()));
    }
    return new Answer(Status.Code.OK.name(), answer, null, response.getRawOutputContentsCount() > 0);
  }

  /**
   * The typed contents of a tensor, in the field its datatype uses; an FP16 tensor (which has none)
   * as a client would try it, in {@code fp32_contents}.
   */
  private static InferTensorContents contents(Tensor tensor) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    Object data = tensor.data();
    for (int i = 0; i < tensor.size(); i++) {
      switch (tensor.datatype()) {
        case BOOL -> contents.addBoolContents(((boolean[]) data)[i]);
        case BYTES -> contents.addBytesContents(ByteString.copyFrom(((byte[][]) data)[i]));
        case FP16, FP32 -> contents.addFp32Contents((float) tensor.number(i));
        case FP64 -> contents.addFp64Contents(((double[]) data)[i]);
        case INT8, INT16, INT32 -> contents.addIntContents((int) tensor.number(i));
        case UINT8, UINT16, UINT32 -> contents.addUintContents((int) (long) tensor.number(i));
        case INT64 -> contents.addInt64Contents(((long[]) data)[i]);
        case UINT64 -> contents.addUint64Contents(((long[]) data)[i]);
      }
    }
    return contents.build();
  }

  private static Tensor fromContents(String name, Datatype datatype, long[] shape, InferTensorContents contents) {
    Object values = switch (datatype) {
      case BOOL -> {
        boolean[] booleans = new boolean[contents.getBoolContentsCount()];
        for (int i = 0; i < booleans.length; i++) {
          booleans[i] = contents.getBoolContents(i);
        }
        yield booleans;
      }
      case BYTES -> contents.getBytesContentsList().stream().map(ByteString::toByteArray).toArray(byte[][]::new);
      case FP32 -> {
        float[] floats = new float[contents.getFp32ContentsCount()];
        for (int i = 0; i < floats.length; i++) {
          floats[i] = contents.getFp32Contents(i);
        }
        yield floats;
      }
      case FP64 -> contents.getFp64ContentsList().stream().mapToDouble(Double::doubleValue).toArray();
      case INT8, INT16, INT32 -> narrow(datatype, contents.getIntContentsList().stream().mapToLong(Integer::longValue)
          .toArray());
      case UINT8, UINT16, UINT32 -> narrow(datatype, contents.getUintContentsList().stream()
          .mapToLong(Integer::toUnsignedLong).toArray());
      case INT64 -> contents.getInt64ContentsList().stream().mapToLong(Long::longValue).toArray();
      case UINT64 -> contents.getUint64ContentsList().stream().mapToLong(Long::longValue).toArray();
      case FP16 -> throw new AssertionError("FP16 has no typed contents: it must come back raw");
    };
    return new Tensor(name, datatype, shape, values);
  }
}
