package io.wharf.oci.policy;

import static io.wharf.oci.model.testing.OciGenerators.ints;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static io.wharf.oci.model.testing.OciGenerators.oneOf;
import static io.wharf.oci.model.testing.OciGenerators.pick;
import static io.wharf.oci.model.testing.OciGenerators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * {@link Glob} agrees with two reference matchers on random patterns and names (a translation to
 * {@link java.util.regex} written from the documented grammar, and the JDK's own glob for the part
 * of the grammar the two share), and never does more work than states times characters.
 */
class GlobPropertiesTest {

  private static final String NAME_CHARS = "ab-./";

  /** Names over a small alphabet, so that patterns often match. */
  private static Gen<String> names() {
    return strings(NAME_CHARS, 0, 12);
  }

  /** Segment-clean names (no empty segment), as repository names are. */
  private static Gen<String> pathNames() {
    return lists(strings("ab-.", 1, 3), 1, 4).map(parts -> String.join("/", parts));
  }

  /** Random pattern pieces of the whole grammar, nested braces included. */
  private static Gen<String> patterns(int depth) {
    Gen<String> atom =
        pick(
            "a", "b", "-", ".", "/", "*", "**", "?", "[ab]", "[!a]", "[a-b]", "[^/]", "\\*", "\\a",
            "/**/", "**/", "/**", "]", ",", "}");
    Gen<String> piece =
        depth == 0
            ? atom
            : oneOf(
                atom,
                atom,
                atom,
                lists(patterns(depth - 1), 1, 3).map(alts -> "{" + String.join(",", alts) + "}"));
    return lists(piece, depth == 2 ? 1 : 0, 5).map(parts -> String.join("", parts));
  }

  /** Patterns the JDK's glob reads the same way: no {@code **}, no nested braces, no escapes. */
  private static Gen<String> flatPatterns() {
    Gen<String> atom = pick("a", "b", "-", ".", "/", "*", "?", "[ab]", "[!a]", "[a-b]");
    Gen<String> braces =
        lists(lists(pick("a", "b", "*", "?", "/", "[!b]"), 0, 3), 1, 3)
            .map(
                alts ->
                    "{"
                        + String.join(",", alts.stream().map(a -> String.join("", a)).toList())
                        + "}");
    return lists(oneOf(atom, atom, atom, braces), 1, 6)
        .map(parts -> String.join("", parts))
        .map(p -> p.replaceAll("\\*+", "*"));
  }

  @Test
  void agreesWithTheRegexReference() {
    qt().withExamples(5000)
        .forAll(patterns(2), names())
        .checkAssert(
            (pattern, name) -> {
              Glob glob;
              try {
                glob = Glob.compile(pattern);
              } catch (GlobSyntaxException e) {
                assertThat(Reference.compiles(pattern)).as(pattern).isFalse();
                return;
              }
              assertThat(glob.matches(name))
                  .as("%s against %s", pattern, name)
                  .isEqualTo(Reference.regex(pattern).matcher(name).matches());
            });
  }

  @Test
  void agreesWithTheJdkGlobOnTheirCommonGrammar() {
    qt().withExamples(3000)
        .forAll(flatPatterns(), pathNames())
        .checkAssert(
            (pattern, name) ->
                assertThat(Glob.compile(pattern).matches(name))
                    .as("%s against %s", pattern, name)
                    .isEqualTo(
                        FileSystems.getDefault()
                            .getPathMatcher("glob:" + pattern)
                            .matches(Path.of(name))));
  }

  @Test
  void pathologicalPatternsStayLinear() {
    qt().withExamples(50)
        .forAll(ints(2, 20), ints(1_000, 10_000), pick("a", "*a", "a*", "{a,*a}"))
        .checkAssert(
            (stars, length, unit) -> {
              String pattern = unit.repeat(stars).replace("**", "*?*") + "*b";
              if (pattern.length() > Glob.MAX_LENGTH) {
                return;
              }
              Glob glob = Glob.compile(pattern);
              String name = "a".repeat(length);
              assertThat(glob.matches(name)).isFalse();
              assertThat(glob.steps(name)).isLessThanOrEqualTo((long) glob.states() * (length + 1));
            });
  }

  @Test
  void theClassicExponentialCaseIsCheap() {
    Glob glob = Glob.compile("*a*a*a*a*a*a*a*a*a*a*b");
    String name = "a".repeat(10_000);
    assertThat(glob.matches(name)).isFalse();
    assertThat(glob.steps(name)).isLessThan(40L * 10_001);
    Glob doubles = Glob.compile("**/a/**/a/**/a/**/a/**/b");
    String path = "a/".repeat(5_000) + "a";
    assertThat(doubles.matches(path)).isFalse();
    assertThat(doubles.steps(path)).isLessThanOrEqualTo((long) doubles.states() * 10_001);
  }

  /**
   * The reference: the documented grammar translated to a {@link Pattern}, token by token, without
   * the automaton. Slow on adversarial input, which the generators do not make.
   */
  static final class Reference {

    static boolean compiles(String pattern) {
      try {
        regex(pattern);
        return !pattern.isEmpty() && pattern.length() <= Glob.MAX_LENGTH;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }

    static Pattern regex(String pattern) {
      StringBuilder out = new StringBuilder();
      int end = translate(pattern, 0, 0, true, out);
      if (end != pattern.length()) {
        throw new IllegalArgumentException("stray at " + end);
      }
      return Pattern.compile(out.toString(), Pattern.DOTALL);
    }

    /** Translates from {@code i} up to the end of the sequence; returns where it stopped. */
    private static int translate(String p, int i, int depth, boolean segStart, StringBuilder out) {
      boolean start = segStart;
      List<String> emitted = new java.util.ArrayList<>();
      while (i < p.length()) {
        char c = p.charAt(i);
        if (depth > 0 && (c == ',' || c == '}')) {
          break;
        }
        if (c == '\\') {
          if (i + 1 == p.length()) {
            throw new IllegalArgumentException("dangling");
          }
          emitted.add(Pattern.quote(String.valueOf(p.charAt(i + 1))));
          start = p.charAt(i + 1) == '/';
          i += 2;
        } else if (c == '?') {
          emitted.add("[^/]");
          start = false;
          i++;
        } else if (c == '[') {
          int j = i + 1;
          boolean neg = j < p.length() && (p.charAt(j) == '!' || p.charAt(j) == '^');
          if (neg) {
            j++;
          }
          StringBuilder cls = new StringBuilder();
          boolean first = true;
          while (true) {
            if (j >= p.length()) {
              throw new IllegalArgumentException("unclosed [");
            }
            if (p.charAt(j) == ']' && !first) {
              break;
            }
            first = false;
            char lo = p.charAt(j) == '\\' ? p.charAt(++j) : p.charAt(j);
            j++;
            if (j + 1 < p.length() && p.charAt(j) == '-' && p.charAt(j + 1) != ']') {
              j++;
              char hi = p.charAt(j) == '\\' ? p.charAt(++j) : p.charAt(j);
              j++;
              if (hi < lo) {
                throw new IllegalArgumentException("range");
              }
              cls.append(esc(lo)).append('-').append(esc(hi));
            } else {
              cls.append(esc(lo));
            }
          }
          emitted.add("(?![/])[" + (neg ? "^" : "") + cls + "]");
          i = j + 1;
          start = false;
        } else if (c == '{') {
          StringBuilder alt = new StringBuilder("(?:");
          int j = i + 1;
          while (true) {
            StringBuilder one = new StringBuilder();
            j = translate(p, j, depth + 1, start, one);
            alt.append(one);
            if (j >= p.length()) {
              throw new IllegalArgumentException("unclosed {");
            }
            if (p.charAt(j) == '}') {
              break;
            }
            alt.append('|');
            j++;
          }
          emitted.add(alt.append(')').toString());
          i = j + 1;
          start = false;
        } else if (c == '*') {
          int j = i;
          while (j < p.length() && p.charAt(j) == '*') {
            j++;
          }
          boolean dstar = j - i > 1;
          boolean slashNext = j < p.length() && p.charAt(j) == '/';
          boolean endNext =
              j == p.length() || (depth > 0 && (p.charAt(j) == ',' || p.charAt(j) == '}'));
          if (dstar && start && slashNext) {
            emitted.add("(?:.*/)?");
            j++;
            start = true;
          } else if (dstar && start && endNext) {
            String slash = Pattern.quote("/");
            if (!emitted.isEmpty() && emitted.get(emitted.size() - 1).equals(slash)) {
              emitted.set(emitted.size() - 1, "(?:/.*)?");
            } else {
              emitted.add(".*");
            }
            start = false;
          } else {
            emitted.add("[^/]*");
            start = false;
          }
          i = j;
        } else {
          emitted.add(Pattern.quote(String.valueOf(c)));
          start = c == '/';
          i++;
        }
      }
      emitted.forEach(out::append);
      return i;
    }

    private static String esc(char c) {
      return Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c;
    }
  }
}
