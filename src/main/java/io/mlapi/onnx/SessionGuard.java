package io.mlapi.onnx;

import io.mlapi.model.InferenceException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps a native resource (an ONNX Runtime session) open while anyone uses it, and closes it once
 * its owner has let go and the last user is done: the repository closes a model as soon as it
 * stops serving it, while a request that took the model from an older snapshot may still be
 * running it. Closing a session under a running inference would crash the JVM; here the session
 * is closed by whoever finishes last, and nobody waits for anybody.
 *
 * <p>A reference count: the owner holds one reference from construction to {@link #close()}, each
 * {@link #acquire()} adds one until its {@link Lease} is closed. Once the owner has closed, new
 * acquisitions fail at once (so a busy model cannot be kept open forever by new requests).
 */
final class SessionGuard<T extends AutoCloseable> implements AutoCloseable {
  private final T resource;
  private final Supplier<String> closedMessage;
  private final AtomicLong references = new AtomicLong(1);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Consumer<Exception> onFailedClose;

  /**
   * @param closedMessage what a late request is told (as UNAVAILABLE) once the owner has closed
   * @param onFailedClose told when closing the resource throws (to log it: nothing else can be done)
   */
  SessionGuard(T resource, Supplier<String> closedMessage, Consumer<Exception> onFailedClose) {
    this.resource = resource;
    this.closedMessage = closedMessage;
    this.onFailedClose = onFailedClose;
  }

  /**
   * The resource, held open until the lease is closed.
   *
   * @throws InferenceException UNAVAILABLE once the owner has closed the guard
   */
  Lease acquire() {
    while (true) {
      long count = references.get();
      if (count == 0 || closed.get()) {
        throw InferenceException.unavailable(closedMessage.get());
      }
      if (references.compareAndSet(count, count + 1)) {
        return new Lease();
      }
    }
  }

  /** Whether the resource itself has been closed (the owner closed, and every lease is back). */
  boolean resourceClosed() {
    return references.get() == 0;
  }

  /** The owner lets go: new acquisitions fail, and the resource closes when the last lease does (now, if none is out). */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      release();
    }
  }

  private void release() {
    if (references.decrementAndGet() == 0) {
      try {
        resource.close();
      } catch (Exception e) {
        onFailedClose.accept(e);
      }
    }
  }

  /** One use of the resource; close it exactly once (try-with-resources). */
  final class Lease implements AutoCloseable {
    private final AtomicBoolean returned = new AtomicBoolean();

    T resource() {
      return resource;
    }

    @Override
    public void close() {
      if (returned.compareAndSet(false, true)) {
        release();
      }
    }
  }
}
