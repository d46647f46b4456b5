package io.mlapi.repository;

/** Told of every attempt to load a model version: the metrics count them. */
public interface LoadListener {
  /** The version loaded and passed its checks in {@code nanos}. */
  void loaded(String model, int version, long nanos);

  /** The version could not be loaded (or failed its checks) after {@code nanos}. */
  void failed(String model, int version, long nanos);
}
