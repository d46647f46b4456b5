package io.mlapi.inference;

import io.mlapi.model.InferenceException;
import io.mlapi.model.Model;
import io.mlapi.repository.ModelStatus;
import io.mlapi.repository.RepositoryState;
import io.mlapi.repository.VersionStatus;
import java.util.List;

/**
 * The repository as one request sees it, from start to end: every lookup of the request reads
 * this one state, so its answer never mixes two versions, even when a new one is switched in
 * meanwhile. Lookups fail with the core's errors: {@code NOT_FOUND} for a model or version the
 * repository does not have, {@code UNAVAILABLE} for one it has but cannot serve now.
 */
public final class Snapshot {
  private final RepositoryState state;

  Snapshot(RepositoryState state) {
    this.state = state;
  }

  public RepositoryState state() {
    return state;
  }

  /** The model of {@code /score} and {@code /predict}: unavailable while loading, not found when there is none. */
  public Model defaultModel() {
    if (!state.started()) {
      throw notStarted();
    }
    if (state.defaultModel() == null) {
      throw InferenceException.notFound("there is no default model: the repository serves " + state.models().size()
          + " models (" + String.join(", ", state.models().keySet()) + "); start the server with --default-model NAME, "
          + "or address a model by name (/v2/models/NAME/infer, /v1/models/NAME:predict)");
    }
    return model(state.defaultModel(), null);
  }

  /**
   * The model {@code name} at {@code version}, or its newest served version when {@code version}
   * is {@code null}.
   */
  public Model model(String name, String version) {
    return resolve(status(name), version);
  }

  /** Version {@code version} (newest served when {@code null}) of a model this snapshot holds. */
  public Model resolve(ModelStatus model, String version) {
    String name = model.name();
    if (version == null) {
      if (model.latest() == null) {
        throw InferenceException.unavailable("model " + name + " has no version ready: " + notReadyReason(model));
      }
      return model.latest();
    }
    int number = parseVersion(version);
    VersionStatus status = number > 0 ? model.version(number) : null;
    if (status == null) {
      throw InferenceException.notFound("model " + name + " has no version \""
          + InferenceException.abbreviate(version) + "\"; its versions are " + versionList(model));
    }
    if (status.model() == null) {
      throw InferenceException.unavailable("version " + status.version() + " of model " + name + " is not served: "
          + (status.state() == VersionStatus.State.LOADING ? "it is loading" : status.reason()));
    }
    return status.model();
  }

  /** What the repository knows of {@code name}. */
  public ModelStatus status(String name) {
    ModelStatus model = state.models().get(name);
    if (model == null) {
      if (!state.started()) {
        throw notStarted();
      }
      throw InferenceException.notFound("no model named \"" + InferenceException.abbreviate(name)
          + "\"; the models are " + (state.models().isEmpty() ? "(none)" : String.join(", ", state.models().keySet())));
    }
    return model;
  }

  /** Ready when every model the server must serve has a version loaded. */
  public boolean ready() {
    return state.ready();
  }

  /** Why the server is not ready, for a 503's message. */
  public String notReadyReason() {
    if (!state.started()) {
      return "the models are still loading";
    }
    for (String name : state.required()) {
      ModelStatus model = state.models().get(name);
      if (model == null || !model.ready()) {
        return "model " + name + " has no version ready: "
            + (model == null ? "it is no longer in the repository" : notReadyReason(model));
      }
    }
    return "ready";
  }

  private static String notReadyReason(ModelStatus model) {
    if (model.unloaded()) {
      return "it was unloaded; load it with POST /v2/repository/models/" + model.name() + "/load";
    }
    return model.versions().stream()
        .map(v -> "version " + v.version() + " " + (v.state() == VersionStatus.State.LOADING ? "is loading" : v.reason()))
        .reduce((a, b) -> a + "; " + b).orElse("no versions");
  }

  private static InferenceException notStarted() {
    return InferenceException.unavailable("the models are still loading; retry when /v2/health/ready answers 200");
  }

  private static int parseVersion(String version) {
    if (!version.matches("[1-9][0-9]{0,8}")) {
      return -1;
    }
    return Integer.parseInt(version);
  }

  private static String versionList(ModelStatus model) {
    List<String> versions = model.versions().stream().map(v -> Integer.toString(v.version())).toList();
    return versions.isEmpty() ? "(none)" : String.join(", ", versions);
  }
}
