package io.mlapi.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Locale;

/** One self-overwriting line on a terminal: bar, percentage of the input read, rows and rows/s. */
final class ProgressBar {
  private static final int WIDTH = 30;
  private static final long REDRAW_MILLIS = 200;

  private final Clock clock;
  private final PrintWriter terminal;
  private final long totalBytes;
  private final long started;
  /** When the line may be drawn again: at most every {@link #REDRAW_MILLIS}, the terminal's pace. */
  private long nextDraw;
  private long rows;
  private long bytes;

  /** @param totalBytes the input's size, or 0 when unknown (no bar, just counts) */
  ProgressBar(Clock clock, PrintWriter terminal, long totalBytes) {
    this.clock = clock;
    this.terminal = terminal;
    this.totalBytes = totalBytes;
    this.started = clock.millis();
    this.nextDraw = started;
  }

  void update(long rowsWritten, long bytesRead) {
    rows = rowsWritten;
    bytes = bytesRead;
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
    line.append(String.format(Locale.ROOT, "  %,d rows  %,.0f rows/s", rows, rows / seconds));
    terminal.print(line);
    terminal.flush();
  }
}
