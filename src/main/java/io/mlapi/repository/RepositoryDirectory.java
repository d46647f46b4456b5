package io.mlapi.repository;

import io.mlapi.model.ModelFormatException;
import io.mlapi.model.ModelPathException;
import io.mlapi.model.ModelTrainer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * A model repository laid out like Triton's: {@code <root>/<name>/<version>/}, versions positive
 * integers, each version a model directory written by {@code mlapi train --repository}. Entries
 * whose names start with a dot are skipped: they are writers' temporary directories (and
 * Kubernetes' volume bookkeeping).
 *
 * <p>One unreadable directory spoils nothing else: a version directory that cannot be listed is
 * reported as that version's failure (when it loads), and a model directory that cannot be
 * listed keeps the versions it had at the last scan that could list it (so what is loaded keeps
 * serving). Model and version directories may be links within the repository (as in a
 * Kubernetes ConfigMap volume); one that leads out of it is refused when it loads.
 */
public final class RepositoryDirectory implements ModelSource {
  private static final Logger LOG = Logger.getLogger(RepositoryDirectory.class.getName());

  /** What {@code ModelWriter.replace} keeps beside a model link: {@code .NAME-v3-1a2b3c4d} and {@code .NAME.lock}. */
  private static final Pattern SINGLE_MODEL_ENTRY = Pattern.compile("\\..+(-v\\d+-[0-9a-f]{8}|\\.lock)");
  /** A version directory's name: a positive integer, without leading zeros (compiled once: a scan meets thousands). */
  private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");

  private final Path root;
  /** Entries already warned about, so each stray directory is reported once, not every poll. */
  private final Set<Path> warned = ConcurrentHashMap.newKeySet();
  /** Each model's versions as last listed, for when its directory cannot be listed. */
  private final Map<String, NavigableMap<Integer, VersionDir>> lastListed = new ConcurrentHashMap<>();

  public RepositoryDirectory(Path root) {
    this.root = root;
  }

  @Override
  public Map<String, NavigableMap<Integer, VersionDir>> scan() throws IOException {
    Map<String, NavigableMap<Integer, VersionDir>> models = new TreeMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path modelDir : entries) {
        String name = modelDir.getFileName().toString();
        if (SINGLE_MODEL_ENTRY.matcher(name).matches()) {
          throw notARepository(root, name);
        }
        addModel(models, name, modelDir);
      }
    }
    return models;
  }

  /** Lists the directories of the models named only; the repository's own entries are not listed. */
  @Override
  public Map<String, NavigableMap<Integer, VersionDir>> scan(Set<String> names) throws IOException {
    Map<String, NavigableMap<Integer, VersionDir>> models = new TreeMap<>();
    for (String name : names) {
      addModel(models, name, root.resolve(name));
    }
    return models;
  }

  /** Adds the model in {@code modelDir} (an entry of the repository) to {@code models}, if it is one with a version. */
  private void addModel(Map<String, NavigableMap<Integer, VersionDir>> models, String name, Path modelDir) {
    if (name.startsWith(".") || !Files.isDirectory(modelDir)) {
      return;
    }
    try {
      ModelTrainer.requireName(name);
    } catch (IllegalArgumentException e) {
      warnOnce(modelDir, "skipped " + modelDir + ": not a model directory (" + e.getMessage() + ")");
      return;
    }
    NavigableMap<Integer, VersionDir> versions;
    try {
      versions = versions(modelDir);
      warned.remove(modelDir);
      lastListed.put(name, versions);
    } catch (IOException e) {
      versions = lastListed.getOrDefault(name, new TreeMap<>());
      warnOnce(modelDir, "cannot list " + modelDir + " (" + e + "); keeping the versions it had before");
    }
    if (!versions.isEmpty()) {
      models.put(name, versions);
    }
  }

  /**
   * Whether the repository holds no model version that {@link #scan} would list, found without
   * reading every version's files (a repository of thousands of models is answered at its first).
   */
  public boolean isEmpty() throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path modelDir : entries) {
        String name = modelDir.getFileName().toString();
        if (name.startsWith(".") || !Files.isDirectory(modelDir) || !validName(name)) {
          continue;
        }
        try (DirectoryStream<Path> versions = Files.newDirectoryStream(modelDir)) {
          for (Path versionDir : versions) {
            if (isVersionDir(versionDir)) {
              return false;
            }
          }
        } catch (IOException e) {
          return false; // listed by the scan with the versions it had, or reported by it
        }
      }
    }
    return true;
  }

  private static boolean validName(String name) {
    try {
      ModelTrainer.requireName(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The repository's directory, each model's and each version's. */
  @Override
  public List<Path> watchDirectories() throws IOException {
    List<Path> dirs = new ArrayList<>();
    dirs.add(root);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path modelDir : entries) {
        String name = modelDir.getFileName().toString();
        if (!name.startsWith(".") && Files.isDirectory(modelDir)) {
          addWatched(dirs, modelDir);
        }
      }
    }
    return dirs;
  }

  @Override
  public List<Path> watchDirectories(String name) throws IOException {
    List<Path> dirs = new ArrayList<>();
    Path modelDir = root.resolve(name);
    if (!name.startsWith(".") && validName(name) && Files.isDirectory(modelDir)) {
      addWatched(dirs, modelDir);
    }
    return dirs;
  }

  private static void addWatched(List<Path> dirs, Path modelDir) throws IOException {
    dirs.add(modelDir);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(modelDir)) {
      for (Path versionDir : entries) {
        if (isVersionDir(versionDir)) {
          dirs.add(versionDir);
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      // removed while we looked: its removal is an event of its own
    }
  }

  /**
   * A change in the repository's directory affects the model of that name; in a model's
   * directory or a version's, that model. A hidden entry of the repository's directory affects
   * none: scans pass it over (a writer's temporary directory is renamed to a model's name, which
   * is a change of its own; a Kubernetes volume that switches its {@code ..data} link removes the
   * directories watched through the old one, and each removal is a change to its model).
   */
  @Override
  public Affected changed(Path dir, Path entry) {
    if (dir.equals(root)) {
      String name = entry.getFileName().toString();
      return name.startsWith(".") ? Affected.NONE : Affected.model(name);
    }
    Path parent = dir.getParent();
    if (root.equals(parent)) {
      return Affected.model(dir.getFileName().toString());
    }
    if (parent != null && root.equals(parent.getParent())) {
      return Affected.model(parent.getFileName().toString());
    }
    return Affected.ANY;
  }

  private NavigableMap<Integer, VersionDir> versions(Path modelDir) throws IOException {
    NavigableMap<Integer, VersionDir> versions = new TreeMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(modelDir)) {
      for (Path versionDir : entries) {
        String name = versionDir.getFileName().toString();
        if (name.startsWith(".") || !Files.isDirectory(versionDir)) {
          continue;
        }
        OptionalInt version = parseVersion(name);
        if (version.isEmpty()) {
          warnOnce(versionDir, "skipped " + versionDir + ": a version directory is named by a positive integer "
              + "(1, 2, ...), without leading zeros");
          continue;
        }
        try {
          versions.put(version.getAsInt(), new VersionDir(versionDir, fingerprint(versionDir)));
        } catch (NoSuchFileException e) {
          // removed while we looked: the next poll sees the directory as it is then
        } catch (IOException e) {
          // Unreadable (permissions, say): listed all the same, so that its load fails and says why;
          // loaded again once it can be read, since its fingerprint changes then.
          versions.put(version.getAsInt(), new VersionDir(versionDir, "unreadable: " + e.getClass().getSimpleName()));
        }
      }
    } catch (NoSuchFileException e) {
      // the model directory was removed while we looked
    }
    return versions;
  }

  /**
   * Refuses a directory of single models ({@code $MODEL_DIR}) as a repository: writing
   * {@code <name>/<version>/} into it would go through its model links, into the models themselves.
   *
   * @throws ModelPathException naming the flag that serves or trains such a directory
   */
  public static void requireRepository(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, ".*")) {
      for (Path entry : entries) {
        if (SINGLE_MODEL_ENTRY.matcher(entry.getFileName().toString()).matches()) {
          throw notARepository(root, entry.getFileName().toString());
        }
      }
    }
  }

  private static ModelPathException notARepository(Path root, String entry) {
    return new ModelPathException(root + " is a directory of single models (it holds " + entry + ", which "
        + "'mlapi train' writes beside a model link), not a model repository: use --model-dir " + root
        + " (or MODEL_DIR) for it, and give --repository an empty directory or one laid out as <name>/<version>/");
  }

  /**
   * The highest version of {@code model} in the repository at {@code root}, plus one; 1 for a new model.
   *
   * @throws ModelPathException when {@code root} is not a repository ({@link #requireRepository})
   */
  public static int nextVersion(Path root, String model) throws IOException {
    requireRepository(root);
    Path modelDir = root.resolve(model);
    if (!Files.isDirectory(modelDir)) {
      return 1;
    }
    int highest = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(modelDir)) {
      for (Path entry : entries) {
        highest = Math.max(highest, parseVersion(entry.getFileName().toString()).orElse(0));
      }
    }
    return highest + 1;
  }

  /** Whether {@code entry} of a model's directory is a version directory that a scan lists. */
  private static boolean isVersionDir(Path entry) {
    return parseVersion(entry.getFileName().toString()).isPresent() && Files.isDirectory(entry);
  }

  static OptionalInt parseVersion(String name) {
    if (!VERSION.matcher(name).matches()) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(Integer.parseInt(name));
  }

  /** Names, sizes and modification times of the directory's files: cheap, and changes with any write. */
  static String fingerprint(Path dir) throws IOException {
    StringBuilder fingerprint = new StringBuilder();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      TreeMap<String, Path> sorted = new TreeMap<>();
      files.forEach(file -> sorted.put(file.getFileName().toString(), file));
      for (Map.Entry<String, Path> file : sorted.entrySet()) {
        BasicFileAttributes attributes;
        try {
          attributes = Files.readAttributes(file.getValue(), BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
          fingerprint.append(file.getKey()).append(":dangling;"); // a link to nothing: the load says so
          continue;
        }
        fingerprint.append(file.getKey()).append(':').append(attributes.size()).append(':')
            .append(attributes.lastModifiedTime().toMillis()).append(';');
      }
    }
    return fingerprint.toString();
  }

  /** Paths as {@code iris/2/model.json}: relative to the repository. */
  @Override
  public String relative(String message) {
    return ModelSource.relativeTo(root, "the model repository", message);
  }

  /** A model or version directory that resolves outside the repository is refused. */
  @Override
  public void checkPlace(Path dir) throws IOException {
    if (!dir.toRealPath().startsWith(root.toRealPath())) {
      throw new ModelFormatException(relative(dir.toString()) + " leads out of the model repository (a link to "
          + "another directory); a model's versions must be inside the repository");
    }
  }

  private void warnOnce(Path path, String message) {
    if (warned.add(path)) {
      LOG.warning(message);
    }
  }

  @Override
  public String toString() {
    return "the model repository " + root;
  }
}
