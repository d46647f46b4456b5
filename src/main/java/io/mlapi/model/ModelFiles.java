package io.mlapi.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The names of the files in a model directory, and the file chores the writer and reader share.
 * Files are read only when they are regular files (a FIFO would block the reader forever, a
 * device would never end) and only up to a size limit, also when they grow while read.
 */
final class ModelFiles {
  static final String CARD = "model.json";
  static final String LIBSVM = "model.libsvm";
  static final String LIBLINEAR = "model.liblinear";
  static final String SCALER = "scaler.json";
  static final String TEST_ROWS = "test.csv";
  /** The largest {@code model.json} read. */
  static final long MAX_CARD_BYTES = 16 << 20;
  /** The largest file whose checksum is computed. */
  static final long MAX_FILE_BYTES = 4L << 30;

  private ModelFiles() {}

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    long size = requireRegular(file, MAX_FILE_BYTES);
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      if (in.transferTo(java.io.OutputStream.nullOutputStream()) != size) {
        throw new ModelFormatException(file + " changed while it was read");
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** A regular file's size, after checking it is one, no larger than {@code maxBytes}. */
  static long requireRegular(Path file, long maxBytes) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    if (!attributes.isRegularFile()) {
      throw new ModelFormatException(file + " is not a regular file (a FIFO, a socket, a device or a directory?)");
    }
    if (attributes.size() > maxBytes) {
      throw new ModelFormatException(file + " is " + attributes.size() + " bytes, more than the limit of "
          + maxBytes + " bytes");
    }
    return attributes.size();
  }

  /** A regular file's bytes, at most {@code maxBytes} of them (else an error, also when it grows as it is read). */
  static byte[] read(Path file, long maxBytes) throws IOException {
    requireRegular(file, maxBytes);
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
      if (bytes.length > maxBytes) {
        throw new ModelFormatException(file + " grew past the limit of " + maxBytes + " bytes while it was read");
      }
      return bytes;
    }
  }

  /** Flushes a file, or a directory's entries, to the disk: a rename is only durable after both. */
  static void sync(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
