package io.wharf.oci.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.error.InvalidContentException;
import org.junit.jupiter.api.Test;

class ImageConfigTest {

  @Test
  void readsTheSpecExample() {
    ImageConfig config =
        ImageConfig.parse(
            Fixtures.bytes("manifests/oci-image-spec-examples/config-example-0.json"));
    assertThat(config.platform()).isEqualTo(Platform.of("linux", "amd64"));
    assertThat(config.created()).contains("2015-10-31T22:22:56.015925234Z");
    ImageConfig.ContainerConfig cc = config.config().orElseThrow();
    assertThat(cc.exposedPorts()).containsExactly("8080/tcp");
    assertThat(cc.entrypoint()).contains(java.util.List.of("/bin/my-app-binary"));
    assertThat(cc.volumes()).contains("/var/job-result-data", "/var/log/my-app-logs");
    assertThat(config.rootfs().diffIds()).hasSize(2);
    assertThat(config.history()).hasSize(3);
    assertThat(config.history().get(1).emptyLayer()).isTrue();
    assertThat(config.history().get(2).emptyLayer()).isFalse();
  }

  @Test
  void encodeThenParseRoundTrips() {
    for (String file :
        new String[] {
          "manifests/oci-image-spec-examples/config-example-0.json",
          "manifests/containers-image/image/schema2-config.json",
          "manifests/oci-image-spec-schema-tests/config-07-valid-config-with-optional-fields.json"
        }) {
      ImageConfig config = ImageConfig.parse(Fixtures.bytes(file));
      Bytes canonical = config.toBytes();
      assertThat(ImageConfig.parse(canonical)).as(file).isEqualTo(config);
      assertThat(ImageConfig.parse(canonical).toBytes()).as(file).isEqualTo(canonical);
    }
  }

  @Test
  void errorsNameTheField() {
    String base =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}";
    assertThatThrownBy(() -> ImageConfig.parse(Bytes.utf8(base + ",\"config\":{\"Env\":[7353]}}")))
        .isInstanceOf(InvalidContentException.class)
        .hasMessage("config.Env[0]: must be a string");
    assertThatThrownBy(() -> ImageConfig.parse(Bytes.utf8(base + ",\"created\":\"yesterday\"}")))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("created: must be an RFC 3339 date-time");
    assertThatThrownBy(
            () ->
                ImageConfig.parse(
                    Bytes.utf8(
                        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                            + "\"diff_ids\":[\"nope\"]}}")))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("rootfs.diff_ids[0]");
    assertThatThrownBy(
            () -> ImageConfig.parse(Bytes.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}")))
        .isInstanceOf(InvalidContentException.class)
        .hasMessage("rootfs: is required");
  }
}
