package io.mlapi.model;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes model directories so that a reader never sees half a model, whenever the writer dies.
 *
 * <p>Every file is written and synced into a hidden temporary directory first. A new repository
 * version ({@link #writeNew}) then appears by one rename. A model at a fixed path
 * ({@link #replace}, the tutorial's {@code $MODEL_DIR/$MODEL_FILE}) is a symbolic link to a hidden
 * sibling directory, switched by renaming a new link over it: the path always names either the
 * old complete model or the new one. Leftovers of a writer that died are removed by the next one.
 */
public final class ModelWriter {
  private final Consumer<String> beforeStep;

  public ModelWriter() {
    this(step -> { });
  }

  /** @param beforeStep called with each step's name before it runs; tests throw from it to simulate a crash */
  ModelWriter(Consumer<String> beforeStep) {
    this.beforeStep = beforeStep;
  }

  /**
   * Writes {@code model} as the new directory {@code dir} (a repository's {@code <name>/<version>}).
   *
   * @return the model with its card as written (file checksums filled in)
   * @throws ModelPathException when {@code dir} exists: versions are never overwritten
   */
  public TrainedModel writeNew(TrainedModel model, Path dir) {
    Path parent = dir.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new ModelPathException(dir + " exists already; a version is never overwritten, so pick a new one");
      }
      Path temporary = Files.createDirectory(parent.resolve(temporaryName(dir)));
      TrainedModel written = writeFiles(model, temporary);
      beforeStep.accept("publish");
      try {
        Files.move(temporary, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
        deleteTree(temporary);
        throw new ModelPathException(dir + " appeared while the model was written; it was left alone", e);
      }
      ModelFiles.sync(parent);
      return written;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model to " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Replaces the model at {@code link} (or creates it), atomically.
   *
   * @return the model with its card as written
   * @throws ModelPathException when {@code link} is a real directory or file rather than a
   *     link this writer made; it is never deleted
   */
  public TrainedModel replace(TrainedModel model, Path link) {
    Path parent = link.toAbsolutePath().getParent();
    String name = link.getFileName().toString();
    try {
      Files.createDirectories(parent);
      try (FileChannel lockFile = FileChannel.open(parent.resolve("." + name + ".lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        lockFile.lock(); // held until the channel closes: one writer per link at a time
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(link)) {
          throw new ModelPathException(link + " is a " + (Files.isDirectory(link) ? "directory" : "file")
              + ", not a model link written by mlapi; move it away or choose another MODEL_FILE");
        }
        Path current = Files.isSymbolicLink(link) ? parent.resolve(Files.readSymbolicLink(link)).normalize() : null;
        removeLeftovers(parent, name, current);

        Path temporary = Files.createDirectory(parent.resolve(temporaryName(link)));
        TrainedModel written = writeFiles(model, temporary);
        beforeStep.accept("publish");
        Path target = parent.resolve("." + name + "-v" + model.version() + "-" + shortId());
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        Path newLink = parent.resolve(temporaryName(link));
        Files.createSymbolicLink(newLink, target.getFileName());
        ModelFiles.sync(parent);
        beforeStep.accept("switch");
        Files.move(newLink, link, StandardCopyOption.ATOMIC_MOVE);
        ModelFiles.sync(parent);
        if (current != null && isOwnedVersion(current, name)) {
          deleteTree(current);
        }
        return written;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model to " + link + ": " + e.getMessage(), e);
    }
  }

  private TrainedModel writeFiles(TrainedModel model, Path dir) throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    Estimator estimator = model.estimator();

    beforeStep.accept(estimator.file());
    Path estimatorFile = dir.resolve(estimator.file());
    estimator.write(estimatorFile);
    ModelFiles.sync(estimatorFile);
    files.put(estimator.file(), ModelFiles.sha256(estimatorFile));

    if (model.scaler().kind() != io.mlapi.data.Scaler.Kind.NONE) {
      beforeStep.accept(ModelFiles.SCALER);
      Path scaler = dir.resolve(ModelFiles.SCALER);
      ScalerFile.write(model.scaler(), scaler);
      ModelFiles.sync(scaler);
      files.put(ModelFiles.SCALER, ModelFiles.sha256(scaler));
    }

    beforeStep.accept(ModelFiles.TEST_ROWS);
    Path testRows = dir.resolve(ModelFiles.TEST_ROWS);
    writeTestRows(model, testRows);
    ModelFiles.sync(testRows);
    files.put(ModelFiles.TEST_ROWS, ModelFiles.sha256(testRows));

    beforeStep.accept(ModelFiles.CARD);
    ModelCard written = model.card().withFiles(files);
    Path json = dir.resolve(ModelFiles.CARD);
    ModelJson.MAPPER.writeValue(json.toFile(), written);
    ModelFiles.sync(json);
    ModelFiles.sync(dir);
    return new TrainedModel(written, model.scaler(), estimator, model.testRows(), model.testLabels(),
        model.testValues());
  }

  /** The held-out rows, raw, with their true labels or values, so a loaded model can re-measure itself. */
  private static void writeTestRows(TrainedModel model, Path file) throws IOException {
    ModelCard card = model.card();
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      List<String> header = new ArrayList<>(card.featureNames());
      header.add(card.data().target());
      out.write(String.join(",", header.stream().map(ModelWriter::csvField).toList()));
      out.write('\n');
      double[][] rows = model.testRows();
      StringBuilder line = new StringBuilder();
      for (int r = 0; r < rows.length; r++) {
        line.setLength(0);
        for (double value : rows[r]) {
          line.append(value).append(',');
        }
        if (model.isRegression()) {
          line.append(model.testValues()[r]);
        } else {
          line.append(csvField(card.metrics().labels().get(model.testLabels()[r])));
        }
        out.write(line.append('\n').toString());
      }
    }
  }

  static String csvField(String text) {
    boolean quote = text.contains(",") || text.contains("\"") || !text.equals(text.strip());
    return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
  }

  /** Temporary names start with a dot: repository scans and people's {@code ls} pass them over. */
  private static String temporaryName(Path finalPath) {
    return "." + finalPath.getFileName() + ".tmp-" + shortId();
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /** {@code .NAME-v3-1a2b3c4d}: a version directory {@link #replace} made for the link {@code NAME}. */
  private static boolean isOwnedVersion(Path dir, String name) {
    return dir.getFileName().toString().matches("\\." + Pattern.quote(name) + "-v\\d+-[0-9a-f]{8}");
  }

  /** Temporary directories and unlinked versions that a writer which died left behind. */
  private static void removeLeftovers(Path parent, String name, Path current) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, "." + name + "*")) {
      for (Path entry : entries) {
        String file = entry.getFileName().toString();
        boolean leftover = file.matches("\\." + Pattern.quote(name) + "\\.tmp-[0-9a-f]{8}")
            || (isOwnedVersion(entry, name) && !entry.equals(current));
        if (leftover) {
          deleteTree(entry);
        }
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(root);
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
