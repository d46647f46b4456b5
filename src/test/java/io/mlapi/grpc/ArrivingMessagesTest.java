package io.mlapi.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link ArrivingMessages}: how many messages are read at once, who waits, in what order, and how
 * each way a call ends settles it. Time is given to {@link ArrivingMessages#endStalled}, never slept.
 */
class ArrivingMessagesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final long DUE = TIMEOUT.toNanos();

  /** One call as the transport sees it: what its handler's requests let through, how it was closed. */
  private static final class FakeCall {
    final AtomicInteger requested = new AtomicInteger();
    final List<String> closed = new ArrayList<>();
    ArrivingMessages.Message message;

    FakeCall start(ArrivingMessages arriving, long startNanos) {
      message = arriving.start(requested::addAndGet,
          status -> closed.add(status.getCode() + ": " + status.getDescription()), startNanos);
      return this;
    }
  }

  private static FakeCall call(ArrivingMessages arriving) {
    FakeCall call = new FakeCall().start(arriving, 0);
    call.message.request(2); // as grpc-java's unary handler asks
    return call;
  }

  @Test
  void upToTheLimitAreRead_theNextWaitsItsTurn_inOrder() {
    ArrivingMessages arriving = new ArrivingMessages(2, TIMEOUT);
    FakeCall first = call(arriving);
    FakeCall second = call(arriving);
    FakeCall third = call(arriving);
    FakeCall fourth = call(arriving);

    assertThat(first.requested).hasValue(2);
    assertThat(second.requested).hasValue(2);
    assertThat(third.requested).as("its message is not read yet").hasValue(0);
    assertThat(arriving.reading()).isEqualTo(2);
    assertThat(arriving.waiting()).isEqualTo(4);

    assertThat(first.message.arrived()).isTrue();
    assertThat(third.requested).as("the first freed its turn").hasValue(2);
    assertThat(fourth.requested).hasValue(0);
    second.message.ended(); // the client left
    assertThat(fourth.requested).hasValue(2);
    assertThat(arriving.reading()).isEqualTo(2);
    assertThat(arriving.waiting()).isEqualTo(2);
  }

  @Test
  void aQueuedCallThatEnds_isSkipped_theTurnGoesToTheNext() {
    ArrivingMessages arriving = new ArrivingMessages(1, TIMEOUT);
    FakeCall holder = call(arriving);
    FakeCall leaving = call(arriving);
    FakeCall next = call(arriving);

    leaving.message.ended();
    holder.message.arrived();

    assertThat(leaving.requested).hasValue(0);
    assertThat(next.requested).hasValue(2);
    assertThat(arriving.reading()).isOne();
  }

  @Test
  void afterItsMessage_requestsPassStraightThrough() {
    ArrivingMessages arriving = new ArrivingMessages(1, TIMEOUT);
    FakeCall stream = call(arriving);
    stream.message.arrived();

    stream.message.request(1);
    stream.message.request(1);

    assertThat(stream.requested).hasValue(4);
    assertThat(arriving.reading()).isZero();
  }

  @Test
  void requestsMadeWhileQueued_areAllPassedOnWithTheTurn() {
    ArrivingMessages arriving = new ArrivingMessages(1, TIMEOUT);
    FakeCall holder = call(arriving);
    FakeCall queued = call(arriving);
    queued.message.request(3);

    holder.message.arrived();

    assertThat(queued.requested).hasValue(5);
  }

  @Test
  void theRequestTimeout_slowClientsDeadlineExceeded_clientsThatNeverHadATurnUnavailable() {
    ArrivingMessages arriving = new ArrivingMessages(1, TIMEOUT);
    FakeCall slow = call(arriving);
    FakeCall queued = call(arriving);
    FakeCall later = new FakeCall().start(arriving, 1);
    later.message.request(2);

    arriving.endStalled(DUE - 1);
    assertThat(slow.closed).isEmpty();

    arriving.endStalled(DUE);

    assertThat(slow.closed).containsExactly("DEADLINE_EXCEEDED: the request message was not complete within 30000 "
        + "ms of the call's start (--request-timeout)");
    assertThat(queued.closed).containsExactly("UNAVAILABLE: the request message could not be received within 30000 "
        + "ms: the server holds as many partly received messages as --max-buffered-bytes allows (1); retry shortly");
    assertThat(later.closed).as("not due yet; it has the turn now").isEmpty();
    assertThat(later.requested).hasValue(2);
    assertThat(slow.message.arrived()).as("too late").isFalse();
    arriving.endStalled(DUE + 1);
    assertThat(later.closed).hasSize(1);
    assertThat(arriving.waiting()).isZero();
    assertThat(arriving.reading()).isZero();
  }

  @Test
  void aMessageThatArrives_isNotTimedOut() {
    ArrivingMessages arriving = new ArrivingMessages(1, TIMEOUT);
    FakeCall call = call(arriving);
    call.message.arrived();

    arriving.endStalled(DUE * 2);

    assertThat(call.closed).isEmpty();
    assertThat(call.message.arrived()).isTrue();
  }

  @Test
  void limits_areCheckedWithMessagesThatNameThem() {
    assertThatThrownBy(() -> new ArrivingMessages(0, TIMEOUT)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at least one message must be let arrive at a time, got 0");
    assertThatThrownBy(() -> new ArrivingMessages(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the request timeout must be positive, got PT0S");
    assertThatThrownBy(() -> new GrpcServer.Limits(0, TIMEOUT, TIMEOUT, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the message and buffered-bytes limits must be at least 1 byte, got 0 and 10");
    assertThat(new GrpcServer.Limits(1 << 20, TIMEOUT, TIMEOUT, 5L << 20).maxReading()).isEqualTo(5);
    assertThat(new GrpcServer.Limits(1 << 20, TIMEOUT, TIMEOUT, 1000).maxReading()).as("at least one").isEqualTo(1);
    assertThat(new GrpcServer.Limits(1, TIMEOUT, TIMEOUT, Long.MAX_VALUE).maxReading()).isEqualTo(Integer.MAX_VALUE);
  }

  /**
   * Eight threads start, request, receive and abandon calls at random: never more than the limit
   * read at once, every call that did not leave has its message read in the end, and nothing is
   * left waiting.
   */
  @Test
  void underContention_theLimitHolds_andEveryCallGetsItsTurn() throws InterruptedException {
    int limit = 3;
    ArrivingMessages arriving = new ArrivingMessages(limit, TIMEOUT);
    AtomicInteger mostReading = new AtomicInteger();
    ConcurrentLinkedQueue<FakeCall> admitted = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<FakeCall> all = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(8);
    for (int t = 0; t < 8; t++) {
      Thread.ofPlatform().start(() -> {
        try {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          for (int i = 0; i < 5_000; i++) {
            FakeCall call = new FakeCall();
            call.message = arriving.start(count -> {
              mostReading.accumulateAndGet(arriving.reading(), Math::max);
              call.requested.addAndGet(count);
              admitted.add(call);
            }, status -> { }, 0);
            all.add(call);
            call.message.request(2);
            // Some callers settle a call admitted earlier: its message came, or its client left.
            FakeCall settled = admitted.poll();
            if (settled != null) {
              if (random.nextBoolean()) {
                settled.message.arrived();
              } else {
                settled.message.ended();
              }
            }
          }
        } finally {
          done.countDown();
        }
      });
    }
    assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
    for (FakeCall call; (call = admitted.poll()) != null || arriving.reading() > 0; ) {
      if (call != null) {
        call.message.arrived();
      }
    }

    assertThat(mostReading.get()).isLessThanOrEqualTo(limit);
    assertThat(arriving.reading()).isZero();
    assertThat(arriving.waiting()).isZero();
    assertThat(all).hasSize(40_000).allSatisfy(call -> assertThat(call.requested).hasValue(2));
  }
}
