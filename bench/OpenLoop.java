import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator: requests are due at a fixed rate, whatever the server does, and
 * each one's latency counts from when it was due, not from when a connection got round to
 * sending it. A closed-loop tool (wrk, hey) waits for an answer before it sends the next request
 * on a connection, so a server that stalls also stops the clock that should be measuring the
 * stall ("coordinated omission"); here a stall leaves requests queued, and their waiting counts.
 *
 * <pre>
 *   java bench/OpenLoop.java URL BODY_FILE RATE SECONDS [CONNECTIONS] [WARMUP_SECONDS]
 * </pre>
 *
 * POSTs BODY_FILE (JSON) to URL at RATE requests per second for SECONDS, over up to CONNECTIONS
 * kept-alive HTTP/1.1 connections (default 64) after WARMUP_SECONDS at the same rate (default 2,
 * not counted), and prints one JSON line: the rate asked for and achieved, the latency
 * percentiles in microseconds (p50, p90, p99, p99.9, max) and the errors.
 */
public final class OpenLoop {
  /** A due time in System.nanoTime() terms; Long.MIN_VALUE tells a connection to stop. */
  private static final long STOP = Long.MIN_VALUE;

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: java bench/OpenLoop.java URL BODY_FILE RATE SECONDS [CONNECTIONS] [WARMUP_SECONDS]");
      System.exit(2);
    }
    URI url = URI.create(args[0]);
    byte[] body = Files.readAllBytes(Path.of(args[1]));
    double rate = Double.parseDouble(args[2]);
    double seconds = Double.parseDouble(args[3]);
    int connections = args.length > 4 ? Integer.parseInt(args[4]) : 64;
    double warmup = args.length > 5 ? Double.parseDouble(args[5]) : 2;
    byte[] request = request(url, body);
    InetSocketAddress server = new InetSocketAddress(url.getHost(), url.getPort());

    int total = (int) Math.round(rate * (warmup + seconds));
    long interval = Math.round(1e9 / rate);
    long start = System.nanoTime() + 10_000_000;
    long countedFrom = start + Math.round(warmup * 1e9); // requests due earlier are the warm-up's
    // Room for every request: a due time is never dropped, however far behind the server falls.
    BlockingQueue<Long> due = new ArrayBlockingQueue<>(total + connections);
    long[] latencies = new long[total];
    AtomicLong measuredCount = new AtomicLong();
    AtomicLong completed = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    Thread[] senders = new Thread[connections];
    for (int c = 0; c < connections; c++) {
      senders[c] = Thread.ofPlatform().daemon().name("sender-" + c).start(() -> send(server, request, due,
          countedFrom, latencies, measuredCount, completed, errors));
    }

    for (int i = 0; i < total; ) {
      long now = System.nanoTime();
      // Everything due by now goes out at once, each with its own due time: sleeping is coarser
      // than the interval at high rates, and a late scheduler must not make requests late.
      while (i < total && start + i * interval <= now) {
        due.put(start + i * interval);
        i++;
      }
      LockSupport.parkNanos(Math.min(interval, 100_000));
    }
    for (int c = 0; c < connections; c++) {
      due.put(STOP);
    }
    for (Thread sender : senders) {
      sender.join(TimeUnit.SECONDS.toMillis(30));
    }
    long elapsed = System.nanoTime() - start;

    long[] measured = Arrays.copyOf(latencies, (int) measuredCount.get());
    Arrays.sort(measured);
    long done = completed.get();
    System.out.println(String.format(Locale.ROOT, "{\"rate\": %.1f, \"achieved\": %.1f, \"seconds\": %.1f, "
        + "\"connections\": %d, \"requests\": %d, \"errors\": %d, \"latency_us\": {\"p50\": %d, \"p90\": %d, "
        + "\"p99\": %d, \"p999\": %d, \"max\": %d}}", rate, done / (elapsed / 1e9), seconds, connections,
        measured.length, errors.get(), percentile(measured, 50), percentile(measured, 90), percentile(measured, 99),
        percentile(measured, 99.9), measured.length == 0 ? 0 : measured[measured.length - 1]));
  }

  /**
   * One connection: takes due times in turn, sends, reads the answer, and records its latency
   * from the due time (for requests due from {@code countedFrom} on).
   */
  private static void send(InetSocketAddress server, byte[] request, BlockingQueue<Long> due, long countedFrom,
      long[] latencies, AtomicLong measuredCount, AtomicLong completed, AtomicLong errors) {
    Socket socket = null;
    InputStream in = null;
    OutputStream out = null;
    try {
      while (true) {
        long dueAt = due.take();
        if (dueAt == STOP) {
          return;
        }
        try {
          if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(server, 5000);
            socket.setSoTimeout(30_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = new BufferedOutputStream(socket.getOutputStream());
          }
          out.write(request);
          out.flush();
          int status = status(in);
          completed.incrementAndGet();
          if (status != 200) {
            errors.incrementAndGet();
          } else if (dueAt - countedFrom >= 0) {
            latencies[(int) measuredCount.getAndIncrement()] = (System.nanoTime() - dueAt) / 1000;
          }
        } catch (IOException e) {
          errors.incrementAndGet();
          close(socket);
          socket = null;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      close(socket);
    }
  }

  private static byte[] request(URI url, byte[] body) {
    String head = "POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] request = Arrays.copyOf(headBytes, headBytes.length + body.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    return request;
  }

  /** Reads one answer (Content-Length framed), returns its status. */
  private static int status(InputStream in) throws IOException {
    String statusLine = line(in);
    int length = 0;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(header.substring(15).strip());
      }
    }
    in.skipNBytes(length);
    return Integer.parseInt(statusLine.substring(9, 12));
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder(40);
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("the server closed the connection");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
  }

  private static void close(Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
