package io.mlapi.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads CSV records one at a time (RFC 4180: comma-separated, double quotes around a field that
 * holds commas or quotes, {@code ""} for a quote inside one). A quoted field cannot span lines:
 * data tables do not need it, and it keeps every record on the line number reported in errors.
 */
public final class CsvReader implements AutoCloseable {
  /**
   * Decimal numbers only: {@link Double#parseDouble} alone would also take "NaN", "Infinity",
   * hexadecimal and a trailing "d" or "f", none of which belongs in a data file.
   */
  static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

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
      return split(line);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
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
    String text = record[index];
    String reason;
    if (text.isEmpty()) {
      reason = "column \"" + name + "\" is empty; every feature needs a number";
    } else if (!DECIMAL.matcher(text).matches()) {
      reason = "column \"" + name + "\": \"" + text + "\" is not a number";
    } else {
      double value = Double.parseDouble(text);
      if (Double.isFinite(value)) {
        return value;
      }
      reason = "column \"" + name + "\": " + text + " is too large for a double";
    }
    throw new DatasetException(file, lineNumber, index + 1, reason);
  }

  private String[] split(String line) {
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
