package io.mlapi.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where models live: a repository of {@code <name>/<version>/} directories when
 * {@code --repository} (or {@code MODEL_REPOSITORY}) is given, else the tutorial's single model at
 * {@code $MODEL_DIR/$MODEL_FILE}, as in its train.py.
 */
final class ModelLocation {
  @Option(names = "--repository", paramLabel = "DIR", defaultValue = "${env:MODEL_REPOSITORY}",
      description = "Model repository: DIR/<name>/<version>/ (env MODEL_REPOSITORY). When set, --model-dir and "
          + "--model-file are not used.")
  Path repository;

  @Option(names = "--model-dir", paramLabel = "DIR", defaultValue = "${env:MODEL_DIR:-models}",
      description = "Directory of the single model (env MODEL_DIR; default: ${DEFAULT-VALUE}).")
  Path modelDir;

  @Option(names = "--model-file", paramLabel = "NAME", defaultValue = "${env:MODEL_FILE}",
      description = "Name of the model inside --model-dir (env MODEL_FILE; default: the model's name).")
  String modelFile;

  /** The single model's path, {@code modelName} standing in when no file name is configured. */
  Path path(String modelName) {
    return modelDir.resolve(modelFile != null && !modelFile.isBlank() ? modelFile : modelName);
  }
}
