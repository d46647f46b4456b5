package io.mlapi.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlapi.repository.ServedModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The real server on a free port, and an HTTP client for it. */
final class RunningServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final MlapiServer server;
  private final HttpClient client = HttpClient.newHttpClient();

  private RunningServer(MlapiServer server) {
    this.server = server;
  }

  static RunningServer start(ServedModels models, ServerConfig config) {
    return new RunningServer(MlapiServer.start(config, new InferenceService(models, config.maxRows())));
  }

  static RunningServer start(ServedModels models) {
    return start(models, ServerConfig.onPort(0));
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  Response get(String path) {
    return send("GET", path, null);
  }

  Response post(String path, String body) {
    return send("POST", path, body);
  }

  Response send(String method, String path, String body) {
    HttpRequest request = HttpRequest.newBuilder(uri(path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json")
        .build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(), response.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }

  record Response(int status, String body, HttpHeaders headers) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    String error() {
      return json().path("error").asText(null);
    }

    String contentType() {
      return headers.firstValue("Content-Type").orElse("");
    }
  }
}
