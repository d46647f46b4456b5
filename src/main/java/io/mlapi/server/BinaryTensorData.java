package io.mlapi.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.mlapi.model.InferenceException;
import io.mlapi.model.Tensor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Triton's binary tensor data extension of the Open Inference Protocol's REST form (KServe's and
 * Triton's HTTP clients send it by default). A request is its JSON object, whose length the
 * {@code Inference-Header-Content-Length} header gives, followed by the elements of each input
 * that says {@code "parameters": {"binary_data_size": N}}, in input order, in the raw form gRPC's
 * raw contents use too ({@link Tensor#fromRaw}). Outputs come back the same way when asked for:
 * {@code "parameters": {"binary_data": true}} on an output, or {@code "binary_data_output": true}
 * in the request's parameters for all of them; the response then carries the header too.
 * This class only moves bytes: the JSON is read as any other ({@link JsonBodies#readObject},
 * {@link JsonTensors}), and the tensors are checked by the core like any others.
 */
final class BinaryTensorData {
  static final HeaderName HEADER_LENGTH = HeaderNames.create("Inference-Header-Content-Length");
  static final String SIZE = "binary_data_size";
  /** A length the header may give: at most ten digits, so it parses as a long whatever it says. */
  private static final Pattern LENGTH = Pattern.compile("[0-9]{1,10}");

  private BinaryTensorData() {}

  /**
   * A request body: the JSON object at its start, and the binary data after it.
   *
   * @param body the whole body
   * @param jsonLength how many of its bytes are the JSON object
   * @param binary the bytes after the JSON, consumed input by input; {@code null} for a plain JSON
   *     request (no {@code Inference-Header-Content-Length})
   */
  record Request(byte[] body, int jsonLength, ByteBuffer binary) {
    /** Reads the JSON object as it streams by, each top-level field to {@code fields}. */
    void readJson(JsonBodies.FieldReader fields) {
      JsonBodies.readObject(body, jsonLength, fields);
    }

    /** Refuses bytes that no input claimed. */
    void requireAllClaimed() {
      if (binary != null && binary.hasRemaining()) {
        throw InferenceException.invalidInput("the body has " + binary.remaining() + " bytes of binary data that no "
            + "input claims: each binary input's parameters.binary_data_size must count its bytes");
      }
    }
  }

  /** Reads the body: as JSON, or as JSON and binary data when the extension's header says so. */
  static Request read(Exchange exchange, JsonBodies bodies) {
    Optional<String> header = exchange.request().headers().first(HEADER_LENGTH);
    if (header.isEmpty()) {
      byte[] json = bodies.json(exchange);
      return new Request(json, json.length, null);
    }
    String value = header.get().trim();
    if (!LENGTH.matcher(value).matches()) {
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
    return new Request(body, length, ByteBuffer.wrap(body, length, body.length - length).slice());
  }

  /**
   * The input {@code where} whose parameters give {@code binary_data_size}: its elements, the next
   * {@code size} bytes of {@code binary}.
   *
   * @param header the input's name, datatype and shape, checked
   * @param hasData whether the input has a {@code data} field too
   * @param binary the binary data left, or {@code null} for a plain JSON request
   */
  static Tensor input(JsonTensors.Header header, String where, JsonNode size, boolean hasData, ByteBuffer binary) {
    String which = "input \"" + InferenceException.abbreviate(header.name()) + "\" (" + where + ")";
    if (binary == null) {
      throw InferenceException.invalidInput(which + " gives parameters." + SIZE + ", but the request is plain JSON: "
          + "binary data needs the Inference-Header-Content-Length header and the data after the JSON object");
    }
    if (!size.isIntegralNumber() || !size.canConvertToLong() || size.longValue() < 0) {
      throw InferenceException.invalidInput(which + ": parameters." + SIZE + " must be a number of bytes, got "
          + Instances.describe(size));
    }
    if (hasData) {
      throw InferenceException.invalidInput(which + " has both \"data\" and parameters." + SIZE
          + "; send its elements one way");
    }
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

  /**
   * Sends the JSON {@code json} writes; when some outputs are binary, their elements follow it,
   * and {@code Inference-Header-Content-Length} gives its length.
   *
   * @param answer the outputs, in the order {@code json} lists them
   * @param binary per output, whether it is sent as binary data
   */
  static void send(ServerResponse http, JsonBodies.Content json, List<Tensor> answer, boolean[] binary) {
    if (!anyOf(binary)) {
      JsonBodies.send(http, Status.OK_200, json);
      return;
    }
    long rawBytes = 0;
    for (int i = 0; i < answer.size(); i++) {
      rawBytes += binary[i] ? answer.get(i).rawSize() : 0;
    }
    byte[] header = JsonBodies.write(json);
    byte[] body = new byte[Math.toIntExact(header.length + rawBytes)];
    System.arraycopy(header, 0, body, 0, header.length);
    ByteBuffer out = ByteBuffer.wrap(body, header.length, body.length - header.length);
    for (int i = 0; i < answer.size(); i++) {
      if (binary[i]) {
        answer.get(i).writeRaw(out);
      }
    }
    http.status(Status.OK_200);
    http.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
    http.header(HeaderNames.CACHE_CONTROL, "no-store");
    http.header(HEADER_LENGTH, Integer.toString(header.length));
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
