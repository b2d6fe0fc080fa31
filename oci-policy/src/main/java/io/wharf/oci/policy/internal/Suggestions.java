package io.wharf.oci.policy.internal;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for a misspelt key or value: the closest known word within a small distance. */
public final class Suggestions {

  private Suggestions() {}

  /**
   * The word of {@code known} closest to {@code word} (case aside), if it is within a third of its
   * length (at least 1, at most 3 edits).
   */
  public static Optional<String> closest(String word, Collection<String> known) {
    if (word.length() > 64) {
      return Optional.empty();
    }
    String lower = word.toLowerCase(Locale.ROOT);
    int budget = Math.min(3, Math.max(1, word.length() / 3));
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = distance(lower, candidate.toLowerCase(Locale.ROOT));
      if (distance <= budget && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The edit distance counting insertions, deletions, substitutions and transpositions of
   * neighbours (optimal string alignment), so that {@code HIHG} is one edit from {@code HIGH}.
   */
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
        d[i][j] = Math.min(Math.min(d[i][j - 1] + 1, d[i - 1][j] + 1), d[i - 1][j - 1] + cost);
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
