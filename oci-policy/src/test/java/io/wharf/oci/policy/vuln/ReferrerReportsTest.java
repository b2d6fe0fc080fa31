package io.wharf.oci.policy.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.policy.InMemoryPolicyContext;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Finding the newest readable report among an image's referrers. */
class ReferrerReportsTest {

  private static final MediaType SARIF = ReportFormat.SARIF.mediaType();
  private static final MediaType TRIVY = ReportFormat.TRIVY.mediaType();

  private final ReferrerReports reports = ReferrerReports.create();
  private InMemoryPolicyContext repo;
  private Descriptor image;

  @BeforeEach
  void anImage() {
    repo = new InMemoryPolicyContext("library/alpine");
    Descriptor layer =
        Descriptor.of(MediaType.OCI_LAYER_TAR_GZIP, repo.putBlob(Bytes.utf8("layer")), 5);
    Descriptor config =
        Descriptor.of(MediaType.OCI_IMAGE_CONFIG, repo.putBlob(Bytes.utf8("{}")), 2);
    image = repo.putManifest(ImageManifest.of(config, List.of(layer))).descriptor();
  }

  @Test
  void anImageWithoutReferrersHasNoReport() throws IOException {
    assertThat(reports.lookup(repo, image.digest()))
        .isEqualTo(new ReferrerReports.Lookup(Optional.empty(), Optional.empty(), List.of()));
    assertThat(reports.report(repo, image.digest())).isEmpty();
  }

  @Test
  void aTrivyReportInAnApplicationJsonLayerIsFoundAndOtherReferrersAreIgnored() throws IOException {
    attach(
        MediaType.COSIGN_ARTIFACT_SIGNATURE,
        MediaType.COSIGN_SIMPLE_SIGNING,
        Bytes.utf8("{}"),
        Optional.of("2030-01-01T00:00:00Z"));
    RawManifest referrer =
        attach(TRIVY, MediaType.JSON, fixture("trivy/debian-buster.json.golden"), Optional.empty());
    ReferrerReports.Lookup lookup = reports.lookup(repo, image.digest());
    assertThat(lookup.skipped()).isEmpty();
    assertThat(lookup.referrer().map(Descriptor::digest)).contains(referrer.digest());
    assertThat(lookup.report().orElseThrow().format()).isEqualTo(ReportFormat.TRIVY);
    assertThat(lookup.report().orElseThrow().findings()).hasSize(2);
    assertThat(reports.report(repo, image.digest())).isEqualTo(lookup.report());
  }

  @Test
  void theNewestByItsCreatedAnnotationWinsWhateverTheListingOrder() throws IOException {
    attach(SARIF, "grype/TestSarifPresenter_image.golden", "2024-05-02T10:00:00Z");
    attach(TRIVY, "trivy/alpine-310.json.golden", "2024-05-03T10:00:00+02:00");
    attach(TRIVY, "trivy/debian-buster.json.golden", "2024-05-01T10:00:00Z");
    // 2024-05-03T10:00+02:00 is 08:00Z, still the newest
    VulnerabilityReport report = reports.report(repo, image.digest()).orElseThrow();
    assertThat(report.findings()).extracting(Vulnerability::packageName).contains("libssl1.1");
  }

  @Test
  void aTrivyPluginReferrerIsTypedByItsConfigAndDatedByArtifactCreated() throws IOException {
    attach(TRIVY, "trivy/debian-buster.json.golden", "2023-04-11T09:00:00Z");
    // trivy referrer put: no artifactType, config and layer of the report's type,
    // org.opencontainers.artifact.created with an offset
    MediaType cyclonedx = ReportFormat.CYCLONEDX.mediaType();
    Bytes sbom = fixture("trivy/pom-cyclonedx.json.golden");
    Bytes config = Bytes.utf8("{\"architecture\":\"\",\"os\":\"\"}");
    ImageManifest plugin =
        new ImageManifest(
            2,
            MediaType.OCI_IMAGE_MANIFEST,
            Optional.empty(),
            Descriptor.of(cyclonedx, repo.putBlob(config), config.size()),
            List.of(Descriptor.of(cyclonedx, repo.putBlob(sbom), sbom.size())),
            Optional.of(image),
            Map.of(
                ReferrerReports.ARTIFACT_CREATED,
                "2023-04-11T19:21:29+09:00",
                "created-by",
                "trivy"));
    RawManifest pushed = repo.putManifest(plugin);
    ReferrerReports.Lookup lookup = reports.lookup(repo, image.digest());
    // 19:21:29+09:00 is 10:21:29Z, newer than 09:00Z
    assertThat(lookup.referrer().map(Descriptor::digest)).contains(pushed.digest());
    assertThat(lookup.report().orElseThrow().format()).isEqualTo(ReportFormat.CYCLONEDX);
    assertThat(lookup.report().orElseThrow().findings()).hasSize(2);
  }

  @Test
  void equalDatesGoToTheLargerDigestText() throws IOException {
    Optional<String> when = Optional.of("2024-01-01T00:00:00Z");
    RawManifest a = attach(TRIVY, TRIVY, fixture("trivy/alpine-310.json.golden"), when);
    RawManifest b = attach(TRIVY, TRIVY, fixture("trivy/debian-buster.json.golden"), when);
    Digest larger =
        a.digest().toString().compareTo(b.digest().toString()) > 0 ? a.digest() : b.digest();
    assertThat(reports.lookup(repo, image.digest()).referrer().map(Descriptor::digest))
        .contains(larger);
  }

  @Test
  void undatedReferrersAreDatedByTheirReportsTime() throws IOException {
    attach(TRIVY, "trivy/debian-buster.json.golden", "2021-08-25T12:20:29Z");
    // the VEX document says 2022-01-13; the Grype SARIF says nothing and ranks last
    RawManifest vex =
        attach(
            ReportFormat.CYCLONEDX.mediaType(),
            MediaType.JSON,
            fixture("cyclonedx/vex-use-case-1.json"),
            Optional.empty());
    attach(SARIF, SARIF, fixture("grype/TestSarifPresenter_image.golden"), Optional.empty());
    ReferrerReports.Lookup lookup = reports.lookup(repo, image.digest());
    assertThat(lookup.referrer().map(Descriptor::digest)).contains(vex.digest());
    assertThat(lookup.report().orElseThrow().generatedAt())
        .contains(Instant.parse("2022-01-13T00:00:00Z"));
  }

  @Test
  void anUnreadableNewestReportFallsBackToTheNextAndSaysWhy() throws IOException {
    RawManifest good =
        attach(TRIVY, "trivy/alpine-39-high-critical.json.golden", "2024-01-01T00:00:00Z");
    RawManifest broken =
        attach(
            TRIVY,
            TRIVY,
            Bytes.utf8("{\"SchemaVersion\":2,\"Results\":[{\"Vulnerabilities\":[{}]}]}"),
            Optional.of("2024-01-03T00:00:00Z"));
    RawManifest noBlob =
        attach(TRIVY, TRIVY, Bytes.utf8("gone"), Optional.of("2024-01-04T00:00:00Z"));
    repo.deleteBlob(layerOf(noBlob).digest());
    RawManifest notJson =
        attach(SARIF, SARIF, Bytes.utf8("<html>"), Optional.of("2024-01-02T00:00:00Z"));
    ReferrerReports.Lookup lookup = reports.lookup(repo, image.digest());
    assertThat(lookup.referrer().map(Descriptor::digest)).contains(good.digest());
    assertThat(lookup.report().orElseThrow().findings()).hasSize(2);
    assertThat(lookup.skipped()).hasSize(3);
    assertThat(lookup.skipped().subList(0, 2))
        .containsExactly(
            noBlob.digest()
                + " ("
                + TRIVY
                + "): its report layer "
                + layerOf(noBlob).digest()
                + " is not in the repository",
            broken.digest()
                + " ("
                + TRIVY
                + "): its TRIVY report cannot be read:"
                + " $.Results[0].Vulnerabilities[0]: 'VulnerabilityID' is missing or empty");
    assertThat(lookup.skipped().get(2))
        .startsWith(
            notJson.digest()
                + " ("
                + SARIF
                + "): its SARIF report cannot be read: not valid JSON,"
                + " or beyond Wharf's bounds: line 1, column 1: Unexpected character ('<'");
  }

  @Test
  void aReportOfTheWrongFormatForItsTypeIsSkipped() throws IOException {
    RawManifest wrong =
        attach(
            TRIVY, MediaType.JSON, fixture("grype/TestJsonImgsPresenter.golden"), Optional.empty());
    ReferrerReports.Lookup lookup = reports.lookup(repo, image.digest());
    assertThat(lookup.report()).isEmpty();
    assertThat(lookup.skipped())
        .containsExactly(
            wrong.digest()
                + " ("
                + TRIVY
                + "): its TRIVY report cannot be read:"
                + " $: the report was declared TRIVY but is GRYPE");
  }

  @Test
  void theReportLayerIsTheFirstOfAReportTypeElseTheOnlyOne() throws IOException {
    Bytes summary = Bytes.utf8("{\"critical\":0}");
    Bytes sarif = fixture("trivy/alpine-310.sarif.golden");
    ImageManifest twoLayers =
        ImageManifest.artifact(
                SARIF,
                List.of(
                    Descriptor.of(MediaType.JSON, repo.putBlob(summary), summary.size()),
                    Descriptor.of(SARIF, repo.putBlob(sarif), sarif.size())))
            .withSubject(image);
    repo.putManifest(twoLayers);
    assertThat(reports.report(repo, image.digest()).orElseThrow().findings()).hasSize(4);

    InMemoryPolicyContext other = new InMemoryPolicyContext("library/other");
    Bytes a = Bytes.utf8("{}");
    Bytes b = Bytes.utf8("[]");
    RawManifest noReportLayer =
        other.putManifest(
            ImageManifest.artifact(
                    SARIF,
                    List.of(
                        Descriptor.of(MediaType.JSON, other.putBlob(a), a.size()),
                        Descriptor.of(MediaType.OCTET_STREAM, other.putBlob(b), b.size())))
                .withSubject(image));
    assertThat(reports.lookup(other, image.digest()).skipped())
        .containsExactly(
            noReportLayer.digest() + " (" + SARIF + "): none of its 2 layers is a report");
  }

  @Test
  void aLayerLargerThanTheBoundIsNotOpened() throws IOException {
    Bytes report = fixture("trivy/alpine-310.json.golden");
    RawManifest big = attach(TRIVY, TRIVY, report, Optional.empty());
    ReferrerReports small = ReferrerReports.withMaxBytes(report.size() - 1);
    assertThat(small.lookup(repo, image.digest()).skipped())
        .containsExactly(
            big.digest()
                + " ("
                + TRIVY
                + "): its report layer has "
                + report.size()
                + " bytes, more than "
                + (report.size() - 1));
    assertThat(repo.readsOf(layerOf(big).digest())).isZero();
    assertThat(ReferrerReports.withMaxBytes(report.size()).report(repo, image.digest()))
        .isPresent();
    assertThatThrownBy(() -> ReferrerReports.withMaxBytes(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMissingManifestAndAnIndexAreSkipped() throws IOException {
    RawManifest gone = attach(TRIVY, "trivy/alpine-310.json.golden", "2024-02-01T00:00:00Z");
    repo.forgetManifestKeepingReferrer(gone.digest(), image);
    RawManifest index =
        repo.putManifest(
            new ImageIndex(
                2,
                MediaType.OCI_IMAGE_INDEX,
                Optional.of(TRIVY),
                List.of(),
                Optional.of(image),
                Map.of(ReferrerReports.CREATED, "2024-03-01T00:00:00Z")));
    ReferrerReports.Lookup lookup = reports.lookup(repo, image.digest());
    assertThat(lookup.report()).isEmpty();
    assertThat(lookup.skipped())
        .containsExactly(
            index.digest() + " (" + TRIVY + "): it is an index, not a report",
            gone.digest() + " (" + TRIVY + "): its manifest is not in the repository");
  }

  @Test
  void atMostEightReportsAreReadPerLookup() throws IOException {
    attach(TRIVY, "trivy/alpine-310.json.golden", "2020-01-01T00:00:00Z");
    for (int day = 10; day < 20; day++) {
      attach(
          TRIVY,
          TRIVY,
          Bytes.utf8("{\"n\":" + day + "}"),
          Optional.of("2024-01-" + day + "T00:00:00Z"));
    }
    ReferrerReports.Lookup lookup = reports.lookup(repo, image.digest());
    assertThat(lookup.report()).isEmpty();
    assertThat(repo.reads()).isEqualTo(ReferrerReports.MAX_READS);
    assertThat(lookup.skipped()).hasSize(11);
    assertThat(lookup.skipped().subList(8, 11))
        .allSatisfy(s -> assertThat(s).endsWith(": not read, 8 reports were read"));
  }

  @Test
  void aStorageFailureIsNotSkipped() {
    RawManifest referrer = attach(TRIVY, "trivy/alpine-310.json.golden", "2024-02-01T00:00:00Z");
    attach(TRIVY, "trivy/debian-buster.json.golden", "2024-01-01T00:00:00Z");
    repo.failReadsOf(layerOf(referrer).digest());
    assertThatThrownBy(() -> reports.lookup(repo, image.digest()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot be read");
  }

  @Test
  void aLookupWithAReportNamesItsReferrer() {
    assertThatThrownBy(
            () ->
                new ReferrerReports.Lookup(
                    Optional.of(Fixtures.parse("trivy/alpine-310.json.golden")),
                    Optional.empty(),
                    new ArrayList<>()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private RawManifest attach(
      MediaType artifactType, MediaType layerType, Bytes report, Optional<String> created) {
    Descriptor layer = Descriptor.of(layerType, repo.putBlob(report), report.size());
    ImageManifest manifest =
        ImageManifest.artifact(artifactType, List.of(layer)).withSubject(image);
    if (created.isPresent()) {
      manifest = manifest.withAnnotations(Map.of(ReferrerReports.CREATED, created.get()));
    }
    return repo.putManifest(manifest);
  }

  /** Attaches fixture {@code path} as a report of {@code type}, created at {@code created}. */
  private RawManifest attach(MediaType type, String path, String created) {
    return attach(type, type, fixture(path), Optional.of(created));
  }

  private static Descriptor layerOf(RawManifest referrer) {
    return ((ImageManifest) referrer.parse()).layers().get(0);
  }

  private static Bytes fixture(String path) {
    return Bytes.of(Fixtures.bytes(path));
  }
}
