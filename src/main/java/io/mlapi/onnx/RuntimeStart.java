package io.mlapi.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts ONNX Runtime (its native library and process-wide environment) on a thread of its own with
 * a deep stack. Creating the environment recurses through the process's command line, two native
 * frames per character (measured with ONNX Runtime 1.29: a 6 KB command line overflows a thread's
 * default 1 MiB stack, and the JVM dies of SIGSEGV without a word). The stack is only reserved,
 * not used, unless the recursion needs it; 64 MiB take command lines of some 350 KB.
 */
final class RuntimeStart {
  private static final long STACK_BYTES = 64L << 20;

  private RuntimeStart() {}

  /**
   * ONNX Runtime's environment: started now, or the one started before.
   *
   * @throws IllegalStateException or {@link LinkageError} when it cannot start on this machine
   */
  static OrtEnvironment environment() {
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread starter = new Thread(null, () -> {
      try {
        outcome.set(OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "mlapi"));
      } catch (RuntimeException | LinkageError e) {
        outcome.set(e);
      }
    }, "mlapi-onnxruntime-start", STACK_BYTES);
    starter.start();
    try {
      starter.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while ONNX Runtime started", e);
    }
    return switch (outcome.get()) {
      case OrtEnvironment environment -> environment;
      case RuntimeException e -> throw e;
      case LinkageError e -> throw e;
      default -> throw new IllegalStateException("ONNX Runtime's start ended without an environment");
    };
  }
}
