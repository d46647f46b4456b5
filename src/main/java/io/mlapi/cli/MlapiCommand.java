package io.mlapi.cli;

import io.mlapi.model.MlapiVersion;
import java.io.PrintWriter;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command: {@code mlapi train|serve|predict|export}. */
@Command(name = "mlapi", mixinStandardHelpOptions = true, versionProvider = MlapiCommand.Version.class,
    description = "Trains SVM classifiers with scikit-learn parity and serves them over HTTP.",
    commandListHeading = "%nCommands:%n",
    footer = {"", "Run 'mlapi COMMAND --help' for a command's options."})
public final class MlapiCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Without a command: show the help, and fail, since nothing was asked. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed: train, serve, predict or export");
  }

  /** The command line with every command wired to {@code clock} and the given console. */
  public static CommandLine commandLine(Clock clock, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new MlapiCommand())
        .addSubcommand("train", new TrainCommand(clock, out, err))
        .addSubcommand("serve", new ServeCommand(clock, out, err))
        .addSubcommand("predict", new PredictCommand(clock, out, err))
        .addSubcommand("export", new ExportCommand(out, err));
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
      err.println(line.getCommandName() + ": " + e.getMessage());
      return ExitCodes.FAILURE;
    });
    return commandLine;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"mlapi " + MlapiVersion.VALUE + " (LIBSVM " + MlapiVersion.LIBSVM + ", Java "
          + Runtime.version() + ")"};
    }
  }
}
