package io.mlapi.server;

import io.helidon.http.Status;
import io.mlapi.inference.InferenceService;
import io.mlapi.model.Model;
import io.mlapi.repository.ModelStatus;
import io.mlapi.repository.RepositoryState;
import java.util.List;

/**
 * What the server holds, read-only and open like the model metadata (the admin token guards the
 * repository's commands, not what is served): {@code GET /v2/models}, every model with every
 * version's state, failed ones with their reason, even for a model with no version served (which
 * the V2 metadata answers with 503), or a page of them, filtered ({@link ModelQuery}); and {@code GET /v2/models/{name}[/versions/{v}]/card}, the
 * {@code model.json} of a served version. The web console is built on these two.
 */
final class ModelCatalogApi {
  private final InferenceService core;

  ModelCatalogApi(InferenceService core) {
    this.core = core;
  }

  /** Every model, or the page {@link ModelQuery} asks for. */
  void models(Exchange exchange) {
    ModelQuery query = ModelQuery.parse(exchange.request().query());
    RepositoryState state = core.snapshot().state();
    ModelQuery.Page page = query.page(state.models().values());
    List<ModelEntry> models = page.models().stream()
        .map(model -> new ModelEntry(model.name(), model.ready(), model.unloaded(), model.versions().stream()
            .map(v -> new OpenInferenceApi.VersionState(Integer.toString(v.version()), v.state().name(), v.reason()))
            .toList()))
        .toList();
    JsonBodies.send(exchange.response(), Status.OK_200,
        new ModelList(state.started(), state.defaultModel(), state.scanError(), models, page.total(), page.next()));
  }

  /** The card of the version asked for (the newest served without one): 404 unknown, 503 not served. */
  void card(Exchange exchange) {
    Model model = core.snapshot().model(exchange.param("name"), OpenInferenceApi.version(exchange));
    exchange.answeredBy(model);
    JsonBodies.send(exchange.response(), Status.OK_200, model.card());
  }

  /**
   * @param scanned whether the first look at the repository is done (before it, the list is empty)
   * @param default_model the model of {@code /score} and {@code /predict}, or null
   * @param scan_error why the last look at the repository failed (what is loaded keeps serving), or null
   * @param total how many models the query matches, all pages together
   * @param next the {@code after} that asks for the next page, or null on the last
   */
  record ModelList(boolean scanned, String default_model, String scan_error, List<ModelEntry> models, int total,
      String next) {}

  /**
   * @param ready whether a version is served
   * @param unloaded whether an operator unloaded it (POST /v2/repository/models/{name}/unload)
   * @param versions newest first
   */
  record ModelEntry(String name, boolean ready, boolean unloaded, List<OpenInferenceApi.VersionState> versions) {}
}
