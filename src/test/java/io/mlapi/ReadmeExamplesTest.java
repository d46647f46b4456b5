package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.ReadmeExamples.Example;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@link ReadmeIT} reads the README's examples and holds their output to what it shows. */
class ReadmeExamplesTest {
  private static final String README = """
      # Title

      ## Try it

      With the server running:

      ```sh
      curl localhost:5000/score
      # {"score":0.7}

      # A comment after a blank line is a note.
      curl -X POST localhost:5000/predict \\
        -d '{"instances": [[1, 2]]}'
      # {"error":"…"}     (HTTP 400)
      ```

      ```
      not a shell block: mlapi train: bad.csv:3:2
      ```

      ## Train

      ```sh
      ./mlapi train                     # an inline comment is the shell's
      ./mlapi train --data bad.csv
      # mlapi train: bad.csv:3:2: … is not a number   (exit code 2)

      # requires: grpcurl
      grpcurl -plaintext localhost:5001 list
      ```

      ## Not tested

      ```sh
      kubectl apply -k deploy/overlays/production
      ```
      """;

  private final List<Example> examples = ReadmeExamples.parse(README, List.of("Try it", "Train"));

  @Test
  void commands_theirShownOutput_annotationsAndRequirements_fromTheSectionsNamedOnly() {
    assertThat(examples).extracting(Example::command).containsExactly(
        "curl localhost:5000/score",
        "curl -X POST localhost:5000/predict \\\n  -d '{\"instances\": [[1, 2]]}'",
        "./mlapi train                     # an inline comment is the shell's",
        "./mlapi train --data bad.csv",
        "grpcurl -plaintext localhost:5001 list");
    assertThat(examples.get(0).expected()).containsExactly("{\"score\":0.7}");
    assertThat(examples.get(1).expected()).containsExactly("{\"error\":\"…\"}");
    assertThat(examples.get(1).httpStatus()).isEqualTo(400);
    assertThat(examples.get(1).line()).isEqualTo(12);
    assertThat(examples.get(2).expected()).isEmpty();
    assertThat(examples.get(3).exitCode()).isEqualTo(2);
    assertThat(examples.get(3).section()).isEqualTo("Train");
    assertThat(examples.get(4).requires()).containsExactly("grpcurl");
    assertThat(examples.get(3).requires()).isEmpty();
  }

  @Test
  void output_json_comparedAsJson_withAnyValueForTheEllipsis() {
    Example score = examples.get(0);
    assertThat(ReadmeExamples.mismatch(score, "{ \"score\" : 0.70 }\n(HTTP 200)\n", 0)).isEmpty();
    assertThat(ReadmeExamples.mismatch(score, "{\"score\":0.6}\n(HTTP 200)\n", 0)).contains(
        "no line matches \"{\"score\":0.7}\"");
    assertThat(ReadmeExamples.mismatch(score, "{\"score\":0.7,\"more\":1}\n(HTTP 200)\n", 0)).isNotEmpty();
    assertThat(ReadmeExamples.mismatch(score, "{\"score\":0.7}\n(HTTP 503)\n", 0))
        .contains("HTTP status 503, where the README shows none (so 2xx)");

    Example error = examples.get(1);
    assertThat(ReadmeExamples.mismatch(error, "{\"error\":\"anything at all\"}\n(HTTP 400)\n", 0)).isEmpty();
    assertThat(ReadmeExamples.mismatch(error, "{\"error\":\"x\"}\n(HTTP 200)\n", 0))
        .contains("HTTP status 200, the README shows 400");
  }

  @Test
  void output_text_withAnyTextForTheEllipsis_inOrder_andTheExitCode() {
    Example bad = examples.get(3);
    String printed = "some noise\nmlapi train: bad.csv:3:2: column \"b\": \"x\" is not a number\n";
    assertThat(ReadmeExamples.mismatch(bad, printed, 2)).isEmpty();
    assertThat(ReadmeExamples.mismatch(bad, printed, 0)).contains("exit code 0, the README shows 2");
    assertThat(ReadmeExamples.mismatch(bad, "mlapi train: other.csv:3:2: x is not a number\n", 2)).isNotEmpty();
    assertThat(ReadmeExamples.mismatch(examples.get(2), "anything\n", 1)).contains("exit code 1, the README shows 0");
    assertThat(ReadmeExamples.matches("a … c", "a b c")).isTrue();
    assertThat(ReadmeExamples.matches("a … c", "a b c d")).isFalse();
    assertThat(ReadmeExamples.matches("x (y)", "x (y)  ")).isTrue(); // no regex in what is shown
  }
}
