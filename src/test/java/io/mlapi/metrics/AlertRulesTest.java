package io.mlapi.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.Promtool;
import io.mlapi.repository.ModelStatus;
import io.mlapi.repository.RepositoryState;
import io.mlapi.repository.VersionStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The alerting rules mlapi ships ({@code docs/alerts.yml}) and the exposition they read, held to
 * Prometheus' own tool: {@code promtool check rules}, {@code promtool test rules} (the scenarios in
 * {@code src/test/resources/prometheus/alerts-test.yml}) and {@code promtool check metrics}.
 * {@code scripts/ci-setup} installs promtool (Debian's {@code prometheus}).
 */
class AlertRulesTest {
  private static final Path RULES = Path.of("docs/alerts.yml");
  private static final Path RULE_TESTS = Path.of("src/test/resources/prometheus/alerts-test.yml");

  @Test
  void rules_areValid_andBehaveAsTheirScenariosSay() {
    assertThat(promtool(null, "check", "rules", RULES.toString())).contains("SUCCESS: 2 rules found");
    assertThat(promtool(null, "test", "rules", RULE_TESTS.toString())).contains("SUCCESS");
  }

  @Test
  void metricsGuide_quotesTheRulesExpressions() throws IOException {
    String guide = Files.readString(Path.of("docs/metrics.md"));
    List<String> lines = Files.readAllLines(RULES);
    List<String> expressions = new java.util.ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith("expr: |")) {
        int indent = lines.get(i + 1).indexOf(lines.get(i + 1).strip());
        for (int j = i + 1; j < lines.size() && lines.get(j).indexOf(lines.get(j).strip()) >= indent; j++) {
          expressions.add(lines.get(j).strip().replaceFirst("^or ", ""));
        }
      } else if (line.startsWith("expr: ")) {
        expressions.add(line.substring("expr: ".length()));
      }
    }

    assertThat(expressions).hasSize(3);
    assertThat(expressions).allSatisfy(expression -> assertThat(guide).contains(expression));
  }

  @Test
  void exposition_passesPromtoolsLint_withEveryMlapiFamilyPresent() {
    Metrics metrics = new Metrics();
    metrics.seen("iris");
    metrics.loaded("iris", 1, 1_000_000);
    metrics.failed("iris", 2, 2_000_000);
    metrics.inference("iris", 1, 50_000);
    metrics.requestStarted();
    metrics.requestFinished(metrics.endpoint("/predict"), "iris", 1, 200, 80_000);
    metrics.requestStarted();
    metrics.requestFinished(metrics.endpoint("/predict"), "", 0, 499, 80_000);
    metrics.refused(431);
    metrics.watchConnections(() -> 3, () -> 8192, 1 << 20);
    metrics.watch(() -> new RepositoryState(Map.of("iris", new ModelStatus("iris",
        List.of(new VersionStatus(2, VersionStatus.State.UNAVAILABLE, "broken", null)), null, false, true)), true,
        Set.of(), "iris", null));
    ByteArrayOutputStream scrape = new ByteArrayOutputStream();
    try {
      metrics.write(scrape);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String text = scrape.toString(StandardCharsets.UTF_8);

    promtool(text, "check", "metrics");

    assertThat(text).contains("mlapi_model_load_failures_total{model=\"iris\"} 1.0",
        "mlapi_requests_refused_total{status=\"431\"} 1.0", "mlapi_open_connections 3.0",
        "mlapi_buffered_request_bytes 8192.0", "mlapi_model_versions{model=\"iris\",state=\"UNAVAILABLE\"} 1.0");
  }

  @Test
  void aModelSeen_hasItsFailureCounterAtZero_andNoOtherPerModelSeries() throws IOException {
    Metrics metrics = new Metrics();

    metrics.seen("wine");

    ByteArrayOutputStream scrape = new ByteArrayOutputStream();
    metrics.write(scrape);
    List<String> wine = scrape.toString(StandardCharsets.UTF_8).lines()
        .filter(line -> line.contains("model=\"wine\"")).toList();
    assertThat(wine).containsExactly("mlapi_model_load_failures_total{model=\"wine\"} 0.0");
  }

  /** Runs promtool (with {@code stdin}, if given) and returns what it printed; fails on a non-zero exit. */
  private static String promtool(String stdin, String... arguments) {
    Promtool.Result result = Promtool.run(stdin, arguments);
    assertThat(result.exitCode()).as("promtool %s said:%n%s", String.join(" ", arguments), result.output()).isZero();
    return result.output();
  }
}
