package io.mlapi.svm;

import libsvm.svm_print_interface;

/**
 * Where LIBSVM's solver trace goes: LIBSVM has one static log sink for every thread, so the sink
 * hands each line to the log of the thread that wrote it. A training calls {@link #start()}, then
 * LIBSVM, then {@link #finish()}; lines of threads that did not start a log are dropped.
 */
final class SolverLog {
  private static final ThreadLocal<StringBuilder> LOG = new ThreadLocal<>();

  /** The sink given to {@code svm_set_print_string_function}: stateless, the same for every thread. */
  static final svm_print_interface SINK = text -> {
    StringBuilder log = LOG.get();
    if (log != null) {
      log.append(text);
    }
  };

  private SolverLog() {}

  static void start() {
    LOG.set(new StringBuilder());
  }

  /** The text logged on this thread since {@link #start()}. */
  static String finish() {
    StringBuilder log = LOG.get();
    LOG.remove();
    return log == null ? "" : log.toString();
  }
}
