package io.mlapi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.ModelFixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** The command line's conventions: help, summaries, suggestions for typos, and one meaning per exit code. */
class HelpAndExitCodesTest {
  private static final List<String> COMMANDS = List.of("train", "serve", "predict");

  private static CommandLine commandLine() {
    return MlapiCommand.commandLine(ModelFixtures.CLOCK, new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()));
  }

  @Test
  void rootHelp_listsEveryCommandWithItsWholeFirstSentence_andTheExitCodes() {
    CommandLineRun run = CommandLineRun.run("--help");

    assertThat(run.exitCode()).isZero();
    String help = run.out().replaceAll("\\s+", " ");
    for (String name : COMMANDS) {
      String summary = summary(name);
      assertThat(summary).as(name + "'s summary").endsWith(".").doesNotContain("%n");
      assertThat(help).contains(name + " " + summary);
    }
    assertThat(help).contains("Exit codes: 0 done 1 an internal error", " 2 usage or bad input",
        " 3 serve could not listen on its port");
  }

  /**
   * Each element of a description is a paragraph, left for picocli to wrap: one that stops
   * without a full stop was broken by hand, mid-phrase.
   */
  @Test
  void descriptions_areWholeParagraphs() {
    for (String name : COMMANDS) {
      CommandSpec spec = commandLine().getSubcommands().get(name).getCommandSpec();
      for (String paragraph : spec.usageMessage().description()) {
        assertThat(paragraph.strip()).as(name + "'s description").endsWith(".");
      }
      spec.options().forEach(option -> {
        for (String line : option.description()) {
          assertThat(line.strip()).as(name + " " + option.longestName()).matches("(?s).*[.)]");
        }
      });
    }
  }

  @Test
  void helpCommand_showsTheRootOrACommandsHelp() {
    CommandLineRun root = CommandLineRun.run("help");
    CommandLineRun serve = CommandLineRun.run("help", "serve");

    assertThat(root.exitCode()).isZero();
    assertThat(root.out()).startsWith("Usage: mlapi [-hV] [COMMAND]").contains("Commands:");
    assertThat(serve.exitCode()).isZero();
    assertThat(serve.out()).isEqualTo(CommandLineRun.run("serve", "--help").out())
        .startsWith("Usage: mlapi serve").contains("--port=PORT", "Exit codes:");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', textBlock = """
      serve   | --prot    | mlapi serve: unknown option '--prot'; did you mean --port?
      serve   | --hots    | mlapi serve: unknown option '--hots'; did you mean --host?
      train   | --targt   | mlapi train: unknown option '--targt'; did you mean --target?
      train   | --kernal  | mlapi train: unknown option '--kernal'; did you mean --kernel?
      predict | --modle   | mlapi predict: unknown option '--modle'; did you mean --model?
      predict | --ouptut  | mlapi predict: unknown option '--ouptut'; did you mean --output?
      serve   | --zzzzzzz | mlapi serve: unknown option '--zzzzzzz'
      """)
  void aMistypedOption_getsASuggestion_notThePageOfHelp(String command, String typed, String message) {
    CommandLineRun run = CommandLineRun.run(command, typed, "5");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).isEqualTo(message + "\nRun 'mlapi " + command + " --help' for its options.\n");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aMistypedCommand_getsASuggestion() {
    CommandLineRun run = CommandLineRun.run("serv");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).isEqualTo("mlapi: unknown command 'serv'; did you mean serve?\n"
        + "Run 'mlapi --help' for the commands.\n");
  }

  @Test
  void noCommand_isAUsageError() {
    CommandLineRun run = CommandLineRun.run();

    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).startsWith("mlapi: a command is needed: train, serve, predict, export or help\n");
  }

  @Test
  void suggestions_countEditsIncludingSwappedNeighbours() {
    assertThat(OptionSuggestions.distance("--prot", "--port")).isEqualTo(1);
    assertThat(OptionSuggestions.distance("--hots", "--host")).isEqualTo(1);
    assertThat(OptionSuggestions.distance("", "abc")).isEqualTo(3);
    assertThat(OptionSuggestions.of("--poll=5s", List.of("--port", "--poll-interval", "--host")))
        .containsExactly("--poll-interval");
    assertThat(OptionSuggestions.of("--hots", List.of("--port", "--host", "--hosts"))).containsExactly("--host",
        "--hosts");
    assertThat(OptionSuggestions.of("--x", List.of("--port"))).isEmpty();
  }

  @Command(name = "broken")
  static final class Broken implements Callable<Integer> {
    private final RuntimeException failure;

    Broken(RuntimeException failure) {
      this.failure = failure;
    }

    @Override
    public Integer call() {
      throw failure;
    }
  }

  private static CommandLineRun runBroken(RuntimeException failure) {
    StringWriter err = new StringWriter();
    CommandLine line = new CommandLine(new Broken(failure));
    MlapiCommand.reportErrors(line, new PrintWriter(err, true));
    return new CommandLineRun(line.execute(), "", err.toString());
  }

  /** An argument check failing deep inside is a bug, not the user's mistake: exit 1 with the stack trace. */
  @Test
  void anUnexpectedIllegalArgumentException_isAnInternalError_withItsStackTrace() {
    CommandLineRun run = runBroken(new IllegalArgumentException("class 7 is not in 0..2"));

    assertThat(run.exitCode()).isEqualTo(ExitCodes.INTERNAL_ERROR);
    assertThat(run.err()).startsWith("broken: internal error, a bug in mlapi (please report it with what follows): "
        + "java.lang.IllegalArgumentException: class 7 is not in 0..2\n")
        .contains("\tat io.mlapi.cli.HelpAndExitCodesTest.anUnexpectedIllegalArgumentException");
  }

  @Test
  void badDataModelsAndPlaces_areBadInput_andADiskErrorIsOneLine() {
    CommandLineRun data = runBroken(new io.mlapi.data.DatasetException("x.csv", 3, 2, "\"a\" is not a number"));
    CommandLineRun model = runBroken(new io.mlapi.model.ModelFormatException("m: no model here"));
    CommandLineRun place = runBroken(new io.mlapi.model.ModelPathException("m/1 exists already"));
    CommandLineRun disk = runBroken(new java.io.UncheckedIOException("cannot write the model to m: No space left",
        new java.io.IOException("No space left")));

    assertThat(List.of(data.exitCode(), model.exitCode(), place.exitCode())).containsOnly(ExitCodes.BAD_INPUT);
    assertThat(data.err()).isEqualTo("broken: x.csv:3:2: \"a\" is not a number\n");
    assertThat(place.err()).isEqualTo("broken: m/1 exists already\n");
    assertThat(disk.exitCode()).isEqualTo(ExitCodes.INTERNAL_ERROR);
    assertThat(disk.err()).isEqualTo("broken: cannot write the model to m: No space left\n");
  }

  private static String summary(String command) {
    return commandLine().getSubcommands().get(command).getCommandSpec().usageMessage().description()[0];
  }
}
