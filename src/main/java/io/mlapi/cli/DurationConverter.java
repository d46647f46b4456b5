package io.mlapi.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Reads {@code 500ms}, {@code 5s}, {@code 2m} (or ISO-8601 {@code PT5S}); a bare number is seconds.
 * At most {@link #LONGEST}: the server adds durations to clock readings in nanoseconds, where
 * centuries overflow (a timeout of {@code PT3000000H} failed every start as an internal error).
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  static final Duration LONGEST = Duration.ofDays(365);
  private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

  @Override
  public Duration convert(String value) {
    Duration duration = parse(value);
    if (duration.compareTo(LONGEST) > 0) {
      throw new CommandLine.TypeConversionException("'" + value + "' is longer than a duration may be here: at most "
          + LONGEST.toDays() + " days (" + LONGEST.toHours() + "h)");
    }
    return duration;
  }

  private static Duration parse(String value) {
    String text = value.strip().toLowerCase(Locale.ROOT);
    Matcher simple = SIMPLE.matcher(text);
    if (simple.matches()) {
      double amount = Double.parseDouble(simple.group(1));
      String unit = simple.group(2) == null ? "s" : simple.group(2);
      double millis = switch (unit) {
        case "ms" -> amount;
        case "m" -> amount * 60_000;
        case "h" -> amount * 3_600_000;
        default -> amount * 1000;
      };
      return millis > LONGEST.toMillis() ? LONGEST.plusMillis(1) : Duration.ofNanos(Math.round(millis * 1_000_000));
    }
    try {
      return Duration.parse(value.strip().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: use e.g. 500ms, 5s, 2m");
    }
  }
}
