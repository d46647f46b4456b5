package io.mlapi.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.mlapi.metrics.Metrics;
import io.mlapi.model.InferenceException;
import io.mlapi.model.Model;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every call of the inference service goes through, as every HTTP route goes through
 * {@code HttpApi}'s wrapper. As an interceptor: the request metrics of every call, those the
 * transport ends (deadline passed, client cancelled) included. Around each method
 * ({@link #unary}, {@link #staged}): a call whose client no longer waits is not run and gets no
 * answer, and the core's refusals ({@link InferenceException}) become gRPC statuses with the same
 * message as REST. Anything else thrown is a bug of ours: {@code INTERNAL}, logged, never the
 * client's fault. Methods run on the transport's event loops; {@link #staged} moves long work off them.
 */
final class GrpcCalls implements ServerInterceptor {
  private static final Logger LOG = Logger.getLogger(GrpcCalls.class.getName());
  private static final Context.Key<Call> CALL = Context.key("mlapi-call");

  private final Metrics metrics;
  private final Map<String, Metrics.Endpoint> endpoints = new ConcurrentHashMap<>();
  private final AtomicLong internalErrors = new AtomicLong();
  private final ArrivingMessages arriving;
  private final Executor executor;

  /**
   * @param arriving the calls whose request message is still to come (with the request timeout
   *     and the budget of messages read at once)
   * @param executor where the long part of a {@link #staged} call runs
   */
  GrpcCalls(Metrics metrics, ArrivingMessages arriving, Executor executor) {
    this.metrics = metrics;
    this.arriving = arriving;
    this.executor = executor;
  }

  /** What one method computes: its response, noting on {@code call} the model that answered. */
  interface Body<R> {
    R run(Call call);
  }

  /** A method in two parts ({@link #staged}): quick checks, then the rest of its work. */
  interface Staged<R> {
    Rest<R> prepare(Call call);
  }

  /** The rest of a call's work, and whether it is quick enough to run on an event loop. */
  record Rest<R>(boolean quick, Supplier<R> work) {}

  /** One call on its way: the model that answered it, for the metrics. */
  static final class Call {
    private volatile String modelName = "";
    private volatile int modelVersion;

    void answeredBy(Model model) {
      modelName = model.name();
      modelVersion = model.version();
    }

    /** Stops a call whose client no longer waits (its deadline passed, or it cancelled): before costly work. */
    static void requireWanted() {
      Context context = Context.current();
      Deadline deadline = context.getDeadline();
      if (context.isCancelled() || (deadline != null && deadline.isExpired())) {
        throw new Abandoned();
      }
    }
  }

  /** A call its client no longer waits for: the transport ends it, nothing is sent. */
  private static final class Abandoned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abandoned() {
      super("the client no longer waits", null, false, false);
    }
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> serverCall, Metadata headers,
      ServerCallHandler<Q, R> next) {
    Metrics.Endpoint endpoint = endpoints.computeIfAbsent(serverCall.getMethodDescriptor().getFullMethodName(),
        method -> metrics.endpoint(Metrics.GRPC, method));
    long start = System.nanoTime();
    metrics.requestStarted();
    Call call = new Call();
    AtomicBoolean finished = new AtomicBoolean();
    Consumer<Status.Code> finish = code -> { // once: by the answer, or by the transport ending the call
      if (!finished.getAndSet(true)) {
        metrics.requestFinished(endpoint, call.modelName, call.modelVersion, code.name(), System.nanoTime() - start);
      }
    };
    Context context = Context.current().withValue(CALL, call);
    ArrivingMessages.Message message = arriving.start(serverCall::request, status -> {
      finish.accept(status.getCode());
      serverCall.close(status, new Metadata());
    }, start);
    ServerCall<Q, R> recorded = new SimpleForwardingServerCall<>(serverCall) {
      @Override
      public void close(Status status, Metadata trailers) {
        finish.accept(status.getCode());
        super.close(status, trailers);
      }

      /** Held back until the call's turn to have its message read ({@link ArrivingMessages}). */
      @Override
      public void request(int count) {
        message.request(count);
      }
    };
    ServerCall.Listener<Q> listener = Contexts.interceptCall(context, recorded, headers, next);
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q request) {
        if (message.arrived()) {
          super.onMessage(request);
        }
      }

      @Override
      public void onHalfClose() {
        if (message.arrived()) {
          super.onHalfClose();
        }
      }

      @Override
      public void onComplete() {
        message.ended();
        super.onComplete();
      }

      @Override
      public void onCancel() {
        message.ended();
        Deadline deadline = context.getDeadline();
        finish.accept(deadline != null && deadline.isExpired() ? Status.Code.DEADLINE_EXCEEDED : Status.Code.CANCELLED);
        super.onCancel();
      }
    };
  }

  /**
   * Runs {@code body} for {@code method} on the calling thread (one of the transport's event loops:
   * the body must be quick) and answers on {@code observer}.
   */
  <R> void unary(String method, StreamObserver<R> observer, Body<R> body) {
    Call call = current();
    answer(method, observer, () -> body.run(call));
  }

  /**
   * As {@link #unary}, for a method whose work may be long: its quick first part runs on the calling
   * event loop, and the rest too when that is quick; otherwise the rest runs on a virtual thread,
   * so that the event loop goes on reading and writing the other calls of its connections. Handing
   * a call to another thread costs more than a one-row inference (~15 us of CPU per call, measured
   * in {@code docs/performance.md}), so quick calls stay.
   */
  <R> void staged(String method, StreamObserver<R> observer, Staged<R> body) {
    Call call = current();
    answer(method, observer, () -> {
      Rest<R> rest = body.prepare(call);
      if (rest.quick()) {
        Call.requireWanted(); // the client may have gone while the message was decoded
        return rest.work().get();
      }
      try {
        executor.execute(Context.current().wrap(() -> answer(method, observer, rest.work())));
      } catch (RejectedExecutionException e) {
        throw InferenceException.unavailable("the server is stopping");
      }
      return null;
    });
  }

  private static Call current() {
    Call call = CALL.get();
    return call != null ? call : new Call(); // outside the interceptor (never in the server): nothing to record
  }

  /** Runs {@code work} and answers with its response; {@code null} means another thread answers. */
  private <R> void answer(String method, StreamObserver<R> observer, Supplier<R> work) {
    try {
      Call.requireWanted();
      R response = work.get();
      if (response == null) {
        return;
      }
      Call.requireWanted();
      observer.onNext(response);
      observer.onCompleted();
    } catch (Abandoned e) {
      LOG.fine(() -> "gRPC " + method + ": the client no longer waits; not answering");
    } catch (InferenceException e) {
      observer.onError(status(e.kind()).withDescription(e.getMessage()).asRuntimeException());
    } catch (RuntimeException e) {
      long id = internalErrors.incrementAndGet();
      LOG.log(Level.SEVERE, "unexpected failure in gRPC " + method + " (internal error " + id + ")", e);
      observer.onError(Status.INTERNAL.withDescription("internal error: " + e.getClass().getSimpleName()
          + "; internal error " + id + " in the server's log").asRuntimeException());
    }
  }

  /** The one place the core's refusals become gRPC statuses (HTTP's: {@code HttpApi.status}). */
  static Status status(InferenceException.Kind kind) {
    return switch (kind) {
      case INVALID_INPUT -> Status.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.NOT_FOUND;
      case LIMIT_EXCEEDED -> Status.RESOURCE_EXHAUSTED;
      case UNIMPLEMENTED -> Status.UNIMPLEMENTED;
      case UNAVAILABLE -> Status.UNAVAILABLE;
    };
  }
}
