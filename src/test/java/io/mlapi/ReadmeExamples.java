package io.mlapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell examples of a README, as {@link ReadmeIT} runs them, and how an example's output is
 * held to what the README shows. The rules (README.md, "Examples are tested", says them to
 * writers):
 *
 * <ul>
 *   <li>An example is a command in a fenced {@code sh} (or {@code bash}, {@code shell}) block of the
 *       sections named; a line ending in {@code \} continues it.
 *   <li>The comment lines right below a command show its output ({@code # } and then the line).
 *       Each must match a line of what the command prints (standard output and error), in order;
 *       other lines may come between. {@code …} stands for any text; a line starting with
 *       <code>{</code> or {@code [} is compared as JSON, where the string {@code "…"} stands for any
 *       value. A shown line may end with {@code (HTTP 400)} (curl's status) or {@code (exit code 2)}.
 *   <li>Without those, a command must exit 0 and curl's answers be 2xx.
 *   <li>Comment lines after a blank line are notes; {@code # requires: TOOL ...} there means the
 *       commands below it, until the next blank line, need those programs.
 * </ul>
 */
final class ReadmeExamples {
  /** What stands for anything in an output the README shows. */
  static final String ANY = "…";

  private static final Pattern FENCE = Pattern.compile("^```\\s*(\\w*)\\s*$");
  private static final Pattern ANNOTATION = Pattern.compile("\\s+\\((?:HTTP (\\d{3})|exit code (\\d+))\\)\\s*$");
  private static final Pattern REQUIRES = Pattern.compile("^#\\s*requires:\\s*(.+)$");
  private static final Pattern STATUS_LINE = Pattern.compile("^\\(HTTP (\\d{3})\\)$");

  private ReadmeExamples() {}

  /**
   * One command with what the README shows of its output.
   *
   * @param section the README section it is in
   * @param line the README line it starts on (1-based)
   * @param expected the lines shown below it, annotations removed
   * @param exitCode the exit code shown, or 0
   * @param httpStatus the HTTP status shown, or {@code null}: any 2xx
   * @param requires the programs a {@code # requires:} note above it names
   */
  record Example(String section, int line, String command, List<String> expected, int exitCode, Integer httpStatus,
      List<String> requires) {
    @Override
    public String toString() {
      return "README.md:" + line + " (" + section + "): " + command;
    }
  }

  /** The examples in the {@code ## } sections named, in README order. */
  static List<Example> parse(String markdown, List<String> sections) {
    List<Example> examples = new ArrayList<>();
    String[] lines = markdown.split("\n", -1);
    String section = null;
    boolean inShell = false;
    boolean inOther = false;
    List<String> requires = List.of();
    Draft current = null;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      Matcher fence = FENCE.matcher(line);
      if (!inShell && !inOther && line.startsWith("## ")) {
        section = line.substring(3).strip();
        continue;
      }
      if (fence.matches()) {
        if (inShell || inOther) {
          current = finish(current, examples);
          inShell = false;
          inOther = false;
        } else if (sections.contains(section) && List.of("sh", "bash", "shell").contains(fence.group(1))) {
          inShell = true;
          requires = List.of();
        } else {
          inOther = true;
        }
        continue;
      }
      if (!inShell) {
        continue;
      }
      String text = line.strip();
      if (current != null && current.continues()) {
        current.append(line);
      } else if (text.isEmpty()) {
        current = finish(current, examples);
        requires = List.of();
      } else if (text.startsWith("#")) {
        if (current != null) {
          current.expect(text.startsWith("# ") ? text.substring(2) : text.substring(1));
        } else {
          Matcher required = REQUIRES.matcher(text);
          if (required.matches()) {
            requires = List.of(required.group(1).strip().split("[\\s,]+"));
          }
        }
      } else {
        current = finish(current, examples);
        current = new Draft(section, i + 1, line, requires);
      }
    }
    finish(current, examples);
    return examples;
  }

  private static Draft finish(Draft current, List<Example> examples) {
    if (current != null) {
      examples.add(current.build());
    }
    return null;
  }

  /**
   * Why {@code output} (what the command printed, curl's statuses as {@code (HTTP 200)} lines) and
   * {@code exitCode} are not what {@code example} shows; empty when they are.
   */
  static Optional<String> mismatch(Example example, String output, int exitCode) {
    List<String> lines = new ArrayList<>();
    Integer status = null;
    for (String line : output.split("\n")) {
      Matcher statusLine = STATUS_LINE.matcher(line.strip());
      if (statusLine.matches()) {
        status = Integer.valueOf(statusLine.group(1));
      } else {
        lines.add(line);
      }
    }
    if (exitCode != example.exitCode()) {
      return Optional.of("exit code " + exitCode + ", the README shows " + example.exitCode());
    }
    if (example.httpStatus() != null && !example.httpStatus().equals(status)) {
      return Optional.of("HTTP status " + status + ", the README shows " + example.httpStatus());
    }
    if (example.httpStatus() == null && status != null && status / 100 != 2) {
      return Optional.of("HTTP status " + status + ", where the README shows none (so 2xx)");
    }
    int from = 0;
    for (String expected : example.expected()) {
      int found = -1;
      for (int i = from; i < lines.size() && found < 0; i++) {
        if (matches(expected, lines.get(i))) {
          found = i;
        }
      }
      if (found < 0) {
        return Optional.of("no line matches \"" + expected + "\"" + (from > 0 ? " after line " + from : ""));
      }
      from = found + 1;
    }
    return Optional.empty();
  }

  /** Whether an output line is what the README shows: JSON as JSON, text with {@code …} for any text. */
  static boolean matches(String expected, String actual) {
    String shown = expected.strip();
    if (shown.startsWith("{") || shown.startsWith("[")) {
      try {
        return jsonMatches(Http.JSON.readTree(shown), Http.JSON.readTree(actual.strip()));
      } catch (JsonProcessingException e) {
        return false;
      }
    }
    StringBuilder regex = new StringBuilder();
    String[] parts = shown.split(ANY, -1);
    for (int i = 0; i < parts.length; i++) {
      regex.append(i > 0 ? ".*" : "").append(Pattern.quote(parts[i]));
    }
    return actual.stripTrailing().matches(regex.toString());
  }

  private static boolean jsonMatches(JsonNode expected, JsonNode actual) {
    if (expected.isTextual() && expected.textValue().equals(ANY)) {
      return actual != null && !actual.isMissingNode();
    }
    if (expected.isObject()) {
      if (!actual.isObject() || expected.size() != actual.size()) {
        return false;
      }
      for (Map.Entry<String, JsonNode> field : expected.properties()) {
        if (!actual.has(field.getKey()) || !jsonMatches(field.getValue(), actual.get(field.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (expected.isArray()) {
      if (!actual.isArray() || expected.size() != actual.size()) {
        return false;
      }
      for (int i = 0; i < expected.size(); i++) {
        if (!jsonMatches(expected.get(i), actual.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (expected.isNumber()) {
      return actual.isNumber() && expected.decimalValue().compareTo(actual.decimalValue()) == 0;
    }
    return expected.equals(actual);
  }

  /** An example as it is read, line by line. */
  private static final class Draft {
    private final String section;
    private final int line;
    private final StringBuilder command;
    private final List<String> requires;
    private final List<String> expected = new ArrayList<>();
    private int exitCode;
    private Integer httpStatus;

    Draft(String section, int line, String first, List<String> requires) {
      this.section = section;
      this.line = line;
      this.command = new StringBuilder(first);
      this.requires = requires;
    }

    /** Whether the command's last line ends in a backslash, so the next line is part of it. */
    boolean continues() {
      return command.toString().stripTrailing().endsWith("\\") && expected.isEmpty();
    }

    void append(String next) {
      command.append('\n').append(next);
    }

    void expect(String shown) {
      Matcher annotation = ANNOTATION.matcher(shown);
      if (annotation.find()) {
        if (annotation.group(1) != null) {
          httpStatus = Integer.valueOf(annotation.group(1));
        } else {
          exitCode = Integer.parseInt(annotation.group(2));
        }
        shown = shown.substring(0, annotation.start());
      }
      expected.add(shown);
    }

    Example build() {
      return new Example(section, line, command.toString(), List.copyOf(expected), exitCode, httpStatus, requires);
    }
  }
}
