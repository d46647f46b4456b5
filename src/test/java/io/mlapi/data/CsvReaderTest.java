package io.mlapi.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CsvReaderTest {
  /** The grammar CsvReader.decimal implements by hand, as a regular expression to hold it to. */
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private static CsvReader csv(String text) {
    return new CsvReader(new BufferedReader(new StringReader(text)), "rows.csv");
  }

  private static void assertSameAsRegexAndParseDouble(String text) {
    double got = CsvReader.decimal("[" + text + "]", 1, text.length() + 1);
    if (DECIMAL.matcher(text).matches()) {
      assertThat(Double.doubleToRawLongBits(got)).as("\"%s\"", text)
          .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
    } else {
      assertThat(got).as("\"%s\" is not a decimal number", text).isNaN();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-0", "+0.0", "5.", ".5", "-.5", "1.25", "5.1", "0.1", "123456789012345",
      "1234567890123456", "0.000000000000000001", "99999999999999999999", "1e5", "1E-5", "-2.5e+3", "1e400",
      "-1e400", "4.9e-324", "", ".", "+", "-", "e5", "1e", "1e+", "1.2.3", "1,5", "NaN", "Infinity", "0x1p3",
      "1d", "1f", " 1", "1 ", "١", "--1", "+-1", "1e5.0", "0.30000000000000004", "179769313486231570000000000"})
  void decimal_isParseDoubleOfDecimalNumbersAndNaNForTheRest(String text) {
    assertSameAsRegexAndParseDouble(text);
  }

  @Test
  void decimal_randomNumbers_bitIdenticalToParseDouble() {
    Random random = new Random(11);
    for (int i = 0; i < 200_000; i++) {
      String text = switch (i % 4) {
        case 0 -> Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(30) - 15));
        case 1 -> String.format(java.util.Locale.ROOT, "%." + random.nextInt(17) + "f", random.nextDouble() * 1000);
        case 2 -> (random.nextBoolean() ? "-" : "") + random.nextInt(100_000) + "." + random.nextInt(1_000_000_000);
        default -> Long.toString(random.nextLong() >>> random.nextInt(64));
      };
      assertSameAsRegexAndParseDouble(text);
    }
  }

  @Test
  void fields_withAndWithoutQuotes_splitAlike() {
    CsvReader reader = csv("");
    assertThat(reader.fields("a, b ,c,", 1)).containsExactly("a", "b", "c", "");
    assertThat(reader.fields(" \"a, b\" ,\"say \"\"hi\"\"\",c", 1)).containsExactly("a, b", "say \"hi\"", "c");
    assertThat(reader.fields("1,\"2\",3", 1)).containsExactly("1", "2", "3");
    assertThatThrownBy(() -> reader.fields("1,\"2", 7))
        .isInstanceOf(DatasetException.class).hasMessage("rows.csv:7:2: unterminated quoted field");
    assertThatThrownBy(() -> reader.fields("\"1\"x,2", 8))
        .isInstanceOf(DatasetException.class).hasMessage("rows.csv:8:1: text after a closing quote");
  }

  @Test
  void bounds_unquotedLines_findTheFieldsNumberReads() {
    CsvReader reader = csv("");
    int[] bounds = new int[5];
    String line = "7, 1.5 ,x,";
    assertThat(CsvReader.bounds(line, bounds)).isEqualTo(4);
    assertThat(reader.number(line, bounds[0], bounds[1] - 1, "a", 2, 1)).isEqualTo(7);
    assertThat(reader.number(line, bounds[1], bounds[2] - 1, "b", 2, 2)).isEqualTo(1.5);
    assertThatThrownBy(() -> reader.number(line, bounds[2], bounds[3] - 1, "c", 2, 3))
        .hasMessage("rows.csv:2:3: column \"c\": \"x\" is not a number");
    assertThatThrownBy(() -> reader.number(line, bounds[3], bounds[4] - 1, "d", 2, 4))
        .hasMessage("rows.csv:2:4: column \"d\" is empty; every feature needs a number");
    assertThat(CsvReader.bounds("1,2,3,4,5", bounds)).as("more fields than room").isEqualTo(-1);
    assertThat(CsvReader.bounds("1,\"2\"", bounds)).as("quoted").isEqualTo(-1);
  }

  @Test
  void nextLine_skipsBlankLinesAndTheByteOrderMark_countingLines() {
    CsvReader reader = csv("\uFEFFa,b\n\n  \n1,2\n");
    assertThat(reader.nextLine()).isEqualTo("a,b");
    assertThat(reader.lineNumber()).isEqualTo(1);
    assertThat(reader.next()).containsExactly("1", "2");
    assertThat(reader.lineNumber()).isEqualTo(4);
    assertThat(reader.nextLine()).isNull();
  }

  @Test
  void number_badFields_sayFileLineColumnAndWhy() {
    CsvReader reader = csv("");
    String[] record = {"1.5", "", "abc", "1e999"};
    assertThat(reader.number(record, 0, "a", 3)).isEqualTo(1.5);
    assertThatThrownBy(() -> reader.number(record, 1, "b", 3))
        .hasMessage("rows.csv:3:2: column \"b\" is empty; every feature needs a number");
    assertThatThrownBy(() -> reader.number(record, 2, "c", 3))
        .hasMessage("rows.csv:3:3: column \"c\": \"abc\" is not a number");
    assertThatThrownBy(() -> reader.number(record, 3, "d", 3))
        .hasMessage("rows.csv:3:4: column \"d\": 1e999 is too large for a double");
  }

  @Test
  void requireColumnNames_emptyOrRepeatedNames_areRefused() {
    CsvReader reader = csv("");
    reader.requireColumnNames(new String[] {"a", "b"});
    assertThatThrownBy(() -> reader.requireColumnNames(new String[] {"a", ""}))
        .hasMessage("rows.csv:1:2: the header has an empty column name");
    assertThatThrownBy(() -> reader.requireColumnNames(new String[] {"a", "b", "a"}))
        .hasMessage("rows.csv:1:3: column \"a\" appears twice in the header");
  }
}
