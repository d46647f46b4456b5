package io.mlapi.onnx;

import io.mlapi.model.ModelFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A file of a version directory, checked before anything reads it: a regular file (not a device or
 * a pipe, which could block or never end), and no larger than a limit; every read stops at the
 * limit even if the file grows meanwhile.
 *
 * @param name the file's name in its directory
 * @param bytes its size
 * @param sha256 of its bytes, hex
 */
public record ModelFile(String name, long bytes, String sha256) {
  /**
   * Checks {@code file} and hashes it.
   *
   * @param option the setting that raises the limit, for the message
   * @throws ModelFormatException when it is missing, not a regular file, or too large
   */
  static ModelFile check(Path file, long maxBytes, String option) {
    long size = size(file, maxBytes, option);
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    long read = 0;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        read += n;
        if (read > maxBytes) {
          throw tooLarge(file, read, maxBytes, option);
        }
        digest.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read it: " + e.getMessage(), e);
    }
    if (read != size) {
      throw new ModelFormatException(file + " changed while it was read (" + size + " bytes, then " + read
          + "); it is still being written");
    }
    return new ModelFile(file.getFileName().toString(), size, HexFormat.of().formatHex(digest.digest()));
  }

  /**
   * Reads all of a small file, within {@code maxBytes}.
   *
   * @throws ModelFormatException when it is not a regular file or too large
   */
  static byte[] read(Path file, long maxBytes, String option) {
    size(file, maxBytes, option);
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (bytes.length > maxBytes) {
        throw tooLarge(file, bytes.length, maxBytes, option);
      }
      return bytes;
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read it: " + e.getMessage(), e);
    }
  }

  private static long size(Path file, long maxBytes, String option) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class); // through links, to what is read
    } catch (NoSuchFileException e) {
      throw new ModelFormatException(file + " is missing");
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read it: " + e.getMessage(), e);
    }
    if (!attributes.isRegularFile()) {
      throw new ModelFormatException(file + " is not a regular file");
    }
    if (attributes.size() > maxBytes) {
      throw tooLarge(file, attributes.size(), maxBytes, option);
    }
    return attributes.size();
  }

  private static ModelFormatException tooLarge(Path file, long size, long maxBytes, String option) {
    return new ModelFormatException(file + " has " + size + " bytes, more than the limit of " + maxBytes
        + (option == null ? "" : " (" + option + ")"));
  }
}
