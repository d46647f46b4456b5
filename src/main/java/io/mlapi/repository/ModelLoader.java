package io.mlapi.repository;

import io.mlapi.model.Model;
import io.mlapi.model.ModelFormatException;
import io.mlapi.model.ModelReader;
import io.mlapi.model.TrainedModel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Opens one version directory as a model to serve, whatever its format. */
@FunctionalInterface
public interface ModelLoader {
  /** The file that makes a version directory an ONNX model. */
  String ONNX_MODEL = "model.onnx";
  /** mlapi's own model files: LIBSVM's (SVC, NuSVC, SVR, NuSVR) and LIBLINEAR's (LinearSVC). */
  String LIBSVM_MODEL = "model.libsvm";
  String LIBLINEAR_MODEL = "model.liblinear";
  /** The card every model mlapi trained has, and an ONNX model may have. */
  String CARD = "model.json";

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

  /**
   * Loads each version by what its directory holds: an ONNX model ({@code model.onnx}, with an
   * optional {@code model.json} describing it) through {@code onnx}; else a model mlapi trained
   * through {@code trained}. Both kinds live side by side in one repository, even as versions of
   * one model.
   */
  static ModelLoader byContents(ModelLoader onnx, ModelLoader trained) {
    return (dir, name, version) -> {
      boolean isOnnx = Files.exists(dir.resolve(ONNX_MODEL), LinkOption.NOFOLLOW_LINKS);
      for (String own : new String[] {LIBSVM_MODEL, LIBLINEAR_MODEL}) {
        if (isOnnx && Files.exists(dir.resolve(own), LinkOption.NOFOLLOW_LINKS)) {
          throw new ModelFormatException(dir + ": holds both " + ONNX_MODEL + " and " + own
              + ", so which model it is cannot be told; keep one of them");
        }
      }
      if (!isOnnx && !Files.exists(dir.resolve(CARD), LinkOption.NOFOLLOW_LINKS)) {
        throw new ModelFormatException(dir + ": no model here: a version directory holds " + ONNX_MODEL
            + " (an ONNX model) or " + CARD + " with " + LIBSVM_MODEL + " or " + LIBLINEAR_MODEL
            + " (a model mlapi trained); or it is still being written");
      }
      return isOnnx ? onnx.load(dir, name, version) : trained.load(dir, name, version);
    };
  }
}
