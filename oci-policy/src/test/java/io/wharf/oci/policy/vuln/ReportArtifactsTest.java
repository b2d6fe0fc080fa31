package io.wharf.oci.policy.vuln;

import static io.wharf.oci.model.testing.OciGenerators.byteArrays;
import static io.wharf.oci.model.testing.OciGenerators.longs;
import static io.wharf.oci.model.testing.OciGenerators.pick;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.Annotations;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.testing.OciGenerators;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** The referrer manifest that attaches a report to an image (image-spec 1.1 artifact guidance). */
class ReportArtifactsTest {

  private static final Descriptor IMAGE =
      Descriptor.of(
          MediaType.OCI_IMAGE_MANIFEST,
          Digest.parse("sha256:bb76e395cb9021fd062b352172ac87ca159b3e84f5a5758a69db824da876cd4f"),
          951);
  private static final Instant CREATED = Instant.parse("2026-03-01T10:15:30Z");

  @Test
  void aHarborReportIsAttachedAsAnArtifactWithTheEmptyConfigAndTheImageAsSubject() {
    Bytes report = Bytes.utf8("{\"vulnerabilities\":[]}");
    ReportArtifacts a =
        ReportArtifacts.of(
            ReportFormat.HARBOR, report, IMAGE.withAnnotations(Map.of("a", "b")), CREATED);

    RawManifest raw = a.manifest();
    assertThat(raw.mediaType()).isEqualTo(MediaType.OCI_IMAGE_MANIFEST);
    ImageManifest m = (ImageManifest) raw.parse();
    assertThat(m.artifactType()).contains(ReportFormat.HARBOR.mediaType());
    assertThat(m.config()).isEqualTo(Descriptor.EMPTY_JSON.withoutData());
    assertThat(m.layers()).containsExactly(Descriptor.of(ReportFormat.HARBOR.mediaType(), report));
    assertThat(m.subject()).contains(IMAGE); // media type, digest and size only
    assertThat(m.annotations())
        .containsExactly(Map.entry(Annotations.CREATED, "2026-03-01T10:15:30Z"));
    assertThat(a.blobs())
        .extracting(ReportArtifacts.Blob::content)
        .containsExactly(Bytes.utf8("{}"), report);
    assertThat(a.report()).isEqualTo(m.layers().get(0));
    assertThat(raw.bytes().utf8())
        .isEqualTo(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"artifactType\":\"application/vnd.security.vulnerability.report.v1.1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\","
                + "\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\","
                + "\"size\":2},"
                + "\"layers\":[{\"mediaType\":"
                + "\"application/vnd.security.vulnerability.report.v1.1+json\",\"digest\":\""
                + Digest.sha256(report)
                + "\",\"size\":"
                + report.size()
                + "}],\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"digest\":\""
                + IMAGE.digest()
                + "\",\"size\":951},\"annotations\":{\"org.opencontainers.image.created\":"
                + "\"2026-03-01T10:15:30Z\"}}");
  }

  @Test
  void everyFormatSubjectAndReport_giveAManifestThatReadsBackByteForByte() {
    Gen<Descriptor> subjects =
        OciGenerators.sha256Digests()
            .zip(
                pick(
                    MediaType.OCI_IMAGE_MANIFEST,
                    MediaType.OCI_IMAGE_INDEX,
                    MediaType.DOCKER_MANIFEST_V2,
                    MediaType.DOCKER_MANIFEST_LIST),
                longs(0, 4 << 20),
                (d, t, size) -> Descriptor.of(t, d, size));
    qt().forAll(
            pick(ReportFormat.values()),
            byteArrays(1, 2048),
            subjects,
            longs(0, 4_000_000_000L).map(s -> Instant.ofEpochSecond(s)))
        .checkAssert(
            (format, report, subject, created) -> {
              ReportArtifacts a = ReportArtifacts.of(format, Bytes.of(report), subject, created);
              RawManifest reread = ManifestCodec.defaults().read(a.manifest().bytes());
              assertThat(reread).isEqualTo(a.manifest());
              ImageManifest m = (ImageManifest) reread.parse();
              assertThat(m.artifactType()).contains(format.mediaType());
              assertThat(m.subject()).contains(subject);
              assertThat(m.references())
                  .extracting(Descriptor::digest)
                  .containsExactlyElementsOf(
                      a.blobs().stream().map(b -> b.descriptor().digest()).toList());
              for (ReportArtifacts.Blob b : a.blobs()) {
                assertThat(Digest.sha256(b.content())).isEqualTo(b.descriptor().digest());
                assertThat((long) b.content().size()).isEqualTo(b.descriptor().size());
              }
              assertThat(m.annotations().get(Annotations.CREATED)).isEqualTo(created.toString());
            });
  }

  @Test
  void anEmptyReportOrASubjectThatIsNoManifestIsRefused() {
    assertThatThrownBy(() -> ReportArtifacts.of(ReportFormat.TRIVY, Bytes.empty(), IMAGE, CREATED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to");
    Descriptor layer = Descriptor.of(MediaType.OCI_LAYER_TAR_GZIP, Bytes.utf8("x"));
    assertThatThrownBy(
            () -> ReportArtifacts.of(ReportFormat.TRIVY, Bytes.utf8("{}"), layer, CREATED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("manifest or an index");
    assertThatThrownBy(
            () ->
                new ReportArtifacts.Blob(
                    Descriptor.of(MediaType.JSON, Bytes.utf8("a")), Bytes.utf8("b")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
