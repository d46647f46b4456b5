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
import java.time.Duration;

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
}
