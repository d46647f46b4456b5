package io.mlapi.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where models live: a repository of {@code <name>/<version>/} directories when
 * {@code --repository} (or {@code MODEL_REPOSITORY}) is given, else the tutorial's
 * {@code $MODEL_DIR}, a model per entry, {@code $MODEL_FILE} naming one, as in its train.py.
 */
final class ModelLocation {
  @Option(names = "--repository", paramLabel = "DIR", defaultValue = "${env:MODEL_REPOSITORY}",
      description = "Model repository: DIR/<name>/<version>/ (env MODEL_REPOSITORY). When set, --model-dir and "
          + "--model-file are not used.")
  Path repository;

  @Option(names = "--model-dir", paramLabel = "DIR", defaultValue = "${env:MODEL_DIR:-models}",
      description = "Directory of models, one per entry (env MODEL_DIR; default: ${DEFAULT-VALUE}).")
  Path modelDir;

  @Option(names = "--model-file", paramLabel = "NAME", defaultValue = "${env:MODEL_FILE}",
      description = "A model's entry in --model-dir: train writes there, serve makes it the default model "
          + "(env MODEL_FILE; default: the model's name).")
  String modelFile;

  /** {@code --model-file}, or {@code null} when it is not given (or empty). */
  String modelFile() {
    return modelFile != null && !modelFile.isBlank() ? modelFile : null;
  }

  /** The path of the model {@code modelName} in {@code --model-dir}: at {@code --model-file}, if given. */
  Path path(String modelName) {
    return modelDir.resolve(modelFile() != null ? modelFile() : modelName);
  }
}
