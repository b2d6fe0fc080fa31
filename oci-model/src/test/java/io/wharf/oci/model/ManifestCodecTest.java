package io.wharf.oci.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.OciException;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {

  private static final ManifestCodec CODEC = ManifestCodec.defaults();
  private static final Digest D1 =
      Digest.parse("sha256:c86f7763873b6c0aae22d963bab59b4f5debbed6685761b5951584f6efb0633b");
  private static final Digest D2 =
      Digest.parse("sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270");

  private static String manifestJson(String mediaTypeField) {
    return "{\"schemaVersion\":2,"
        + mediaTypeField
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
        + D1
        + "\",\"size\":7},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
        + "\"digest\":\""
        + D2
        + "\",\"size\":9}]}";
  }

  @Test
  void keepsTheExactBytesAndTheirDigest() {
    // Whitespace and key order a re-serialisation would change.
    String json =
        "{ \"layers\": [{\"size\": 9, \"digest\": \""
            + D2
            + "\", \"mediaType\":"
            + " \"application/vnd.oci.image.layer.v1.tar\"}], \"schemaVersion\" : 2,\n"
            + " \"config\": {\"digest\":\""
            + D1
            + "\",\"size\":7,"
            + "\"mediaType\":\"application/vnd.oci.image.config.v1+json\"}, \"x-custom\": {\"a\": [1]}}";
    Bytes bytes = Bytes.utf8(json);
    RawManifest raw = CODEC.read(bytes);
    assertThat(raw.bytes()).isEqualTo(bytes);
    assertThat(raw.digest()).isEqualTo(Digest.sha256(bytes));
    assertThat(raw.mediaType()).isEqualTo(MediaType.OCI_IMAGE_MANIFEST);
    ImageManifest m = (ImageManifest) raw.parse();
    assertThat(m.layers()).extracting(Descriptor::digest).containsExactly(D2);
  }

  @Test
  void detectsTheMediaTypeFromTheMediaTypeField() {
    RawManifest raw =
        CODEC.read(
            Bytes.utf8(
                manifestJson(
                    "\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",")));
    assertThat(raw.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST_V2);
  }

  @Test
  void detectsAnIndexByItsShapeWhenItHasNoMediaType() {
    RawManifest raw = CODEC.read(Bytes.utf8("{\"schemaVersion\":2,\"manifests\":[]}"));
    assertThat(raw.mediaType()).isEqualTo(MediaType.OCI_IMAGE_INDEX);
    assertThat(((ImageIndex) raw.parse()).manifests()).isEmpty();
  }

  @Test
  void declaredTypeThatDisagreesWithTheBodyIsRefused() {
    Bytes bytes =
        Bytes.utf8(manifestJson("\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","));
    assertThatThrownBy(() -> CODEC.read(bytes, MediaType.DOCKER_MANIFEST_V2))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("does not match")
        .extracting(e -> ((OciException) e).code())
        .isEqualTo(ErrorCode.MANIFEST_INVALID);
    assertThat(CODEC.read(bytes, MediaType.OCI_IMAGE_MANIFEST).mediaType())
        .isEqualTo(MediaType.OCI_IMAGE_MANIFEST);
    // Generic types count as undeclared.
    assertThat(CODEC.read(bytes, MediaType.JSON).mediaType())
        .isEqualTo(MediaType.OCI_IMAGE_MANIFEST);
  }

  @Test
  void declaredTypeIsUsedWhenTheBodyHasNone() {
    RawManifest raw = CODEC.read(Bytes.utf8(manifestJson("")), MediaType.DOCKER_MANIFEST_V2);
    assertThat(raw.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST_V2);
  }

  @Test
  void declaredIndexTypeForAManifestShapeIsRefused() {
    assertThatThrownBy(() -> CODEC.read(Bytes.utf8(manifestJson("")), MediaType.OCI_IMAGE_INDEX))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("must not have 'config'");
  }

  @Test
  void ambiguousShapeIsRefused() {
    String json = manifestJson("").replace("\"layers\"", "\"manifests\":[],\"layers\"");
    assertThatThrownBy(() -> CODEC.read(Bytes.utf8(json)))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("ambiguous");
  }

  @Test
  void declaredSchema1IsRefusedWithAClearMessage() {
    assertThatThrownBy(
            () -> CODEC.read(Bytes.utf8(manifestJson("")), MediaType.DOCKER_MANIFEST_V1_SIGNED))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("schema 1 manifests are not supported");
  }

  @Test
  void unsupportedDeclaredTypeIsRefused() {
    assertThatThrownBy(
            () -> CODEC.read(Bytes.utf8(manifestJson("")), MediaType.parse("text/plain")))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("unsupported manifest media type text/plain");
  }

  @Test
  void duplicateKeysAreRefused() {
    String json =
        manifestJson("")
            .replace("{\"schemaVersion\":2,", "{\"schemaVersion\":2,\"schemaVersion\":2,");
    assertThatThrownBy(() -> CODEC.read(Bytes.utf8(json)))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("Duplicate field");
  }

  @Test
  void errorsNameTheFieldPathOnce() {
    String json =
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"digest\":\""
            + D1
            + "\",\"size\":7,\"annotations\":{\"x\":1}}]}";
    assertThatThrownBy(() -> CODEC.read(Bytes.utf8(json)))
        .isInstanceOf(InvalidContentException.class)
        .hasMessage("manifests[0].annotations.x: must be a string");
    String negative =
        json.replace(
            "\"annotations\":{\"x\":1}", "\"platform\":{\"os\":\"\",\"architecture\":\"a\"}");
    assertThatThrownBy(() -> CODEC.read(Bytes.utf8(negative)))
        .isInstanceOf(InvalidContentException.class)
        .hasMessage("manifests[0].platform: platform os must not be empty");
  }

  @Test
  void trailingContentIsRefused() {
    assertThatThrownBy(() -> CODEC.read(Bytes.utf8(manifestJson("") + " {}")))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void fractionalOrHugeSizesAreRefused() {
    for (String size : List.of("7.0", "-1", "9223372036854775808", "\"7\"", "1e3")) {
      String json = manifestJson("").replace("\"size\":7", "\"size\":" + size);
      assertThatThrownBy(() -> CODEC.read(Bytes.utf8(json)))
          .as(size)
          .isInstanceOf(InvalidContentException.class)
          .hasMessageContaining("config.size");
    }
  }

  @Test
  void deepNestingIsRefused() {
    String deep = "[".repeat(5000) + "]".repeat(5000);
    String json = manifestJson("").replace("\"layers\"", "\"x\":" + deep + ",\"layers\"");
    assertThatThrownBy(() -> CODEC.read(Bytes.utf8(json)))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void manifestsOverTheLimitAreRefusedWith413BeforeParsing() throws Exception {
    ManifestCodec small = CODEC.withMaxBytes(64);
    Bytes bytes = Bytes.utf8(manifestJson(""));
    assertThatThrownBy(() -> small.read(bytes))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("larger than the limit of 64 bytes")
        .extracting(e -> ((OciException) e).httpStatus())
        .isEqualTo(413);
    // The stream form stops reading at the limit.
    byte[] endless = new byte[10 * 1024 * 1024];
    assertThatThrownBy(() -> CODEC.read(new ByteArrayInputStream(endless)))
        .isInstanceOf(InvalidContentException.class)
        .extracting(e -> ((OciException) e).httpStatus())
        .isEqualTo(413);
    assertThat(CODEC.maxBytes()).isEqualTo(4 * 1024 * 1024);
  }

  @Test
  void encodeWritesCanonicalBytesInGoFieldOrder() {
    Descriptor config = Descriptor.EMPTY_JSON.withoutData();
    Descriptor layer =
        Descriptor.of(MediaType.OCI_LAYER_TAR_GZIP, D2, 9)
            .withAnnotations(Map.of("b", "2", "a", "<&>"));
    ImageManifest m =
        ImageManifest.of(config, List.of(layer))
            .withArtifactType(MediaType.parse("application/vnd.example+type"))
            .withSubject(Descriptor.of(MediaType.OCI_IMAGE_MANIFEST, D1, 7))
            .withAnnotations(Map.of("org.opencontainers.image.created", "2026-11-26T00:00:00Z"));
    RawManifest raw = CODEC.encode(m);
    assertThat(raw.bytes().utf8())
        .isEqualTo(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"artifactType\":\"application/vnd.example+type\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.empty.v1+json\",\"digest\":\"sha256:44136fa355b3678a1146ad"
                + "16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},\"layers\":[{"
                + "\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                + D2
                + "\",\"size\":9,\"annotations\":{\"a\":\"\\u003c\\u0026\\u003e\",\"b\":\"2\"}}],"
                + "\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"digest\":\""
                + D1
                + "\",\"size\":7},\"annotations\":{\"org.opencontainers.image.created\":"
                + "\"2026-11-26T00:00:00Z\"}}");
    assertThat(CODEC.read(raw.bytes()).parse()).isEqualTo(m);
    // Stable: the same value always gives the same bytes.
    assertThat(CODEC.encode(m)).isEqualTo(raw);
  }

  @Test
  void indexKeepsPlatformsAndFindsTheManifestForAPlatform() {
    Descriptor amd64 =
        Descriptor.of(MediaType.OCI_IMAGE_MANIFEST, D1, 7)
            .withPlatform(Platform.of("linux", "amd64"));
    Descriptor arm64 =
        Descriptor.of(MediaType.OCI_IMAGE_MANIFEST, D2, 9)
            .withPlatform(Platform.of("linux", "arm64", "v8"));
    ImageIndex index = ImageIndex.of(List.of(amd64, arm64));
    ImageIndex read = (ImageIndex) CODEC.read(CODEC.encode(index).bytes()).parse();
    assertThat(read).isEqualTo(index);
    assertThat(read.manifestFor(Platform.parse("linux/arm64"))).contains(arm64);
    assertThat(read.manifestFor(Platform.parse("linux/x86_64"))).contains(amd64);
    assertThat(read.manifestFor(Platform.parse("windows/amd64"))).isEmpty();
  }

  @Test
  void artifactUsesTheEmptyConfigAndAnEmptyLayer() {
    ImageManifest artifact =
        ImageManifest.artifact(MediaType.parse("application/vnd.example.sbom"), List.of());
    assertThat(artifact.config().digest()).isEqualTo(Descriptor.EMPTY_JSON.digest());
    assertThat(artifact.layers()).hasSize(1);
    assertThat(artifact.effectiveArtifactType())
        .contains(MediaType.parse("application/vnd.example.sbom"));
    ImageManifest image =
        ImageManifest.of(
            Descriptor.of(MediaType.OCI_IMAGE_CONFIG, D1, 7),
            List.of(Descriptor.of(MediaType.OCI_LAYER_TAR, D2, 9)));
    assertThat(image.effectiveArtifactType()).contains(MediaType.OCI_IMAGE_CONFIG);
    assertThat(image.references()).hasSize(2);
  }

  @Test
  void descriptorDataIsVerifiedWhenUsed() {
    Descriptor good = Descriptor.EMPTY_JSON;
    assertThat(good.verifiedData()).contains(Bytes.utf8("{}"));
    Descriptor bad =
        new Descriptor(
            MediaType.OCI_EMPTY_JSON,
            D1,
            2,
            List.of(),
            Map.of(),
            Optional.of(Bytes.utf8("{}")),
            Optional.empty(),
            Optional.empty());
    assertThatThrownBy(bad::verifiedData)
        .isInstanceOf(InvalidContentException.class)
        .extracting(e -> ((OciException) e).code())
        .isEqualTo(ErrorCode.DIGEST_INVALID);
    assertThatThrownBy(
            () -> Descriptor.of(MediaType.OCI_EMPTY_JSON, D1, 2).withData(Bytes.utf8("{}")))
        .isInstanceOf(InvalidContentException.class);
    assertThat(Descriptor.parse(good.toJson())).isEqualTo(good);
  }

  @Test
  void rawManifestRefusesADigestThatIsNotOfItsBytes() {
    assertThatThrownBy(() -> new RawManifest(MediaType.OCI_IMAGE_MANIFEST, Bytes.utf8("{}"), D1))
        .isInstanceOf(InvalidContentException.class)
        .extracting(e -> ((OciException) e).code())
        .isEqualTo(ErrorCode.DIGEST_INVALID);
    Bytes bytes = Bytes.utf8(manifestJson(""));
    Digest sha512 = Digest.of(DigestAlgorithm.SHA512, bytes);
    assertThat(new RawManifest(MediaType.OCI_IMAGE_MANIFEST, bytes, sha512).digest())
        .isEqualTo(sha512);
  }
}
