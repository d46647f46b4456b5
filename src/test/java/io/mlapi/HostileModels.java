package io.mlapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Model versions an attacker (or a broken upload) could put in a repository, made from a good one
 * in place: LIBSVM files whose header claims more than the file holds, truncated and garbage files
 * (each with its checksum in {@code model.json} updated, so that only the reader's own checks stand
 * between it and the file), a FIFO, a link to {@code /dev/zero}, a link to {@code /etc/passwd}, a
 * card nested a hundred thousand deep, a test file larger than the size limit.
 */
public final class HostileModels {
  private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private HostileModels() {}

  /** The kinds of hostile version, each a way to turn a good version directory into one. */
  public enum Kind {
    /** {@code total_sv 2147483647}: LIBSVM would allocate 2^31 rows of coefficients. */
    HUGE_SUPPORT_VECTOR_COUNT(dir -> rewriteLibsvm(dir, text -> text.replaceFirst("total_sv \\d+", "total_sv 2147483647"))),
    /** {@code nr_class 50000}: LIBSVM would allocate 1.25 billion intercepts. */
    HUGE_CLASS_COUNT(dir -> rewriteLibsvm(dir, text -> text.replaceFirst("nr_class \\d+", "nr_class 50000"))),
    /** The LIBSVM file cut in the middle of its support vectors. */
    TRUNCATED(dir -> rewriteLibsvm(dir, text -> text.substring(0, text.length() * 2 / 3))),
    /** Random bytes for a LIBSVM file. */
    GARBAGE(dir -> rewriteLibsvm(dir, text -> {
      byte[] bytes = new byte[4096];
      new SplittableRandom(20261201).nextBytes(bytes);
      return new String(bytes, StandardCharsets.ISO_8859_1);
    })),
    /** {@code model.json} is a FIFO: opening it blocks until someone writes, which nobody does. */
    FIFO_CARD(dir -> {
      Files.delete(dir.resolve("model.json"));
      mkfifo(dir.resolve("model.json"));
    }),
    /** {@code model.libsvm} links to {@code /dev/zero}: it never ends. */
    ENDLESS_FILE(dir -> {
      Files.delete(dir.resolve("model.libsvm"));
      Files.createSymbolicLink(dir.resolve("model.libsvm"), Path.of("/dev/zero"));
    }),
    /** {@code model.json} links to {@code /etc/passwd}: its content must never show in a reason. */
    LINK_TO_SECRET(dir -> {
      Files.delete(dir.resolve("model.json"));
      Files.createSymbolicLink(dir.resolve("model.json"), Path.of("/etc/passwd"));
    }),
    /** A {@code model.json} of one hundred thousand nested arrays. */
    DEEP_CARD(dir -> Files.writeString(dir.resolve("model.json"), "[".repeat(100_000))),
    /** {@code test.csv} grown (sparsely) past the 4 GiB limit on a model file. */
    OVERSIZED_FILE(dir -> {
      try (RandomAccessFile file = new RandomAccessFile(dir.resolve("test.csv").toFile(), "rw")) {
        file.setLength((4L << 30) + 1);
      }
    });

    private final Spoiler spoiler;

    Kind(Spoiler spoiler) {
      this.spoiler = spoiler;
    }

    /** Spoils the version directory {@code dir} in place. */
    public void spoil(Path dir) {
      try {
        spoiler.spoil(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @FunctionalInterface
  private interface Spoiler {
    void spoil(Path dir) throws IOException;
  }

  /** Rewrites {@code model.libsvm} and its SHA-256 in {@code model.json}, so that the checksum matches. */
  static void rewriteLibsvm(Path dir, UnaryOperator<String> edit) throws IOException {
    Path libsvm = dir.resolve("model.libsvm");
    byte[] bytes = edit.apply(Files.readString(libsvm, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
    Files.write(libsvm, bytes);
    ObjectNode card = (ObjectNode) JSON.readTree(dir.resolve("model.json").toFile());
    ((ObjectNode) card.get("files")).put("model.libsvm", sha256(bytes));
    JSON.writeValue(dir.resolve("model.json").toFile(), card);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A FIFO at {@code path} (Java has no call for one; coreutils' mkfifo does). */
  public static void mkfifo(Path path) throws IOException {
    Process process = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("mkfifo " + path + " failed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
