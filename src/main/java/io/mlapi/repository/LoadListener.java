package io.mlapi.repository;

/** Told of every attempt to load a model version: the metrics count them. */
public interface LoadListener {
  /**
   * The repository has found a model it did not know, before any version of it loads: the
   * metrics start its failure counter at 0 here, so the first failure is an increase.
   */
  default void seen(String model) {
  }

  /** The version loaded and passed its checks in {@code nanos}. */
  void loaded(String model, int version, long nanos);

  /** The version could not be loaded (or failed its checks) after {@code nanos}. */
  void failed(String model, int version, long nanos);
}
