package io.wharf.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Keeps the Java snippets of the repository's README true: every {@code ```java} block must be
 * copied from an example under {@code examples/src} (main or test), which the build compiles and
 * runs. A block matches a file when its non-blank lines, each trimmed, stand in the file as
 * consecutive non-blank lines, each trimmed-equal. A line {@code ...} or {@code // ...} in a block
 * stands for lines left out: the lines after it must then follow later in the same file. So a
 * README snippet can skip what does not matter, but cannot say what the code does not.
 *
 * <p>The paths come from the pom ({@code wharf.readme}, {@code wharf.examples.sources}).
 */
class ReadmeSnippetsTest {

  /** A {@code ```java} block: the line of its opening fence (from 1) and the lines inside. */
  record Snippet(int line, List<String> lines) {
    Snippet {
      lines = List.copyOf(lines);
    }

    /** The first non-blank line, trimmed: how a failure names the block. */
    String firstLine() {
      return lines.stream().map(String::trim).filter(l -> !l.isEmpty()).findFirst().orElse("");
    }
  }

  @TestFactory
  Stream<DynamicTest> everyJavaSnippetOfTheReadmeIsCopiedFromAnExample() throws IOException {
    Path readme = Path.of(System.getProperty("wharf.readme", "../README.md"));
    Path sources = Path.of(System.getProperty("wharf.examples.sources", "src"));
    List<Snippet> snippets = javaBlocks(Files.readAllLines(readme));
    assertThat(snippets).as("```java blocks in %s", readme).isNotEmpty();
    Map<Path, List<String>> files = exampleSources(sources);
    assertThat(files).as("example sources under %s", sources).isNotEmpty();
    return snippets.stream()
        .map(
            s ->
                DynamicTest.dynamicTest(
                    "README.md line " + s.line() + ": " + s.firstLine(),
                    () -> assertCopied(s, files)));
  }

  private static void assertCopied(Snippet snippet, Map<Path, List<String>> files) {
    List<List<String>> segments = segments(snippet.lines());
    Path closest = null;
    Match best = new Match(0, 0);
    for (Map.Entry<Path, List<String>> file : files.entrySet()) {
      Match match = match(segments, file.getValue());
      if (match.segments() == segments.size()) {
        return;
      }
      if (closest == null || match.compareTo(best) > 0) {
        best = match;
        closest = file.getKey();
      }
    }
    String missing = segments.get(best.segments()).get(best.lines());
    fail(
        "the README's Java snippet at line "
            + snippet.line()
            + ", starting \""
            + snippet.firstLine()
            + "\", is not in any example under examples/src: copy it from one (a line \"...\" or"
            + " \"// ...\" may stand for lines left out). "
            + (best.segments() == 0 && best.lines() == 0
                ? "No example has its first line."
                : "Closest: " + closest + ", where \"" + missing + "\" does not follow."));
  }

  /**
   * How far a snippet's segments were found in a file, in order: whole segments, then the first
   * lines of the next one.
   */
  record Match(int segments, int lines) implements Comparable<Match> {
    @Override
    public int compareTo(Match other) {
      return segments != other.segments
          ? Integer.compare(segments, other.segments)
          : Integer.compare(lines, other.lines);
    }
  }

  /** The {@code ```java} blocks of a Markdown file, in order. */
  static List<Snippet> javaBlocks(List<String> markdown) {
    List<Snippet> blocks = new ArrayList<>();
    for (int i = 0; i < markdown.size(); i++) {
      if (!markdown.get(i).trim().equals("```java")) {
        continue;
      }
      int start = i;
      List<String> lines = new ArrayList<>();
      for (i++; i < markdown.size() && !markdown.get(i).trim().equals("```"); i++) {
        lines.add(markdown.get(i));
      }
      blocks.add(new Snippet(start + 1, lines));
    }
    return blocks;
  }

  /**
   * A snippet's non-blank lines, trimmed, split where a line {@code ...} or {@code // ...} leaves
   * lines out; no segment is empty.
   */
  static List<List<String>> segments(List<String> snippet) {
    List<List<String>> segments = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String line : normalise(snippet)) {
      if (line.equals("...") || line.equals("// ...")) {
        if (!current.isEmpty()) {
          segments.add(current);
          current = new ArrayList<>();
        }
      } else {
        current.add(line);
      }
    }
    if (!current.isEmpty()) {
      segments.add(current);
    }
    return segments;
  }

  /**
   * How far {@code segments}, in order, stand in {@code file} (normalised): each as consecutive
   * lines after the one before. The earliest place of each is taken, which leaves the most room for
   * the rest.
   */
  static Match match(List<List<String>> segments, List<String> file) {
    int from = 0;
    for (int i = 0; i < segments.size(); i++) {
      List<String> segment = segments.get(i);
      List<String> rest = file.subList(from, file.size());
      int at = Collections.indexOfSubList(rest, segment);
      if (at < 0) {
        int lines = segment.size() - 1;
        while (lines > 0 && Collections.indexOfSubList(rest, segment.subList(0, lines)) < 0) {
          lines--;
        }
        return new Match(i, lines);
      }
      from += at + segment.size();
    }
    return new Match(segments.size(), 0);
  }

  /** Non-blank lines, trimmed. */
  static List<String> normalise(List<String> lines) {
    return lines.stream().map(String::trim).filter(l -> !l.isEmpty()).collect(Collectors.toList());
  }

  private static Map<Path, List<String>> exampleSources(Path root) throws IOException {
    Map<Path, List<String>> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.filter(f -> f.toString().endsWith(".java"))::iterator) {
        files.put(root.relativize(p), normalise(Files.readAllLines(p)));
      }
    }
    return files;
  }

  // The matcher itself, on small inputs: what passes and what fails.

  private static final List<String> FILE =
      normalise(
          List.of(
              "class A {",
              "  void f() {",
              "    int a = 1;",
              "",
              "    int b = 2;",
              "    int c = 3;",
              "  }",
              "}"));

  private static boolean matches(String... snippet) {
    List<List<String>> segments = segments(List.of(snippet));
    return match(segments, FILE).segments() == segments.size();
  }

  @Test
  void consecutiveLinesMatchWhateverTheIndentationAndBlankLines() {
    assertThat(matches("int a = 1;", "int b = 2;")).isTrue();
    assertThat(matches("void f() {", "    int a = 1;", "", "int b = 2;")).isTrue();
  }

  @Test
  void aChangedLineDoesNotMatch() {
    assertThat(matches("int a = 1;", "int b = 20;")).isFalse();
    assertThat(matches("int a = 1; // one")).isFalse();
  }

  @Test
  void linesLeftOutNeedAGapLine() {
    assertThat(matches("int a = 1;", "int c = 3;")).isFalse();
    assertThat(matches("int a = 1;", "...", "int c = 3;")).isTrue();
    assertThat(matches("int a = 1;", "// ...", "int c = 3;")).isTrue();
    assertThat(matches("...", "int c = 3;", "...")).isTrue();
  }

  @Test
  void whatFollowsAGapComesLaterInTheSameFile() {
    assertThat(matches("int c = 3;", "...", "int a = 1;")).isFalse();
    assertThat(matches("int a = 1;", "...", "int a = 1;")).isFalse();
  }

  @Test
  void aMismatchSaysHowFarTheSnippetWasFound() {
    List<List<String>> segments =
        segments(List.of("int a = 1;", "...", "int b = 2;", "int c = 4;", "}"));
    assertThat(match(segments, FILE)).isEqualTo(new Match(1, 1)); // "int c = 4;" does not follow
    assertThat(match(segments(List.of("int z;")), FILE)).isEqualTo(new Match(0, 0));
  }

  @Test
  void onlyJavaBlocksAreSnippets() {
    List<Snippet> blocks =
        javaBlocks(
            List.of(
                "text", "```xml", "<a/>", "```", "```java", "int a = 1;", "", "int b = 2;", "```"));
    assertThat(blocks).containsExactly(new Snippet(5, List.of("int a = 1;", "", "int b = 2;")));
    assertThat(blocks.get(0).firstLine()).isEqualTo("int a = 1;");
  }
}
