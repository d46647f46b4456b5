package io.mlapi.server;

import io.mlapi.model.InferenceException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web console's files ({@code GET /} and {@code GET /console/{asset}}) and the guides
 * ({@code GET /docs/{page}}), from the jar. Nothing comes from outside the server (clusters often
 * reach no CDN), nothing is read per request but the first time a guide is asked for, and every
 * answer carries an ETag so a reload costs a 304.
 */
final class StaticFiles {
  static final String CONSOLE = "/io/mlapi/server/console/";
  /** Where the build copies {@code README.md} and {@code docs/*.md} (see the pom's resources). */
  static final String DOCS = "/io/mlapi/server/docs/";
  static final List<String> CONSOLE_ASSETS = List.of("console.css", "app.js", "traffic.js");

  /**
   * The console's own script and style only, talking to its own server only: a model's text (a
   * failure reason, a feature name) can never run as script, and the page cannot be framed.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private static final Pattern DOC_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}\\.md");

  /** A file ready to send: its bytes, content type and strong ETag. */
  record Asset(byte[] bytes, String contentType, String etag) {}

  private final Asset index;
  private final Map<String, Asset> assets;
  private final Map<String, Asset> docs = new ConcurrentHashMap<>();

  private StaticFiles(Asset index, Map<String, Asset> assets) {
    this.index = index;
    this.assets = assets;
  }

  /** Reads the console's files from the jar; fails at start, not on a user's first visit, when one is missing. */
  static StaticFiles load() {
    Map<String, Asset> assets = new LinkedHashMap<>();
    for (String name : CONSOLE_ASSETS) {
      assets.put(name, required(CONSOLE + name));
    }
    return new StaticFiles(required(CONSOLE + "index.html"), Map.copyOf(assets));
  }

  /** {@code GET /}: the console's page. */
  void index(Exchange exchange) {
    exchange.response().header(HeaderNames.create("Content-Security-Policy"), CONTENT_SECURITY_POLICY);
    exchange.response().header(HeaderNames.create("Referrer-Policy"), "no-referrer");
    send(exchange, index);
  }

  /** {@code GET /console/{asset}}: the console's scripts and style. */
  void asset(Exchange exchange) {
    String name = exchange.param("asset");
    Asset file = assets.get(name);
    if (file == null) {
      throw new HttpException(404, "the console has no file \"" + InferenceException.abbreviate(name) + "\"; it has "
          + String.join(", ", CONSOLE_ASSETS));
    }
    send(exchange, file);
  }

  /** {@code GET /docs/{page}}: a guide ({@code serving.md}, {@code metrics.md}, ...) as plain text. */
  void doc(Exchange exchange) {
    String name = exchange.param("page");
    Asset file = DOC_NAME.matcher(name).matches() ? docs.computeIfAbsent(name, StaticFiles::readDoc) : null;
    if (file == null) {
      throw new HttpException(404, "no guide named \"" + InferenceException.abbreviate(name)
          + "\"; the guides are README.md and those of docs/, such as serving.md");
    }
    send(exchange, file);
  }

  /** A guide from the jar, or {@code null} (not cached, so unknown names cannot fill the cache). */
  private static Asset readDoc(String name) {
    byte[] bytes = read(DOCS + name);
    return bytes == null ? null : prepared(bytes, "text/plain; charset=utf-8");
  }

  private static void send(Exchange exchange, Asset file) {
    ServerResponse response = exchange.response();
    response.header(HeaderNames.ETAG, file.etag());
    // Revalidate every time (a new mlapi may be behind the same address), at the cost of a 304.
    response.header(HeaderNames.CACHE_CONTROL, "no-cache");
    response.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
    boolean fresh = exchange.request().headers().first(HeaderNames.IF_NONE_MATCH)
        .map(tags -> List.of(tags.split("\\s*,\\s*")).contains(file.etag())).orElse(false);
    if (fresh) {
      response.status(Status.NOT_MODIFIED_304).send();
      return;
    }
    response.header(HeaderNames.CONTENT_TYPE, file.contentType());
    response.status(Status.OK_200).send(file.bytes());
  }

  private static Asset required(String resource) {
    byte[] bytes = read(resource);
    if (bytes == null) {
      throw new IllegalStateException(resource + " is missing from the jar");
    }
    String name = resource.substring(resource.lastIndexOf('/') + 1);
    String type = name.endsWith(".html") ? "text/html; charset=utf-8"
        : name.endsWith(".css") ? "text/css; charset=utf-8"
        : "text/javascript; charset=utf-8";
    return prepared(bytes, type);
  }

  private static Asset prepared(byte[] bytes, String contentType) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return new Asset(bytes, contentType, "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  private static byte[] read(String resource) {
    try (InputStream in = StaticFiles.class.getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
