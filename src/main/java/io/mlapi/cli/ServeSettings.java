package io.mlapi.cli;

import io.mlapi.onnx.OnnxSettings;
import io.mlapi.repository.VersionPolicies;
import io.mlapi.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything {@code mlapi serve} was told, parsed and checked once by {@link ServeCommand}.
 *
 * @param server how the HTTP server listens and what it accepts
 * @param repository the model repository to serve, or {@code null} for the models of {@code modelDir}
 * @param modelDir the directory of models served when {@code repository} is {@code null}
 * @param modelFile the entry in {@code modelDir} of the default model (and where the tutorial's model
 *     is trained when there is none), or {@code null}
 * @param defaultModel the model of {@code /score} and {@code /predict}, or {@code null} to let the
 *     models' source choose
 * @param policies which versions of each model are served
 * @param pollInterval how often the models are checked for new versions when not watched; zero turns hot reload off
 * @param watch whether to watch the models' files for changes where the platform can
 * @param grpcPort the gRPC server's port; 0 picks a free one
 * @param modelName the name to serve the single model under, or {@code null} for its own
 * @param onnx how ONNX models are opened
 * @param loadTimeout the longest one model version may take to load and check
 * @param warmup how long the request path is warmed up before readiness; zero turns that off
 * @param exitAfterWarmup whether to stop once warmed up (a training run for the JVM's AOT cache)
 */
record ServeSettings(ServerConfig server, Path repository, Path modelDir, String modelFile, String defaultModel,
    VersionPolicies policies, Duration pollInterval, boolean watch, int grpcPort, String modelName, OnnxSettings onnx,
    Duration loadTimeout, Duration warmup, boolean exitAfterWarmup) {}
