package io.mlapi.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlapi.model.ModelFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The optional model.json beside a model.onnx is hostile input: every field checked, every fault named. */
class CardFileTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private static CardFile parse(String json) throws Exception {
    return CardFile.parse(JSON.readTree(json));
  }

  @Test
  void everyField_read() throws Exception {
    CardFile card = parse("""
        {"description": "iris", "features": ["a", "b"], "classes": ["x", "y"], "testRows": [[1, 2], [3.5, -4]],
         "expected": {"label": ["x", "y"]}, "tolerance": 0.001}""");

    assertThat(card.description()).isEqualTo("iris");
    assertThat(card.features()).containsExactly("a", "b");
    assertThat(card.classes()).containsExactly("x", "y");
    assertThat(card.testRows()).isDeepEqualTo(new double[][] {{1, 2}, {3.5, -4}});
    assertThat(card.expected()).containsOnlyKeys("label");
    assertThat(card.tolerance()).isEqualTo(0.001);
  }

  @Test
  void noFile_isNoCard_andEveryFieldIsOptional() throws Exception {
    assertThat(CardFile.read(dir)).isSameAs(CardFile.NONE);
    CardFile empty = parse("{}");
    assertThat(empty.features()).isEmpty();
    assertThat(empty.testRows()).isEmpty();
    assertThat(empty.tolerance()).isEqualTo(1e-5);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      []                                     | must be a JSON object, e.g. {"description": "..."}
      {"formatVersion": 1}                   | unknown field "formatVersion"; the fields of an ONNX model's model.json are classes, description, expected, features, testRows, tolerance
      {"description": 7}                     | description must be a string of at most 4096 characters
      {"features": "a,b"}                    | features must be a list of 1 to 100000 names
      {"features": []}                       | features must be a list of 1 to 100000 names
      {"features": ["a", 1]}                 | features[1] must be a non-empty string of at most 256 characters
      {"features": ["a", ""]}                | features[1] must be a non-empty string of at most 256 characters
      {"features": ["a", "b", "a"]}          | features[2]: "a" repeats
      {"classes": ["only"]}                  | classes must be a list of 2 to 100000 names
      {"testRows": []}                       | testRows must be a list of 1 to 1000 rows
      {"testRows": [[1, 2], [3]]}            | testRows[1] must be a list of 2 numbers, as the first row has
      {"testRows": [[1, "2"]]}               | testRows[0][1] must be a finite number, got "2"
      {"testRows": [[1e999]]}                | testRows[0][0] must be a finite number, got "Infinity"
      {"testRows": [5]}                      | testRows[0] must be a list of numbers
      {"features": ["a"], "testRows": [[1, 2]]} | testRows[0] has 2 values, but features names 1
      {"expected": {"y": [1]}}               | expected needs testRows: the rows the values are expected for
      {"testRows": [[1]], "expected": []}    | expected must be an object of output name to values
      {"testRows": [[1]], "expected": {"y": 1}} | expected.y must be a list of values
      {"tolerance": -1}                      | tolerance must be a number from 0 to 1, got -1
      {"tolerance": "0.1"}                   | tolerance must be a number from 0 to 1, got "0.1"
      """)
  void invalid_isRefusedNamingTheField(String json, String message) {
    assertThatThrownBy(() -> parse(json)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void file_refusedWhenNotJsonRepeatingAKeyOrTooLarge() throws Exception {
    Path file = dir.resolve("model.json");
    Files.writeString(file, "{\"description\": \"a\", \"description\": \"b\"}");
    assertThatThrownBy(() -> CardFile.read(dir)).isInstanceOf(ModelFormatException.class)
        .hasMessageStartingWith(file + " is not valid JSON: Duplicate field 'description'");

    Files.writeString(file, "{\"description\": \"a\"} {}");
    assertThatThrownBy(() -> CardFile.read(dir)).hasMessageStartingWith(file + " is not valid JSON: ");

    Files.writeString(file, "{\"features\": [\"a\", 2]}");
    assertThatThrownBy(() -> CardFile.read(dir))
        .hasMessage(file + ": features[1] must be a non-empty string of at most 256 characters");

    Files.writeString(file, "{\"description\": \"" + "x".repeat(1024 * 1024) + "\"}");
    assertThatThrownBy(() -> CardFile.read(dir))
        .hasMessage(file + " has " + Files.size(file) + " bytes, more than the limit of 1048576");

    Files.delete(file);
    Files.createDirectory(file);
    assertThatThrownBy(() -> CardFile.read(dir)).hasMessage(file + " is not a regular file");
  }
}
