package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code wharf inspect} prints of a manifest whose strings come from a stranger. */
class InspectCommandTest {

  private static RawManifest withAnnotation(String key, String value) {
    Bytes config = Bytes.utf8("{}");
    Bytes layer = Bytes.utf8("layer");
    ImageManifest m =
        ImageManifest.of(
                Descriptor.of(MediaType.OCI_IMAGE_CONFIG, Digest.sha256(config), config.size()),
                List.of(
                    Descriptor.of(
                        MediaType.OCI_LAYER_TAR_GZIP, Digest.sha256(layer), layer.size())))
            .withAnnotations(Map.of(key, value));
    return ManifestCodec.defaults().encode(m);
  }

  @Test
  void controlCharactersFromTheRegistryNeverReachTheTerminal() {
    RawManifest m = withAnnotation("title\u001b]0;pwned\u0007", "red\u001b[31m\u009bX\u007f");
    ImageLocation where = ImageLocation.parse("docker://127.0.0.1:5000/a/b:v1");

    String text = InspectCommand.text(where, m);
    assertThat(text.chars().filter(c -> c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f)).isEmpty();
    assertThat(text)
        .contains("Annotation: title\\u001b]0;pwned\\u0007=red\\u001b[31m\\u009bX\\u007f");

    String json = InspectCommand.json(where, m);
    assertThat(json.chars().filter(c -> c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f)).isEmpty();
    assertThat(json).contains("\"red\\u001b[31m\\u009bX\\u007f\"");
  }
}
