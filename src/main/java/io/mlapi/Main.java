package io.mlapi;

import io.mlapi.cli.MlapiCommand;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/** The {@code mlapi} command: wires the commands to the real clock and the console, then runs one. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // One line per log record (JUL's default takes two), before any logger exists.
    System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int exitCode = MlapiCommand.commandLine(Clock.systemUTC(), out, err).execute(args);
    System.exit(exitCode);
  }
}
