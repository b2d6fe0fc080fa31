package io.wharf.oci.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.OciException;
import io.wharf.oci.model.layout.OciLayoutWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under {@code fixtures/manifests} (except the blobs of the two image layouts, which
 * {@code OciLayoutTest} reads) is parsed with the outcome its source expects: accepted files parse
 * and keep the digest their source lists; refused files are refused with the right error code and a
 * message naming what is wrong.
 */
class FixturesTest {

  enum Kind {
    MANIFEST,
    CONFIG,
    DESCRIPTOR,
    LAYOUT_HEADER,
    /** A JSON schema of the spec: not content, so reading it as a manifest must fail. */
    SCHEMA
  }

  /** What a fixture is and what should become of it. */
  record Expect(
      String file, Kind kind, boolean accepted, String mediaTypeOrCode, String messagePart) {

    static Expect accept(String file, Kind kind, String mediaType) {
      return new Expect(file, kind, true, mediaType, "");
    }

    static Expect refuse(String file, Kind kind, ErrorCode code, String messagePart) {
      return new Expect(file, kind, false, code.name(), messagePart);
    }

    @Override
    public String toString() {
      return file;
    }
  }

  private static final String OCI_MANIFEST = MediaType.OCI_IMAGE_MANIFEST.value();
  private static final String OCI_INDEX = MediaType.OCI_IMAGE_INDEX.value();
  private static final String DOCKER_V2 = MediaType.DOCKER_MANIFEST_V2.value();
  private static final String DOCKER_LIST = MediaType.DOCKER_MANIFEST_LIST.value();
  private static final ErrorCode INVALID = ErrorCode.MANIFEST_INVALID;

  static final List<Expect> EXPECTED =
      List.of(
          // containers/image
          Expect.accept(
              "manifests/containers-image/image/oci1-artifact.json", Kind.MANIFEST, OCI_MANIFEST),
          Expect.refuse(
              "manifests/containers-image/image/oci1-invalid-media-type.json",
              Kind.MANIFEST,
              INVALID,
              "layers[0].mediaType"),
          Expect.accept(
              "manifests/containers-image/image/oci1.encrypted.json", Kind.MANIFEST, OCI_MANIFEST),
          Expect.accept("manifests/containers-image/image/oci1.json", Kind.MANIFEST, OCI_MANIFEST),
          Expect.accept("manifests/containers-image/image/schema2-config.json", Kind.CONFIG, ""),
          Expect.refuse(
              "manifests/containers-image/image/schema2-invalid-media-type.json",
              Kind.MANIFEST,
              INVALID,
              "config.mediaType"),
          Expect.refuse(
              "manifests/containers-image/non-json.manifest.json",
              Kind.MANIFEST,
              INVALID,
              "not valid JSON"),
          Expect.accept(
              "manifests/containers-image/oci1.index.everything.json", Kind.MANIFEST, OCI_INDEX),
          Expect.accept(
              "manifests/containers-image/ocilist-variants.json", Kind.MANIFEST, OCI_INDEX),
          Expect.refuse(
              "manifests/containers-image/ociv1.artifact.json",
              Kind.MANIFEST,
              INVALID,
              "config.digest"),
          Expect.accept(
              "manifests/containers-image/ociv1.image.index.json", Kind.MANIFEST, OCI_INDEX),
          Expect.accept(
              "manifests/containers-image/ociv1.manifest.json", Kind.MANIFEST, OCI_MANIFEST),
          Expect.accept("manifests/containers-image/schema2list.json", Kind.MANIFEST, DOCKER_LIST),
          Expect.refuse(
              "manifests/containers-image/unknown-version.manifest.json",
              Kind.MANIFEST,
              INVALID,
              "unsupported version 99999"),
          Expect.accept(
              "manifests/containers-image/v2list.manifest.json", Kind.MANIFEST, DOCKER_LIST),
          Expect.refuse(
              "manifests/containers-image/v2s1-invalid-signatures.manifest.json",
              Kind.MANIFEST,
              INVALID,
              "schema 1"),
          Expect.refuse(
              "manifests/containers-image/v2s1-unsigned.manifest.json",
              Kind.MANIFEST,
              INVALID,
              "schema 1"),
          Expect.refuse(
              "manifests/containers-image/v2s1.manifest.json", Kind.MANIFEST, INVALID, "schema 1"),
          Expect.accept("manifests/containers-image/v2s2.manifest.json", Kind.MANIFEST, DOCKER_V2),
          // cosign and helm
          Expect.accept(
              "manifests/cosign/cosign-signature-manifest-docker-v2.json",
              Kind.MANIFEST,
              DOCKER_V2),
          Expect.accept(
              "manifests/cosign/cosign-signature-manifest-oci11-with-subject.json",
              Kind.MANIFEST,
              OCI_MANIFEST),
          Expect.accept(
              "manifests/cosign/cosign-signature-manifest-tag-scheme.json",
              Kind.MANIFEST,
              OCI_MANIFEST),
          Expect.accept(
              "manifests/helm/helm-chart-manifest-with-provenance.json",
              Kind.MANIFEST,
              OCI_MANIFEST),
          Expect.accept("manifests/helm/helm-chart-manifest.json", Kind.MANIFEST, OCI_MANIFEST),
          // image-spec examples
          Expect.accept("manifests/oci-image-spec-examples/config-example-0.json", Kind.CONFIG, ""),
          Expect.accept(
              "manifests/oci-image-spec-examples/image-index-example-0.json",
              Kind.MANIFEST,
              OCI_INDEX),
          Expect.accept(
              "manifests/oci-image-spec-examples/image-index-example-1.json",
              Kind.MANIFEST,
              OCI_INDEX),
          Expect.accept(
              "manifests/oci-image-spec-examples/image-layout-example-0.json",
              Kind.LAYOUT_HEADER,
              ""),
          Expect.accept(
              "manifests/oci-image-spec-examples/image-layout-example-1.json",
              Kind.MANIFEST,
              OCI_INDEX),
          Expect.accept(
              "manifests/oci-image-spec-examples/manifest-example-0.json",
              Kind.MANIFEST,
              OCI_MANIFEST),
          Expect.accept(
              "manifests/oci-image-spec-examples/manifest-example-1.json",
              Kind.DESCRIPTOR,
              MediaType.OCI_EMPTY_JSON.value()),
          // image-spec JSON schemas: not content
          Expect.refuse(
              "manifests/oci-image-spec-jsonschema/config-schema.json", Kind.SCHEMA, INVALID, ""),
          Expect.refuse(
              "manifests/oci-image-spec-jsonschema/content-descriptor.json",
              Kind.SCHEMA,
              INVALID,
              ""),
          Expect.refuse(
              "manifests/oci-image-spec-jsonschema/defs-descriptor.json", Kind.SCHEMA, INVALID, ""),
          Expect.refuse("manifests/oci-image-spec-jsonschema/defs.json", Kind.SCHEMA, INVALID, ""),
          Expect.refuse(
              "manifests/oci-image-spec-jsonschema/image-index-schema.json",
              Kind.SCHEMA,
              INVALID,
              ""),
          Expect.refuse(
              "manifests/oci-image-spec-jsonschema/image-layout-schema.json",
              Kind.SCHEMA,
              INVALID,
              ""),
          Expect.refuse(
              "manifests/oci-image-spec-jsonschema/image-manifest-schema.json",
              Kind.SCHEMA,
              INVALID,
              ""),
          // image-spec schema tests
          Expect.refuse(
              "manifests/oci-image-spec-schema-tests/config-00-invalid-field-os-has-numeric-value-must-be-string.json",
              Kind.CONFIG,
              INVALID,
              "os: must be a string"),
          Expect.refuse(
              "manifests/oci-image-spec-schema-tests/config-04-invalid-env-has-numeric-value-must-be-a-string.json",
              Kind.CONFIG,
              INVALID,
              "must be a string"),
          Expect.refuse(
              "manifests/oci-image-spec-schema-tests/config-06-invalid-invalid-json.json",
              Kind.CONFIG,
              INVALID,
              "not valid JSON"),
          Expect.accept(
              "manifests/oci-image-spec-schema-tests/config-07-valid-config-with-optional-fields.json",
              Kind.CONFIG,
              ""),
          Expect.accept(
              "manifests/oci-image-spec-schema-tests/config-08-valid-config-with-only-required-fields.json",
              Kind.CONFIG,
              ""),
          Expect.accept(
              "manifests/oci-image-spec-schema-tests/descriptor-00-valid-descriptor.json",
              Kind.DESCRIPTOR,
              OCI_MANIFEST),
          Expect.refuse(
              "manifests/oci-image-spec-schema-tests/descriptor-01-invalid-mediatype-missing.json",
              Kind.DESCRIPTOR,
              INVALID,
              "mediaType: is required"),
          Expect.refuse(
              "manifests/oci-image-spec-schema-tests/descriptor-11-invalid-digest-does-not-match-pattern-no-algorithm.json",
              Kind.DESCRIPTOR,
              INVALID,
              "digest"),
          Expect.refuse(
              "manifests/oci-image-spec-schema-tests/descriptor-14-invalid-digest-does-not-match-pattern-characters-needs-to-be-lower-f.json",
              Kind.DESCRIPTOR,
              INVALID,
              "lower-case hex"),
          Expect.refuse(
              "manifests/oci-image-spec-schema-tests/index-01-invalid-manifest-size-is-string-expected-integer.json",
              Kind.MANIFEST,
              INVALID,
              "manifests[0].size"),
          Expect.refuse(
              "manifests/oci-image-spec-schema-tests/index-02-invalid-manifest-digest-is-missing-expected-required.json",
              Kind.MANIFEST,
              INVALID,
              "manifests[0].digest: is required"),
          Expect.refuse(
              "manifests/oci-image-spec-schema-tests/index-03-invalid-in-the-optional-field-platform-platform-architecture-is-miss.json",
              Kind.MANIFEST,
              INVALID,
              "platform.architecture: is required"),
          Expect.accept(
              "manifests/oci-image-spec-schema-tests/index-06-valid-image-index-with-optional-fields.json",
              Kind.MANIFEST,
              OCI_INDEX),
          Expect.accept(
              "manifests/oci-image-spec-schema-tests/index-09-valid-image-index-with-artifacttype-and-manifests.json",
              Kind.MANIFEST,
              OCI_INDEX),
          Expect.accept(
              "manifests/oci-image-spec-schema-tests/index-10-valid-image-index-with-a-subject-field.json",
              Kind.MANIFEST,
              OCI_INDEX),
          Expect.refuse(
              "manifests/oci-image-spec-schema-tests/index-11-invalid-expected-failure-invalid-subject-field.json",
              Kind.MANIFEST,
              INVALID,
              "subject: must be a JSON object"),
          Expect.refuse(
              "manifests/oci-image-spec-schema-tests/manifest-00-invalid-mediatype-does-not-match-pattern.json",
              Kind.MANIFEST,
              INVALID,
              "config.mediaType"),
          Expect.refuse(
              "manifests/oci-image-spec-schema-tests/manifest-01-invalid-config-size-is-a-string-expected-integer.json",
              Kind.MANIFEST,
              INVALID,
              "not valid JSON"),
          Expect.refuse(
              "manifests/oci-image-spec-schema-tests/manifest-02-invalid-layers-size-is-string-expected-integer.json",
              Kind.MANIFEST,
              INVALID,
              "layers[0].size: must be a non-negative integer"),
          Expect.accept(
              "manifests/oci-image-spec-schema-tests/manifest-03-valid-manifest-with-optional-fields.json",
              Kind.MANIFEST,
              OCI_MANIFEST),
          // The v1.1.1 schema test refuses an empty layers array (minItems: 1), but the spec's
          // prose says only SHOULD, and the distribution-spec conformance suite pushes such a
          // manifest and expects 201: Wharf follows the prose (see ImageManifest).
          Expect.accept(
              "manifests/oci-image-spec-schema-tests/manifest-05-invalid-empty-layer-expected-at-least-one.json",
              Kind.MANIFEST,
              OCI_MANIFEST),
          Expect.refuse(
              "manifests/oci-image-spec-schema-tests/manifest-07-invalid-subject-field-with-invalid-value-something-that-is-not-a-des.json",
              Kind.MANIFEST,
              INVALID,
              "subject: must be a JSON object"),
          Expect.refuse(
              "manifests/oci-image-spec-schema-tests/manifest-08-invalid-push-bounds-of-algorithm-field-in-digest-too-far.json",
              Kind.MANIFEST,
              INVALID,
              "layers[0].digest"),
          Expect.accept(
              "manifests/oci-image-spec-schema-tests/manifest-09-valid-manifest-for-an-artifact-with-a-dedicated-config.json",
              Kind.MANIFEST,
              OCI_MANIFEST),
          Expect.accept(
              "manifests/oci-image-spec-schema-tests/manifest-10-valid-manifest-for-an-artifact-using-the-empty-config-and-ar.json",
              Kind.MANIFEST,
              OCI_MANIFEST),
          // the two image layouts' own files (their blobs are read by OciLayoutTest)
          Expect.accept(
              "manifests/oci-layout/ggcr-test_index/index.json", Kind.MANIFEST, OCI_INDEX),
          Expect.accept("manifests/oci-layout/ggcr-test_index/oci-layout", Kind.LAYOUT_HEADER, ""),
          Expect.accept(
              "manifests/oci-layout/regclient-testrepo/index.json", Kind.MANIFEST, OCI_INDEX),
          Expect.accept(
              "manifests/oci-layout/regclient-testrepo/oci-layout", Kind.LAYOUT_HEADER, ""));

  static Stream<Arguments> fixtures() {
    return EXPECTED.stream().map(Arguments::of);
  }

  @Test
  void everyFixtureHasAnExpectedOutcome() throws IOException {
    Set<String> files = new HashSet<>();
    Path manifests = Fixtures.path("manifests");
    try (Stream<Path> walk = Files.walk(manifests)) {
      walk.filter(Files::isRegularFile)
          .map(p -> Fixtures.root().relativize(p).toString().replace('\\', '/'))
          .filter(p -> !p.matches("manifests/oci-layout/[^/]+/blobs/.*"))
          .filter(p -> !p.endsWith(".gitattributes"))
          .forEach(files::add);
    }
    Set<String> expected = new HashSet<>();
    EXPECTED.forEach(e -> expected.add(e.file()));
    assertThat(expected).isEqualTo(files);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void fixtureHasItsExpectedOutcome(Expect expect) throws IOException {
    Bytes bytes = Fixtures.bytes(expect.file());
    Map<String, String> listed = Fixtures.listedSha256();
    String sha256 = listed.get(expect.file());
    assertThat(sha256).as("SOURCES.md lists the sha256 of " + expect.file()).isNotNull();
    assertThat(Digest.sha256(bytes)).hasToString("sha256:" + sha256);

    if (!expect.accepted()) {
      assertThatThrownBy(() -> read(expect.kind(), bytes))
          .isInstanceOf(InvalidContentException.class)
          .hasMessageContaining(expect.messagePart())
          .extracting(e -> ((OciException) e).code().name())
          .isEqualTo(expect.mediaTypeOrCode());
      return;
    }
    Object parsed = read(expect.kind(), bytes);
    switch (expect.kind()) {
      case MANIFEST -> {
        RawManifest raw = (RawManifest) parsed;
        assertThat(raw.mediaType()).hasToString(expect.mediaTypeOrCode());
        assertThat(raw.bytes()).isEqualTo(bytes);
        assertThat(raw.digest()).hasToString("sha256:" + sha256);
        assertThat(raw.parse().mediaType()).isEqualTo(raw.mediaType());
      }
      case DESCRIPTOR ->
          assertThat(((Descriptor) parsed).mediaType()).hasToString(expect.mediaTypeOrCode());
      case CONFIG -> assertThat(((ImageConfig) parsed).rootfs().type()).isEqualTo("layers");
      default -> {}
    }
  }

  private static Object read(Kind kind, Bytes bytes) throws IOException {
    return switch (kind) {
      case MANIFEST, SCHEMA -> ManifestCodec.defaults().read(bytes);
      case CONFIG -> ImageConfig.parse(bytes);
      case DESCRIPTOR -> Descriptor.parse(bytes);
      case LAYOUT_HEADER -> {
        try (OciLayoutWriter writer = OciLayoutWriter.toArchive(new ByteArrayOutputStream())) {
          writer.layoutHeader(bytes);
        }
        yield bytes;
      }
    };
  }

  @Test
  void configOfOci1IsTheListedSchema2Config() {
    RawManifest manifest =
        ManifestCodec.defaults().read(Fixtures.bytes("manifests/containers-image/image/oci1.json"));
    ImageManifest parsed = (ImageManifest) manifest.parse();
    Bytes config = Fixtures.bytes("manifests/containers-image/image/schema2-config.json");
    assertThat(parsed.config().digest()).isEqualTo(Digest.sha256(config));
    assertThat(parsed.config().size()).isEqualTo(config.size());
    ImageConfig image = ImageConfig.parse(config);
    assertThat(image.rootfs().diffIds()).hasSize(parsed.layers().size());
  }
}
