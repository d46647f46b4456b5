package io.mlapi.repository;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where the repository finds model versions: scanned again on every poll, or, where its
 * directories can be watched, for the models a change concerns.
 */
public interface ModelSource {
  /**
   * Model name to its versions on disk, each a directory a {@link ModelLoader} opens.
   *
   * @throws IOException or an unchecked exception when the source cannot be read at all; the
   *     repository then keeps serving what it has
   */
  Map<String, NavigableMap<Integer, VersionDir>> scan() throws IOException;

  /**
   * {@link #scan()} of the models named only: each one there to its versions, one that is gone
   * left out. By default the whole source is scanned and the rest dropped.
   */
  default Map<String, NavigableMap<Integer, VersionDir>> scan(Set<String> names) throws IOException {
    Map<String, NavigableMap<Integer, VersionDir>> models = new TreeMap<>(scan());
    models.keySet().retainAll(names);
    return models;
  }

  /**
   * The directories a watcher should watch (for entries created, deleted or changed in each, not
   * deeper) to see every change to the models as it happens; empty, the default, when the source
   * cannot say, and it is polled instead.
   *
   * @throws IOException when the source cannot be read
   */
  default List<Path> watchDirectories() throws IOException {
    return List.of();
  }

  /**
   * The directories to watch of model {@code name} alone, after a change to it (a new version
   * directory, or the model itself new); empty when {@link #changed} never names a model.
   *
   * @throws IOException when the model's directory cannot be read
   */
  default List<Path> watchDirectories(String name) throws IOException {
    return List.of();
  }

  /**
   * Which models a change to {@code entry} (created, deleted or modified) in {@code dir}, one of
   * the {@link #watchDirectories}, affects. By default any: every model is then scanned again.
   */
  default Affected changed(Path dir, Path entry) {
    return Affected.ANY;
  }

  /**
   * The models a change affects: one, none (an entry no scan looks at), or any.
   *
   * @param any whether it may affect any model
   * @param model the one model it affects; {@code null} for none or any
   */
  record Affected(boolean any, String model) {
    public static final Affected ANY = new Affected(true, null);
    public static final Affected NONE = new Affected(false, null);

    public static Affected model(String name) {
      return new Affected(false, name);
    }
  }

  /**
   * The model that answers {@code /score} and {@code /predict} when none is configured, chosen
   * once, from the first scan: by default the only model, or none when there are several.
   */
  default String defaultModel(Map<String, NavigableMap<Integer, VersionDir>> scan) {
    return scan.size() == 1 ? scan.keySet().iterator().next() : null;
  }

  /**
   * {@code message} with the paths of the source's files written relative to where it keeps its
   * models ({@code /srv/models/iris/2/model.json} as {@code iris/2/model.json}): what clients
   * may read (failure reasons) never names the machine's directories.
   */
  default String relative(String message) {
    return message;
  }

  /**
   * {@code message} with every path under {@code root} (as given, absolute, or real) made relative
   * to it, and {@code root} itself called {@code rootName}.
   */
  static String relativeTo(Path root, String rootName, String message) {
    java.util.Set<String> prefixes = new java.util.TreeSet<>(java.util.Comparator.comparing(String::length)
        .reversed().thenComparing(java.util.Comparator.naturalOrder()));
    prefixes.add(root.toAbsolutePath().normalize().toString());
    prefixes.add(root.toString());
    try {
      prefixes.add(root.toRealPath().toString());
    } catch (IOException | RuntimeException e) {
      // not there (any more): the other two spellings do
    }
    String relative = message;
    for (String prefix : prefixes) {
      relative = relative.replace(prefix + java.io.File.separator, "");
    }
    for (String prefix : prefixes) {
      relative = relative.replace(prefix, rootName);
    }
    return relative;
  }

  /**
   * Refuses a version directory that is not where the source keeps its models (a link out of the
   * repository), before anything in it is read.
   *
   * @throws io.mlapi.model.ModelFormatException saying so
   * @throws IOException when the directory cannot be resolved
   */
  default void checkPlace(Path dir) throws IOException {
  }

  /**
   * A version directory as the scan saw it.
   *
   * @param fingerprint changes whenever the directory's files change (names, sizes, modification
   *     times): a changed version is loaded again, an unchanged broken one is not retried
   */
  record VersionDir(Path dir, String fingerprint) {}
}
