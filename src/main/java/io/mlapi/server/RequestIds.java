package io.mlapi.server;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Request ids for {@code X-Request-Id}: the client's own when it sends a sensible one (so a
 * request can be followed across services), else a new one: this server's random prefix and a
 * counter, unique without a random draw per request.
 */
final class RequestIds {
  static final HeaderName HEADER = HeaderNames.create("X-Request-Id");
  private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:/+=@-]{1,128}");

  private final String prefix;
  private final AtomicLong counter = new AtomicLong();

  /** @param seed makes this server's prefix; tests pass a fixed one */
  RequestIds(long seed) {
    this.prefix = String.format("%08x", (int) (seed ^ (seed >>> 32)));
  }

  String of(ServerRequest request) {
    String given = request.headers().first(HEADER).orElse(null);
    if (given != null && ACCEPTED.matcher(given).matches()) {
      return given;
    }
    return prefix + "-" + Long.toHexString(counter.incrementAndGet());
  }
}
