package io.mlapi.cli;

import io.mlapi.data.DatasetException;
import io.mlapi.model.MlapiVersion;
import io.mlapi.model.ModelFormatException;
import io.mlapi.model.ModelPathException;
import io.mlapi.server.ListenException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The root command, {@code mlapi train|serve|predict|export|help}, and the one place where what went
 * wrong becomes a message and an {@link ExitCodes exit code}: usage errors and bad input are
 * exit 2 with one line saying what to fix; anything unforeseen is an internal error, exit 1 with
 * its stack trace, never blamed on the user.
 */
@Command(name = "mlapi", mixinStandardHelpOptions = true, versionProvider = MlapiCommand.Version.class,
    description = "Trains support-vector classifiers with scikit-learn parity and serves them over HTTP.",
    commandListHeading = "%nCommands:%n",
    footer = {"", "Run 'mlapi help COMMAND' (or 'mlapi COMMAND --help') for a command's options."})
public final class MlapiCommand implements Runnable {
  @CommandLine.Spec
  CommandSpec spec;

  /** Without a command: nothing was asked, which is a usage error. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a command is needed: train, serve, predict, export or help");
  }

  /** The command line with every command wired to {@code clock} and the given console. */
  public static CommandLine commandLine(Clock clock, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new MlapiCommand())
        .addSubcommand("train", new TrainCommand(clock, out, err))
        .addSubcommand("serve", new ServeCommand(clock, out, err))
        .addSubcommand("predict", new PredictCommand(clock, out, err))
        .addSubcommand("export", new ExportCommand(out, err))
        .addSubcommand("help", new CommandLine.HelpCommand());
    commandLine.setOut(out);
    commandLine.setErr(err);
    for (CommandLine command : List.of(commandLine, commandLine.getSubcommands().get("train"),
        commandLine.getSubcommands().get("serve"), commandLine.getSubcommands().get("predict"),
        commandLine.getSubcommands().get("export"))) {
      command.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n")
          .exitCodeList(ExitCodes.descriptions());
    }
    reportErrors(commandLine, err);
    return commandLine;
  }

  /** Makes {@code commandLine} report what goes wrong on {@code err}, with the exit codes of {@link ExitCodes}. */
  static void reportErrors(CommandLine commandLine, PrintWriter err) {
    commandLine.setParameterExceptionHandler((e, args) -> usageError(e, err));
    commandLine.setExecutionExceptionHandler((e, line, parsed) -> failure(e, line.getCommandSpec(), err));
  }

  /**
   * A usage error: what is wrong, the likely option or command for a mistyped one, and where the
   * options are listed. Not the whole help: it would push the message off the screen.
   */
  private static int usageError(ParameterException e, PrintWriter err) {
    CommandSpec command = e.getCommandLine().getCommandSpec();
    String name = command.qualifiedName();
    // picocli checks required options before it reports unknown ones: a mistyped required option
    // would read as a missing one, so the unknown one is reported first.
    List<String> unmatched = e instanceof UnmatchedArgumentException u ? u.getUnmatched()
        : e.getCommandLine().getUnmatchedArguments();
    boolean unknown = !unmatched.isEmpty();
    if (unknown) {
      String typed = unmatched.get(0);
      boolean option = typed.startsWith("-");
      List<String> names = option ? optionNames(command) : new ArrayList<>(command.subcommands().keySet());
      List<String> close = OptionSuggestions.of(typed, names);
      err.println(name + ": unknown " + (option ? "option" : command.subcommands().isEmpty() ? "argument" : "command")
          + " '" + typed + "'" + (close.isEmpty() ? "" : "; did you mean " + String.join(" or ", close) + "?"));
    } else {
      String message = e.getMessage();
      // picocli's own messages start with a capital; ours continue "mlapi COMMAND: ..." in lower case
      err.println(name + ": " + (message.length() > 1 && Character.isLowerCase(message.charAt(1))
          ? Character.toLowerCase(message.charAt(0)) + message.substring(1) : message));
    }
    if (unknown || e instanceof CommandLine.MissingParameterException || !command.subcommands().isEmpty()) {
      err.println("Run '" + name + " --help' for " + (command.subcommands().isEmpty() ? "its options." : "the commands."));
    }
    err.flush();
    return ExitCodes.BAD_INPUT;
  }

  private static List<String> optionNames(CommandSpec command) {
    List<String> names = new ArrayList<>();
    command.options().forEach(option -> names.addAll(List.of(option.names())));
    return names;
  }

  /** A command that failed while running: bad input (2), a port it cannot have (3), or an internal error (1). */
  private static int failure(Exception e, CommandSpec command, PrintWriter err) {
    String name = command.qualifiedName();
    int code = exitCode(e);
    if (e instanceof IOException || e instanceof UncheckedIOException) {
      err.println(name + ": " + describe(e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e, e));
    } else if (code == ExitCodes.INTERNAL_ERROR) {
      err.println(name + ": internal error, a bug in mlapi (please report it with what follows): " + e);
      e.printStackTrace(err);
    } else {
      err.println(name + ": " + e.getMessage());
    }
    err.flush();
    return code;
  }

  /**
   * An I/O failure in words: a file system's exception names only the file, which without its
   * class reads as nothing ("/models"), so the reason is added.
   */
  private static String describe(Throwable io, Exception thrown) {
    if (io instanceof FileSystemException fs && thrown == io) {
      String reason = fs.getReason() != null ? fs.getReason()
          : fs instanceof AccessDeniedException ? "permission denied"
          : fs instanceof NoSuchFileException ? "no such file or directory"
          : fs.getClass().getSimpleName();
      return fs.getFile() + ": " + reason;
    }
    return thrown.getMessage();
  }

  static int exitCode(Exception e) {
    if (e instanceof DatasetException || e instanceof ModelFormatException || e instanceof ModelPathException) {
      return ExitCodes.BAD_INPUT;
    }
    if (e instanceof ListenException) {
      return ExitCodes.CANNOT_LISTEN;
    }
    return ExitCodes.INTERNAL_ERROR;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"mlapi " + MlapiVersion.VALUE + " (LIBSVM " + MlapiVersion.LIBSVM + ", Java "
          + Runtime.version() + ")"};
    }
  }
}
