package io.mlapi.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.mlapi.metrics.Metrics;
import io.mlapi.model.InferenceException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/**
 * {@link GrpcCalls#staged}: which thread runs a call's work, and that every way it ends is answered
 * once. The executor here only queues tasks, which a test runs when it likes.
 */
class GrpcCallsTest {
  private final Queue<Runnable> queued = new ArrayDeque<>();
  private final Executor queue = queued::add;
  private final Recorder<String> observer = new Recorder<>();

  private GrpcCalls calls(Executor executor) {
    return new GrpcCalls(new Metrics(), new ArrivingMessages(100, Duration.ofSeconds(30)), executor);
  }

  @Test
  void quickWork_runsOnTheCallingThread_andIsAnsweredAtOnce() {
    Thread caller = Thread.currentThread();
    List<Thread> ranOn = new ArrayList<>();

    calls(queue).staged("ModelInfer", observer, call -> new GrpcCalls.Rest<>(true, () -> {
      ranOn.add(Thread.currentThread());
      return "answer";
    }));

    assertThat(ranOn).containsExactly(caller);
    assertThat(queued).isEmpty();
    assertThat(observer.events).containsExactly("next answer", "completed");
  }

  @Test
  void workThatIsNotQuick_goesToTheExecutor_andIsAnsweredFromThere() {
    calls(queue).staged("ModelInfer", observer, call -> new GrpcCalls.Rest<>(false, () -> "answer"));

    assertThat(observer.events).as("nothing answered before the executor runs the rest").isEmpty();
    assertThat(queued).hasSize(1);
    queued.remove().run();
    assertThat(observer.events).containsExactly("next answer", "completed");
  }

  @Test
  void aRefusalWhilePreparing_isItsStatus_andNothingIsHandedOn() {
    calls(queue).staged("ModelInfer", observer, call -> {
      throw InferenceException.notFound("model nope is not in the repository");
    });

    assertThat(queued).isEmpty();
    assertThat(observer.events).containsExactly("error NOT_FOUND: model nope is not in the repository");
  }

  @Test
  void aRefusalOnTheExecutor_isItsStatus() {
    calls(queue).staged("ModelInfer", observer, call -> new GrpcCalls.Rest<String>(false, () -> {
      throw InferenceException.invalidInput("row 3: feature 2 is NaN");
    }));
    queued.remove().run();

    assertThat(observer.events).containsExactly("error INVALID_ARGUMENT: row 3: feature 2 is NaN");
  }

  @Test
  void anExecutorThatTakesNoMore_isUnavailable() {
    Executor stopped = task -> {
      throw new RejectedExecutionException("shut down");
    };

    calls(stopped).staged("ModelInfer", observer, call -> new GrpcCalls.Rest<>(false, () -> "answer"));

    assertThat(observer.events).containsExactly("error UNAVAILABLE: the server is stopping");
  }

  @Test
  void aCallCancelledBeforeTheExecutorRunsIt_isNotRunNorAnswered() {
    Context.CancellableContext context = Context.current().withCancellation();
    List<String> ran = new ArrayList<>();
    context.run(() -> calls(queue).staged("ModelInfer", observer, call -> new GrpcCalls.Rest<>(false, () -> {
      ran.add("rest");
      return "answer";
    })));
    context.cancel(null);

    queued.remove().run();

    assertThat(ran).isEmpty();
    assertThat(observer.events).isEmpty();
  }

  @Test
  void anUnexpectedFailure_isInternal_namingTheLogEntry() {
    calls(queue).staged("ModelInfer", observer, call -> new GrpcCalls.Rest<String>(true, () -> {
      throw new IllegalStateException("a bug");
    }));

    assertThat(observer.events).singleElement().asString()
        .startsWith("error INTERNAL: internal error: IllegalStateException; internal error 1 in the server's log");
  }

  /** What the call was answered, in order. */
  private static final class Recorder<R> implements StreamObserver<R> {
    final List<String> events = new ArrayList<>();

    @Override
    public void onNext(R value) {
      events.add("next " + value);
    }

    @Override
    public void onError(Throwable error) {
      Status status = Status.fromThrowable(error);
      events.add("error " + status.getCode() + ": " + status.getDescription());
    }

    @Override
    public void onCompleted() {
      events.add("completed");
    }
  }
}
