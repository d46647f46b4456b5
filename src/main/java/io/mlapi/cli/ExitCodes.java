package io.mlapi.cli;

/** What the commands return to the shell. */
final class ExitCodes {
  static final int OK = 0;
  /** Something failed at run time: a model that will not load, a port in use, a disk error. */
  static final int FAILURE = 1;
  /** The user's input is wrong: options, a data file, parameters. Nothing was written. */
  static final int BAD_INPUT = 2;

  private ExitCodes() {}
}
