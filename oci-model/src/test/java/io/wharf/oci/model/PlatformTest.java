package io.wharf.oci.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.error.InvalidContentException;
import java.util.List;
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
    assertThat(list.manifestFor(Platform.parse("linux/arm64/v8"))).isPresent();
    assertThat(list.manifestFor(Platform.parse("linux/arm64"))).isPresent();
    assertThat(list.manifestFor(Platform.parse("linux/amd64"))).isPresent();
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
