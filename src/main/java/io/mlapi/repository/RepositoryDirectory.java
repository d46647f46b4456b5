package io.mlapi.repository;

import io.mlapi.model.ModelPathException;
import io.mlapi.model.ModelTrainer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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
 */
public final class RepositoryDirectory implements ModelSource {
  private static final Logger LOG = Logger.getLogger(RepositoryDirectory.class.getName());

  /** What {@code ModelWriter.replace} keeps beside a model link: {@code .NAME-v3-1a2b3c4d} and {@code .NAME.lock}. */
  private static final Pattern SINGLE_MODEL_ENTRY = Pattern.compile("\\..+(-v\\d+-[0-9a-f]{8}|\\.lock)");

  private final Path root;
  /** Entries already warned about, so each stray directory is reported once, not every poll. */
  private final Set<Path> warned = ConcurrentHashMap.newKeySet();

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
        if (name.startsWith(".") || !Files.isDirectory(modelDir)) {
          continue;
        }
        try {
          ModelTrainer.requireName(name);
        } catch (IllegalArgumentException e) {
          warnOnce(modelDir, "skipped " + modelDir + ": not a model directory (" + e.getMessage() + ")");
          continue;
        }
        NavigableMap<Integer, VersionDir> versions = versions(modelDir);
        if (!versions.isEmpty()) {
          models.put(name, versions);
        }
      }
    }
    return models;
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

  static OptionalInt parseVersion(String name) {
    if (!name.matches("[1-9][0-9]{0,8}")) {
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
        BasicFileAttributes attributes = Files.readAttributes(file.getValue(), BasicFileAttributes.class);
        fingerprint.append(file.getKey()).append(':').append(attributes.size()).append(':')
            .append(attributes.lastModifiedTime().toMillis()).append(';');
      }
    }
    return fingerprint.toString();
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
