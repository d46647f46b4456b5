package io.mlapi.grpc;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.mlapi.grpc.v2.GRPCInferenceServiceGrpc;
import io.mlapi.inference.InferenceService;
import io.mlapi.metrics.Metrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * The Open Inference Protocol over gRPC on its own port (grpc-java on Netty): the inference
 * service, the standard health service and server reflection (so {@code grpcurl} needs no proto
 * file). Messages larger than the request size limit are refused ({@code RESOURCE_EXHAUSTED}).
 * Stops like the HTTP server: {@link #startDraining()} turns health to {@code NOT_SERVING} at once
 * while calls are still served, {@link #shutdown()} stops taking calls, and
 * {@link #awaitTermination} lets those in flight finish.
 */
public final class GrpcServer implements AutoCloseable {
  /** The inference service's full name, as clients and the health protocol name it. */
  public static final String SERVICE = GRPCInferenceServiceGrpc.SERVICE_NAME;
  private static final Logger LOG = Logger.getLogger(GrpcServer.class.getName());
  /** HTTP/2's SETTINGS_MAX_CONCURRENT_STREAMS: 100, as most gRPC servers announce. */
  static final int MAX_CALLS_PER_CONNECTION = 100;

  private final Server server;
  private final AtomicBoolean draining;
  private final GrpcHealth health;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService executor;

  private GrpcServer(Server server, AtomicBoolean draining, GrpcHealth health, ScheduledExecutorService scheduler,
      ExecutorService executor) {
    this.server = server;
    this.draining = draining;
    this.health = health;
    this.scheduler = scheduler;
    this.executor = executor;
  }

  /**
   * What one client may hold of the server.
   *
   * @param maxMessageBytes the largest request message accepted (the HTTP request size limit)
   * @param requestTimeout the longest a call's request message may take to arrive, from its
   *     headers (HTTP's request timeout for bodies)
   * @param idleTimeout how long a connection without calls is kept (HTTP's idle timeout)
   * @param maxBufferedBytes the most bytes of request messages held at once, all connections
   *     together (HTTP's {@code --max-buffered-bytes}), each message being read counted as a whole
   *     {@code maxMessageBytes} ({@link ArrivingMessages}); further calls wait their turn
   */
  public record Limits(long maxMessageBytes, Duration requestTimeout, Duration idleTimeout, long maxBufferedBytes) {
    public Limits {
      if (maxMessageBytes < 1 || maxBufferedBytes < 1) {
        throw new IllegalArgumentException("the message and buffered-bytes limits must be at least 1 byte, got "
            + maxMessageBytes + " and " + maxBufferedBytes);
      }
    }

    /** {@code serve}'s defaults for the timeouts, and room for a thousand messages. */
    static Limits defaults(long maxMessageBytes) {
      return new Limits(maxMessageBytes, Duration.ofSeconds(30), Duration.ofSeconds(75), 1000 * maxMessageBytes);
    }

    /** How many messages may be read at once: at least one. */
    int maxReading() {
      return Math.clamp(maxBufferedBytes / maxMessageBytes, 1, Integer.MAX_VALUE);
    }
  }

  /**
   * Binds and starts serving; the port is known when this returns. Readiness (health,
   * {@code ServerReady}) also waits while {@code warming} holds: the HTTP server's warm-up, so that
   * both protocols turn ready at the same moment.
   *
   * @param port 0 picks a free one
   * @param healthWatchInterval how often a health watch looks at readiness again
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static GrpcServer start(String host, int port, Limits limits, InferenceService core, Metrics metrics,
      Duration healthWatchInterval, BooleanSupplier warming) {
    AtomicBoolean draining = new AtomicBoolean();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "mlapi-grpc-timers");
      thread.setDaemon(true);
      return thread;
    });
    // Calls run on Netty's event loops (handing each to another thread cost more CPU than a one-row
    // inference: docs/performance.md); the inferences a model does not call quick run on virtual
    // threads, as the HTTP server's requests do, so that none holds an event loop for long.
    ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("mlapi-grpc-", 0).factory());
    BooleanSupplier ready = () -> !draining.get() && !warming.getAsBoolean() && core.snapshot().ready();
    GrpcHealth health = new GrpcHealth(ready, scheduler, healthWatchInterval);
    ArrivingMessages arriving = new ArrivingMessages(limits.maxReading(), limits.requestTimeout());
    GrpcCalls calls = new GrpcCalls(metrics, arriving, executor);
    long sweep = Math.clamp(limits.requestTimeout().toNanos() / 4, TimeUnit.MILLISECONDS.toNanos(10),
        TimeUnit.SECONDS.toNanos(1));
    scheduler.scheduleWithFixedDelay(() -> arriving.endStalled(System.nanoTime()), sweep, sweep, TimeUnit.NANOSECONDS);
    // What a client may hold: a message (up to maxMessageBytes) per call, for at most the request
    // timeout, on at most MAX_CALLS_PER_CONNECTION calls per connection (further calls wait in the
    // client, as HTTP/2 has them), on connections closed (GOAWAY) once idle for the idle timeout;
    // and all clients together, maxReading messages being read (ArrivingMessages).
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .directExecutor()
        .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, limits.maxMessageBytes()))
        .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
        .maxConnectionIdle(limits.idleTimeout().toNanos(), TimeUnit.NANOSECONDS)
        .addService(ServerInterceptors.intercept(new InferenceRpcs(core, calls, ready), calls))
        .addService(health)
        .addService(ProtoReflectionServiceV1.newInstance())
        .addService(legacyReflection())
        .build();
    try {
      server.start();
    } catch (IOException e) {
      scheduler.shutdownNow();
      executor.shutdownNow();
      throw new UncheckedIOException("cannot listen for gRPC on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    return new GrpcServer(server, draining, health, scheduler, executor);
  }

  /** Reflection's first version, which older clients (Python's grpcio-reflection, older grpcurl) still ask. */
  @SuppressWarnings("deprecation")
  private static io.grpc.BindableService legacyReflection() {
    return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
  }

  public int port() {
    return server.getPort();
  }

  /** Health turns {@code NOT_SERVING} and {@code ServerReady} false at once; calls are still served. */
  public void startDraining() {
    draining.set(true);
  }

  /**
   * Stops taking calls: clients are told to go elsewhere (HTTP/2 GOAWAY), calls in flight go on
   * ({@link #awaitTermination}).
   */
  public void shutdown() {
    draining.set(true);
    health.close();
    server.shutdown();
  }

  /** After {@link #shutdown}: waits up to {@code grace} for the calls in flight, then cancels what is left. */
  public void awaitTermination(Duration grace) {
    try {
      if (!server.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
        LOG.warning("gRPC calls still running " + grace.toMillis() + " ms after the stop: cancelling them");
        server.shutdownNow();
        server.awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    } finally {
      scheduler.shutdownNow();
      executor.shutdown();
    }
  }

  /** Stops at once, cancelling calls in flight. */
  @Override
  public void close() {
    shutdown();
    awaitTermination(Duration.ZERO);
  }
}
