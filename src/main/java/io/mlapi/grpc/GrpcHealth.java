package io.mlapi.grpc;

import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The standard {@code grpc.health.v1.Health} service, so Kubernetes' gRPC probes and grpc-health-probe
 * work: {@code SERVING} exactly when the server is ready (every model loaded and warmed up, not
 * shutting down), for the whole server ({@code ""}) and for {@code inference.GRPCInferenceService}. {@code Check}
 * reads readiness when asked; {@code Watch} looks again every {@code watchInterval} and sends each
 * change. Any other service name is unknown ({@code NOT_FOUND}, or {@code SERVICE_UNKNOWN} on a
 * watch), as the health protocol says.
 */
final class GrpcHealth extends HealthGrpc.HealthImplBase {
  private final BooleanSupplier ready;
  private final ScheduledExecutorService scheduler;
  private final Duration watchInterval;
  private final Set<StreamObserver<HealthCheckResponse>> watchers = ConcurrentHashMap.newKeySet();

  /** @param ready whether the server is ready to serve now */
  GrpcHealth(BooleanSupplier ready, ScheduledExecutorService scheduler, Duration watchInterval) {
    this.ready = ready;
    this.scheduler = scheduler;
    this.watchInterval = watchInterval;
  }

  private static boolean known(String service) {
    return service.isEmpty() || service.equals(GrpcServer.SERVICE);
  }

  private HealthCheckResponse now() {
    return HealthCheckResponse.newBuilder()
        .setStatus(ready.getAsBoolean() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING).build();
  }

  @Override
  public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> observer) {
    if (!known(request.getService())) {
      observer.onError(Status.NOT_FOUND.withDescription("no service named \"" + request.getService()
          + "\"; this server has \"\" (itself) and " + GrpcServer.SERVICE).asRuntimeException());
      return;
    }
    observer.onNext(now());
    observer.onCompleted();
  }

  @Override
  public void watch(HealthCheckRequest request, StreamObserver<HealthCheckResponse> observer) {
    ServerCallStreamObserver<HealthCheckResponse> call = (ServerCallStreamObserver<HealthCheckResponse>) observer;
    if (!known(request.getService())) {
      // The stream stays open, as the protocol lets the service appear later; until the server
      // stops (close), which must not wait for it.
      call.onNext(HealthCheckResponse.newBuilder().setStatus(ServingStatus.SERVICE_UNKNOWN).build());
      watchers.add(call);
      call.setOnCancelHandler(() -> watchers.remove(call));
      return;
    }
    HealthCheckResponse[] last = {now()};
    call.onNext(last[0]);
    watchers.add(call);
    ScheduledFuture<?> task = scheduler.scheduleWithFixedDelay(() -> {
      HealthCheckResponse current = now();
      if (current.getStatus() != last[0].getStatus()) {
        last[0] = current;
        synchronized (call) {
          call.onNext(current);
        }
      }
    }, watchInterval.toNanos(), watchInterval.toNanos(), TimeUnit.NANOSECONDS);
    call.setOnCancelHandler(() -> {
      task.cancel(false);
      watchers.remove(call);
    });
  }

  /** Sends each watcher the final status and ends its stream, so a stopping server need not wait for them. */
  void close() {
    for (StreamObserver<HealthCheckResponse> watcher : watchers) {
      synchronized (watcher) {
        try {
          watcher.onNext(HealthCheckResponse.newBuilder().setStatus(ServingStatus.NOT_SERVING).build());
          watcher.onCompleted();
        } catch (RuntimeException e) {
          // the watcher left meanwhile
        }
      }
    }
    watchers.clear();
  }
}
