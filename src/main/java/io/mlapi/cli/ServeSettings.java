package io.mlapi.cli;

import io.mlapi.repository.VersionPolicies;
import io.mlapi.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything {@code mlapi serve} was told, parsed and checked once by {@link ServeCommand}.
 *
 * @param server how the HTTP server listens and what it accepts
 * @param repository the model repository to serve, or {@code null} for the single model
 * @param modelDir the directory of the single model (when {@code repository} is {@code null})
 * @param modelFile the single model's name inside {@code modelDir}, or {@code null} for the model's own name
 * @param defaultModel the model of {@code /score} and {@code /predict}, or {@code null} for the only one
 * @param policies which versions of each model are served
 * @param pollInterval how often the models are checked for new versions; zero turns that off
 * @param warmup how long the request path is warmed up before readiness; zero turns that off
 * @param exitAfterWarmup whether to stop once warmed up (a training run for the JVM's AOT cache)
 */
record ServeSettings(ServerConfig server, Path repository, Path modelDir, String modelFile, String defaultModel,
    VersionPolicies policies, Duration pollInterval, Duration warmup, boolean exitAfterWarmup) {

  /** The single model's path, {@code modelName} standing in when no file name is configured. */
  Path singleModel(String modelName) {
    return modelDir.resolve(modelFile != null && !modelFile.isBlank() ? modelFile : modelName);
  }
}
