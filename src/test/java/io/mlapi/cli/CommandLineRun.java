package io.mlapi.cli;

import io.mlapi.ModelFixtures;
import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the {@code mlapi} command line, with what it printed. */
record CommandLineRun(int exitCode, String out, String err) {
  static CommandLineRun run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = MlapiCommand.commandLine(ModelFixtures.CLOCK, new PrintWriter(out, true), new PrintWriter(err, true))
        .execute(args);
    return new CommandLineRun(code, out.toString(), err.toString());
  }
}
