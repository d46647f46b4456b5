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
   * How a version directory is named where clients can see it (failure reasons): relative to the
   * repository, never the machine's absolute path.
   */
  default String display(Path dir) {
    return dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
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
