package io.mlapi.repository;

import io.mlapi.model.ModelTrainer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The version policy of each model: one for the server, overridden per model.
 *
 * @param server the policy of every model not named in {@code perModel}
 * @param perModel model name to its own policy
 */
public record VersionPolicies(VersionPolicy server, Map<String, VersionPolicy> perModel) {
  public VersionPolicies {
    perModel = Map.copyOf(perModel);
  }

  /** {@code latest} for every model. */
  public static VersionPolicies latest() {
    return new VersionPolicies(new VersionPolicy.Latest(1), Map.of());
  }

  /**
   * Reads {@code POLICY} (the server's, at most once) and {@code NAME=POLICY} items, e.g.
   * {@code ["latest:2", "iris=all"]}.
   *
   * @throws IllegalArgumentException naming the item that is wrong
   */
  public static VersionPolicies parse(List<String> items) {
    VersionPolicy server = null;
    Map<String, VersionPolicy> perModel = new HashMap<>();
    for (String item : items) {
      if (item.isBlank()) {
        continue;
      }
      int equals = item.indexOf('=');
      if (equals < 0) {
        if (server != null) {
          throw new IllegalArgumentException("only one server-wide version policy may be given, got \"" + server
              + "\" and \"" + item.strip() + "\"; name the model for the others (NAME=POLICY)");
        }
        server = VersionPolicy.parse(item);
      } else {
        String name = item.substring(0, equals).strip();
        ModelTrainer.requireName(name);
        if (perModel.put(name, VersionPolicy.parse(item.substring(equals + 1))) != null) {
          throw new IllegalArgumentException("model " + name + " has two version policies");
        }
      }
    }
    return new VersionPolicies(server != null ? server : new VersionPolicy.Latest(1), perModel);
  }

  public VersionPolicy of(String model) {
    return perModel.getOrDefault(model, server);
  }
}
