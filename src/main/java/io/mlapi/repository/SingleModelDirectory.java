package io.mlapi.repository;

import io.mlapi.model.ModelCard;
import io.mlapi.model.ModelReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The tutorial's single model at {@code $MODEL_DIR/$MODEL_FILE}: a link {@code mlapi train}
 * switches atomically to each new version. The model is served under the name and version its
 * {@code model.json} gives, and a newly trained one is picked up by the next poll.
 */
public final class SingleModelDirectory implements ModelSource {
  private final Path path;

  public SingleModelDirectory(Path path) {
    this.path = path;
  }

  @Override
  public Map<String, NavigableMap<Integer, VersionDir>> scan() throws IOException {
    if (!Files.exists(path)) {
      return Map.of();
    }
    // Read the card through the link once, then load from the directory it named, so a switch
    // between the two steps cannot pair one version's card with another's files.
    Path dir = path.toRealPath();
    ModelCard card = ModelReader.readCard(dir);
    NavigableMap<Integer, VersionDir> versions = new TreeMap<>();
    versions.put(card.version(), new VersionDir(dir, dir + "|" + RepositoryDirectory.fingerprint(dir)));
    return Map.of(card.name(), versions);
  }

  /** Paths relative to {@code MODEL_DIR}. */
  @Override
  public String relative(String message) {
    Path modelDir = path.toAbsolutePath().getParent();
    return modelDir == null ? message : ModelSource.relativeTo(modelDir, "the model directory", message);
  }

  @Override
  public String toString() {
    return "the model at " + path;
  }
}
