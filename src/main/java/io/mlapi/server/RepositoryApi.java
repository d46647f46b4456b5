package io.mlapi.server;

import io.mlapi.model.InferenceException;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.mlapi.inference.InferenceService;
import io.mlapi.repository.ModelStatus;
import io.mlapi.repository.VersionStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The V2 model repository extension, as Triton defines it: the index of every model version and
 * its state, and load and unload commands. When an admin token is configured, each call needs
 * {@code Authorization: Bearer TOKEN}: 401 without it, 403 with another.
 */
final class RepositoryApi {
  private final InferenceService core;
  private final JsonBodies bodies;
  private final byte[] adminToken;

  /** @param adminToken {@code null} to leave the commands open */
  RepositoryApi(InferenceService core, JsonBodies bodies, String adminToken) {
    this.core = core;
    this.bodies = bodies;
    this.adminToken = adminToken == null ? null : adminToken.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code [{"name", "version", "state", "reason"}]}, with {@code {"ready": true}} only the versions served. */
  void index(Exchange exchange) {
    authorize(exchange);
    JsonNode body = bodies.readOptional(exchange);
    JsonNode readyOnly = body == null ? null : body.get("ready");
    if (readyOnly != null && !readyOnly.isBoolean()) {
      throw InferenceException.invalidInput("\"ready\" must be true or false, got " + Instances.describe(readyOnly));
    }
    List<IndexEntry> entries = new ArrayList<>();
    for (ModelStatus model : core.snapshot().state().models().values()) {
      for (VersionStatus version : model.versions()) {
        if (readyOnly == null || !readyOnly.booleanValue() || version.state() == VersionStatus.State.READY) {
          entries.add(new IndexEntry(model.name(), Integer.toString(version.version()), version.state().name(),
              version.reason()));
        }
      }
    }
    JsonBodies.send(exchange.response(), Status.OK_200, entries);
  }

  /** Loads the model again (after an unload) and retries its failed versions: 400 when no version loads. */
  void load(Exchange exchange) {
    authorize(exchange);
    bodies.readOptional(exchange); // Triton's optional parameters: accepted (and checked to be JSON), not used
    String name = exchange.param("name");
    ModelStatus model = found(name, core.repository().load(name));
    if (!model.ready()) {
      List<String> reasons = model.versions().stream().map(v -> "version " + v.version() + ": " + v.reason()).toList();
      throw InferenceException.invalidInput("model " + name + " did not load: " + String.join("; ", reasons));
    }
    exchange.answeredBy(model.latest());
    JsonBodies.send(exchange.response(), Status.OK_200, new ModelState(name, true, model.servedVersions().stream().map(String::valueOf).toList()));
  }

  /** Stops serving the model until it is loaded again; the poller leaves it alone meanwhile. */
  void unload(Exchange exchange) {
    authorize(exchange);
    bodies.readOptional(exchange);
    String name = exchange.param("name");
    found(name, core.repository().unload(name));
    JsonBodies.send(exchange.response(), Status.OK_200, new ModelState(name, false, List.of()));
  }

  private ModelStatus found(String name, Optional<ModelStatus> model) {
    return model.orElseThrow(() -> InferenceException.notFound("no model named \"" + InferenceException.abbreviate(name)
        + "\" in the repository"));
  }

  private void authorize(Exchange exchange) {
    if (adminToken == null) {
      return;
    }
    String header = exchange.request().headers().first(HeaderNames.AUTHORIZATION).orElse(null);
    if (header == null) {
      exchange.response().header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"mlapi\"");
      throw new HttpException(401, "the repository commands need \"Authorization: Bearer TOKEN\" "
          + "with the server's admin token (--admin-token, MLAPI_ADMIN_TOKEN)");
    }
    byte[] given = header.startsWith("Bearer ")
        ? header.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
    if (!MessageDigest.isEqual(given, adminToken)) {
      throw new HttpException(403, "the bearer token is not the server's admin token");
    }
  }

  record IndexEntry(String name, String version, String state, String reason) {}

  /** @param versions the versions served, newest first */
  record ModelState(String name, boolean ready, List<String> versions) {}
}
