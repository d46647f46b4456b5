package io.mlapi.repository;

import io.mlapi.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What the repository checks of a version directory before any {@link ModelLoader} opens a file
 * in it, whatever the model's format. Each entry (hidden ones aside: Kubernetes' volume
 * bookkeeping such as {@code ..data}) must be a regular file or a directory, since a FIFO never
 * opens and a device never ends; no larger than the limit; and resolve inside the version
 * directory, so that a link cannot pull another file of the machine into a model (links inside
 * it, as a ConfigMap volume makes for every file, are fine). Directories are not descended into.
 */
final class VersionFiles {
  private final long maxFileBytes;

  VersionFiles(long maxFileBytes) {
    if (maxFileBytes < 1) {
      throw new IllegalArgumentException("the model file size limit must be at least 1 byte, got " + maxFileBytes);
    }
    this.maxFileBytes = maxFileBytes;
  }

  /**
   * @throws ModelFormatException naming the directory and the entry, and what is wrong with it
   * @throws IOException when the directory cannot be read at all
   */
  void check(Path dir) throws IOException {
    Path real = dir.toRealPath();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(real)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!name.startsWith(".")) {
          check(real, entry, dir + ": " + name);
        }
      }
    }
  }

  private void check(Path dir, Path entry, String name) throws IOException {
    Path target;
    try {
      target = entry.toRealPath();
    } catch (NoSuchFileException e) {
      throw new ModelFormatException(name + " is a link to nothing");
    }
    if (!target.startsWith(dir)) {
      throw new ModelFormatException(name + " links outside the version directory; the files of a model must be in it");
    }
    BasicFileAttributes attributes = Files.readAttributes(target, BasicFileAttributes.class);
    if (attributes.isDirectory()) {
      return;
    }
    if (!attributes.isRegularFile()) {
      throw new ModelFormatException(name + " is not a regular file (a FIFO, a socket or a device?); "
          + "a model's files must be plain files");
    }
    if (attributes.size() > maxFileBytes) {
      throw new ModelFormatException(name + " is " + attributes.size() + " bytes, more than the limit of "
          + maxFileBytes + " bytes for one model file");
    }
  }
}
