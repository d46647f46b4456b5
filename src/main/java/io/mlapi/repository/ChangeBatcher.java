package io.mlapi.repository;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Gathers the changes a watch reports into batches, so that a version written file by file, or a
 * volume switching its data, is looked at once rather than per file: a batch is due when no
 * change came for the quiet period, or when the longest wait since its first change is over (so a
 * model written to without pause is still looked at). Times are {@link System#nanoTime} readings,
 * given by the caller.
 */
final class ChangeBatcher {
  private final long quietNanos;
  private final long longestNanos;
  private final Set<String> models = new TreeSet<>();
  private boolean everything;
  private boolean pending;
  private long first;
  private long last;

  ChangeBatcher(Duration quiet, Duration longest) {
    if (quiet.isNegative() || longest.compareTo(quiet) < 0) {
      throw new IllegalArgumentException("the quiet period must be at least 0 and at most the longest wait, got "
          + quiet + " and " + longest);
    }
    this.quietNanos = quiet.toNanos();
    this.longestNanos = longest.toNanos();
  }

  /** A change that affects {@code affected}, seen at {@code now}; one that affects no model is passed over. */
  void add(ModelSource.Affected affected, long now) {
    if (!affected.any() && affected.model() == null) {
      return;
    }
    if (!pending) {
      pending = true;
      first = now;
    }
    last = now;
    if (affected.any()) {
      everything = true;
    } else {
      models.add(affected.model());
    }
  }

  /** Nanoseconds from {@code now} until the batch is due (0 when it is); {@link Long#MAX_VALUE} with no change. */
  long nanosUntilDue(long now) {
    if (!pending) {
      return Long.MAX_VALUE;
    }
    long due = Math.min(last + quietNanos, first + longestNanos);
    return Math.max(0, due - now);
  }

  /** The batch, emptied, when it is due at {@code now}. */
  Optional<Changes> takeIfDue(long now) {
    if (nanosUntilDue(now) > 0) {
      return Optional.empty();
    }
    Changes changes = new Changes(everything, Set.copyOf(models));
    models.clear();
    everything = false;
    pending = false;
    return Optional.of(changes);
  }

  /**
   * @param everything whether every model is to be looked at again
   * @param models the models changed (all of them, when {@code everything} too)
   */
  record Changes(boolean everything, Set<String> models) {}
}
