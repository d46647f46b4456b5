package io.mlapi.repository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a {@link ModelRepository} in step with its {@link ModelSource} after the first poll: by
 * watching the source's directories where the platform notifies of changes (inotify on Linux),
 * looking again at just the models a change concerns once the changes pause
 * ({@link ChangeBatcher}); and by polling every model, every {@code --poll-interval} where it
 * cannot watch, or only every {@link #WATCHED_POLL_INTERVAL} (or the poll interval, if longer)
 * while it watches, for the changes a watch does not see (those made on another machine of a
 * network file system). Between those full looks an idle server reads nothing, however many models
 * it has.
 *
 * <p>Watching is given up for polling when the platform cannot watch (the JDK would poll
 * itself), or cannot watch every directory (inotify's {@code max_user_watches}): half a watch
 * would miss changes silently. A directory is watched before it is scanned, so no change falls
 * between the two; after the first registration every model is looked at once more, for changes
 * made while the first poll ran.
 */
public final class HotReload implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(HotReload.class.getName());
  /** While the source is watched, every model is still looked at this often (or every poll interval, if longer). */
  static final Duration WATCHED_POLL_INTERVAL = Duration.ofMinutes(1);
  /** A batch of changes is looked at after this long without another change... */
  static final Duration QUIET = Duration.ofMillis(200);
  /** ...or at the latest this long after its first change. */
  static final Duration LONGEST_WAIT = Duration.ofSeconds(2);

  /** Waits, where there is no watch to wait on. */
  @FunctionalInterface
  interface Pause {
    void nanos(long nanos) throws InterruptedException;
  }

  private final ModelRepository repository;
  private final ModelSource source;
  private final long pollNanos;
  private final LongSupplier nanoTime;
  private final Pause pause;
  private final ChangeBatcher batcher = new ChangeBatcher(QUIET, LONGEST_WAIT);
  /** Whether {@link #start} opens the platform's watch. */
  private final boolean openPlatformWatch;
  private DirectoryWatch watch;
  private long intervalNanos;
  private long lastPoll;
  /** Whether the source could not be listed for watching: tried again at the next full poll. */
  private boolean unregistered;
  /** Whether every model is to be looked at in the next step, whatever the time. */
  private boolean pollDue;
  private volatile boolean closed;
  private volatile Thread thread;

  /**
   * @param watch the directories' watch, or {@code null} to poll only
   * @param nanoTime the time, as {@link System#nanoTime}
   */
  HotReload(ModelRepository repository, ModelSource source, Duration pollInterval, DirectoryWatch watch,
      LongSupplier nanoTime, Pause pause) {
    this(repository, source, pollInterval, watch, false, nanoTime, pause);
  }

  private HotReload(ModelRepository repository, ModelSource source, Duration pollInterval, DirectoryWatch watch,
      boolean openPlatformWatch, LongSupplier nanoTime, Pause pause) {
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("the poll interval must be positive, got " + pollInterval);
    }
    this.repository = repository;
    this.source = source;
    this.pollNanos = saturatedNanos(pollInterval);
    this.watch = watch;
    this.openPlatformWatch = openPlatformWatch;
    this.nanoTime = nanoTime;
    this.pause = pause;
  }

  /**
   * Hot reload of {@code repository}, to {@link #start} once its first poll is done.
   *
   * @param pollInterval how often every model is looked at while not watched (positive)
   * @param watch whether to watch the source where the platform can; {@code false} polls only
   */
  public static HotReload of(ModelRepository repository, ModelSource source, Duration pollInterval, boolean watch) {
    return new HotReload(repository, source, pollInterval, null, watch, System::nanoTime,
        nanos -> TimeUnit.NANOSECONDS.sleep(nanos));
  }

  /** Starts watching or polling, on a thread of its own; nothing once closed. */
  public void start() {
    if (closed) {
      return;
    }
    if (openPlatformWatch) {
      try {
        watch = DirectoryWatch.platform().orElse(null);
        if (watch == null) {
          LOG.info("this platform cannot watch directories for changes (the JDK would poll them itself)");
        }
      } catch (IOException e) {
        LOG.warning("cannot watch " + source + " for changes: " + e.getMessage() + inotifyHint());
      }
    }
    Thread running = Thread.ofPlatform().daemon().name("mlapi-repository-watch").unstarted(this::run);
    thread = running;
    running.start();
    if (closed) { // closed while starting: close() may not have seen the thread
      running.interrupt();
    }
  }

  private void run() {
    try {
      begin();
      while (!closed) {
        step();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // stopping
    } finally {
      closeWatch();
    }
  }

  /** Watches every directory of the source (or gives watching up), and sets when to poll. */
  void begin() {
    lastPoll = nanoTime.getAsLong();
    intervalNanos = pollNanos;
    if (watch == null) {
      LOG.info("checking " + source + " for changes every " + text(pollNanos));
      return;
    }
    int dirs = registerAll();
    if (watch != null) {
      intervalNanos = Math.max(pollNanos, WATCHED_POLL_INTERVAL.toNanos());
      pollDue = true; // a change made while the first poll ran was not watched yet
      LOG.info("watching " + source + " for changes (" + dirs + " directories); every model is also checked every "
          + text(intervalNanos));
    }
  }

  /** Waits for a change or the next poll, then looks at what changed, or at everything when it is time. */
  void step() throws InterruptedException {
    long now = nanoTime.getAsLong();
    long wait = pollDue ? 0 : Math.min(Math.max(0, intervalNanos - (now - lastPoll)), batcher.nanosUntilDue(now));
    if (watch != null) {
      List<DirectoryWatch.Change> changes = watch.poll(wait);
      long seen = nanoTime.getAsLong();
      for (DirectoryWatch.Change change : changes) {
        batcher.add(change.dir() == null ? ModelSource.Affected.ANY : source.changed(change.dir(), change.entry()), seen);
      }
    } else if (wait > 0) {
      pause.nanos(wait);
    }
    now = nanoTime.getAsLong();
    Optional<ChangeBatcher.Changes> due = batcher.takeIfDue(now);
    boolean everything = due.map(ChangeBatcher.Changes::everything).orElse(false);
    if (due.isPresent() && !everything) {
      for (String model : due.get().models()) {
        register(model);
      }
      pollSafely(() -> repository.pollModels(due.get().models()));
    }
    if (everything || pollDue || now - lastPoll >= intervalNanos) {
      if (everything || unregistered) {
        registerAll();
      }
      pollDue = false;
      pollSafely(repository::poll);
      lastPoll = nanoTime.getAsLong();
    }
  }

  /** Whether the source's directories are watched (rather than only polled). */
  boolean watching() {
    return watch != null;
  }

  /** @return how many directories are watched */
  private int registerAll() {
    List<Path> dirs;
    try {
      dirs = source.watchDirectories();
    } catch (IOException | UncheckedIOException e) {
      unregistered = true; // the scan reports it; listed again at the next full poll
      return 0;
    }
    unregistered = false;
    register(dirs);
    return dirs.size();
  }

  private void register(String model) {
    try {
      register(source.watchDirectories(model));
    } catch (IOException | UncheckedIOException e) {
      // the model's directory cannot be listed: its scan reports that
    }
  }

  private void register(List<Path> dirs) {
    if (watch == null) {
      return;
    }
    try {
      for (Path dir : dirs) {
        watch.register(dir);
      }
    } catch (IOException e) {
      LOG.warning("cannot watch every directory of " + source + " (" + e.getMessage() + "): checking every model every "
          + text(pollNanos) + " instead" + inotifyHint());
      closeWatch();
      intervalNanos = pollNanos;
    }
  }

  /** Polls; nothing a poll throws (an error included) may end hot reload, or later versions would never load. */
  private static void pollSafely(Runnable poll) {
    try {
      poll.run();
    } catch (CancellationException e) {
      LOG.fine("polling stopped: " + e.getMessage());
    } catch (Throwable e) {
      LOG.log(Level.SEVERE, "looking at the models failed; trying again at the next change or interval", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    Thread running = thread;
    if (running != null) {
      running.interrupt();
    }
  }

  private void closeWatch() {
    DirectoryWatch open = watch;
    watch = null;
    if (open != null) {
      try {
        open.close();
      } catch (IOException e) {
        LOG.fine("closing the directory watch: " + e);
      }
    }
  }

  private static String inotifyHint() {
    return System.getProperty("os.name", "").startsWith("Linux")
        ? " (on Linux, raising the sysctls fs.inotify.max_user_watches and fs.inotify.max_user_instances lets it watch)"
        : "";
  }

  private static String text(long nanos) {
    Duration duration = Duration.ofNanos(nanos);
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
