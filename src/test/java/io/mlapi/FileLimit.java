package io.mlapi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's limit on open files (a test opening thousands of sockets sizes itself to it). */
final class FileLimit {
  private FileLimit() {}

  /** The soft limit from {@code /proc/self/limits}; 1024 when it cannot be read. */
  static int soft() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
          return soft.equals("unlimited") ? Integer.MAX_VALUE : Integer.parseInt(soft);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: assume the common default
    }
    return 1024;
  }
}
