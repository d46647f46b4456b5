package io.mlapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A small HTTP/1.1 client for tests: requests to one server, answers with their JSON parsed. */
public final class Http {
  public static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final int port;

  public Http(int port) {
    this.base = "http://127.0.0.1:" + port;
    this.port = port;
  }

  public int port() {
    return port;
  }

  public Response get(String path) {
    return send(request(path).GET().build());
  }

  public Response post(String path, String body) {
    return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
        .build());
  }

  public Response post(String path, byte[] body) {
    return send(request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  /**
   * POSTs a request of Triton's binary tensor data extension as Triton's HTTP client
   * (tritonclient.http) sends it: {@code json} (as Python's json.dumps writes it), then
   * {@code binary}, the JSON's length in {@code Inference-Header-Content-Length}.
   */
  public BinaryResponse postBinary(String path, String json, byte[] binary) {
    byte[] header = json.getBytes(StandardCharsets.UTF_8);
    byte[] body = ByteBuffer.allocate(header.length + binary.length).put(header).put(binary).array();
    HttpRequest request = request(path).header("Inference-Header-Content-Length", Integer.toString(header.length))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    try {
      return BinaryResponse.of(client.send(request, HttpResponse.BodyHandlers.ofByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Response method(String method, String path) {
    return send(request(path).method(method, HttpRequest.BodyPublishers.noBody()).build());
  }

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
  }

  public Response send(HttpRequest request) {
    try {
      return new Response(client.send(request, HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An answer: status, headers and body, the body parsed as JSON on demand. */
  public record Response(HttpResponse<String> raw) {
    public int status() {
      return raw.statusCode();
    }

    public String body() {
      return raw.body();
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    public JsonNode json() {
      try {
        return JSON.readTree(raw.body());
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + raw.statusCode() + "): " + raw.body(), e);
      }
    }

    /** The {@code "error"} sentence of an error answer. */
    public String error() {
      return json().path("error").asText();
    }

    @Override
    public String toString() {
      return raw.statusCode() + " " + raw.body();
    }
  }

  /**
   * An answer of the binary tensor data extension, taken apart as tritonclient.http takes it apart:
   * the JSON's length from {@code Inference-Header-Content-Length} (the whole body without it), then
   * each output's {@code binary_data_size} bytes in output order ({@code null} for a JSON output).
   */
  public record BinaryResponse(int status, String contentType, JsonNode json, List<ByteBuffer> binaries) {
    static BinaryResponse of(HttpResponse<byte[]> response) throws IOException {
      byte[] body = response.body();
      int jsonLength = response.headers().firstValue("Inference-Header-Content-Length").map(Integer::parseInt)
          .orElse(body.length);
      JsonNode json = JSON.readTree(new String(body, 0, jsonLength, StandardCharsets.UTF_8));
      List<ByteBuffer> binaries = new ArrayList<>();
      int offset = jsonLength;
      for (JsonNode output : json.path("outputs")) {
        JsonNode size = output.path("parameters").path("binary_data_size");
        binaries.add(size.isMissingNode() ? null : ByteBuffer.wrap(body, offset, size.intValue()).slice());
        offset += size.intValue();
      }
      if (offset != body.length) {
        throw new AssertionError("the outputs claim " + offset + " bytes, the body has " + body.length);
      }
      return new BinaryResponse(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), json,
          binaries);
    }

    /** Output {@code index}'s bytes, little-endian. */
    public ByteBuffer binary(int index) {
      return binaries.get(index).duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The {@code "error"} sentence of an error answer. */
    public String error() {
      return json.path("error").asText();
    }
  }
}
