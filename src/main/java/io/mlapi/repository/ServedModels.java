package io.mlapi.repository;

import io.mlapi.model.Model;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model the server answers with right now. A new model is switched in with one atomic
 * write: a request that already holds the old one finishes with it, the next gets the new one.
 */
public final class ServedModels {
  private final AtomicReference<Model> current = new AtomicReference<>();

  /** Serves {@code model} from now on, in place of the one before. */
  public void publish(Model model) {
    current.set(model);
  }

  /** The default model, if one is loaded. */
  public Optional<Model> defaultModel() {
    return Optional.ofNullable(current.get());
  }

  /** Ready once a model is loaded: until then every prediction would fail. */
  public boolean ready() {
    return current.get() != null;
  }
}
