package io.mlapi.onnx;

import java.util.Locale;

/**
 * How ONNX models are opened: ONNX Runtime's session options, and the largest file mlapi opens.
 *
 * @param intraOpThreads threads one inference may use inside an operator; 1 (the default) runs
 *     each request on its own thread alone, which serves many concurrent requests best; 0 lets ONNX
 *     Runtime choose (one per core)
 * @param graphOptimization how far ONNX Runtime rewrites the graph when it opens it
 * @param maxModelBytes the largest {@code model.onnx} loaded; a larger one is refused
 */
public record OnnxSettings(int intraOpThreads, GraphOptimization graphOptimization, long maxModelBytes) {
  public static final int DEFAULT_INTRA_OP_THREADS = 1;
  public static final long DEFAULT_MAX_MODEL_BYTES = 1L << 30;

  public OnnxSettings {
    if (intraOpThreads < 0 || intraOpThreads > 1024) {
      throw new IllegalArgumentException("the ONNX intra-op thread count must be between 0 (ONNX Runtime's choice) "
          + "and 1024, got " + intraOpThreads);
    }
    if (graphOptimization == null) {
      throw new IllegalArgumentException("a graph optimisation level is needed");
    }
    if (maxModelBytes < 1) {
      throw new IllegalArgumentException("the ONNX model size limit must be at least 1 byte, got " + maxModelBytes);
    }
  }

  /** One thread per inference, every graph optimisation, models up to 1 GiB. */
  public static OnnxSettings defaults() {
    return new OnnxSettings(DEFAULT_INTRA_OP_THREADS, GraphOptimization.ALL, DEFAULT_MAX_MODEL_BYTES);
  }

  /** ONNX Runtime's graph optimisation levels, named as its session options name them. */
  public enum GraphOptimization {
    /** No rewriting: the graph runs as written. */
    NONE,
    /** Semantics-preserving rewrites that need no particular hardware (constant folding, redundant nodes). */
    BASIC,
    /** Also fusions of several nodes into one. */
    EXTENDED,
    /** Also layout changes for the CPU (ONNX Runtime's default). */
    ALL;

    /** {@code none}, {@code basic}, {@code extended} or {@code all}, any case. */
    public static GraphOptimization parse(String text) {
      try {
        return valueOf(text.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the graph optimisation level must be none, basic, extended or all, got \""
            + text + "\"");
      }
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
