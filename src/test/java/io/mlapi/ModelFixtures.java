package io.mlapi;

import io.mlapi.data.DatasetReader;
import io.mlapi.data.Split;
import io.mlapi.model.TrainedModel;
import io.mlapi.model.ModelTrainer;
import io.mlapi.model.ModelWriter;
import io.mlapi.svm.SvcParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Real models for tests: the tutorial's Iris SVC under any name and version, and broken copies of them. */
public final class ModelFixtures {
  /** The clock every test model is trained by: their cards say 2026-11-29T12:00:00Z. */
  public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);
  private static final Map<String, TrainedModel> TRAINED = new ConcurrentHashMap<>();

  private ModelFixtures() {}

  /** The tutorial's model, named and numbered as asked; {@code probability} adds Platt scaling. */
  public static TrainedModel iris(String name, int version, boolean probability) {
    return TRAINED.computeIfAbsent(name + "/" + version + "/" + probability, key -> new ModelTrainer(CLOCK).train(
        DatasetReader.iris(), Split.tutorial(150, 0.2),
        SvcParameters.scikitLearnDefaults().withProbability(probability, 0), name, version));
  }

  /** The tutorial's model named {@code iris}, without probabilities. */
  public static TrainedModel iris(int version) {
    return iris("iris", version, false);
  }

  /** An Iris model whose answers differ from the tutorial's: linear kernel, stratified split. */
  public static TrainedModel linearStratified(int version) {
    var data = DatasetReader.iris();
    return new ModelTrainer(CLOCK).train(data, Split.stratified(data.targets(), 0.2, 1),
        SvcParameters.scikitLearnDefaults().withKernel(io.mlapi.svm.Kernel.LINEAR), "iris", version);
  }

  /** Writes {@code <repository>/<name>/<version>} as {@code mlapi train --repository} does. */
  public static Path publish(Path repository, String name, int version, boolean probability) {
    Path dir = repository.resolve(name).resolve(Integer.toString(version));
    new ModelWriter().writeNew(iris(name, version, probability), dir);
    return dir;
  }

  /**
   * Copies the version at {@code from} to {@code <repository>/<name>/<version>}, its card naming
   * that model and version (its other files byte for byte, so their checksums hold): a version that
   * loads, without training. Written into a hidden directory and renamed into place, as
   * {@code mlapi train} does. Many models are made this way in no time.
   */
  public static Path publishCopy(Path from, Path repository, String name, int version) {
    try {
      Path to = repository.resolve(name).resolve(Integer.toString(version));
      Path staging = Files.createDirectories(to.getParent()).resolve("." + version + ".tmp-copy");
      Files.createDirectories(staging);
      String card = Files.readString(from.resolve("model.json"))
          .replaceFirst("\"name\" : \"[^\"]*\"", "\"name\" : \"" + name + "\"")
          .replaceFirst("\"version\" : \\d+", "\"version\" : " + version);
      Files.writeString(staging.resolve("model.json"), card);
      Files.copy(from.resolve("test.csv"), staging.resolve("test.csv"));
      Files.copy(from.resolve("model.libsvm"), staging.resolve("model.libsvm"));
      Files.move(staging, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Copies the version at {@code from} to {@code to} as version {@code version}, file by file
   * (not atomically, as a careless copy would), with its LIBSVM file cut in half: a version that
   * must never be served.
   */
  public static Path publishCorrupt(Path from, Path to, int version) {
    try {
      Files.createDirectories(to);
      String card = Files.readString(from.resolve("model.json"))
          .replaceFirst("\"version\" : \\d+", "\"version\" : " + version);
      Files.writeString(to.resolve("model.json"), card);
      Files.copy(from.resolve("test.csv"), to.resolve("test.csv"));
      byte[] libsvm = Files.readAllBytes(from.resolve("model.libsvm"));
      Files.write(to.resolve("model.libsvm"), java.util.Arrays.copyOf(libsvm, libsvm.length / 2));
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
