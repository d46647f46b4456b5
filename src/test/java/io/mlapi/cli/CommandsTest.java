package io.mlapi.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The commands in-process: train into a repository, and serve's refusals of bad settings (before it listens). */
class CommandsTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);

  @TempDir
  Path repository;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return MlapiCommand.commandLine(CLOCK, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  @Test
  void train_intoARepository_writesTheNextVersionEachTime() {
    assertThat(run("train", "--repository", repository.toString(), "--name", "iris")).isZero();
    assertThat(run("train", "--repository", repository.toString(), "--name", "iris", "--kernel", "linear")).isZero();

    assertThat(repository.resolve("iris/1/model.json")).exists();
    assertThat(repository.resolve("iris/2/model.json")).content().contains("\"kernel\" : \"linear\"")
        .contains("\"version\" : 2");
    assertThat(out.toString()).contains("saved to " + repository.resolve("iris/2"));
  }

  @Test
  void train_intoARepository_anExistingVersionIsNeverOverwritten() {
    assertThat(run("train", "--repository", repository.toString(), "--version", "3")).isZero();

    assertThat(run("train", "--repository", repository.toString(), "--version", "3")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString()).isEqualTo("mlapi train: " + repository.resolve("iris/3")
        + " exists already; a version is never overwritten, so pick a new one\n");
  }

  @Test
  void train_badModelName_isRefusedBeforeTraining() {
    assertThat(run("train", "--repository", repository.toString(), "--name", "../escape")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString()).startsWith("mlapi train: model name must be 1-128 letters");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      --access-log=xml          | mlapi serve: --access-log must be json or off, got "xml"
      --version-policy=newest   | mlapi serve: version policy must be latest, latest:N, all or specific:V1,V2,... (N and versions positive integers), got "newest"
      --drain-delay=30s         | mlapi serve: the grace period (PT20S) must be longer than the drain delay (PT30S): requests in flight need time to finish after draining
      --default-model=a/b       | mlapi serve: model name must be 1-128 letters, digits, '_', '.' or '-', starting with a letter or digit; got "a/b"
      --max-rows=0              | mlapi serve: the row limit must be at least 1, got 0
      --request-timeout=0s      | mlapi serve: the request timeout must be positive, got PT0S
      --port=70000              | mlapi serve: port must be between 0 and 65535, got 70000
      --grpc-port=70000         | mlapi serve: --grpc-port must be between 0 and 65535 and differ from --port, got 70000
      --grpc-port=5000          | mlapi serve: --grpc-port must be between 0 and 65535 and differ from --port, got 5000
      --model-name=a/b          | mlapi serve: model name must be 1-128 letters, digits, '_', '.' or '-', starting with a letter or digit; got "a/b"
      --onnx-intra-op-threads=-1 | mlapi serve: the ONNX intra-op thread count must be between 0 (ONNX Runtime's choice) and 1024, got -1
      --onnx-graph-optimization=max | mlapi serve: the graph optimisation level must be none, basic, extended or all, got "max"
      --onnx-max-model-bytes=0  | mlapi serve: the ONNX model size limit must be at least 1 byte, got 0
      """)
  void serve_badSetting_exits2WithTheReason_beforeListening(String flag, String message) {
    assertThat(run("serve", flag)).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString().strip()).isEqualTo(message);
  }

  @Test
  void serve_exitAfterWarmupWithoutAWarmup_exits2() {
    assertThat(run("serve", "--exit-after-warmup", "--warmup", "0")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString().strip())
        .isEqualTo("mlapi serve: --exit-after-warmup needs a warm-up: give --warmup a duration above 0");
  }

  @Test
  void serve_unreadableDuration_isAUsageError() {
    assertThat(run("serve", "--poll-interval", "soon")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString()).contains("'soon' is not a duration: use e.g. 500ms, 5s, 2m");
  }

  @ParameterizedTest
  @CsvSource({"500ms, PT0.5S", "5s, PT5S", "5, PT5S", "1.5s, PT1.5S", "2m, PT2M", "1h, PT1H", "PT3S, PT3S", "0, PT0S"})
  void durations_readTheShortAndTheIsoForms(String text, String iso) {
    assertThat(new DurationConverter().convert(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @CsvSource({"PT3000000H", "8761h", "99999999999999999999h", "P366D"})
  void durations_overAYear_areRefused(String text) {
    assertThatThrownBy(() -> new DurationConverter().convert(text)).isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessage("'" + text + "' is longer than a duration may be here: at most 365 days (8760h)");
  }

  @Test
  void serve_aTimeoutOfCenturies_isAUsageError_notAnInternalOne() {
    assertThat(run("serve", "--request-timeout", "PT3000000H")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString()).contains("'PT3000000H' is longer than a duration may be here: at most 365 days");
  }

  @Test
  void durations_aYear_isTheLongest() {
    assertThat(new DurationConverter().convert("8760h")).isEqualTo(Duration.ofDays(365));
  }

  @Test
  void durations_negative_areRefused() {
    assertThatThrownBy(() -> new DurationConverter().convert("-5s")).isInstanceOf(CommandLine.TypeConversionException.class);
  }
}
