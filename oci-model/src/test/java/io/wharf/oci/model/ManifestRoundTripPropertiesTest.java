package io.wharf.oci.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.testing.OciGenerators;
import org.junit.jupiter.api.Test;

/** Generated manifests and configurations survive encoding and reading back. */
class ManifestRoundTripPropertiesTest {

  private static final ManifestCodec CODEC = ManifestCodec.defaults();

  @Test
  void encodedManifestReadsBackToAnEqualManifest() {
    qt().forAll(OciGenerators.manifests())
        .checkAssert(
            manifest -> {
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
            });
  }

  @Test
  void encodedImageConfigParsesBackToAnEqualConfig() {
    qt().forAll(OciGenerators.imageConfigs())
        .checkAssert(
            config -> {
              Bytes bytes = config.toBytes();
              ImageConfig parsed = ImageConfig.parse(bytes);
              assertThat(parsed).isEqualTo(config);
              assertThat(parsed.toBytes()).isEqualTo(bytes);
            });
  }
}
