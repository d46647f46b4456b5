package io.mlapi.repository;

import java.util.Map;
import java.util.Set;

/**
 * What the repository serves at one moment: an immutable snapshot, replaced as a whole when
 * anything changes, so a request sees one consistent state from start to end.
 *
 * @param models by name, sorted
 * @param started whether the first scan is done (before it nothing is known, and nothing is ready)
 * @param required the models readiness waits for: those found by the first scan, and those loaded
 *     since (so a broken new model never takes a serving replica out of rotation)
 * @param defaultModel the model of {@code /score} and {@code /predict}; {@code null} when there is none
 * @param scanError why the last scan failed, or {@code null}
 */
public record RepositoryState(Map<String, ModelStatus> models, boolean started, Set<String> required,
    String defaultModel, String scanError) {
  public RepositoryState {
    models = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(models));
    required = Set.copyOf(required);
  }

  static final RepositoryState STARTING = new RepositoryState(Map.of(), false, Set.of(), null, null);

  /** Ready when the first scan is done and every required model serves a version. */
  public boolean ready() {
    if (!started) {
      return false;
    }
    for (String name : required) {
      ModelStatus model = models.get(name);
      if (model == null || !model.ready()) {
        return false;
      }
    }
    return true;
  }
}
