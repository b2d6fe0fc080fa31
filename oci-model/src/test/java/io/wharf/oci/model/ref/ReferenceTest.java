package io.wharf.oci.model.ref;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceTest {

  private static final String SHA256 =
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final Digest DIGEST = Digest.parse(SHA256);

  // Strict parsing

  @Test
  void parsesHostRepositoryAndTag() {
    Reference r = Reference.parse("ghcr.io/org/app:1.0");
    assertThat(r.registry()).isEqualTo(new RegistryHost("ghcr.io"));
    assertThat(r.repository()).isEqualTo(new RepositoryName("org/app"));
    assertThat(r.tag()).contains(new Tag("1.0"));
    assertThat(r.digest()).isEmpty();
    assertThat(r.name()).isEqualTo("ghcr.io/org/app");
    assertThat(r).hasToString("ghcr.io/org/app:1.0");
  }

  @Test
  void parsesLocalhostWithPortAndDigest() {
    Reference r = Reference.parse("localhost:5000/a/b@" + SHA256);
    assertThat(r.registry().value()).isEqualTo("localhost:5000");
    assertThat(r.registry().host()).isEqualTo("localhost");
    assertThat(r.registry().isLoopback()).isTrue();
    assertThat(r.repository().value()).isEqualTo("a/b");
    assertThat(r.tag()).isEmpty();
    assertThat(r.digest()).contains(DIGEST);
    assertThat(r).hasToString("localhost:5000/a/b@" + SHA256);
  }

  @Test
  void parsesTagAndDigestTogether() {
    Reference r = Reference.parse("ghcr.io/org/app:1.0@" + SHA256);
    assertThat(r.tag()).contains(new Tag("1.0"));
    assertThat(r.digest()).contains(DIGEST);
    assertThat(r).hasToString("ghcr.io/org/app:1.0@" + SHA256);
  }

  @Test
  void parsesRepositoryWithoutTagOrDigest() {
    Reference r = Reference.parse("registry.example.com/team/app");
    assertThat(r.tag()).isEmpty();
    assertThat(r.digest()).isEmpty();
    assertThat(r.hasIdentifier()).isFalse();
    assertThat(r).hasToString("registry.example.com/team/app");
  }

  @Test
  void parsesBracketedIpv6HostWithPort() {
    Reference r = Reference.parse("[::1]:5000/app:v1");
    assertThat(r.registry().value()).isEqualTo("[::1]:5000");
    assertThat(r.registry().host()).isEqualTo("[::1]");
    assertThat(r.registry().isLoopback()).isTrue();
    assertThat(r.repository().value()).isEqualTo("app");
    assertThat(r.tag()).contains(new Tag("v1"));
  }

  @Test
  void parsesBracketedIpv6HostWithoutPort() {
    Reference r = Reference.parse("[2001:db8::1]/team/app");
    assertThat(r.registry().value()).isEqualTo("[2001:db8::1]");
    assertThat(r.registry().host()).isEqualTo("[2001:db8::1]");
    assertThat(r.registry().isLoopback()).isFalse();
    assertThat(r.repository().value()).isEqualTo("team/app");
    assertThat(r.tag()).isEmpty();
  }

  @Test
  void parsesIpv4HostWithPort() {
    Reference r = Reference.parse("127.0.0.1:8443/app:1");
    assertThat(r.registry().host()).isEqualTo("127.0.0.1");
    assertThat(r.registry().isLoopback()).isTrue();
    assertThat(r.tag()).contains(new Tag("1"));
  }

  @Test
  void acceptsPortsFromOneTo65535() {
    assertThat(Reference.parse("localhost:1/a").registry().value()).isEqualTo("localhost:1");
    assertThat(Reference.parse("localhost:65535/a").registry().value())
        .isEqualTo("localhost:65535");
  }

  @Test
  void refusesPortAbove65535WithNameInvalid() {
    assertRefused("localhost:65536/a", ErrorCode.NAME_INVALID).hasMessageContaining("65535");
    assertRefused("localhost:123456/a", ErrorCode.NAME_INVALID)
        .hasMessageContaining("registry host 'localhost:123456'");
  }

  @Test
  void refusesPortThatIsNotANumber() {
    assertRefused("localhost:http/a", ErrorCode.NAME_INVALID).hasMessageContaining("registry host");
  }

  // Errors that name the wrong part

  @ParameterizedTest
  @ValueSource(strings = {"-ghcr.io/a", "ghcr-.io/a", "ghcr..io/a", "gh_cr.io/a", "[::1/a"})
  void refusesBadHostWithNameInvalid(String text) {
    assertRefused(text, ErrorCode.NAME_INVALID).hasMessageContaining("registry host");
  }

  @Test
  void refusesOverLongHostWithNameInvalid() {
    String host = "a".repeat(253) + ".io";
    assertRefused(host + "/app", ErrorCode.NAME_INVALID)
        .hasMessageContaining("registry host is longer than 255");
  }

  @Test
  void refusesUpperCaseRepositoryWithNameInvalid() {
    assertRefused("ghcr.io/Org/app", ErrorCode.NAME_INVALID)
        .hasMessageContaining("'Org' must be lower case");
  }

  @Test
  void refusesDotDotComponentWithNameInvalid() {
    assertRefused("ghcr.io/a/../b", ErrorCode.NAME_INVALID)
        .hasMessageContaining("'..' is not allowed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ghcr.io//a", "ghcr.io/a/", "ghcr.io/a/:1"})
  void refusesLeadingOrTrailingSlashWithNameInvalid(String text) {
    assertRefused(text, ErrorCode.NAME_INVALID)
        .hasMessageContaining("must not start or end with '/'");
  }

  @Test
  void refusesEmptyPathComponentWithNameInvalid() {
    assertRefused("ghcr.io/a//b", ErrorCode.NAME_INVALID)
        .hasMessageContaining("empty path component");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"ghcr.io/a__-b", "ghcr.io/a___b", "ghcr.io/-a", "ghcr.io/a.", "ghcr.io/a+b"})
  void refusesBadSeparatorsWithNameInvalid(String text) {
    assertRefused(text, ErrorCode.NAME_INVALID).hasMessageContaining("path component");
  }

  @Test
  void refusesEmptyRepositoryWithNameInvalid() {
    assertRefused("ghcr.io/", ErrorCode.NAME_INVALID).hasMessageContaining("empty");
  }

  @Test
  void acceptsRepositoryOf255AndRefuses256Characters() {
    String name = "a/" + "b".repeat(253);
    assertThat(Reference.parse("ghcr.io/" + name).repository().value()).hasSize(255);
    assertRefused("ghcr.io/" + name + "b", ErrorCode.NAME_INVALID)
        .hasMessageContaining("longer than 255");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"ghcr.io/a:", "ghcr.io/a:-x", "ghcr.io/a:.x", "ghcr.io/a:x+y", "ghcr.io/a:ü"})
  void refusesBadTagWithTagInvalid(String text) {
    assertRefused(text, ErrorCode.TAG_INVALID).hasMessageContaining("tag");
  }

  @Test
  void acceptsTagOf128AndRefuses129Characters() {
    String tag = "_" + "x".repeat(127);
    assertThat(Reference.parse("ghcr.io/a:" + tag).tag()).contains(new Tag(tag));
    assertRefused("ghcr.io/a:" + tag + "x", ErrorCode.TAG_INVALID)
        .hasMessageContaining("longer than 128");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ghcr.io/a@",
        "ghcr.io/a@sha256",
        "ghcr.io/a@sha256:abc",
        "ghcr.io/a@SHA256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "ghcr.io/a@sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        "ghcr.io/a@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855@x"
      })
  void refusesBadDigestWithDigestInvalid(String text) {
    assertRefused(text, ErrorCode.DIGEST_INVALID).hasMessageContaining("digest");
  }

  @Test
  void strictParseOfBareNameSaysThereIsNoRegistryHost() {
    assertRefused("ubuntu", ErrorCode.NAME_INVALID).hasMessageContaining("no registry host");
    assertRefused("library/ubuntu:22.04", ErrorCode.NAME_INVALID)
        .hasMessageContaining("no registry host");
    assertRefused("localhost:5000", ErrorCode.NAME_INVALID)
        .hasMessageContaining("no registry host");
  }

  @Test
  void refusesEmptyAndOverLongReferencesWithNameInvalid() {
    assertRefused("", ErrorCode.NAME_INVALID).hasMessageContaining("empty");
    assertRefused("ghcr.io/" + "a".repeat(ReferenceParser.MAX_LENGTH), ErrorCode.NAME_INVALID)
        .hasMessageContaining("longer than " + ReferenceParser.MAX_LENGTH);
  }

  // Docker normalisation

  @Test
  void dockerAddsHubLibraryAndLatestToBareName() {
    Reference r = ReferenceParser.docker().parse("ubuntu");
    assertThat(r.registry()).isEqualTo(RegistryHost.DOCKER_HUB);
    assertThat(r.repository().value()).isEqualTo("library/ubuntu");
    assertThat(r.tag()).contains(Tag.LATEST);
    assertThat(r).hasToString("docker.io/library/ubuntu:latest");
  }

  @Test
  void dockerNormalisesIndexDockerIoToDockerIo() {
    assertThat(ReferenceParser.docker().parse("index.docker.io/foo/bar"))
        .hasToString("docker.io/foo/bar:latest");
    assertThat(ReferenceParser.docker().parse("index.docker.io/ubuntu"))
        .hasToString("docker.io/library/ubuntu:latest");
  }

  @Test
  void dockerAddsHubToUserRepositoryAndKeepsTag() {
    assertThat(ReferenceParser.docker().parse("user/app:1")).hasToString("docker.io/user/app:1");
  }

  @Test
  void dockerKeepsLocalhostAsRegistry() {
    Reference r = ReferenceParser.docker().parse("localhost:5000/x");
    assertThat(r.registry().value()).isEqualTo("localhost:5000");
    assertThat(r.repository().value()).isEqualTo("x");
    assertThat(r).hasToString("localhost:5000/x:latest");
    assertThat(ReferenceParser.docker().parse("localhost/x")).hasToString("localhost/x:latest");
  }

  @Test
  void dockerAddsNoTagWhenDigestIsGiven() {
    Reference r = ReferenceParser.docker().parse("ubuntu@" + SHA256);
    assertThat(r.tag()).isEmpty();
    assertThat(r).hasToString("docker.io/library/ubuntu@" + SHA256);
  }

  @Test
  void dockerRefusesSixtyFourHexCharactersAsName() {
    assertThatThrownBy(() -> ReferenceParser.docker().parse("a".repeat(64)))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("image IDs")
        .extracting(e -> ((InvalidContentException) e).code())
        .isEqualTo(ErrorCode.NAME_INVALID);
  }

  @Test
  void dockerRefusesUpperCaseNameWithNameInvalid() {
    assertThatThrownBy(() -> ReferenceParser.docker().parse("Ubuntu"))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("lower case")
        .extracting(e -> ((InvalidContentException) e).code())
        .isEqualTo(ErrorCode.NAME_INVALID);
  }

  @Test
  void familiarStringDropsHubAndLibrary() {
    assertThat(ReferenceParser.docker().parse("ubuntu").familiarString())
        .isEqualTo("ubuntu:latest");
    assertThat(ReferenceParser.docker().parse("user/app:1").familiarString())
        .isEqualTo("user/app:1");
    assertThat(ReferenceParser.docker().parse("docker.io/library/a/b").familiarString())
        .isEqualTo("library/a/b:latest");
    assertThat(Reference.parse("ghcr.io/org/app:1.0").familiarString())
        .isEqualTo("ghcr.io/org/app:1.0");
  }

  // Default registry

  @Test
  void withDefaultRegistryFillsInMissingHostOnly() {
    RegistryHost mirror = new RegistryHost("registry.internal:5000");
    ReferenceParser parser = ReferenceParser.strict().withDefaultRegistry(mirror);
    assertThat(parser.parse("team/app:1")).hasToString("registry.internal:5000/team/app:1");
    assertThat(parser.parse("app").tag()).isEmpty();
    assertThat(parser.parse("ghcr.io/org/app").registry().value()).isEqualTo("ghcr.io");
    assertThatThrownBy(() -> ReferenceParser.strict().parse("team/app:1"))
        .isInstanceOf(InvalidContentException.class);
  }

  @Test
  void dockerWithDefaultRegistryStillImpliesLatest() {
    RegistryHost mirror = new RegistryHost("mirror.example.com");
    Reference r = ReferenceParser.docker().withDefaultRegistry(mirror).parse("ubuntu");
    assertThat(r.registry()).isEqualTo(mirror);
    assertThat(r.tag()).contains(Tag.LATEST);
  }

  // Identifier and helpers

  @Test
  void identifierPrefersDigestOverTag() {
    assertThat(Reference.parse("ghcr.io/org/app:1.0@" + SHA256).identifier()).isEqualTo(SHA256);
    assertThat(Reference.parse("ghcr.io/org/app:1.0").identifier()).isEqualTo("1.0");
    assertThat(Reference.parse("ghcr.io/org/app@" + SHA256).identifier()).isEqualTo(SHA256);
  }

  @Test
  void identifierFailsWhenNeitherTagNorDigestIsGiven() {
    Reference r = Reference.parse("ghcr.io/org/app");
    assertThatThrownBy(r::identifier).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void withersKeepOrDropTagAndDigestAsDocumented() {
    Reference r = Reference.parse("ghcr.io/org/app:1.0");
    assertThat(r.withDigest(DIGEST)).hasToString("ghcr.io/org/app:1.0@" + SHA256);
    assertThat(r.atDigest(DIGEST)).hasToString("ghcr.io/org/app@" + SHA256);
    assertThat(r.withDigest(DIGEST).atTag(new Tag("2"))).hasToString("ghcr.io/org/app:2");
    assertThat(r.withDigest(DIGEST).withTag(new Tag("2")))
        .hasToString("ghcr.io/org/app:2@" + SHA256);
    assertThat(r.withRepository(new RepositoryName("other"))).hasToString("ghcr.io/other:1.0");
    assertThat(Reference.of(new RegistryHost("ghcr.io"), new RepositoryName("a"), DIGEST))
        .isEqualTo(
            new Reference(
                r.registry(), new RepositoryName("a"), Optional.empty(), Optional.of(DIGEST)));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
      String text, ErrorCode code) {
    return assertThatThrownBy(() -> Reference.parse(text))
        .as(text)
        .isInstanceOfSatisfying(
            InvalidContentException.class, e -> assertThat(e.code()).as(text).isEqualTo(code));
  }
}
