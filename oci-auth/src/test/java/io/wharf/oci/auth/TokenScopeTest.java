package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.testing.OciGenerators;
import io.wharf.oci.server.Access;
import io.wharf.oci.server.Action;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.core.Gen;

/** The scope grammar of distribution's scope.md, and its mapping to the engine's accesses. */
class TokenScopeTest {

  private static final RepositoryName APP = RepositoryName.of("team/app");

  @Test
  void repositoryScopesMapToTheirActions() {
    TokenScope scope = TokenScope.parse("repository:team/app:pull,push").orElseThrow();
    assertThat(scope.type()).isEqualTo("repository");
    assertThat(scope.resourceClass()).isEmpty();
    assertThat(scope.name()).isEqualTo("team/app");
    assertThat(scope.actions()).containsExactly("pull", "push");
    assertThat(scope.accesses()).containsExactly(Access.pull(APP), Access.push(APP));
    assertThat(TokenScope.parse("repository:team/app:*").orElseThrow().accesses())
        .containsExactly(Access.pull(APP), Access.push(APP), Access.delete(APP));
    assertThat(TokenScope.parse("registry:catalog:*").orElseThrow().accesses())
        .containsExactly(Access.catalog());
  }

  @Test
  void aResourceClassIsKeptAndAPluginRepositoryIsARepository() {
    TokenScope scope = TokenScope.parse("repository(plugin):team/app:pull").orElseThrow();
    assertThat(scope.resourceClass()).contains("plugin");
    assertThat(scope.accesses()).containsExactly(Access.pull(APP));
    assertThat(scope.toString()).isEqualTo("repository(plugin):team/app:pull");
  }

  @Test
  void theNameRunsFromTheFirstToTheLastColon() {
    TokenScope scope = TokenScope.parse("repository:localhost:5000/team/app:pull").orElseThrow();
    assertThat(scope.name()).isEqualTo("localhost:5000/team/app");
    // Not one of this registry's repository names: it grants nothing.
    assertThat(scope.accesses()).isEmpty();
  }

  @Test
  void unknownTypesAndActionsAreIgnoredAndEmptyActionsDropped() {
    assertThat(TokenScope.parse("repository:team/app:pull,frobnicate,,pull").orElseThrow())
        .satisfies(
            s -> {
              assertThat(s.actions()).containsExactly("pull", "frobnicate");
              assertThat(s.accesses()).containsExactly(Access.pull(APP));
            });
    assertThat(TokenScope.parse("widget:team/app:pull").orElseThrow().accesses()).isEmpty();
    assertThat(TokenScope.parse("registry:catalog:pull").orElseThrow().accesses()).isEmpty();
    assertThat(TokenScope.parse("registry:other:*").orElseThrow().accesses()).isEmpty();
    assertThat(TokenScope.parse("repository:team/app:").orElseThrow().accesses()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "repository",
        "repository:team/app",
        ":team/app:pull",
        "Repository:team/app:pull",
        "repository:team/app:PULL",
        "repository::pull",
        "repository()team:app:pull",
        "(plugin):team/app:pull",
        "repository(Plugin):team/app:pull",
        "repository:team app:pull",
        "repository:team/app:pull;push",
      })
  void malformedScopesAreEmpty(String text) {
    assertThat(TokenScope.parse(text)).isEmpty();
  }

  /** Path tricks name no repository, so they grant nothing, least of all another repository. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "repository:team/../secret/app:pull",
        "repository:../secret/app:pull",
        "repository:team/./app:pull",
        "repository:team%2F..%2Fsecret:pull",
        "repository:team%2fapp:pull",
        "repository:team/app\u0000/../secret:pull",
        "repository:TEAM/app:pull",
        "repository:team//app:pull",
        "repository:/team/app:pull",
        "repository:team/app/:pull",
        "repository:team\\app:pull",
      })
  void pathTricksGrantNothing(String text) {
    assertThat(TokenScope.parse(text).map(TokenScope::accesses).orElse(List.of())).isEmpty();
  }

  @Test
  void requestsAreBounded() throws Exception {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < TokenScope.MAX_SCOPES; i++) {
      many.add("repository:team/app" + i + ":pull");
    }
    assertThat(TokenScope.parseAll(List.of(String.join(" ", many)))).hasSize(64);
    many.add("repository:one/more:pull");
    assertThatThrownBy(() -> TokenScope.parseAll(many)).isInstanceOf(TokenScope.TooLarge.class);
    String longName = "repository:" + "a".repeat(TokenScope.MAX_SCOPE_LENGTH) + ":pull";
    assertThatThrownBy(() -> TokenScope.parseAll(List.of(longName)))
        .isInstanceOf(TokenScope.TooLarge.class);
    assertThat(TokenScope.parse(longName)).isEmpty();
    assertThatThrownBy(() -> TokenScope.parseAll(List.of(" ".repeat(20_000))))
        .isInstanceOf(TokenScope.TooLarge.class);
    assertThat(TokenScope.parseAll(List.of("  repository:team/app:pull   registry:catalog:* ")))
        .map(TokenScope::toString)
        .containsExactly("repository:team/app:pull", "registry:catalog:*");
  }

  @Test
  void grantedAccessesBecomeCanonicalScopesAndClaims() {
    RepositoryName other = RepositoryName.of("other");
    List<Access> accesses =
        List.of(Access.push(APP), Access.catalog(), Access.pull(other), Access.pull(APP));
    List<TokenScope> scopes = TokenScope.granting(accesses, Map.of(other, Optional.of("plugin")));
    assertThat(TokenScope.strings(scopes))
        .containsExactly(
            "repository:team/app:pull,push", "registry:catalog:*", "repository(plugin):other:pull");
    List<Object> claim = new ArrayList<>();
    scopes.forEach(s -> claim.add(s.claim()));
    assertThat(TokenScope.fromClaim(claim)).containsExactlyInAnyOrderElementsOf(accesses);
  }

  @Test
  void malformedClaimEntriesGrantNothing() {
    List<Object> claim =
        List.of(
            "repository:team/app:pull",
            Map.of("type", "repository", "name", "team/app"),
            Map.of("type", "repository", "name", 7, "actions", List.of("pull")),
            Map.of("type", "repository", "name", "../x", "actions", List.of("pull")),
            Map.of("type", "repository", "name", "team/app", "actions", List.of(1, "PUSH")),
            Map.of("type", "Repository", "name", "team/app", "actions", List.of("pull")));
    assertThat(TokenScope.fromClaim(claim)).isEmpty();
    assertThat(
            TokenScope.fromClaim(
                List.of(Map.of("type", "repository", "name", "team/app", "actions", List.of("*")))))
        .containsExactlyInAnyOrder(Access.pull(APP), Access.push(APP), Access.delete(APP));
  }

  // ----------------------------------------------------------------------------- properties

  private static final String SCOPE_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:/,()*._-% \u0000";

  @Test
  void parseNeverThrows() {
    qt().forAll(
            OciGenerators.oneOf(
                OciGenerators.anyStrings(), OciGenerators.strings(SCOPE_CHARS, 0, 60)))
        .checkAssert(
            text -> {
              Optional<TokenScope> scope = TokenScope.parse(text);
              scope.ifPresent(s -> assertThat(s.accesses()).hasSizeLessThanOrEqualTo(3));
            });
  }

  private static Gen<TokenScope> scopes() {
    Gen<String> typeValues = OciGenerators.strings("abcdefghijklmnopqrstuvwxyz0123456789", 1, 12);
    Gen<String> names =
        OciGenerators.oneOf(
            OciGenerators.repositoryNames().map(RepositoryName::value),
            OciGenerators.strings("abcdefghijklmnopqrstuvwxyzA/:._-%()*,0", 1, 40));
    Gen<List<String>> actions =
        OciGenerators.lists(OciGenerators.pick("pull", "push", "delete", "*", "x", "catalog"), 0, 5)
            .map(l -> List.copyOf(new LinkedHashSet<>(l)));
    return typeValues.zip(
        OciGenerators.optionals(typeValues, 30),
        names,
        actions,
        (type, resourceClass, name, acts) -> new TokenScope(type, resourceClass, name, acts));
  }

  @Test
  void canonicalFormsRoundTrip() {
    qt().forAll(scopes())
        .checkAssert(
            scope -> {
              assertThat(TokenScope.parse(scope.toString())).contains(scope);
              assertThat(TokenScope.parse(scope.toString()).orElseThrow().toString())
                  .isEqualTo(scope.toString());
            });
  }

  @Test
  void accessesOnlyEverNameTheScopesOwnRepository() {
    qt().forAll(scopes())
        .checkAssert(
            scope -> {
              for (Access access : scope.accesses()) {
                if (access.action() == Action.CATALOG) {
                  assertThat(scope.toString())
                      .isEqualTo("registry:catalog:" + String.join(",", scope.actions()));
                } else {
                  assertThat(access.repository().orElseThrow().value()).isEqualTo(scope.name());
                  assertThat(scope.type()).isEqualTo("repository");
                }
              }
            });
  }

  @Test
  void grantingThenReadingTheClaimGivesTheSameAccesses() {
    Gen<Access> accesses =
        OciGenerators.repositoryNames()
            .zip(
                OciGenerators.pick(Action.PULL, Action.PUSH, Action.DELETE, Action.CATALOG),
                (repo, action) ->
                    action == Action.CATALOG ? Access.catalog() : Access.of(action, repo));
    qt().forAll(OciGenerators.lists(accesses, 0, 8))
        .checkAssert(
            list -> {
              List<Object> claim = new ArrayList<>();
              TokenScope.granting(list, Map.of()).forEach(s -> claim.add(s.claim()));
              Set<Access> back = TokenScope.fromClaim(claim);
              assertThat(back).isEqualTo(new HashSet<>(list));
            });
  }
}
