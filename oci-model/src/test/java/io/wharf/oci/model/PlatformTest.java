package io.wharf.oci.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.error.InvalidContentException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlatformTest {

  @Test
  void normalisesArchitectureAliasesAndImpliedVariants() {
    assertThat(Platform.parse("linux/x86_64").normalize()).isEqualTo(Platform.of("linux", "amd64"));
    assertThat(Platform.parse("linux/amd64/v1").normalize())
        .isEqualTo(Platform.of("linux", "amd64"));
    assertThat(Platform.parse("linux/aarch64").normalize())
        .isEqualTo(Platform.of("linux", "arm64", "v8"));
    assertThat(Platform.parse("linux/arm64/8").normalize())
        .isEqualTo(Platform.of("linux", "arm64", "v8"));
    assertThat(Platform.parse("linux/arm").normalize())
        .isEqualTo(Platform.of("linux", "arm", "v7"));
    assertThat(Platform.parse("linux/armhf").normalize())
        .isEqualTo(Platform.of("linux", "arm", "v7"));
    assertThat(Platform.parse("linux/i386").normalize()).isEqualTo(Platform.of("linux", "386"));
    assertThat(Platform.parse("macOS/arm64").normalize().os()).isEqualTo("darwin");
  }

  @Test
  void matchesByNormalisedOsArchitectureAndVariant() {
    Platform arm64 = Platform.of("linux", "arm64");
    assertThat(arm64.matches(Platform.of("linux", "arm64", "v8"))).isTrue();
    assertThat(arm64.matches(Platform.of("linux", "aarch64"))).isTrue();
    assertThat(arm64.matches(Platform.of("linux", "arm64", "v9"))).isFalse();
    assertThat(Platform.of("linux", "amd64").matches(Platform.of("linux", "amd64", "v3"))).isTrue();
    assertThat(Platform.of("linux", "amd64", "v3").matches(Platform.of("linux", "amd64")))
        .isFalse();
    assertThat(Platform.of("linux", "arm", "v7").matches(Platform.of("linux", "arm", "v6")))
        .isFalse();
  }

  @Test
  void osVersionAndFeaturesMustBeSatisfied() {
    Platform windows =
        Platform.of("windows", "amd64")
            .withOsVersion("10.0.17763.1234")
            .withOsFeatures(List.of("win32k"));
    assertThat(windows.matches(windows)).isTrue();
    assertThat(windows.matches(Platform.of("windows", "amd64"))).isFalse();
    assertThat(Platform.of("windows", "amd64").matches(windows)).isTrue();
  }

  @Test
  void picksTheBestArmVariantFromARealIndex() {
    ImageIndex index =
        (ImageIndex)
            ManifestCodec.defaults()
                .read(Fixtures.bytes("manifests/containers-image/ocilist-variants.json"))
                .parse();
    Descriptor v7 = index.manifestFor(Platform.parse("linux/arm/v7")).orElseThrow();
    assertThat(v7.platform().orElseThrow().variant()).contains("v7");
    Descriptor v6 = index.manifestFor(Platform.parse("linux/arm/v6")).orElseThrow();
    assertThat(v6.platform().orElseThrow().variant()).contains("v6");
    // No v8 32-bit arm image: the best lower variant the v8 CPU runs is v7.
    Descriptor v8 = index.manifestFor(Platform.parse("linux/arm/v8")).orElseThrow();
    assertThat(v8.platform().orElseThrow().variant()).contains("v7");
    assertThat(index.manifestFor(Platform.parse("linux/s390x"))).isEmpty();
  }

  @Test
  void picksFromADockerManifestList() {
    ImageIndex list =
        (ImageIndex)
            ManifestCodec.defaults()
                .read(Fixtures.bytes("manifests/containers-image/schema2list.json"))
                .parse();
    String amd64 = "sha256:030fcb92e1487b18c974784dcc110a93147c9fc402188370fbfd17efabffc6af";
    String armV5 = "sha256:9142d97ef280a7953cf1a85716de49a24cc1dd62776352afad67e635331ff77a";
    String armV6 = "sha256:b5dbad4bdb4444d919294afe49a095c23e86782f98cdf0aa286198ddb814b50b";
    String arm64 = "sha256:dc472a59fb006797aa2a6bfb54cc9c57959bb0a6d11fadaa608df8c16dea39cf";
    String i386 = "sha256:9a33b9909e56b0a2092a65fb1b79ef6717fa160b1f084476b860418780e8d53b";
    assertThat(pick(list, "linux/arm64/v8")).hasValue(arm64);
    assertThat(pick(list, "linux/arm64")).hasValue(arm64);
    assertThat(pick(list, "linux/aarch64")).hasValue(arm64);
    assertThat(pick(list, "linux/amd64")).hasValue(amd64);
    assertThat(pick(list, "linux/x86_64")).hasValue(amd64);
    assertThat(pick(list, "linux/386")).hasValue(i386);
    assertThat(pick(list, "linux/arm/v5")).hasValue(armV5);
    assertThat(pick(list, "linux/arm/v6")).hasValue(armV6);
    // No v7 image: the best lower variant a v7 CPU runs is v6, not v5 (the list's first).
    assertThat(pick(list, "linux/arm/v7")).hasValue(armV6);
    assertThat(pick(list, "windows/amd64")).isEmpty();
    assertThat(pick(list, "linux/riscv64")).isEmpty();
    assertThat(list.manifestFor(Platform.parse("linux/amd64")).orElseThrow().mediaType())
        .isEqualTo(MediaType.DOCKER_MANIFEST_V2);
  }

  /** The digest of the manifest {@code index} picks for {@code platform}, if any. */
  private static Optional<String> pick(ImageIndex index, String platform) {
    return index.manifestFor(Platform.parse(platform)).map(d -> d.digest().toString());
  }

  @Test
  void parseRefusesMalformedText() {
    for (String bad : List.of("linux", "linux/", "/amd64", "a/b/c/d", "")) {
      assertThatThrownBy(() -> Platform.parse(bad))
          .as(bad)
          .isInstanceOf(InvalidContentException.class);
    }
    assertThat(Platform.parse("linux/arm/v7")).hasToString("linux/arm/v7");
  }
}
