package io.mlapi.repository;

import io.mlapi.model.Model;

/**
 * One version of a model as the repository knows it.
 *
 * @param state whether it is served
 * @param reason why it is not served, or what went wrong while it keeps serving; empty when all is well
 * @param model the loaded model, when {@code state} is {@link State#READY}; else {@code null}
 */
public record VersionStatus(int version, State state, String reason, Model model) {
  /** The states of Triton's repository index, the subset that applies here. */
  public enum State {
    /** Being loaded and checked right now. */
    LOADING,
    /** Loaded, checked and served. */
    READY,
    /** Not served: failed to load, excluded by the version policy, or unloaded; {@code reason} says which. */
    UNAVAILABLE
  }
}
