package io.mlapi.repository;

import io.mlapi.model.Model;
import io.mlapi.model.ModelFormatException;
import io.mlapi.repository.ModelSource.VersionDir;
import io.mlapi.repository.VersionStatus.State;
import java.nio.file.FileSystemException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
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
 * published. Polls and the load and unload commands run one at a time, under a
 * {@link ReentrantLock} (not a monitor: a virtual thread waiting for a monitor pins its carrier on
 * JDK 21); readers never wait for it, and the commands wait for it a bounded time
 * ({@link BusyException}).
 *
 * <p>At scale (a repository of thousands of models): the models of one poll load in parallel, a
 * few at a time (one per core; a model's own versions one after another, newest first); each
 * model's status is kept ready-made, and the state is published a few times a second while they
 * load and once at the end, not once per version, since each publish copies every model's status;
 * and a poll that loads many versions logs one line for all of them (failures are still logged
 * one by one). {@link #pollModels} looks at named models only, for a watcher that knows what changed.
 *
 * <p>Whatever a version's files do, only that version fails: before a loader opens anything the
 * directory is checked ({@link ModelSource#checkPlace}, {@link VersionFiles}); each load runs on
 * its own thread and is given up after the load timeout (a file that never ends); and every
 * {@link Throwable} it throws, errors included, marks that version failed with a reason that
 * names files relative to the repository and quotes nothing of their content.
 */
public final class ModelRepository {
  private static final Logger LOG = Logger.getLogger(ModelRepository.class.getName());
  /** How long a version may take to load and check, unless configured otherwise. */
  public static final Duration DEFAULT_LOAD_TIMEOUT = Duration.ofMinutes(2);
  /** The largest file a version directory may hold. */
  static final long MAX_FILE_BYTES = 4L << 30;
  /** Failure reasons are cut to this length. */
  private static final int MAX_REASON = 500;
  /** A poll that loads more models than this logs one summary line, not a line per version. */
  private static final int LOG_EACH_UP_TO = 20;
  /** How often the state is published while a poll's models load (each publish copies every status). */
  private static final long PUBLISH_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  private final ModelSource source;
  private final ModelLoader loader;
  private final VersionPolicies policies;
  private final LoadListener listener;
  private final String configuredDefault;
  private final Duration loadTimeout;
  private final VersionFiles versionFiles;
  /** A platform thread per load or scan, so one that hangs (a FIFO's open) holds only itself. */
  private final Executor loads = runnable -> Thread.ofPlatform().daemon().name("mlapi-model-load").start(runnable);
  /** How many models load at once. */
  private final int parallelLoads = Math.max(1, Runtime.getRuntime().availableProcessors());

  private final ReentrantLock lock = new ReentrantLock();
  /** The versions loading now, for a command that finds the repository busy. */
  private final Set<String> busyWith = ConcurrentHashMap.newKeySet();
  // Guarded by lock:
  private final Map<String, Tracked> tracked = new TreeMap<>();
  private final Set<String> required = new HashSet<>();
  private boolean started;
  private String defaultModel;
  private String scanError;
  /**
   * Models dropped since the last publish, closed once a state without them is out. A model is
   * added only after the status that no longer holds it is set, so whatever {@link #publish} takes
   * from here before it reads the statuses is in none of them.
   */
  private final Queue<Model> retired = new ConcurrentLinkedQueue<>();

  private volatile RepositoryState state = RepositoryState.STARTING;

  /**
   * @param defaultModel the model of {@code /score} and {@code /predict}; {@code null} to let the
   *     source choose from its first scan ({@link ModelSource#defaultModel})
   */
  public ModelRepository(ModelSource source, ModelLoader loader, VersionPolicies policies, LoadListener listener,
      String defaultModel) {
    this(source, loader, policies, listener, defaultModel, DEFAULT_LOAD_TIMEOUT);
  }

  /** @param loadTimeout the longest one version may take to load (and the source to be scanned) */
  public ModelRepository(ModelSource source, ModelLoader loader, VersionPolicies policies, LoadListener listener,
      String defaultModel, Duration loadTimeout) {
    if (loadTimeout.isNegative() || loadTimeout.isZero()) {
      throw new IllegalArgumentException("the load timeout must be positive, got " + loadTimeout);
    }
    this.source = source;
    this.loader = loader;
    this.policies = policies;
    this.listener = listener;
    this.configuredDefault = defaultModel;
    this.loadTimeout = loadTimeout;
    this.versionFiles = new VersionFiles(MAX_FILE_BYTES);
  }

  /** A repository command could not start within its wait: a load is in progress. */
  public static final class BusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BusyException(String message) {
      super(message, null, false, false);
    }
  }

  /** What is served now. */
  public RepositoryState state() {
    return state;
  }

  /** Scans the source and loads, switches and unloads versions to match it and the version policies. */
  public void poll() {
    lock.lock();
    try {
      pollLocked(null);
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@link #poll()} for the models named only (those a watcher saw change): each is loaded,
   * switched or unloaded to match what the source has of it now ({@link ModelSource#scan(Set)}).
   * Before the first poll, every model is looked at.
   */
  public void pollModels(Set<String> names) {
    lock.lock();
    try {
      pollLocked(started ? Set.copyOf(names) : null);
    } finally {
      lock.unlock();
    }
  }

  /** @param only the models to look at, or {@code null} for all */
  private void pollLocked(Set<String> only) {
    Map<String, NavigableMap<Integer, VersionDir>> scan;
    try {
      scan = bounded("scanning " + source, only == null ? source::scan : () -> source.scan(only));
    } catch (CancellationException e) {
      throw e;
    } catch (Throwable e) {
      scanError = "cannot read the models: " + source.relative(reason(e));
      LOG.warning("cannot read " + source + ": " + reason(e) + "; serving what is loaded");
      publish();
      return;
    }
    boolean hadScanError = scanError != null;
    if (only == null) {
      scanError = null;
    }
    Set<String> names = new TreeSet<>(only == null ? scan.keySet() : only);
    if (only == null) {
      names.addAll(tracked.keySet());
    }
    boolean changed = !started || (only == null && hadScanError);
    List<Tracked> present = new ArrayList<>();
    List<Tracked> toLoad = new ArrayList<>();
    for (String name : names) {
      NavigableMap<Integer, VersionDir> onDisk = scan.get(name);
      if (onDisk == null || onDisk.isEmpty()) {
        Tracked gone = tracked.remove(name);
        required.remove(name);
        if (gone != null) {
          changed = true;
          gone.retireAll(retired);
          if (!gone.served.isEmpty()) {
            LOG.info("model " + name + " is no longer in " + source + ": unloaded");
          }
        }
        continue;
      }
      Tracked model = tracked.get(name);
      if (model == null) {
        model = new Tracked(name);
        tracked.put(name, model);
        listener.seen(name);
      }
      boolean sameFiles = onDisk.equals(model.onDisk);
      model.onDisk = onDisk;
      if (model.unloaded) {
        if (!sameFiles) {
          model.refresh(policies.of(name));
          changed = true;
        }
        continue;
      }
      present.add(model);
      Integer first = model.nextLoad(policies.of(name));
      if (first != null) {
        model.loading = first; // shown as LOADING from the first publish on, queued or loading
        model.refresh(policies.of(name));
        toLoad.add(model);
      } else if (!sameFiles) {
        reconcile(model, new Batch(false)); // nothing to load: a switch or a removal at most
      } else {
        continue; // as it was: nothing of it can change (the usual case of a poll, for every model)
      }
      changed = true;
    }
    loadAll(toLoad);
    for (Tracked model : present) {
      if (!started || !model.served.isEmpty()) {
        changed |= required.add(model.name);
      }
    }
    if (!started) {
      started = true;
      defaultModel = configuredDefault != null ? configuredDefault : source.defaultModel(scan);
    }
    if (changed) {
      publish();
    }
  }

  /**
   * Reconciles {@code models} (each has a version to load), {@link #parallelLoads} at a time, and
   * publishes the state every {@link #PUBLISH_EVERY_NANOS} meanwhile. A model's own versions load
   * one after another, so everything of one model stays on one thread.
   */
  private void loadAll(List<Tracked> models) {
    if (models.isEmpty()) {
      return;
    }
    boolean quiet = models.size() > LOG_EACH_UP_TO;
    Batch batch = new Batch(quiet);
    if (models.size() == 1) {
      publish();
      reconcile(models.getFirst(), batch);
      return;
    }
    long start = System.nanoTime();
    ExecutorService workers = Executors.newFixedThreadPool(Math.min(parallelLoads, models.size()),
        Thread.ofPlatform().daemon().name("mlapi-model-loader-", 1).factory());
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Tracked model : models) {
        futures.add(workers.submit(() -> reconcile(model, batch)));
      }
      publish();
      long published = System.nanoTime();
      for (Future<?> future : futures) {
        while (true) {
          try {
            future.get(PUBLISH_EVERY_NANOS, TimeUnit.NANOSECONDS);
            break;
          } catch (TimeoutException e) {
            // still loading: publish what has loaded so far, below
          } finally {
            if (System.nanoTime() - published >= PUBLISH_EVERY_NANOS) {
              publish();
              published = System.nanoTime();
            }
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while loading models");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      workers.shutdownNow(); // interrupts loads still running only when this poll is given up on
    }
    if (quiet) {
      LOG.info("loaded " + batch.loaded + " model versions of " + models.size() + " models in "
          + (System.nanoTime() - start) / 1_000_000 + " ms"
          + (batch.failed.get() > 0 ? "; " + batch.failed + " failed (each is logged above)" : ""));
    }
  }

  /** What the loads of one poll share: whether each is logged, and how many loaded or failed. */
  private record Batch(boolean quiet, AtomicInteger loaded, AtomicInteger failed) {
    Batch(boolean quiet) {
      this(quiet, new AtomicInteger(), new AtomicInteger());
    }
  }

  /**
   * Loads {@code name} again after {@link #unload}, or retries its failed versions: the
   * repository extension's {@code load}.
   *
   * @return the model's status afterwards, or empty when the source has no such model
   */
  public Optional<ModelStatus> load(String name) {
    return load(name, Duration.ofNanos(Long.MAX_VALUE));
  }

  /**
   * {@link #load(String)}, waiting at most {@code wait} for a poll or command in progress.
   *
   * @throws BusyException when it is still in progress after {@code wait}
   */
  public Optional<ModelStatus> load(String name, Duration wait) {
    lockWithin(wait);
    try {
      Tracked model = tracked.get(name);
      if (model != null) {
        model.unloaded = false;
        model.attempts.values().removeIf(attempt -> attempt.model == null);
      }
      pollLocked(null);
      return Optional.ofNullable(state.models().get(name));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops serving {@code name} until {@link #load} is called: the repository extension's {@code unload}.
   *
   * @return the model's status afterwards, or empty when there is no such model
   */
  public Optional<ModelStatus> unload(String name) {
    return unload(name, Duration.ofNanos(Long.MAX_VALUE));
  }

  /**
   * {@link #unload(String)}, waiting at most {@code wait} for a poll or command in progress.
   *
   * @throws BusyException when it is still in progress after {@code wait}
   */
  public Optional<ModelStatus> unload(String name, Duration wait) {
    lockWithin(wait);
    try {
      Tracked model = tracked.get(name);
      if (model == null) {
        return Optional.empty();
      }
      model.unloaded = true;
      model.served = Set.of();
      model.retireAll(retired);
      model.refresh(policies.of(name));
      required.remove(name);
      LOG.info("model " + name + " unloaded on request; it stays unloaded until loaded again");
      publish();
      return Optional.of(state.models().get(name));
    } finally {
      lock.unlock();
    }
  }

  private void lockWithin(Duration wait) {
    boolean locked;
    try {
      locked = lock.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BusyException("interrupted while waiting for the repository");
    }
    if (!locked) {
      List<String> what = List.copyOf(busyWith);
      throw new BusyException("the repository is busy" + (what.isEmpty() ? "" : " " + what.getFirst())
          + (what.size() > 1 ? " (and " + (what.size() - 1) + " more)" : ""));
    }
  }

  /**
   * Loads the versions the policy wants, newest first, until it has as many as the policy
   * serves. Versions no longer wanted are dropped; if no version loads at all, the versions
   * served before keep serving (even when their directories are gone): a model is never left
   * with nothing to answer because of a bad upload. Touches {@code model} alone (and thread-safe
   * parts of the repository), so models reconcile in parallel.
   */
  private void reconcile(Tracked model, Batch batch) {
    VersionPolicy policy = policies.of(model.name);
    List<Model> dropped = new ArrayList<>();
    Set<Integer> served = new TreeSet<>(Collections.reverseOrder());
    for (int version : policy.candidates(model.onDisk.navigableKeySet())) {
      if (served.size() >= policy.limit()) {
        break;
      }
      VersionDir dir = model.onDisk.get(version);
      Attempt attempt = model.attempts.get(version);
      if (attempt == null || !attempt.fingerprint.equals(dir.fingerprint())) {
        if (model.loading == null || model.loading != version) {
          model.loading = version;
          model.refresh(policy);
        }
        Attempt previous = attempt;
        try {
          attempt = loadVersion(model.name, version, dir, previous, batch);
        } finally {
          model.loading = null;
        }
        if (previous != null && previous.model != null && previous.model != attempt.model) {
          dropped.add(previous.model);
        }
        model.attempts.put(version, attempt);
      }
      if (attempt.model != null) {
        served.add(version);
      }
    }
    model.loading = null;
    if (served.isEmpty() && !model.served.isEmpty()) {
      served.addAll(model.served);
      LOG.warning("no version of model " + model.name + " that the policy (" + policy + ") selects loads; "
          + "still serving version " + model.served.iterator().next());
    }
    if (!served.equals(model.served)) {
      LOG.log(batch.quiet ? Level.FINE : Level.INFO, "model " + model.name + ": serving version"
          + (served.size() == 1 ? " " : "s ")
          + served.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("(none)"));
    }
    model.served = served;
    // Free the models no longer served; keep failed attempts so an unchanged broken version is not retried.
    model.attempts.entrySet().removeIf(entry -> {
      boolean drop = !served.contains(entry.getKey())
          && (entry.getValue().model != null || !model.onDisk.containsKey(entry.getKey()));
      if (drop && entry.getValue().model != null) {
        dropped.add(entry.getValue().model);
      }
      return drop;
    });
    model.refresh(policy);
    retired.addAll(dropped); // only now that the status without them is set
  }

  private Attempt loadVersion(String name, int version, VersionDir dir, Attempt previous, Batch batch) {
    long start = System.nanoTime();
    String busy = "loading model " + name + " version " + version;
    busyWith.add(busy);
    try {
      Model model = bounded(busy, () -> {
        source.checkPlace(dir.dir());
        versionFiles.check(dir.dir());
        return loader.load(dir.dir(), name, version);
      });
      listener.loaded(name, version, System.nanoTime() - start);
      batch.loaded.incrementAndGet();
      LOG.log(batch.quiet ? Level.FINE : Level.INFO, "loaded model " + name + " version " + version + " from "
          + dir.dir() + " in " + (System.nanoTime() - start) / 1_000_000 + " ms"
          + (model.score().isPresent() ? " (test score " + model.score().getAsDouble() + ")" : ""));
      return new Attempt(dir.fingerprint(), model, null);
    } catch (CancellationException e) {
      throw e;
    } catch (Throwable e) { // whatever the files do, only this version fails
      listener.failed(name, version, System.nanoTime() - start);
      batch.failed.incrementAndGet();
      String reason = publicReason(e);
      Level level = e instanceof ModelFormatException || e instanceof FileSystemException || e instanceof LoadTimeout
          ? Level.WARNING : Level.SEVERE;
      if (previous != null && previous.model != null) {
        String kept = "changed on disk, and the new files do not load (" + reason + "); still serving the copy loaded before";
        LOG.log(level, "model " + name + " version " + version + " " + kept, level == Level.SEVERE ? e : null);
        return new Attempt(dir.fingerprint(), previous.model, kept);
      }
      LOG.log(level, "cannot load model " + name + " version " + version + ", not serving it: " + reason,
          level == Level.SEVERE ? e : null);
      return new Attempt(dir.fingerprint(), null, reason);
    } finally {
      busyWith.remove(busy);
    }
  }

  /**
   * Runs {@code task} on a thread of its own and waits for it at most the load timeout. A task
   * given up on is interrupted, and a model it still returns is closed.
   *
   * @throws LoadTimeout when it takes longer
   * @throws CancellationException when the waiting thread is interrupted (the server stops)
   * @throws Throwable whatever the task throws
   */
  private <T> T bounded(String what, Callable<T> task) throws Throwable {
    CompletableFuture<Thread> runner = new CompletableFuture<>();
    CompletableFuture<T> result = CompletableFuture.supplyAsync(() -> {
      runner.complete(Thread.currentThread());
      try {
        return task.call();
      } catch (Throwable e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, loads);
    try {
      // A timeout too long for a long of nanoseconds (--load-timeout PT3000000H) is as good as none.
      return loadTimeout.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? result.get()
          : result.get(loadTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw e.getCause();
    } catch (TimeoutException e) {
      runner.thenAccept(Thread::interrupt);
      result.thenAccept(late -> {
        if (late instanceof Model model) {
          model.close();
        }
      });
      throw new LoadTimeout(what + " took longer than the load timeout of " + loadTimeout.toMillis()
          + " ms (a file that never ends, such as a FIFO or a device, or too slow a disk?); given up");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      runner.thenAccept(Thread::interrupt);
      throw new CancellationException("interrupted while " + what);
    }
  }

  /** A load or scan that did not finish within the load timeout. */
  static final class LoadTimeout extends Exception {
    private static final long serialVersionUID = 1L;

    LoadTimeout(String message) {
      super(message, null, false, false);
    }
  }

  /** Why a version failed, for everyone to read: paths relative to the repository, nothing of the files' content. */
  private String publicReason(Throwable e) {
    String reason = source.relative(reason(e));
    return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON) + "...";
  }

  /**
   * The message of the failures that are ours (they name files, never quote them) or the file
   * system's (a path and why); for anything else only its kind, as its message may quote the
   * content of whatever file was read (it is logged in full).
   */
  private static String reason(Throwable e) {
    if (e instanceof ModelFormatException || e instanceof LoadTimeout) {
      return e.getMessage();
    }
    if (e instanceof FileSystemException f) {
      return f.getFile() + ": " + (f.getReason() != null ? f.getReason()
          : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
          : e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getClass().getSimpleName());
    }
    if (e instanceof StackOverflowError) {
      return "its files are nested too deeply to read (StackOverflowError)";
    }
    if (e instanceof OutOfMemoryError) {
      return "its files need more memory than this server has (OutOfMemoryError)";
    }
    return "cannot load it: " + e.getClass().getSimpleName() + " (the server log has the details)";
  }

  /**
   * Publishes every model's status as one new state, then closes the models retired before it
   * began: none of them is in any status it read.
   */
  private void publish() {
    List<Model> closing = new ArrayList<>();
    for (Model model = retired.poll(); model != null; model = retired.poll()) {
      closing.add(model);
    }
    TreeMap<String, ModelStatus> models = new TreeMap<>();
    for (Tracked model : tracked.values()) {
      models.put(model.name, model.status);
    }
    state = new RepositoryState(models, started, required, defaultModel, scanError);
    for (Model model : closing) {
      try {
        model.close();
      } catch (RuntimeException e) {
        LOG.warning("closing model " + model.name() + " version " + model.version() + " failed: " + e);
      }
    }
  }

  /** What a version's last load attempt left: the model (if any) and what went wrong (if anything). */
  private record Attempt(String fingerprint, Model model, String failure) {}

  /**
   * The loader's bookkeeping for one model name. Guarded by the repository's lock; while a poll
   * holds it, the model's reconcile may run on a loader thread, which alone touches it then, and
   * the poll's thread reads only {@link #status}.
   */
  private static final class Tracked {
    final String name;
    final NavigableMap<Integer, Attempt> attempts = new TreeMap<>();
    NavigableMap<Integer, VersionDir> onDisk = new TreeMap<>();
    Set<Integer> served = Set.of();
    boolean unloaded;
    Integer loading;
    /** What {@link #publish} shows of the model: set by {@link #refresh} after every change. */
    volatile ModelStatus status;

    Tracked(String name) {
      this.name = name;
    }

    /** Forgets every attempt, handing the loaded models to {@code retired} to be closed. */
    void retireAll(Queue<Model> retired) {
      attempts.values().stream().map(Attempt::model).filter(java.util.Objects::nonNull).distinct()
          .forEach(retired::add);
      attempts.clear();
    }

    /**
     * The version {@link #reconcile} would load first (new, or changed since its last attempt), or
     * {@code null} when it would load none: it walks the policy's candidates as reconcile does.
     */
    Integer nextLoad(VersionPolicy policy) {
      int serving = 0;
      for (int version : policy.candidates(onDisk.navigableKeySet())) {
        if (serving >= policy.limit()) {
          return null;
        }
        Attempt attempt = attempts.get(version);
        if (attempt == null || !attempt.fingerprint.equals(onDisk.get(version).fingerprint())) {
          return version;
        }
        if (attempt.model != null) {
          serving++;
        }
      }
      return null;
    }

    void refresh(VersionPolicy policy) {
      NavigableMap<Integer, VersionStatus> versions = new TreeMap<>(Collections.reverseOrder());
      for (int version : onDisk.keySet()) {
        String reason = unloaded ? "unloaded; load the model to serve it again"
            : "not selected by the version policy " + policy;
        versions.put(version, new VersionStatus(version, State.UNAVAILABLE, reason, null));
      }
      boolean failing = false;
      for (Map.Entry<Integer, Attempt> entry : attempts.entrySet()) {
        Attempt attempt = entry.getValue();
        failing |= attempt.failure != null;
        if (attempt.model == null) {
          versions.put(entry.getKey(), new VersionStatus(entry.getKey(), State.UNAVAILABLE, attempt.failure, null));
        }
      }
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
      status = new ModelStatus(name, new ArrayList<>(versions.values()), latest, unloaded, failing);
    }
  }

  @Override
  public String toString() {
    return "repository of " + source;
  }

  /** Every problem the repository knows of, one line each: for a start-up failure message. */
  public List<String> problems() {
    lock.lock();
    try {
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
    } finally {
      lock.unlock();
    }
  }
}
