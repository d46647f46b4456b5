package io.mlapi.server;

import io.helidon.webserver.WebServer;

/** The HTTP server: {@link HttpApi}'s routes on a Helidon webserver with virtual threads. */
public final class MlapiServer implements AutoCloseable {
  private final WebServer server;

  private MlapiServer(WebServer server) {
    this.server = server;
  }

  /** Binds and starts serving; the port is known when this returns. */
  public static MlapiServer start(ServerConfig config, InferenceService core) {
    WebServer server = WebServer.builder()
        .host(config.host())
        .port(config.port())
        .shutdownHook(false) // the caller decides when to stop (and tests stop it themselves)
        .routing(routing -> HttpApi.routing(routing, core, config))
        .build()
        .start();
    return new MlapiServer(server);
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.stop();
  }
}
