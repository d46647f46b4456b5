package io.mlapi.grpc;

import io.grpc.Status;
import java.time.Duration;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The calls whose request message is still to come, and the memory they may hold. grpc-java keeps
 * a message's bytes until it is whole, up to the largest message allowed, and says nothing of how
 * much has come; so each call whose message is being read counts as a whole largest message, and
 * at most {@code maxReading} are read at once, all connections together. Further calls wait their
 * turn, in order, their messages not read: HTTP/2's flow control then holds their clients to a
 * window per connection. A call's message not whole within the request timeout ends it:
 * {@code DEADLINE_EXCEEDED} when it was being read (the client was slow), {@code UNAVAILABLE} when
 * it never got its turn (the server was full of other clients' messages).
 *
 * <p>A turn is held exactly while a call's state is {@code READING}; every change of state is a
 * compare-and-set, so that the message, the client's leaving and the timeout race safely, and the
 * loser does nothing.
 */
final class ArrivingMessages {
  private static final int NEW = 0;
  private static final int QUEUED = 1;
  private static final int READING = 2;
  private static final int ARRIVED = 3;
  private static final int TIMED_OUT = 4;

  private final int maxReading;
  private final long timeoutNanos;
  private final Set<Message> waiting = ConcurrentHashMap.newKeySet();
  private final Queue<Message> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger reading = new AtomicInteger();

  /**
   * @param maxReading how many calls may have their message read at once
   * @param timeout how long a call's message may take to arrive, from the call's start
   */
  ArrivingMessages(int maxReading, Duration timeout) {
    if (maxReading < 1) {
      throw new IllegalArgumentException("at least one message must be let arrive at a time, got " + maxReading);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the request timeout must be positive, got " + timeout);
    }
    this.maxReading = maxReading;
    this.timeoutNanos = timeout.toNanos();
  }

  /**
   * A call that has started: its message is awaited from now on.
   *
   * @param request asks the transport for messages (the call's own {@code request}, which this
   *     holds back until the call's turn)
   * @param close ends the call with a status
   * @param startNanos when it started, on {@link System#nanoTime}'s scale
   */
  Message start(IntConsumer request, Consumer<Status> close, long startNanos) {
    Message message = new Message(request, close, startNanos + timeoutNanos);
    waiting.add(message);
    return message;
  }

  /**
   * Ends the calls whose message is due by {@code nanoTime}: run now and then (a few times per
   * timeout). Those still waiting their turn go first, so that the turns the others free go to
   * calls that are not due yet.
   */
  void endStalled(long nanoTime) {
    for (Message message : waiting) {
      if (nanoTime - message.due >= 0 && message.state.get() != READING) {
        message.timeOut();
      }
    }
    for (Message message : waiting) {
      if (nanoTime - message.due >= 0) {
        message.timeOut();
      }
    }
  }

  /** How many calls wait for their message now, read or not. */
  int waiting() {
    return waiting.size();
  }

  /** How many calls have their message read now. */
  int reading() {
    return reading.get();
  }

  private boolean takeTurn() {
    while (true) {
      int now = reading.get();
      if (now >= maxReading) {
        return false;
      }
      if (reading.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  private void giveBackTurn() {
    reading.decrementAndGet();
    admitQueued();
  }

  /** Gives free turns to the calls queued longest; those that ended meanwhile are dropped. */
  private void admitQueued() {
    while (!queue.isEmpty() && takeTurn()) {
      Message next = queue.poll();
      if (next != null && next.state.compareAndSet(QUEUED, READING)) {
        next.forwardRequested();
      } else {
        reading.decrementAndGet();
        if (next == null) {
          return;
        }
      }
    }
  }

  /** One call's message on its way. */
  final class Message {
    private final AtomicInteger state = new AtomicInteger(NEW);
    private final AtomicInteger requested = new AtomicInteger();
    private final IntConsumer request;
    private final Consumer<Status> close;
    private final long due;

    private Message(IntConsumer request, Consumer<Status> close, long due) {
      this.request = request;
      this.close = close;
      this.due = due;
    }

    /** The call's handler asks for {@code count} messages: passed on once the call has its turn. */
    void request(int count) {
      int now = state.get();
      if (now == NEW) {
        requested.addAndGet(count);
        if (takeTurn()) {
          if (state.compareAndSet(NEW, READING)) {
            forwardRequested();
          } else {
            giveBackTurn(); // ended meanwhile
          }
        } else if (state.compareAndSet(NEW, QUEUED)) {
          queue.add(this);
          admitQueued(); // a turn may have come free since takeTurn
        }
      } else if (now == QUEUED) {
        requested.addAndGet(count);
        if (state.get() != QUEUED) { // admitted meanwhile, perhaps before the count was added
          forwardRequested();
        }
      } else {
        request.accept(count);
      }
    }

    private void forwardRequested() {
      int count = requested.getAndSet(0);
      if (count > 0) {
        request.accept(count);
      }
    }

    /** Whether the call goes on: its message came in time (now, or before). */
    boolean arrived() {
      settle(ARRIVED);
      return state.get() == ARRIVED;
    }

    /** The call ended otherwise (cancelled, completed): nothing left to time out. */
    void ended() {
      settle(ARRIVED);
    }

    private void timeOut() {
      int was = settle(TIMED_OUT);
      long ms = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
      if (was == QUEUED) {
        close.accept(Status.UNAVAILABLE.withDescription("the request message could not be received within " + ms
            + " ms: the server holds as many partly received messages as --max-buffered-bytes allows ("
            + maxReading + "); retry shortly"));
      } else if (was >= 0) {
        close.accept(Status.DEADLINE_EXCEEDED.withDescription("the request message was not complete within " + ms
            + " ms of the call's start (--request-timeout)"));
      }
    }

    /** Moves to {@code to} unless settled already; gives back the turn held. Returns the state left, or -1. */
    private int settle(int to) {
      while (true) {
        int now = state.get();
        if (now == ARRIVED || now == TIMED_OUT) {
          return -1;
        }
        if (state.compareAndSet(now, to)) {
          waiting.remove(this);
          if (now == READING) {
            giveBackTurn();
          }
          return now; // a queued one stays in the queue until admitQueued drops it
        }
      }
    }
  }
}
