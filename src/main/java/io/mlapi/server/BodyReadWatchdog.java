package io.mlapi.server;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Cuts request bodies that stall past their deadline. A client that stops sending mid-body
 * leaves its handler blocked in a read that no check between reads can end; this interrupts that
 * read (which closes the connection), so slow or stalled clients cannot hold requests open.
 */
final class BodyReadWatchdog implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(BodyReadWatchdog.class.getName());

  private final Set<Read> reads = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;

  /** @param timeout the request timeout: the watchdog looks four times per timeout, at most once per 10 ms */
  BodyReadWatchdog(Duration timeout) {
    timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "mlapi-body-watchdog");
      thread.setDaemon(true);
      return thread;
    });
    long period = Math.max(10, Math.min(1000, timeout.toMillis() / 4));
    timer.scheduleAtFixedRate(() -> sweep(System.nanoTime()), period, period, TimeUnit.MILLISECONDS);
  }

  /** Watches the calling thread's read until {@link #finished}. */
  Read started(long deadlineNanos) {
    Read read = new Read(Thread.currentThread(), deadlineNanos);
    reads.add(read);
    return read;
  }

  /** Ends the watch; clears the interrupt this watchdog may have sent, so it cannot reach later work. */
  void finished(Read read) {
    boolean interrupted;
    synchronized (read) {
      read.done = true;
      interrupted = read.interrupted;
    }
    reads.remove(read);
    if (interrupted) {
      Thread.interrupted();
    }
  }

  /** Interrupts every watched read whose deadline is before {@code nowNanos}. */
  void sweep(long nowNanos) {
    for (Read read : reads) {
      if (nowNanos - read.deadlineNanos > 0) {
        synchronized (read) {
          if (!read.done && !read.interrupted) {
            read.interrupted = true;
            LOG.fine(() -> "request body still incomplete at its deadline; closing the connection of " + read.thread);
            read.thread.interrupt();
          }
        }
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** One body being read: the reading thread and its deadline. */
  static final class Read {
    private final Thread thread;
    private final long deadlineNanos;
    private boolean done;
    private boolean interrupted;

    private Read(Thread thread, long deadlineNanos) {
      this.thread = thread;
      this.deadlineNanos = deadlineNanos;
    }

    synchronized boolean interrupted() {
      return interrupted;
    }
  }
}
