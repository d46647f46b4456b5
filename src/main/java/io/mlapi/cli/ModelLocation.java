package io.mlapi.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the tutorial's single model lives: {@code $MODEL_DIR/$MODEL_FILE}, as in its train.py. */
final class ModelLocation {
  @Option(names = "--model-dir", paramLabel = "DIR", defaultValue = "${env:MODEL_DIR:-models}",
      description = "Directory of the model (env MODEL_DIR; default: ${DEFAULT-VALUE}).")
  Path modelDir;

  @Option(names = "--model-file", paramLabel = "NAME", defaultValue = "${env:MODEL_FILE}",
      description = "Name of the model inside --model-dir (env MODEL_FILE; default: the model's name).")
  String modelFile;

  /** The model's path, {@code modelName} standing in when no file name is configured. */
  Path path(String modelName) {
    return modelDir.resolve(modelFile != null && !modelFile.isBlank() ? modelFile : modelName);
  }
}
