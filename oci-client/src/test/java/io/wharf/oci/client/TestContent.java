package io.wharf.oci.client;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import java.util.Random;

/** Blobs and manifests for the client's tests, written by hand so the bytes are plain to see. */
public final class TestContent {

  public static final Bytes CONFIG = Bytes.utf8("{}");
  public static final Bytes EMPTY_JSON = Bytes.utf8("{}");

  private TestContent() {}

  public static Bytes random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return Bytes.of(b);
  }

  public static RawManifest image(Bytes config, Bytes layer) {
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
            + Digest.sha256(config)
            + "\",\"size\":"
            + config.size()
            + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
            + Digest.sha256(layer)
            + "\",\"size\":"
            + layer.size()
            + "}]}";
    return RawManifest.of(MediaType.OCI_IMAGE_MANIFEST, Bytes.utf8(json));
  }

  /** An artifact manifest (empty config and layer) about {@code subject}. */
  public static RawManifest referrer(RawManifest subject, String artifactType, String note) {
    String empty =
        "{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
            + Digest.sha256(EMPTY_JSON)
            + "\",\"size\":2}";
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"artifactType\":\""
            + artifactType
            + "\",\"config\":"
            + empty
            + ",\"layers\":["
            + empty
            + "],\"subject\":{\"mediaType\":\""
            + subject.mediaType().value()
            + "\",\"digest\":\""
            + subject.digest()
            + "\",\"size\":"
            + subject.size()
            + "},\"annotations\":{\"note\":\""
            + note
            + "\"}}";
    return RawManifest.of(MediaType.OCI_IMAGE_MANIFEST, Bytes.utf8(json));
  }
}
