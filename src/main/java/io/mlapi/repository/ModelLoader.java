package io.mlapi.repository;

import io.mlapi.model.Model;
import io.mlapi.model.ModelFormatException;
import io.mlapi.model.ModelReader;
import io.mlapi.model.TrainedModel;
import java.nio.file.Path;

/** Opens one version directory as a model to serve, whatever its format. */
@FunctionalInterface
public interface ModelLoader {
  /**
   * Loads and checks the model in {@code dir}; nothing is served from it until this returns.
   *
   * @param name the model's name in the repository
   * @param version the version's number in the repository
   * @throws ModelFormatException saying what is wrong with the directory
   */
  Model load(Path dir, String name, int version);

  /** mlapi's own model directories ({@code model.json}, the model file, {@code test.csv}), read by {@link ModelReader}. */
  static ModelLoader trained() {
    return (dir, name, version) -> {
      TrainedModel model = ModelReader.read(dir);
      if (!model.name().equals(name) || model.version() != version) {
        throw new ModelFormatException(dir + ": model.json says model " + model.name() + " version "
            + model.version() + ", but the repository has it as " + name + " version " + version);
      }
      return model;
    };
  }
}
