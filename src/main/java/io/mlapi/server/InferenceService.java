package io.mlapi.server;

import io.mlapi.metrics.Metrics;
import io.mlapi.model.Model;
import io.mlapi.model.Prediction;
import io.mlapi.repository.ModelRepository;
import io.mlapi.repository.ModelStatus;
import io.mlapi.repository.RepositoryState;
import io.mlapi.repository.VersionStatus;
import java.util.List;
import java.util.Map;

/**
 * The inference core behind every protocol: finds the model a request addresses, checks the rows
 * against it, and predicts. Each check lives here once, so every protocol gives the same answer
 * and the same error for the same mistake.
 */
public final class InferenceService {
  private final ModelRepository repository;
  private final Metrics metrics;
  private final int maxRows;

  public InferenceService(ModelRepository repository, Metrics metrics, int maxRows) {
    this.repository = repository;
    this.metrics = metrics;
    this.maxRows = maxRows;
  }

  RepositoryState state() {
    return repository.state();
  }

  ModelRepository repository() {
    return repository;
  }

  /** The model of {@code /score} and {@code /predict}: 503 while loading, 404 when there is none. */
  Model defaultModel() {
    RepositoryState state = repository.state();
    if (!state.started()) {
      throw notStarted();
    }
    if (state.defaultModel() == null) {
      throw new ApiException(404, "there is no default model: the repository serves " + state.models().size()
          + " models (" + String.join(", ", state.models().keySet()) + "); start the server with --default-model NAME, "
          + "or address a model by name (/v2/models/NAME/infer, /v1/models/NAME:predict)");
    }
    return model(state.defaultModel(), null);
  }

  /**
   * The model {@code name} at {@code version}, or its newest served version when {@code version}
   * is {@code null}: 404 when the repository has no such model or version, 503 when it has it
   * but cannot serve it (loading, failed, unloaded).
   */
  Model model(String name, String version) {
    ModelStatus model = status(name);
    if (version == null) {
      if (model.latest() == null) {
        throw new ApiException(503, "model " + name + " has no version ready: " + notReadyReason(model));
      }
      return model.latest();
    }
    int number = parseVersion(version);
    VersionStatus status = number > 0 ? model.version(number) : null;
    if (status == null) {
      throw new ApiException(404, "model " + name + " has no version \"" + Instances.abbreviate(version)
          + "\"; its versions are " + versionList(model));
    }
    if (status.model() == null) {
      throw new ApiException(503, "version " + status.version() + " of model " + name + " is not served: "
          + (status.state() == VersionStatus.State.LOADING ? "it is loading" : status.reason()));
    }
    return status.model();
  }

  /** What the repository knows of {@code name}: 503 before the first scan, 404 when it has no such model. */
  ModelStatus status(String name) {
    RepositoryState state = repository.state();
    ModelStatus model = state.models().get(name);
    if (model == null) {
      if (!state.started()) {
        throw notStarted();
      }
      throw new ApiException(404, "no model named \"" + Instances.abbreviate(name) + "\"; the models are "
          + (state.models().isEmpty() ? "(none)" : String.join(", ", state.models().keySet())));
    }
    return model;
  }

  /** Ready when every model the server must serve has a version loaded. */
  boolean ready() {
    return repository.state().ready();
  }

  /** Why the server is not ready, for a 503's message. */
  String notReadyReason() {
    RepositoryState state = repository.state();
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

  private static ApiException notStarted() {
    return new ApiException(503, "the models are still loading; retry when /v2/health/ready answers 200");
  }

  private static int parseVersion(String version) {
    if (!version.matches("[1-9][0-9]{0,8}")) {
      return -1;
    }
    return Integer.parseInt(version);
  }

  private static String versionList(ModelStatus model) {
    return model.versions().isEmpty() ? "(none)"
        : String.join(", ", model.versions().stream().map(v -> Integer.toString(v.version())).toList());
  }

  /** Refuses a request of {@code rows} rows before any is parsed, if there are none or too many. */
  void checkRowCount(int rows) {
    if (rows == 0) {
      throw ApiException.badRequest("no rows: send at least one row");
    }
    if (rows > maxRows) {
      throw ApiException.badRequest(rows + " rows is more than the limit of " + maxRows + " per request");
    }
  }

  /**
   * One row given as feature name to value, in the model's feature order.
   *
   * @param row the row's index, for messages
   */
  double[] namedRow(Model model, int row, Map<String, Double> values) {
    List<String> names = model.featureNames();
    double[] x = new double[names.size()];
    for (String name : values.keySet()) {
      if (!names.contains(name)) {
        throw ApiException.badRequest("row " + row + ": unknown feature \"" + Instances.abbreviate(name) + "\"; model "
            + model.name() + " takes " + String.join(", ", names));
      }
    }
    for (int f = 0; f < x.length; f++) {
      Double value = values.get(names.get(f));
      if (value == null) {
        throw ApiException.badRequest("row " + row + ": feature \"" + names.get(f) + "\" is missing; model "
            + model.name() + " takes " + String.join(", ", names));
      }
      x[f] = value;
    }
    return x;
  }

  /**
   * Predicts {@code rows} after checking them: at least one and at most the limit, each with the
   * model's feature count, every value finite.
   */
  Prediction predict(Model model, double[][] rows, boolean probabilities, boolean decisionFunction) {
    checkRowCount(rows.length);
    int features = model.featureCount();
    for (int r = 0; r < rows.length; r++) {
      double[] row = rows[r];
      if (row.length != features) {
        throw ApiException.badRequest("row " + r + " has " + row.length + " values, but model " + model.name()
            + " takes " + features + " features: " + String.join(", ", model.featureNames()));
      }
      for (int f = 0; f < features; f++) {
        if (!Double.isFinite(row[f])) {
          throw ApiException.badRequest("row " + r + ", feature " + model.featureNames().get(f) + ": "
              + row[f] + " is not a finite number");
        }
      }
    }
    if (probabilities && !model.hasProbabilities()) {
      throw ApiException.badRequest("model " + model.name() + " version " + model.version()
          + " was trained without probability estimates; train it with --probability to get them");
    }
    long start = System.nanoTime();
    Prediction prediction = model.predict(rows, probabilities, decisionFunction);
    metrics.inference(model.name(), model.version(), System.nanoTime() - start);
    return prediction;
  }
}
