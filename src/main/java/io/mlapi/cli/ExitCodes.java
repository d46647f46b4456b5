package io.mlapi.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** What every mlapi command returns to the shell; {@code mlapi --help} and the README list them. */
final class ExitCodes {
  static final int OK = 0;
  /**
   * Not the input's fault: a bug (reported with its stack trace, to be filed as an issue), or the
   * system's (a disk that cannot be written).
   */
  static final int INTERNAL_ERROR = 1;
  /**
   * Usage or bad input: an unknown option or a bad value, a data file or a model that cannot be
   * used, a place for models that cannot be written to as asked. Nothing was written.
   */
  static final int BAD_INPUT = 2;
  /** {@code serve} could not listen on its port: another process has it, or it is not allowed. */
  static final int CANNOT_LISTEN = 3;

  private ExitCodes() {}

  /** Code to its one-line description, for the help's "Exit codes" section. */
  static Map<String, String> descriptions() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(" " + OK, "done");
    codes.put(" " + INTERNAL_ERROR, "an internal error (a bug: please report it) or a system error (a disk that cannot be "
        + "written)");
    codes.put(" " + BAD_INPUT, "usage or bad input: an unknown option or bad value, a data file or model that cannot be "
        + "used; nothing was written");
    codes.put(" " + CANNOT_LISTEN, "serve could not listen on its port (in use, or not allowed)");
    return codes;
  }
}
