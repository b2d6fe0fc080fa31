package io.wharf.oci.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.testing.OciArbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Generated manifests and configurations survive encoding and reading back. */
class ManifestRoundTripPropertiesTest {

  private static final ManifestCodec CODEC = ManifestCodec.defaults();

  @Property
  void encodedManifestReadsBackToAnEqualManifest(@ForAll("manifests") Manifest manifest) {
    RawManifest encoded = CODEC.encode(manifest);
    Bytes bytes = encoded.bytes();
    assertThat(encoded.mediaType()).isEqualTo(manifest.mediaType());
    assertThat(encoded.digest()).isEqualTo(Digest.sha256(bytes));

    RawManifest read = CODEC.read(bytes);
    assertThat(read.digest()).isEqualTo(Digest.sha256(bytes));
    assertThat(read).isEqualTo(encoded);
    assertThat(read.parse()).isEqualTo(manifest);
    assertThat(CODEC.read(bytes, manifest.mediaType()).parse()).isEqualTo(manifest);
    assertThat(CODEC.encode(read.parse()).bytes()).isEqualTo(bytes);
  }

  @Property
  void encodedImageConfigParsesBackToAnEqualConfig(@ForAll("imageConfigs") ImageConfig config) {
    Bytes bytes = config.toBytes();
    ImageConfig parsed = ImageConfig.parse(bytes);
    assertThat(parsed).isEqualTo(config);
    assertThat(parsed.toBytes()).isEqualTo(bytes);
  }

  @Provide
  Arbitrary<Manifest> manifests() {
    return OciArbitraries.manifests();
  }

  @Provide
  Arbitrary<ImageConfig> imageConfigs() {
    return OciArbitraries.imageConfigs();
  }
}
