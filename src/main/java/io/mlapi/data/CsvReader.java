package io.mlapi.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads CSV records one at a time (RFC 4180: comma-separated, double quotes around a field that
 * holds commas or quotes, {@code ""} for a quote inside one). A quoted field cannot span lines:
 * data tables do not need it, and it keeps every record on the line number reported in errors.
 */
public final class CsvReader implements AutoCloseable {
  /** Powers of ten a double holds exactly: the divisors of the fast path in {@link #decimal}. */
  private static final double[] EXACT_POWERS_OF_TEN = {
      1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

  private final BufferedReader in;
  private final String file;
  private int lineNumber;

  public CsvReader(BufferedReader in, String file) {
    this.in = in;
    this.file = file;
  }

  /** The 1-based line of the record last returned by {@link #next()}. */
  public int lineNumber() {
    return lineNumber;
  }

  public String file() {
    return file;
  }

  /** The next non-blank record's fields, trimmed; {@code null} at the end of the input. */
  public String[] next() {
    String line = nextLine();
    return line == null ? null : fields(line, lineNumber);
  }

  /**
   * The next non-blank line as it is written (a leading byte order mark removed), for callers that
   * pass lines through or split them elsewhere with {@link #fields}; {@code null} at the end.
   */
  public String nextLine() {
    try {
      String line;
      do {
        line = in.readLine();
        if (line == null) {
          return null;
        }
        lineNumber++;
        if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
          line = line.substring(1); // a byte order mark, as spreadsheet exports write
        }
      } while (line.isBlank());
      return line;
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks a header row names every column once: no empty names, no name twice.
   *
   * @throws DatasetException naming the column
   */
  public void requireColumnNames(String[] header) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < header.length; i++) {
      if (header[i].isEmpty()) {
        throw new DatasetException(file, 1, i + 1, "the header has an empty column name");
      }
      if (!seen.add(header[i])) {
        throw new DatasetException(file, 1, i + 1, "column \"" + header[i] + "\" appears twice in the header");
      }
    }
  }

  /**
   * The number in field {@code index} (0-based) of {@code record}, the record last read.
   *
   * @param name the column's name, for the error message
   * @throws DatasetException naming file, line and column when the field is empty, not a decimal
   *     number, or too large to be finite
   */
  public double number(String[] record, int index, String name) {
    return number(record, index, name, lineNumber);
  }

  /**
   * {@link #number(String[], int, String)} of a record read from line {@code line}; safe to call
   * from several threads at once.
   */
  public double number(String[] record, int index, String name, int line) {
    return number(record[index], 0, record[index].length(), name, line, index + 1);
  }

  /**
   * The number in {@code text[from, to)}, a field of line {@code line} found by {@link #bounds}
   * (surrounding whitespace allowed); like {@link #number(String[], int, String)}, without making a
   * string of the field. Safe to call from several threads at once.
   *
   * @param column the field's 1-based column, for the error message
   */
  public double number(String text, int from, int to, String name, int line, int column) {
    while (from < to && text.charAt(from) <= ' ') {
      from++;
    }
    while (to > from && text.charAt(to - 1) <= ' ') {
      to--;
    }
    String reason;
    if (from == to) {
      reason = "column \"" + name + "\" is empty; every feature needs a number";
    } else {
      double value = decimal(text, from, to);
      if (Double.isFinite(value)) {
        return value;
      }
      String field = text.substring(from, to);
      reason = Double.isNaN(value)
          ? "column \"" + name + "\": \"" + field + "\" is not a number"
          : "column \"" + name + "\": " + field + " is too large for a double";
    }
    throw new DatasetException(file, line, column, reason);
  }

  /**
   * Where the fields of an unquoted line are, for {@link #number(String, int, int, String, int, int)}:
   * field {@code k} is {@code line[bounds[k], bounds[k + 1] - 1)}, with {@code bounds[0] = 0}.
   *
   * @param bounds room for one more than the fields expected
   * @return the number of fields, or -1 when the line holds a quote (split it with {@link #fields})
   *     or more fields than {@code bounds} has room for
   */
  public static int bounds(String line, int[] bounds) {
    if (line.indexOf('"') >= 0) {
      return -1;
    }
    bounds[0] = 0;
    int count = 0;
    for (int c = line.indexOf(','); c >= 0; c = line.indexOf(',', c + 1)) {
      if (++count >= bounds.length - 1) {
        return -1;
      }
      bounds[count] = c + 1;
    }
    bounds[++count] = line.length() + 1;
    return count;
  }

  /** Whether {@code text} is a decimal number, as data files write them (see {@link #decimal}). */
  static boolean isDecimal(String text) {
    return !Double.isNaN(decimal(text, 0, text.length()));
  }

  /**
   * {@code text[from, to)} as a double if it is a decimal number, {@code [+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?},
   * else NaN. {@link Double#parseDouble} alone would also take "NaN", "Infinity", hexadecimal and a
   * trailing "d" or "f", none of which belongs in a data file. The result is exactly
   * {@code Double.parseDouble(text)}: numbers of up to 15 digits without an exponent, which is what
   * data files hold, take Clinger's fast path (an integer below 2^53 divided by an exact power of
   * ten is correctly rounded by IEEE division); everything else goes to the JDK. Several times
   * faster than a regular expression and {@code parseDouble}, which dominated batch prediction.
   */
  static double decimal(String text, int from, int to) {
    int n = to;
    int i = from;
    boolean negative = false;
    if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
      negative = text.charAt(i) == '-';
      i++;
    }
    long mantissa = 0;
    int digits = 0;
    int fractionDigits = 0;
    boolean point = false;
    for (; i < n; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits < 18) {
          mantissa = mantissa * 10 + (c - '0');
        }
        digits++;
        if (point) {
          fractionDigits++;
        }
      } else if (c == '.' && !point) {
        point = true;
      } else {
        break;
      }
    }
    if (digits == 0) {
      return Double.NaN;
    }
    if (i < n) {
      char c = text.charAt(i);
      if (c != 'e' && c != 'E') {
        return Double.NaN;
      }
      i++;
      if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
        i++;
      }
      int exponentStart = i;
      while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        i++;
      }
      if (i == exponentStart || i < n) {
        return Double.NaN;
      }
      return Double.parseDouble(text.substring(from, to));
    }
    if (digits > 15) {
      return Double.parseDouble(text.substring(from, to));
    }
    double value = mantissa / EXACT_POWERS_OF_TEN[fractionDigits];
    return negative ? -value : value;
  }

  /**
   * The fields of {@code line}, the record on line {@code lineNumber}, trimmed; safe to call from
   * several threads at once.
   *
   * @throws DatasetException on a quote left open or text after a closing quote
   */
  public String[] fields(String line, int lineNumber) {
    if (line.indexOf('"') < 0) { // no quotes, the usual case: fields are what lies between commas
      int count = 1;
      for (int c = line.indexOf(','); c >= 0; c = line.indexOf(',', c + 1)) {
        count++;
      }
      String[] fields = new String[count];
      int start = 0;
      for (int k = 0; k < count; k++) {
        int end = k == count - 1 ? line.length() : line.indexOf(',', start);
        fields[k] = line.substring(start, end).trim();
        start = end + 1;
      }
      return fields;
    }
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    int n = line.length();
    while (true) {
      while (i < n && line.charAt(i) == ' ') {
        i++;
      }
      if (i < n && line.charAt(i) == '"') {
        int column = fields.size() + 1;
        i++;
        while (true) {
          if (i >= n) {
            throw new DatasetException(file, lineNumber, column, "unterminated quoted field");
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < n && line.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          } else {
            field.append(c);
          }
        }
        while (i < n && line.charAt(i) != ',') {
          if (line.charAt(i) != ' ') {
            throw new DatasetException(file, lineNumber, column, "text after a closing quote");
          }
          i++;
        }
      } else {
        int end = line.indexOf(',', i);
        if (end < 0) {
          end = n;
        }
        field.append(line, i, end);
        i = end;
      }
      fields.add(field.toString().trim());
      field.setLength(0);
      if (i >= n) {
        return fields.toArray(String[]::new);
      }
      i++; // the comma
    }
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
