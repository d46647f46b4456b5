package io.mlapi.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.ModelFixtures;
import io.mlapi.Promtool;
import io.mlapi.model.Model;
import io.mlapi.repository.ModelStatus;
import io.mlapi.repository.RepositoryState;
import io.mlapi.repository.VersionStatus;
import io.mlapi.repository.VersionStatus.State;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * How many series a repository of many models costs: an idle, settled model has one (its failure
 * counter); a model that served traffic, or is not settled, has its own; the rest is in totals.
 */
class MetricsAtScaleTest {
  private static final Model IRIS = ModelFixtures.iris(1);

  private static ModelStatus settled(String name) {
    return new ModelStatus(name, List.of(new VersionStatus(1, State.READY, "", IRIS)), IRIS, false, false);
  }

  /** Settled models m00000..., and four that are not: failing, loading, kept after a failure, unloaded. */
  private static RepositoryState state(int settled) {
    Map<String, ModelStatus> models = new TreeMap<>();
    for (int i = 0; i < settled; i++) {
      String name = String.format("m%05d", i);
      models.put(name, settled(name));
    }
    models.put("broken", new ModelStatus("broken",
        List.of(new VersionStatus(1, State.UNAVAILABLE, "broken/1: model.libsvm: ...", null)), null, false, true));
    models.put("loading", new ModelStatus("loading", List.of(new VersionStatus(1, State.LOADING, "", null)), null,
        false, false));
    models.put("kept", new ModelStatus("kept", List.of(new VersionStatus(2, State.READY, "changed on disk, ...", IRIS),
        new VersionStatus(1, State.UNAVAILABLE, "not selected by the version policy latest", null)), IRIS, false, true));
    models.put("unloaded", new ModelStatus("unloaded",
        List.of(new VersionStatus(1, State.UNAVAILABLE, "unloaded; load the model to serve it again", null)), null,
        true, false));
    return new RepositoryState(models, true, Set.of(), null, null);
  }

  private static String scrape(int settled) throws IOException {
    Metrics metrics = new Metrics();
    RepositoryState state = state(settled);
    for (String name : state.models().keySet()) {
      metrics.seen(name);
      if (!name.equals("broken") && !name.equals("loading")) {
        metrics.loaded(name, 1, 2_000_000);
      }
    }
    metrics.failed("broken", 1, 1_000_000);
    metrics.requestStarted();
    metrics.requestFinished(metrics.endpoint("/predict"), "m00001", 1, 200, 80_000);
    metrics.inference("m00001", 1, 40_000);
    metrics.watch(() -> state);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    metrics.write(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static List<String> lines(String text, String model) {
    return text.lines().filter(line -> line.contains("model=\"" + model + "\"")).toList();
  }

  @Test
  void anIdleSettledModel_hasOnlyItsFailureCounter() throws IOException {
    String text = scrape(1_000);

    assertThat(lines(text, "m00002")).containsExactly("mlapi_model_load_failures_total{model=\"m00002\"} 0.0");
    assertThat(lines(text, "m00001")).as("served traffic: its request and inference series")
        .contains("mlapi_model_load_failures_total{model=\"m00001\"} 0.0",
            "mlapi_inference_duration_seconds_count{model=\"m00001\",version=\"1\"} 1")
        .anySatisfy(line -> assertThat(line).startsWith("mlapi_requests_total{"));
    assertThat(text.lines().filter(line -> line.startsWith("mlapi_model_versions{")))
        .as("only the models that are not settled").hasSize(12)
        .allSatisfy(line -> assertThat(line).containsPattern("model=\"(broken|loading|kept|unloaded)\""))
        .contains("mlapi_model_versions{model=\"broken\",state=\"READY\"} 0.0",
            "mlapi_model_versions{model=\"unloaded\",state=\"READY\"} 0.0",
            "mlapi_model_versions{model=\"kept\",state=\"UNAVAILABLE\"} 1.0");
    assertThat(text).contains("mlapi_repository_models{state=\"READY\"} 1001.0",
        "mlapi_repository_models{state=\"LOADING\"} 1.0", "mlapi_repository_models{state=\"UNAVAILABLE\"} 2.0",
        "mlapi_repository_versions{state=\"READY\"} 1001.0", "mlapi_repository_versions{state=\"UNAVAILABLE\"} 3.0",
        "mlapi_model_loads_total 1002.0", "mlapi_model_load_failures_total{model=\"broken\"} 1.0",
        "mlapi_model_load_duration_seconds_count 1003");
    Promtool.Result lint = Promtool.run(text, "check", "metrics");
    assertThat(lint.exitCode()).as("promtool check metrics:%n%s", lint.output()).isZero();
  }

  @Test
  void eachIdleModelMore_isOneLineMore() throws IOException {
    String thousand = scrape(1_000);
    String twoThousand = scrape(2_000);

    assertThat(twoThousand.lines().count() - thousand.lines().count()).isEqualTo(1_000);
    // one line of the failure counter: under 60 bytes for a 6-letter name (0.6 MB for 10,000)
    assertThat(twoThousand.getBytes(StandardCharsets.UTF_8).length - thousand.getBytes(StandardCharsets.UTF_8).length)
        .isBetween(1_000 * 40, 1_000 * 60);
  }
}
