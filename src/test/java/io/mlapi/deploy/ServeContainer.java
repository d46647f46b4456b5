package io.mlapi.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;
import java.util.Optional;

/**
 * What {@code mlapi serve} does in a container, read the way the server reads its settings:
 * a flag, else the environment variable, else the default (ServeCommand and ModelLocation;
 * the image sets MODEL_DIR, see pom.xml image.modelDir).
 *
 * @param port the port the server listens on
 * @param modelPath the model directory it serves, $MODEL_DIR/$MODEL_FILE
 * @param grpcPort the port it serves gRPC on
 * @param modelName the name it serves the model under, or {@code null} for the model's own
 */
record ServeContainer(Container container, int port, String modelPath, int grpcPort, String modelName) {
  static final int DEFAULT_PORT = 5000;
  static final int DEFAULT_GRPC_PORT = 8081;
  static final String IMAGE_MODEL_DIR = "/models";
  static final String DEFAULT_MODEL = "iris";

  /** The container's server settings, when it runs {@code serve} (the image's default command). */
  static Optional<ServeContainer> of(Container container) {
    List<String> args = container.getArgs() == null ? List.of() : container.getArgs();
    boolean imageEntrypoint = container.getCommand() == null || container.getCommand().isEmpty();
    if (!imageEntrypoint || !(args.isEmpty() || args.get(0).equals("serve"))) {
      return Optional.empty();
    }
    int port = Integer.parseInt(setting(container, args, "--port", "PORT", Integer.toString(DEFAULT_PORT)));
    String dir = setting(container, args, "--model-dir", "MODEL_DIR", IMAGE_MODEL_DIR);
    String file = setting(container, args, "--model-file", "MODEL_FILE", DEFAULT_MODEL);
    int grpcPort = Integer.parseInt(setting(container, args, "--grpc-port", "GRPC_PORT",
        Integer.toString(DEFAULT_GRPC_PORT)));
    return Optional.of(new ServeContainer(container, port, dir.replaceAll("/+$", "") + "/" + file, grpcPort,
        setting(container, args, "--model-name", "MODEL_NAME", null)));
  }

  /** {@code --flag=value} or {@code --flag value}, else the environment variable, else the default. */
  static String setting(Container container, List<String> args, String flag, String variable, String fallback) {
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).startsWith(flag + "=")) {
        return args.get(i).substring(flag.length() + 1);
      }
      if (args.get(i).equals(flag) && i + 1 < args.size()) {
        return args.get(i + 1);
      }
    }
    return env(container, variable).orElse(fallback);
  }

  static Optional<String> env(Container container, String variable) {
    if (container.getEnv() == null) {
      return Optional.empty();
    }
    return container.getEnv().stream().filter(e -> e.getName().equals(variable)).map(EnvVar::getValue).findFirst();
  }
}
