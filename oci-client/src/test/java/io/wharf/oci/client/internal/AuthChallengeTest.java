package io.wharf.oci.client.internal;

import static io.wharf.oci.model.testing.OciGenerators.anyStrings;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static io.wharf.oci.model.testing.OciGenerators.maps;
import static io.wharf.oci.model.testing.OciGenerators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class AuthChallengeTest {

  @Test
  void parsesTheTokenSpecsChallenge() throws Exception {
    String line =
        Files.readString(
            Path.of("src/test/resources/fixtures/auth/token-spec/www-authenticate-header.txt"),
            StandardCharsets.UTF_8);
    String value = line.substring(line.indexOf(':') + 1).trim();
    List<AuthChallenge> challenges = AuthChallenge.parse(List.of(value));
    assertThat(challenges).hasSize(1);
    AuthChallenge c = challenges.get(0);
    assertThat(c.scheme()).isEqualTo("bearer");
    assertThat(c.params())
        .containsEntry("realm", "https://auth.docker.io/token")
        .containsEntry("service", "registry.docker.io")
        .containsEntry("scope", "repository:samalba/my-app:pull,push");
  }

  @Test
  void quotedCommasEscapesAndSeveralChallenges() {
    List<AuthChallenge> c =
        AuthChallenge.parse(
            List.of(
                "Basic realm=\"a, \\\"b\\\"\", Bearer realm=\"https://r/t\",service=x,"
                    + "scope=\"repository:a:pull repository:b:push\"",
                "Negotiate dG9rZW4="));
    assertThat(c).extracting(AuthChallenge::scheme).containsExactly("basic", "bearer", "negotiate");
    assertThat(c.get(0).params()).containsEntry("realm", "a, \"b\"");
    assertThat(c.get(1).params()).containsEntry("service", "x");
    assertThat(Scope.parseAll(c.get(1).param("scope").orElseThrow()))
        .containsExactly(Scope.repository("a", "pull"), Scope.repository("b", "push"));
    assertThat(c.get(2).params()).containsEntry("token68", "dG9rZW4=");
  }

  @Test
  void malformedInputKeepsWhatCameBeforeAndNeverThrows() {
    assertThat(AuthChallenge.parse(List.of("Bearer realm=\"unterminated"))).hasSize(1);
    assertThat(AuthChallenge.parse(List.of("", ",,,", "=", "\"x\""))).isEmpty();
    StringBuilder huge = new StringBuilder("Bearer ");
    for (int i = 0; i < 100_000; i++) {
      huge.append("p").append(i).append("=v,");
    }
    List<AuthChallenge> c = AuthChallenge.parse(List.of(huge.toString()));
    assertThat(c.get(0).params()).hasSize(AuthChallenge.MAX_PARAMS);
    assertThat(c).hasSizeLessThanOrEqualTo(AuthChallenge.MAX_CHALLENGES);
    assertThat(AuthChallenge.parse(List.of("x, ".repeat(100_000))))
        .hasSize(AuthChallenge.MAX_CHALLENGES);
  }

  @Test
  void formattedChallengesParseBack() {
    qt().forAll(challenges())
        .checkAssert(
            challenges -> {
              List<String> parts = new ArrayList<>();
              for (Map<String, String> params : challenges) {
                StringBuilder b = new StringBuilder("Bearer");
                String sep = " ";
                for (var e : params.entrySet()) {
                  b.append(sep).append(e.getKey()).append("=\"");
                  b.append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\""));
                  b.append('"');
                  sep = ", ";
                }
                parts.add(b.toString());
              }
              List<AuthChallenge> parsed = AuthChallenge.parse(List.of(String.join(", ", parts)));
              assertThat(parsed).hasSize(challenges.size());
              for (int i = 0; i < parsed.size(); i++) {
                assertThat(parsed.get(i).params()).isEqualTo(challenges.get(i));
              }
            });
  }

  @Test
  void anyInputParsesWithoutThrowing() {
    qt().forAll(anyStrings())
        .checkAssert(
            header ->
                assertThat(AuthChallenge.parse(List.of(header)))
                    .hasSizeLessThanOrEqualTo(AuthChallenge.MAX_CHALLENGES));
  }

  /** 1 to 4 challenges of 1 to 5 parameters with distinct names, values with quotes and commas. */
  private static Gen<List<Map<String, String>>> challenges() {
    Gen<String> names = strings("abcdefghijklmnopqrstuvwxyz", 1, 8);
    Gen<String> values = strings("ab ,=\"\\:/;.-", 0, 20);
    return lists(maps(names, values, 1, 5), 1, 4);
  }
}
