package io.mlapi.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Locale;

/** One self-overwriting line on a terminal: bar, percentage done, items (rows, fits) and items/s. */
final class ProgressBar {
  private static final int WIDTH = 30;
  private static final long REDRAW_MILLIS = 200;

  private final Clock clock;
  private final PrintWriter terminal;
  private long totalBytes;
  private final String unit;
  private final long started;
  /** When the line may be drawn again: at most every {@link #REDRAW_MILLIS}, the terminal's pace. */
  private long nextDraw;
  private long rows;
  private long bytes;

  /** @param totalBytes the input's size, or 0 when unknown (no bar, just counts) */
  ProgressBar(Clock clock, PrintWriter terminal, long totalBytes) {
    this(clock, terminal, totalBytes, "rows");
  }

  /**
   * @param total how much {@link #update}'s second argument reaches when done, or 0 when unknown
   * @param unit what the first argument counts, e.g. {@code fits}
   */
  ProgressBar(Clock clock, PrintWriter terminal, long total, String unit) {
    this.clock = clock;
    this.terminal = terminal;
    this.totalBytes = total;
    this.unit = unit;
    this.started = clock.millis();
    this.nextDraw = started;
  }

  void update(long rowsWritten, long bytesRead) {
    update(rowsWritten, bytesRead, totalBytes);
  }

  /** {@link #update(long, long)} when the total becomes known only as the work runs (fits of a search). */
  void update(long count, long done, long total) {
    rows = count;
    bytes = done;
    totalBytes = total;
    long now = clock.millis();
    if (now >= nextDraw) {
      draw(now);
    }
  }

  /** Draws the final state and ends the line, so what follows starts on a fresh one. */
  void finish() {
    draw(clock.millis());
    terminal.println();
    terminal.flush();
  }

  private void draw(long now) {
    nextDraw = now + REDRAW_MILLIS;
    double seconds = Math.max(1, now - started) / 1000.0;
    StringBuilder line = new StringBuilder("\r");
    if (totalBytes > 0) {
      double done = Math.min(1, (double) bytes / totalBytes);
      int filled = (int) Math.round(done * WIDTH);
      line.append('[').append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append(']')
          .append(String.format(Locale.ROOT, " %3d%%", Math.round(done * 100)));
    }
    line.append(String.format(Locale.ROOT, "  %,d %s  %,.0f %s/s", rows, unit, rows / seconds, unit));
    terminal.print(line);
    terminal.flush();
  }
}
