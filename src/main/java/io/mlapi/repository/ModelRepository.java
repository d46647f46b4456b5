package io.mlapi.repository;

import io.mlapi.model.Model;
import io.mlapi.model.ModelFormatException;
import io.mlapi.repository.ModelSource.VersionDir;
import io.mlapi.repository.VersionStatus.State;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * The models the server answers with, kept in step with a {@link ModelSource} by {@link #poll()}.
 *
 * <p>A new or changed version is loaded and checked by the {@link ModelLoader} (for mlapi's own
 * models: checksums, metadata, predicting its own test rows) while the previous state keeps serving; only then does one
 * atomic write publish the new {@link RepositoryState}. A request that already holds a model
 * finishes with it. A version that fails to load is reported (log, {@link LoadListener}, its
 * {@link VersionStatus}) and never served, and it is not retried until its files change.
 *
 * <p>A model no longer served is closed ({@link Model#close}) once the state without it is
 * published. Polls and the load and unload commands run one at a time; readers never wait.
 */
public final class ModelRepository {
  private static final Logger LOG = Logger.getLogger(ModelRepository.class.getName());

  private final ModelSource source;
  private final ModelLoader loader;
  private final VersionPolicies policies;
  private final LoadListener listener;
  private final String configuredDefault;

  private final Object lock = new Object();
  // Guarded by lock:
  private final Map<String, Tracked> tracked = new TreeMap<>();
  private final Set<String> required = new HashSet<>();
  private boolean started;
  private String defaultModel;
  private String scanError;
  /** Models dropped since the last publish, closed once the state without them is out. */
  private final List<Model> retired = new ArrayList<>();

  private volatile RepositoryState state = RepositoryState.STARTING;

  /**
   * @param defaultModel the model of {@code /score} and {@code /predict}; {@code null} to let the
   *     source choose from its first scan ({@link ModelSource#defaultModel})
   */
  public ModelRepository(ModelSource source, ModelLoader loader, VersionPolicies policies, LoadListener listener,
      String defaultModel) {
    this.source = source;
    this.loader = loader;
    this.policies = policies;
    this.listener = listener;
    this.configuredDefault = defaultModel;
  }

  /** What is served now. */
  public RepositoryState state() {
    return state;
  }

  /** Scans the source and loads, switches and unloads versions to match it and the version policies. */
  public void poll() {
    synchronized (lock) {
      Map<String, NavigableMap<Integer, VersionDir>> scan;
      try {
        scan = source.scan();
        scanError = null;
      } catch (Exception e) {
        scanError = "cannot read " + source + ": " + e.getMessage();
        LOG.warning(scanError + "; serving what is loaded");
        publish();
        return;
      }
      Set<String> names = new TreeSet<>(scan.keySet());
      names.addAll(tracked.keySet());
      for (String name : names) {
        NavigableMap<Integer, VersionDir> onDisk = scan.get(name);
        if (onDisk == null || onDisk.isEmpty()) {
          Tracked gone = tracked.remove(name);
          required.remove(name);
          if (gone != null) {
            gone.retireAll(retired);
            if (!gone.served.isEmpty()) {
              LOG.info("model " + name + " is no longer in " + source + ": unloaded");
            }
          }
          continue;
        }
        Tracked model = tracked.computeIfAbsent(name, Tracked::new);
        model.onDisk = onDisk;
        if (!model.unloaded) {
          reconcile(model);
          if (!started || !model.served.isEmpty()) {
            required.add(name);
          }
        }
      }
      if (!started) {
        started = true;
        defaultModel = configuredDefault != null ? configuredDefault : source.defaultModel(scan);
      }
      publish();
    }
  }

  /**
   * Loads {@code name} again after {@link #unload}, or retries its failed versions: the
   * repository extension's {@code load}.
   *
   * @return the model's status afterwards, or empty when the source has no such model
   */
  public Optional<ModelStatus> load(String name) {
    synchronized (lock) {
      Tracked model = tracked.get(name);
      if (model != null) {
        model.unloaded = false;
        model.attempts.values().removeIf(attempt -> attempt.model == null);
      }
      poll();
      return Optional.ofNullable(state.models().get(name));
    }
  }

  /**
   * Stops serving {@code name} until {@link #load} is called: the repository extension's {@code unload}.
   *
   * @return the model's status afterwards, or empty when there is no such model
   */
  public Optional<ModelStatus> unload(String name) {
    synchronized (lock) {
      Tracked model = tracked.get(name);
      if (model == null) {
        return Optional.empty();
      }
      model.unloaded = true;
      model.served = Set.of();
      model.retireAll(retired);
      required.remove(name);
      LOG.info("model " + name + " unloaded on request; it stays unloaded until loaded again");
      publish();
      return Optional.of(state.models().get(name));
    }
  }

  /**
   * Loads the versions the policy wants, newest first, until it has as many as the policy
   * serves. Versions no longer wanted are dropped; if no version loads at all, the versions
   * served before keep serving (even when their directories are gone): a model is never left
   * with nothing to answer because of a bad upload.
   */
  private void reconcile(Tracked model) {
    VersionPolicy policy = policies.of(model.name);
    Set<Integer> served = new TreeSet<>(Collections.reverseOrder());
    for (int version : policy.candidates(model.onDisk.navigableKeySet())) {
      if (served.size() >= policy.limit()) {
        break;
      }
      VersionDir dir = model.onDisk.get(version);
      Attempt attempt = model.attempts.get(version);
      if (attempt == null || !attempt.fingerprint.equals(dir.fingerprint())) {
        model.loading = version;
        publish();
        Attempt previous = attempt;
        attempt = loadVersion(model.name, version, dir, previous);
        if (previous != null && previous.model != null && previous.model != attempt.model) {
          retired.add(previous.model);
        }
        model.loading = null;
        model.attempts.put(version, attempt);
      }
      if (attempt.model != null) {
        served.add(version);
      }
    }
    if (served.isEmpty() && !model.served.isEmpty()) {
      served.addAll(model.served);
      LOG.warning("no version of model " + model.name + " that the policy (" + policy + ") selects loads; "
          + "still serving version " + model.served.iterator().next());
    }
    if (!served.equals(model.served)) {
      LOG.info("model " + model.name + ": serving version" + (served.size() == 1 ? " " : "s ")
          + served.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("(none)"));
    }
    model.served = served;
    // Free the models no longer served; keep failed attempts so an unchanged broken version is not retried.
    model.attempts.entrySet().removeIf(entry -> {
      boolean drop = !served.contains(entry.getKey())
          && (entry.getValue().model != null || !model.onDisk.containsKey(entry.getKey()));
      if (drop && entry.getValue().model != null) {
        retired.add(entry.getValue().model);
      }
      return drop;
    });
  }

  private Attempt loadVersion(String name, int version, VersionDir dir, Attempt previous) {
    long start = System.nanoTime();
    try {
      Model model = loader.load(dir.dir(), name, version);
      listener.loaded(name, version, System.nanoTime() - start);
      LOG.info("loaded model " + name + " version " + version + " from " + dir.dir() + " in "
          + (System.nanoTime() - start) / 1_000_000 + " ms"
          + (model.score().isPresent() ? " (test score " + model.score().getAsDouble() + ")" : ""));
      return new Attempt(dir.fingerprint(), model, null);
    } catch (ModelFormatException e) {
      listener.failed(name, version, System.nanoTime() - start);
      if (previous != null && previous.model != null) {
        String reason = "changed on disk, and the new files do not load (" + e.getMessage()
            + "); still serving the copy loaded before";
        LOG.warning("model " + name + " version " + version + " " + reason);
        return new Attempt(dir.fingerprint(), previous.model, reason);
      }
      LOG.warning("cannot load model " + name + " version " + version + ", not serving it: " + e.getMessage());
      return new Attempt(dir.fingerprint(), null, e.getMessage());
    }
  }

  private void publish() {
    Map<String, ModelStatus> models = new LinkedHashMap<>();
    for (Tracked model : tracked.values()) {
      models.put(model.name, model.status(policies.of(model.name)));
    }
    state = new RepositoryState(models, started, required, defaultModel, scanError);
    for (Model model : retired) {
      try {
        model.close();
      } catch (RuntimeException e) {
        LOG.warning("closing model " + model.name() + " version " + model.version() + " failed: " + e);
      }
    }
    retired.clear();
  }

  /** What a version's last load attempt left: the model (if any) and what went wrong (if anything). */
  private record Attempt(String fingerprint, Model model, String failure) {}

  /** The loader's bookkeeping for one model name. Guarded by the repository's lock. */
  private static final class Tracked {
    final String name;
    final NavigableMap<Integer, Attempt> attempts = new TreeMap<>();
    NavigableMap<Integer, VersionDir> onDisk = new TreeMap<>();
    Set<Integer> served = Set.of();
    boolean unloaded;
    Integer loading;

    Tracked(String name) {
      this.name = name;
    }

    /** Forgets every attempt, handing the loaded models to {@code retired} to be closed. */
    void retireAll(List<Model> retired) {
      attempts.values().stream().map(Attempt::model).filter(java.util.Objects::nonNull).distinct()
          .forEach(retired::add);
      attempts.clear();
    }

    ModelStatus status(VersionPolicy policy) {
      NavigableMap<Integer, VersionStatus> versions = new TreeMap<>(Collections.reverseOrder());
      for (int version : onDisk.keySet()) {
        String reason = unloaded ? "unloaded; load the model to serve it again"
            : "not selected by the version policy " + policy;
        versions.put(version, new VersionStatus(version, State.UNAVAILABLE, reason, null));
      }
      attempts.forEach((version, attempt) -> {
        if (attempt.model == null) {
          versions.put(version, new VersionStatus(version, State.UNAVAILABLE, attempt.failure, null));
        }
      });
      Model latest = null;
      for (int version : served) {
        Attempt attempt = attempts.get(version);
        String reason = attempt.failure != null ? attempt.failure
            : onDisk.containsKey(version) ? ""
            : "removed from the repository; still serving it because no other version loads";
        versions.put(version, new VersionStatus(version, State.READY, reason, attempt.model));
        if (latest == null) {
          latest = attempt.model;
        }
      }
      if (loading != null) {
        versions.put(loading, new VersionStatus(loading, State.LOADING, "", null));
      }
      return new ModelStatus(name, new ArrayList<>(versions.values()), latest, unloaded);
    }
  }

  @Override
  public String toString() {
    return "repository of " + source;
  }

  /** Every problem the repository knows of, one line each: for a start-up failure message. */
  public List<String> problems() {
    synchronized (lock) {
      List<String> problems = new ArrayList<>();
      if (scanError != null) {
        problems.add(scanError);
      }
      for (Tracked model : tracked.values()) {
        model.attempts.forEach((version, attempt) -> {
          if (attempt.failure != null) {
            problems.add("model " + model.name + " version " + version + ": " + attempt.failure);
          }
        });
      }
      return problems;
    }
  }
}
