package io.mlapi.repository;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableMap;

/** Where the repository finds model versions: scanned again on every poll. */
public interface ModelSource {
  /**
   * Model name to its versions on disk, each a directory a {@link ModelLoader} opens.
   *
   * @throws IOException or an unchecked exception when the source cannot be read at all; the
   *     repository then keeps serving what it has
   */
  Map<String, NavigableMap<Integer, VersionDir>> scan() throws IOException;

  /**
   * The model that answers {@code /score} and {@code /predict} when none is configured, chosen
   * once, from the first scan: by default the only model, or none when there are several.
   */
  default String defaultModel(Map<String, NavigableMap<Integer, VersionDir>> scan) {
    return scan.size() == 1 ? scan.keySet().iterator().next() : null;
  }

  /**
   * A version directory as the scan saw it.
   *
   * @param fingerprint changes whenever the directory's files change (names, sizes, modification
   *     times): a changed version is loaded again, an unchanged broken one is not retried
   */
  record VersionDir(Path dir, String fingerprint) {}
}
