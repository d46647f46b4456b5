package io.mlapi.model;

/**
 * Why a request is refused, in the core's own terms: every protocol adapter maps the {@link Kind}
 * to its own status in one place (HTTP status, gRPC status code), and sends the message as it is,
 * so every protocol gives the same sentence for the same mistake. Anything else thrown while
 * serving is a bug of ours, never reported as the client's mistake.
 */
public final class InferenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The kinds of refusal, after KServe's data-plane errors. */
  public enum Kind {
    /** The request is malformed or does not fit the model (HTTP 400, gRPC INVALID_ARGUMENT). */
    INVALID_INPUT,
    /** No such model or version (HTTP 404, gRPC NOT_FOUND). */
    NOT_FOUND,
    /** The model or the server cannot serve now: loading, failed, unloaded, draining (HTTP 503, gRPC UNAVAILABLE). */
    UNAVAILABLE,
    /** Over a configured limit: rows per request, request size (HTTP 413, gRPC RESOURCE_EXHAUSTED). */
    LIMIT_EXCEEDED,
    /** A feature the server does not offer (HTTP 501, gRPC UNIMPLEMENTED). */
    UNIMPLEMENTED
  }

  private final Kind kind;

  public InferenceException(Kind kind, String message) {
    super(message, null, false, false); // an expected outcome: no stack trace to fill in
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static InferenceException invalidInput(String message) {
    return new InferenceException(Kind.INVALID_INPUT, message);
  }

  public static InferenceException notFound(String message) {
    return new InferenceException(Kind.NOT_FOUND, message);
  }

  public static InferenceException unavailable(String message) {
    return new InferenceException(Kind.UNAVAILABLE, message);
  }

  public static InferenceException limitExceeded(String message) {
    return new InferenceException(Kind.LIMIT_EXCEEDED, message);
  }

  public static InferenceException unimplemented(String message) {
    return new InferenceException(Kind.UNIMPLEMENTED, message);
  }

  /** A client's text in a message: at most 40 characters, so a huge name cannot flood logs and replies. */
  public static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 37) + "...";
  }
}
