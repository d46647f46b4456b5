package io.mlapi.server;

import io.mlapi.Http;
import io.mlapi.inference.InferenceService;
import io.mlapi.metrics.Metrics;
import io.mlapi.repository.ModelLoader;
import io.mlapi.repository.ModelRepository;
import io.mlapi.repository.RepositoryDirectory;
import io.mlapi.repository.VersionPolicies;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/** A real server on a free port over a repository directory, as {@code mlapi serve} wires it. */
final class TestServer implements AutoCloseable {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);

  final ModelRepository repository;
  final Metrics metrics = new Metrics();
  final MlapiServer server;
  final Http http;
  final StringWriter accessLog = new StringWriter();

  /** Serves {@code root} after one poll, with {@code config} (its port is ignored: 0). */
  TestServer(Path root, ServerConfig config) {
    this(root, config, null, true);
  }

  TestServer(Path root, ServerConfig config, String defaultModel, boolean poll) {
    this(root, config, defaultModel, poll, ModelLoader.trained(), Duration.ZERO);
  }

  TestServer(Path root, ServerConfig config, String defaultModel, boolean poll, ModelLoader loader) {
    this(root, config, defaultModel, poll, loader, Duration.ZERO);
  }

  /** @param warmup readiness waits for {@link MlapiServer#warmUp}, which warms up for this long */
  TestServer(Path root, ServerConfig config, String defaultModel, boolean poll, Duration warmup) {
    this(root, config, defaultModel, poll, ModelLoader.trained(), warmup);
  }

  TestServer(Path root, ServerConfig config, String defaultModel, boolean poll, ModelLoader loader, Duration warmup) {
    repository = new ModelRepository(new RepositoryDirectory(root), loader, VersionPolicies.latest(), metrics, defaultModel);
    metrics.watch(repository::state);
    if (poll) {
      repository.poll();
    }
    ServerConfig onFreePort = new ServerConfig("127.0.0.1", 0, config.maxRequestBytes(), config.maxRows(),
        config.requestTimeout(), config.drainDelay(), config.gracePeriod(), config.adminToken(), config.accessLog(),
        config.connections(), config.openAdmin());
    server = MlapiServer.start(onFreePort, new InferenceService(repository, metrics, config.maxRows()), metrics,
        new PrintWriter(accessLog, true), CLOCK, warmup);
    http = new Http(server.port());
  }

  @Override
  public void close() {
    server.close();
  }
}
