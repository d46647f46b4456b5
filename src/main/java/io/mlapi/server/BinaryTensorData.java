package io.mlapi.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.mlapi.model.InferenceException;
import io.mlapi.model.Tensor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Triton's binary tensor data extension of the Open Inference Protocol's REST form (KServe's and
 * Triton's HTTP clients send it by default). A request is its JSON object, whose length the
 * {@code Inference-Header-Content-Length} header gives, followed by the elements of each input
 * that says {@code "parameters": {"binary_data_size": N}}, in input order, in the raw form gRPC's
 * raw contents use too ({@link Tensor#fromRaw}). Outputs come back the same way when asked for:
 * {@code "parameters": {"binary_data": true}} on an output, or {@code "binary_data_output": true}
 * in the request's parameters for all of them; the response then carries the header too.
 * This class only moves bytes: the tensors are checked by the core like any others.
 */
final class BinaryTensorData {
  static final HeaderName HEADER_LENGTH = HeaderNames.create("Inference-Header-Content-Length");
  private static final String SIZE = "binary_data_size";

  private BinaryTensorData() {}

  /**
   * A request body: the JSON object, and the binary data after it.
   *
   * @param binary the bytes after the JSON, consumed input by input; {@code null} for a plain JSON
   *     request (no {@code Inference-Header-Content-Length})
   */
  record Request(JsonNode json, ByteBuffer binary) {
    /** Refuses bytes that no input claimed. */
    void requireAllClaimed() {
      if (binary != null && binary.hasRemaining()) {
        throw InferenceException.invalidInput("the body has " + binary.remaining() + " bytes of binary data that no "
            + "input claims: each binary input's parameters.binary_data_size must count its bytes");
      }
    }
  }

  /** Reads the body as JSON, or as JSON and binary data when the extension's header says so. */
  static Request read(Exchange exchange, JsonBodies bodies) {
    Optional<String> header = exchange.request().headers().first(HEADER_LENGTH);
    if (header.isEmpty()) {
      return new Request(bodies.read(exchange), null);
    }
    String value = header.get().trim();
    if (!value.matches("[0-9]{1,10}")) {
      throw InferenceException.invalidInput("the Inference-Header-Content-Length header must be the length of the "
          + "JSON object at the start of the body, in bytes, got \"" + InferenceException.abbreviate(value) + "\"");
    }
    long jsonLength = Long.parseLong(value);
    byte[] body = bodies.bytes(exchange);
    if (jsonLength == 0 || jsonLength > body.length) {
      throw InferenceException.invalidInput("the Inference-Header-Content-Length header says the JSON object is "
          + jsonLength + " bytes, but the body has " + body.length + " bytes");
    }
    int length = (int) jsonLength;
    return new Request(JsonBodies.object(body, length), ByteBuffer.wrap(body, length, body.length - length).slice());
  }

  /**
   * {@code inputs[index]} of a request: its elements from the binary data when its parameters
   * give {@code binary_data_size}, else from its JSON {@code data}.
   */
  static Tensor input(JsonNode node, int index, Request request) {
    JsonNode size = node.path("parameters").path(SIZE);
    if (size.isMissingNode()) {
      return JsonTensors.input(node, index);
    }
    JsonTensors.Header header = JsonTensors.header(node, index);
    String which = "input \"" + InferenceException.abbreviate(header.name()) + "\" (" + header.where() + ")";
    if (request.binary() == null) {
      throw InferenceException.invalidInput(which + " gives parameters." + SIZE + ", but the request is plain JSON: "
          + "binary data needs the Inference-Header-Content-Length header and the data after the JSON object");
    }
    if (!size.isIntegralNumber() || !size.canConvertToLong() || size.longValue() < 0) {
      throw InferenceException.invalidInput(which + ": parameters." + SIZE + " must be a number of bytes, got "
          + Instances.describe(size));
    }
    if (node.has("data")) {
      throw InferenceException.invalidInput(which + " has both \"data\" and parameters." + SIZE
          + "; send its elements one way");
    }
    ByteBuffer binary = request.binary();
    long bytes = size.longValue();
    if (bytes > binary.remaining()) {
      throw InferenceException.invalidInput(which + " has " + SIZE + " " + bytes + ", but only " + binary.remaining()
          + " bytes of binary data are left for it");
    }
    ByteBuffer raw = binary.slice(binary.position(), (int) bytes);
    binary.position(binary.position() + (int) bytes);
    return Tensor.fromRaw(header.name(), header.datatype(), header.shape(), raw);
  }

  /**
   * Which of the outputs answered go back in binary form: an output's own {@code binary_data}
   * parameter, else the request's {@code binary_data_output}, else none.
   *
   * @param outputs the request's {@code outputs} (missing when it names none)
   * @param count how many outputs the answer has
   */
  static boolean[] binaryOutputs(JsonNode parameters, JsonNode outputs, int count) {
    boolean all = flag(parameters.path("binary_data_output"), "parameters.binary_data_output");
    boolean[] binary = new boolean[count];
    for (int i = 0; i < count; i++) {
      JsonNode own = outputs.isArray() ? outputs.path(i).path("parameters").path("binary_data") : null;
      binary[i] = own == null || own.isMissingNode() ? all : flag(own, "outputs[" + i + "].parameters.binary_data");
    }
    return binary;
  }

  private static boolean flag(JsonNode node, String where) {
    if (node.isMissingNode() || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw InferenceException.invalidInput(where + " must be true or false, got " + Instances.describe(node));
    }
    return node.booleanValue();
  }

  /** An output sent as binary data: its elements follow the JSON object. */
  record BinaryOutput(String name, String datatype, long[] shape, Map<String, Long> parameters) {
    static BinaryOutput of(Tensor tensor) {
      return new BinaryOutput(tensor.name(), tensor.datatype().name(), tensor.shape(), Map.of(SIZE, tensor.rawSize()));
    }
  }

  /** The inference response: like the JSON one, its outputs JSON tensors or {@link BinaryOutput}s. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Response(String model_name, String model_version, String id, List<Object> outputs) {}

  /**
   * Sends {@code response}; when some outputs are binary, their elements follow the JSON object,
   * whose length {@code Inference-Header-Content-Length} gives.
   *
   * @param binary per output of the answer, whether it is sent as binary data
   */
  static void send(ServerResponse http, String modelName, String modelVersion, String id, List<Tensor> answer,
      boolean[] binary) {
    List<Object> outputs = new java.util.ArrayList<>(answer.size());
    long rawBytes = 0;
    for (int i = 0; i < answer.size(); i++) {
      Tensor tensor = answer.get(i);
      outputs.add(binary[i] ? BinaryOutput.of(tensor) : JsonTensors.output(tensor));
      rawBytes += binary[i] ? tensor.rawSize() : 0;
    }
    Response response = new Response(modelName, modelVersion, id, outputs);
    if (!anyOf(binary)) {
      JsonBodies.send(http, Status.OK_200, response);
      return;
    }
    byte[] json;
    try {
      json = JsonBodies.MAPPER.writeValueAsBytes(response);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a response as JSON", e);
    }
    byte[] body = new byte[Math.toIntExact(json.length + rawBytes)];
    System.arraycopy(json, 0, body, 0, json.length);
    ByteBuffer out = ByteBuffer.wrap(body, json.length, body.length - json.length);
    for (int i = 0; i < answer.size(); i++) {
      if (binary[i]) {
        answer.get(i).writeRaw(out);
      }
    }
    http.status(Status.OK_200);
    http.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
    http.header(HeaderNames.CACHE_CONTROL, "no-store");
    http.header(HEADER_LENGTH, Integer.toString(json.length));
    http.send(body);
  }

  private static boolean anyOf(boolean[] flags) {
    for (boolean flag : flags) {
      if (flag) {
        return true;
      }
    }
    return false;
  }
}
