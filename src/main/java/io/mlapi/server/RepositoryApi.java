package io.mlapi.server;

import io.mlapi.model.InferenceException;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.mlapi.inference.InferenceService;
import io.mlapi.repository.ModelStatus;
import io.mlapi.repository.VersionStatus;
import io.helidon.common.media.type.MediaTypes;
import io.mlapi.repository.ModelRepository;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The V2 model repository extension, as Triton defines it: the index of every model version and
 * its state, and load and unload commands.
 *
 * <p>Guarded, because a web page the operator visits can send requests to the server too
 * (cross-site request forgery): with an admin token configured every call needs
 * {@code Authorization: Bearer TOKEN} (401 without it, 403 with another); without one, load and
 * unload are refused (403) unless the server was started with {@code --open-admin}. Every call
 * must carry a JSON body ({@code Content-Type: application/json}) or none (415), which an HTML
 * form cannot send, and a browser's {@code Origin} (or {@code Sec-Fetch-Site}) must say the call
 * comes from this server's own pages (403 otherwise).
 */
final class RepositoryApi {
  /** How long a command waits for a load already running before answering 503; also its {@code Retry-After}. */
  static final Duration BUSY_WAIT = Duration.ofSeconds(5);
  private static final String BEARER = "Bearer ";
  private static final HeaderName SEC_FETCH_SITE = HeaderNames.create("Sec-Fetch-Site");

  private final InferenceService core;
  private final JsonBodies bodies;
  private final byte[] adminToken;
  private final boolean openAdmin;

  /**
   * @param adminToken {@code null} for none
   * @param openAdmin whether load and unload are open to anyone when there is no token
   */
  RepositoryApi(InferenceService core, JsonBodies bodies, String adminToken, boolean openAdmin) {
    this.core = core;
    this.bodies = bodies;
    this.adminToken = adminToken == null ? null : adminToken.getBytes(StandardCharsets.UTF_8);
    this.openAdmin = openAdmin;
  }

  /** {@code [{"name", "version", "state", "reason"}]}, with {@code {"ready": true}} only the versions served. */
  void index(Exchange exchange) {
    authorize(exchange, false);
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
    authorize(exchange, true);
    bodies.readOptional(exchange); // Triton's optional parameters: accepted (and checked to be JSON), not used
    String name = exchange.param("name");
    ModelStatus model = found(name, whenNotBusy(exchange, () -> core.repository().load(name, BUSY_WAIT)));
    if (!model.ready()) {
      List<String> reasons = model.versions().stream().map(v -> "version " + v.version() + ": " + v.reason()).toList();
      throw InferenceException.invalidInput("model " + name + " did not load: " + String.join("; ", reasons));
    }
    exchange.answeredBy(model.latest());
    JsonBodies.send(exchange.response(), Status.OK_200, new ModelState(name, true, model.servedVersions().stream().map(String::valueOf).toList()));
  }

  /** Stops serving the model until it is loaded again; the poller leaves it alone meanwhile. */
  void unload(Exchange exchange) {
    authorize(exchange, true);
    bodies.readOptional(exchange);
    String name = exchange.param("name");
    found(name, whenNotBusy(exchange, () -> core.repository().unload(name, BUSY_WAIT)));
    JsonBodies.send(exchange.response(), Status.OK_200, new ModelState(name, false, List.of()));
  }

  private ModelStatus found(String name, Optional<ModelStatus> model) {
    return model.orElseThrow(() -> InferenceException.notFound("no model named \"" + InferenceException.abbreviate(name)
        + "\" in the repository"));
  }

  /** Runs a repository command; while another load holds the repository past {@link #BUSY_WAIT}, 503 with {@code Retry-After}. */
  private static Optional<ModelStatus> whenNotBusy(Exchange exchange, Supplier<Optional<ModelStatus>> command) {
    try {
      return command.get();
    } catch (ModelRepository.BusyException e) {
      exchange.response().header(HeaderNames.RETRY_AFTER, Long.toString(BUSY_WAIT.toSeconds()));
      throw InferenceException.unavailable(e.getMessage() + "; retry in a moment");
    }
  }

  /**
   * Lets a call through, or refuses it: cross-site, with a body that is not JSON, without the
   * token (when there is one), or a change (load, unload) while they are turned off.
   */
  private void authorize(Exchange exchange, boolean changesWhatIsServed) {
    refuseCrossSite(exchange);
    if (exchange.request().content().hasEntity()
        && !exchange.request().headers().contentType().map(type -> type.test(MediaTypes.APPLICATION_JSON)).orElse(false)) {
      throw new HttpException(415, "the repository commands take a JSON body (Content-Type: application/json) "
          + "or none");
    }
    if (adminToken == null) {
      if (changesWhatIsServed && !openAdmin) {
        throw new HttpException(403, "the repository commands that change what is served (load, unload) are "
            + "turned off: start the server with --admin-token TOKEN (or MLAPI_ADMIN_TOKEN) and send "
            + "\"Authorization: Bearer TOKEN\", or open them to anyone who can reach the server with --open-admin");
      }
      return;
    }
    String header = exchange.request().headers().first(HeaderNames.AUTHORIZATION).orElse(null);
    if (header == null) {
      exchange.response().header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"mlapi\"");
      throw new HttpException(401, "the repository commands need \"Authorization: Bearer TOKEN\" "
          + "with the server's admin token (--admin-token, MLAPI_ADMIN_TOKEN)");
    }
    // RFC 9110 §11.1: the scheme is case-insensitive ("bearer" and "BEARER" are "Bearer").
    boolean bearer = header.length() > BEARER.length() && header.regionMatches(true, 0, BEARER, 0, BEARER.length());
    byte[] given = bearer ? header.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
    if (!MessageDigest.isEqual(given, adminToken)) {
      throw new HttpException(403, "the bearer token is not the server's admin token");
    }
  }

  /**
   * Refuses a call a browser says comes from another site: its {@code Origin} names another host
   * (or is {@code null}, as from a sandboxed frame or a file), or its {@code Sec-Fetch-Site} says
   * {@code cross-site} or {@code same-site}. Clients that are not browsers send neither.
   */
  private static void refuseCrossSite(Exchange exchange) {
    String site = exchange.request().headers().first(SEC_FETCH_SITE).orElse(null);
    String origin = exchange.request().headers().first(HeaderNames.ORIGIN).orElse(null);
    String host = exchange.request().headers().first(HeaderNames.HOST).orElse("");
    boolean crossSite = site != null && (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site"));
    if (crossSite || (origin != null && !sameHost(origin, host))) {
      throw new HttpException(403, "a repository command from another site is refused (Origin: "
          + InferenceException.abbreviate(origin == null ? "-" : origin) + ", Sec-Fetch-Site: "
          + InferenceException.abbreviate(site == null ? "-" : site) + "); use the console this server serves, "
          + "or a client that is not a browser");
    }
  }

  /**
   * Whether an {@code Origin} ({@code scheme://host[:port]}) names the host and port of the
   * {@code Host} header. A {@code Host} without a port (the scheme's default, behind a proxy
   * perhaps) matches an origin on port 80 or 443.
   */
  static boolean sameHost(String origin, String host) {
    URI from;
    URI to;
    try {
      from = new URI(origin);
      to = new URI("http://" + host);
    } catch (URISyntaxException e) {
      return false;
    }
    if (from.getHost() == null || to.getHost() == null || !from.getHost().equalsIgnoreCase(to.getHost())) {
      return false;
    }
    int fromPort = from.getPort() != -1 ? from.getPort() : "https".equalsIgnoreCase(from.getScheme()) ? 443 : 80;
    return to.getPort() == -1 ? fromPort == 80 || fromPort == 443 : fromPort == to.getPort();
  }

  record IndexEntry(String name, String version, String state, String reason) {}

  /** @param versions the versions served, newest first */
  record ModelState(String name, boolean ready, List<String> versions) {}
}
