package io.mlapi.repository;

import io.mlapi.model.Model;
import java.util.List;

/**
 * One model of the repository at one moment: every version known, newest first, and the ones served.
 *
 * @param versions newest first
 * @param latest the newest served version, the one a request without a version gets; {@code null}
 *     when none is served
 * @param unloaded whether an operator unloaded the model (it stays unloaded until loaded again)
 * @param failing whether a version failed its last load (and has not loaded since): it is
 *     {@code UNAVAILABLE}, or still served from the copy loaded before, with the failure as its reason
 */
public record ModelStatus(String name, List<VersionStatus> versions, Model latest, boolean unloaded,
    boolean failing) {
  public ModelStatus {
    versions = List.copyOf(versions);
  }

  public boolean ready() {
    return latest != null;
  }

  /**
   * Whether all is well with the model: it serves a version, none is loading and none failed. The
   * metrics list such a model in no per-model series but its failure counter.
   */
  public boolean settled() {
    return ready() && !failing && versions.stream().noneMatch(v -> v.state() == VersionStatus.State.LOADING);
  }

  /** The version numbered {@code version}, if the repository knows it. */
  public VersionStatus version(int version) {
    for (VersionStatus status : versions) {
      if (status.version() == version) {
        return status;
      }
    }
    return null;
  }

  /** The versions served, newest first. */
  public List<Integer> servedVersions() {
    return versions.stream().filter(v -> v.state() == VersionStatus.State.READY).map(VersionStatus::version).toList();
  }
}
