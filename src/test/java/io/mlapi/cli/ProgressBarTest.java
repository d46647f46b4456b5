package io.mlapi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress line redraws as the run goes, at most every 200 ms of the (injected) clock. */
class ProgressBarTest {
  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    long millis = 1_000_000;

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final ManualClock clock = new ManualClock();
  private final StringWriter terminal = new StringWriter();

  /** Each drawing of the line: what follows a carriage return. */
  private List<String> frames() {
    return Arrays.stream(terminal.toString().split("\r")).filter(frame -> !frame.isEmpty()).toList();
  }

  @Test
  void redrawsDuringTheRun_atMostEvery200Milliseconds() {
    ProgressBar bar = new ProgressBar(clock, new PrintWriter(terminal), 1000);

    bar.update(10, 100); // at once: the first drawing
    clock.millis += 50;
    bar.update(20, 200); // too soon
    clock.millis += 149;
    bar.update(30, 300); // 199 ms: still too soon
    clock.millis += 1;
    bar.update(40, 400); // 200 ms after the first drawing
    clock.millis += 250;
    bar.update(50, 500); // 250 ms after the last

    assertThat(frames()).containsExactly(
        "[###---------------------------]  10%  10 rows  10,000 rows/s",
        "[############------------------]  40%  40 rows  200 rows/s",
        "[###############---------------]  50%  50 rows  111 rows/s");
  }

  @Test
  void finish_drawsTheLastStateAndEndsTheLine() {
    ProgressBar bar = new ProgressBar(clock, new PrintWriter(terminal), 0);
    bar.update(5, 10);
    clock.millis += 100;
    bar.update(1234, 5000);
    clock.millis += 900;

    bar.finish();

    assertThat(frames()).containsExactly("  5 rows  5,000 rows/s", "  1,234 rows  1,234 rows/s" + System.lineSeparator());
  }
}
