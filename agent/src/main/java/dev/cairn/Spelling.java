package dev.cairn;

import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * "Did you mean ...?": the choice nearest to a mistyped name, for messages that name the fix.
 * Shared by the config schemas and the model catalogue.
 */
public final class Spelling {
  private Spelling() {}

  /** "; did you mean X?" for the closest choice within a small edit distance, else "". */
  public static String hint(String given, Set<String> choices) {
    String best = closest(given, choices);
    return best == null ? "" : "; did you mean " + best + "?";
  }

  public static @Nullable String closest(String given, Iterable<String> choices) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : choices) {
      int d = distance(given.toUpperCase(Locale.ROOT), c.toUpperCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    int limit = Math.max(2, given.length() / 3);
    if (bestDistance <= limit) {
      return best;
    }
    return uniqueStartingWith(given, choices);
  }

  /** The one choice that starts with {@code given} (3 characters or more), else null. */
  private static @Nullable String uniqueStartingWith(String given, Iterable<String> choices) {
    if (given.length() < 3) {
      return null;
    }
    String found = null;
    for (String c : choices) {
      if (c.toUpperCase(Locale.ROOT).startsWith(given.toUpperCase(Locale.ROOT))) {
        if (found != null) {
          return null;
        }
        found = c;
      }
    }
    return found;
  }

  /** Damerau-Levenshtein (optimal string alignment) distance. */
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
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
