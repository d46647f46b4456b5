package io.mlapi.server;

import io.helidon.common.media.type.MediaType;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;
import io.mlapi.model.InferenceException;
import java.util.Locale;
import java.util.Optional;

/**
 * When a JSON body is refused for its {@code Content-Type} (415): when the client says it sends
 * something else. Taken as JSON: no {@code Content-Type}, {@code application/json} and any
 * {@code +json} type, and the two types tools send when their user named none, so that the
 * README's and KServe's documented {@code curl -d} requests work: {@code
 * application/x-www-form-urlencoded} ({@code curl -d}) and {@code text/plain} (a browser's
 * {@code fetch} of a string). A charset, if given, must be UTF-8 (JSON's only encoding). The
 * binary data extension's requests (with {@code Inference-Header-Content-Length}) are not JSON
 * bodies, and are not checked here.
 */
final class JsonContentType {
  private JsonContentType() {}

  /** @throws HttpException 415 when the request's {@code Content-Type} says it is not JSON */
  static void require(ServerRequest request) {
    Optional<HttpMediaType> declared = request.headers().contentType();
    if (declared.isEmpty()) {
      return;
    }
    HttpMediaType type = declared.get();
    MediaType media = type.mediaType();
    String subtype = media.subtype().toLowerCase(Locale.ROOT);
    String full = media.type().toLowerCase(Locale.ROOT) + "/" + subtype;
    boolean json = full.equals("application/json") || subtype.endsWith("+json")
        || full.equals("application/x-www-form-urlencoded") || full.equals("text/plain");
    if (!json) {
      throw new HttpException(415, "the body must be JSON, but its Content-Type is \""
          + InferenceException.abbreviate(media.text()) + "\"; send it as application/json"
          + (request.path().path().endsWith("/infer")
              ? " (binary tensors: the binary data extension, with the Inference-Header-Content-Length header)"
              : ""));
    }
    Optional<String> charset = type.charset();
    if (charset.isPresent() && !charset.get().equalsIgnoreCase("utf-8") && !charset.get().equalsIgnoreCase("utf8")) {
      throw new HttpException(415, "JSON is UTF-8, but the Content-Type says charset="
          + InferenceException.abbreviate(charset.get()) + "; send UTF-8");
    }
  }
}
