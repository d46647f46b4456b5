package io.mlapi.repository;

import io.mlapi.model.ModelCard;
import io.mlapi.model.ModelFormatException;
import io.mlapi.model.ModelReader;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The tutorial's {@code $MODEL_DIR}: every model in it, each an entry {@code mlapi train} writes
 * (a link it switches atomically to each new version) or a plain directory holding a model. Each
 * is served under the name and version its {@code model.json} gives, and a newly trained one is
 * picked up by the next poll. Hidden entries are the writers' (their versions, temporary
 * directories and locks) and are passed over, as are entries that hold no {@code model.json}.
 *
 * <p>The default model is {@code $MODEL_FILE}'s when that is set, else the only one, else the
 * one trained last.
 */
public final class SingleModelDirectory implements ModelSource {
  private static final Logger LOG = Logger.getLogger(SingleModelDirectory.class.getName());

  private final Path dir;
  private final String modelFile;
  /** Entries already warned about, so each is reported once, not every poll. */
  private final Set<Path> warned = ConcurrentHashMap.newKeySet();
  /** What the last scan found: the entry and training time of each model, for {@link #defaultModel}. */
  private volatile Map<String, Found> found = Map.of();

  /**
   * @param dir the directory of models ({@code $MODEL_DIR})
   * @param modelFile the entry of the default model ({@code $MODEL_FILE}), or {@code null}
   */
  public SingleModelDirectory(Path dir, String modelFile) {
    this.dir = dir;
    this.modelFile = modelFile == null || modelFile.isBlank() ? null : modelFile;
  }

  @Override
  public Map<String, NavigableMap<Integer, VersionDir>> scan() throws IOException {
    if (!Files.isDirectory(dir)) {
      found = Map.of();
      return Map.of();
    }
    TreeMap<String, Path> entries = new TreeMap<>();
    try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
      for (Path entry : listing) {
        String name = entry.getFileName().toString();
        if (!name.startsWith(".") && Files.isDirectory(entry)) {
          entries.put(name, entry);
        }
      }
    }
    Map<String, Found> models = new HashMap<>();
    for (Path entry : entries.values()) {
      Found model = read(entry);
      if (model == null) {
        continue;
      }
      Found other = models.get(model.name);
      // Two entries holding one model name: the entry named like the model wins, else the first.
      if (other != null && !model.entry.getFileName().toString().equals(model.name)) {
        warnOnce(entry, "skipped " + entry + ": it holds model " + model.name + " too, which " + other.entry
            + " serves");
        continue;
      }
      if (other != null) {
        warnOnce(other.entry, "skipped " + other.entry + ": it holds model " + model.name + " too, which " + entry
            + " serves");
      }
      models.put(model.name, model);
    }
    found = Map.copyOf(models);
    Map<String, NavigableMap<Integer, VersionDir>> scan = new TreeMap<>();
    models.forEach((name, model) -> scan.put(name, new TreeMap<>(Map.of(model.version, model.dir))));
    return scan;
  }

  /**
   * Reads the card through the link once, then loads from the directory it named, so a switch
   * between the two steps cannot pair one version's card with another's files. A card that cannot
   * be read still makes a model (under the entry's name), so that its loader names the fault.
   */
  private Found read(Path entry) throws IOException {
    Path real;
    try {
      real = entry.toRealPath();
    } catch (java.nio.file.NoSuchFileException e) {
      return null; // removed while we looked
    }
    if (!Files.exists(real.resolve("model.json"))) {
      warnOnce(entry, "skipped " + entry + ": no model.json, so not a model directory");
      return null;
    }
    VersionDir version = new VersionDir(real, real + "|" + RepositoryDirectory.fingerprint(real));
    try {
      ModelCard card = ModelReader.readCard(real);
      return new Found(card.name(), card.version(), entry, version, trainedAt(card));
    } catch (ModelFormatException e) {
      return new Found(entry.getFileName().toString(), 1, entry, version, Instant.MIN);
    }
  }

  /**
   * The directory (where {@code mlapi train} switches a model's link) and each model directory in
   * it (for files changed in place). Any change there is looked at as a change to every model:
   * an entry's name is not its model's.
   */
  @Override
  public List<Path> watchDirectories() throws IOException {
    List<Path> dirs = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return dirs;
    }
    dirs.add(dir);
    try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
      for (Path entry : listing) {
        if (!entry.getFileName().toString().startsWith(".") && Files.isDirectory(entry)) {
          dirs.add(entry);
        }
      }
    }
    return dirs;
  }

  private static Instant trainedAt(ModelCard card) {
    try {
      return Instant.parse(card.createdAt());
    } catch (DateTimeParseException | NullPointerException e) {
      return Instant.MIN;
    }
  }

  /**
   * {@code $MODEL_FILE}'s model when it is set (none when it holds no model), else the only model,
   * else the one trained last.
   */
  @Override
  public String defaultModel(Map<String, NavigableMap<Integer, VersionDir>> scan) {
    Map<String, Found> models = found;
    if (modelFile != null) {
      return models.values().stream().filter(model -> model.entry.getFileName().toString().equals(modelFile))
          .map(Found::name).findFirst().orElse(null);
    }
    return models.values().stream()
        .max(Comparator.comparing(Found::trainedAt).thenComparing(Found::name, Comparator.reverseOrder()))
        .map(Found::name).orElse(null);
  }

  private void warnOnce(Path path, String message) {
    if (warned.add(path)) {
      LOG.warning(message);
    }
  }

  /** Paths relative to {@code MODEL_DIR}. */
  @Override
  public String relative(String message) {
    return ModelSource.relativeTo(dir, "the model directory", message);
  }

  @Override
  public String toString() {
    return "the models in " + dir;
  }

  private record Found(String name, int version, Path entry, VersionDir dir, Instant trainedAt) {}
}
