package io.mlapi.repository;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.NavigableSet;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which versions of a model the server serves, as Triton and TF Serving spell it: {@code latest}
 * (the newest), {@code latest:N}, {@code all} or {@code specific:1,3}. A version that fails to
 * load is never served and does not count: {@code latest} then serves the newest version that
 * does load, so a broken upload leaves the previous version serving.
 */
public sealed interface VersionPolicy {
  /** The versions worth loading, newest first, of those on disk. */
  List<Integer> candidates(NavigableSet<Integer> onDisk);

  /** The most candidates served at once: the first (newest) ones that load. */
  int limit();

  /**
   * @throws IllegalArgumentException saying what the accepted forms are
   */
  static VersionPolicy parse(String text) {
    String policy = text.strip().toLowerCase(Locale.ROOT);
    if (policy.equals("latest")) {
      return new Latest(1);
    }
    if (policy.equals("all")) {
      return new All();
    }
    if (policy.startsWith("latest:")) {
      return new Latest(positive(policy.substring("latest:".length()), text));
    }
    if (policy.startsWith("specific:")) {
      SortedSet<Integer> versions = new TreeSet<>();
      for (String version : policy.substring("specific:".length()).split(",", -1)) {
        versions.add(positive(version, text));
      }
      return new Specific(versions);
    }
    throw invalid(text);
  }

  private static int positive(String number, String policy) {
    try {
      int value = Integer.parseInt(number.strip());
      if (value >= 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw invalid(policy);
  }

  private static IllegalArgumentException invalid(String policy) {
    return new IllegalArgumentException("version policy must be latest, latest:N, all or specific:V1,V2,... "
        + "(N and versions positive integers), got \"" + policy + "\"");
  }

  /** The {@code count} newest versions that load. */
  record Latest(int count) implements VersionPolicy {
    @Override
    public List<Integer> candidates(NavigableSet<Integer> onDisk) {
      return new ArrayList<>(onDisk.descendingSet());
    }

    @Override
    public int limit() {
      return count;
    }

    @Override
    public String toString() {
      return count == 1 ? "latest" : "latest:" + count;
    }
  }

  /** Every version that loads. */
  record All() implements VersionPolicy {
    @Override
    public List<Integer> candidates(NavigableSet<Integer> onDisk) {
      return new ArrayList<>(onDisk.descendingSet());
    }

    @Override
    public int limit() {
      return Integer.MAX_VALUE;
    }

    @Override
    public String toString() {
      return "all";
    }
  }

  /** Exactly the versions named, those of them that are on disk and load. */
  record Specific(SortedSet<Integer> versions) implements VersionPolicy {
    public Specific {
      versions = Collections.unmodifiableSortedSet(new TreeSet<>(versions));
    }

    @Override
    public List<Integer> candidates(NavigableSet<Integer> onDisk) {
      List<Integer> wanted = new ArrayList<>();
      for (int version : onDisk.descendingSet()) {
        if (versions.contains(version)) {
          wanted.add(version);
        }
      }
      return wanted;
    }

    @Override
    public int limit() {
      return Integer.MAX_VALUE;
    }

    @Override
    public String toString() {
      return "specific:" + versions.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
  }
}
