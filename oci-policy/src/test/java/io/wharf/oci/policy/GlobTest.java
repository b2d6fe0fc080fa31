package io.wharf.oci.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource(
      delimiter = ' ',
      value = {
        "team-a team-a true",
        "team-a team-b false",
        "team-* team-a true",
        "team-* team-a/app false",
        "* a true",
        "* a/b false",
        "v* v1.2 true",
        "v* x1 false",
        "a/*/c a/b/c true",
        "a/*/c a/b/x/c false",
        "a/**/b a/b true",
        "a/**/b a/x/b true",
        "a/**/b a/x/y/b true",
        "a/**/b a/xb false",
        "a/**/b ab false",
        "**/b b true",
        "**/b x/y/b true",
        "**/b xb false",
        "a/** a true",
        "a/** a/x true",
        "a/** a/x/y true",
        "a/** ab false",
        "** anything/at/all true",
        "a** a/b false",
        "a** abc true",
        "**a x/a false",
        "?? ab true",
        "?? a/ false",
        "a?c a/c false",
        "[abc] b true",
        "[abc] d false",
        "[a-c]x bx true",
        "[!a]x ax false",
        "[!a]x bx true",
        "[^a]x bx true",
        "[!a] / false",
        "[]]x ]x true",
        "[a-]x -x true",
        "release-{a,b} release-a true",
        "release-{a,b} release-b true",
        "release-{a,b} release-c false",
        "{v*,latest} latest true",
        "{v*,latest} v2 true",
        "x{,y}z xz true",
        "x{,y}z xyz true",
        "{a,b{c,d}}e bde true",
        "{a,b{c,d}}e be false",
        "{**/x,y} p/q/x true",
        "{a/**,b} a true",
        "{a/**,b} a/z/z true",
        "a,b} a,b} true",
        "\\*x *x true",
        "\\*x ax false",
        "a\\/** a/b true",
      })
  void matches(String pattern, String name, boolean expected) {
    Glob glob = Glob.compile(pattern);
    assertThat(glob.matches(name)).isEqualTo(expected);
    assertThat(glob.steps(name) > 0).isTrue();
  }

  @ParameterizedTest(name = "{0}: {2} at {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "v[0-9|1|unclosed '['",
        "release-{a,b|8|unclosed '{'",
        "a\\|1|dangling '\\'",
        "[z-a]|1|reversed range 'z-a'",
        "{a,[b}|3|unclosed '['",
        "[a\\|0|unclosed '['",
      })
  void invalidPatternsNameTheProblemAndWhere(String pattern, int index, String problem) {
    assertThatThrownBy(() -> Glob.compile(pattern))
        .isInstanceOfSatisfying(
            GlobSyntaxException.class,
            e -> {
              assertThat(e.index()).isEqualTo(index);
              assertThat(e.problem()).isEqualTo(problem);
              assertThat(e.pattern()).isEqualTo(pattern);
              assertThat(e.getMessage()).contains(problem, "at index " + index, pattern);
            });
  }

  @Test
  void emptyAndOverLongPatternsAreRefused() {
    assertThatThrownBy(() -> Glob.compile(""))
        .isInstanceOf(GlobSyntaxException.class)
        .hasMessageContaining("empty pattern");
    assertThat(Glob.compile("a".repeat(Glob.MAX_LENGTH)).matches("a".repeat(256))).isTrue();
    assertThatThrownBy(() -> Glob.compile("a".repeat(Glob.MAX_LENGTH + 1)))
        .isInstanceOfSatisfying(
            GlobSyntaxException.class, e -> assertThat(e.index()).isEqualTo(Glob.MAX_LENGTH));
  }

  @Test
  void globsAreValuesOfTheirPattern() {
    assertThat(Glob.compile("v*")).isEqualTo(Glob.compile("v*")).hasToString("v*");
    assertThat(Glob.compile("v*")).hasSameHashCodeAs(Glob.compile("v*"));
    assertThat(Glob.compile("v*")).isNotEqualTo(Glob.compile("v?"));
  }
}
