package io.mlapi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every {@code serve} option is in the README's configuration table, every limit in serving.md's table of limits. */
class ServeOptionsDocumentedTest {
  private static List<String> options() {
    CommandLine serve = new CommandLine(new ServeCommand(Clock.systemUTC(), new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter())));
    return serve.getCommandSpec().options().stream().map(CommandLine.Model.OptionSpec::longestName)
        .filter(name -> !name.equals("--help")).toList();
  }

  @Test
  void everyServeOption_isInTheReadmesConfigurationTable() throws IOException {
    String readme = Files.readString(Path.of("README.md"));

    assertThat(options()).isNotEmpty().allSatisfy(option -> assertThat(readme).contains("| `" + option + "` |"));
  }

  @Test
  void everyLimit_isInServingsTableOfLimitsAndTimeouts_withItsDefault() throws IOException {
    String guide = Files.readString(Path.of("docs/serving.md"));
    String limits = guide.substring(guide.indexOf("## Limits and timeouts"), guide.indexOf("## Shutting down"));

    for (String option : List.of("--max-request-bytes", "--max-rows", "--request-timeout", "--header-timeout",
        "--idle-timeout", "--max-connections", "--max-buffered-bytes", "--load-timeout")) {
      assertThat(options()).contains(option);
      assertThat(limits).containsPattern("\\| `" + option + "` \\(`MLAPI_[A-Z_]+`\\) \\| [^|]+ \\|");
    }
  }
}
