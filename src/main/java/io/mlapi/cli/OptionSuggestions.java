package io.mlapi.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The options a mistyped one was probably meant to be. picocli's own suggestions compare pairs of
 * letters, so a transposition ({@code --prot} for {@code --port}) shares none and gets no
 * suggestion; this counts edits instead (insertions, deletions, substitutions and swaps of two
 * neighbours), which catches the typos people make.
 */
final class OptionSuggestions {
  private OptionSuggestions() {}

  /**
   * The names within a small number of edits of {@code typed} (a third of its length, at least
   * one, at most three), closest first; names that {@code typed} is a prefix of come too.
   */
  static List<String> of(String typed, Collection<String> names) {
    String word = typed.contains("=") ? typed.substring(0, typed.indexOf('=')) : typed;
    int limit = Math.max(1, Math.min(3, strip(word).length() / 3));
    List<String> close = new ArrayList<>();
    for (String name : names) {
      if (distance(word, name) <= limit || (strip(word).length() >= 2 && name.startsWith(word))) {
        close.add(name);
      }
    }
    close.sort(Comparator.comparingInt((String name) -> distance(word, name)).thenComparing(Comparator.naturalOrder()));
    return close;
  }

  private static String strip(String option) {
    return option.replaceFirst("^-+", "");
  }

  /** Optimal string alignment distance: Levenshtein's edits plus swapping two neighbouring letters. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
