package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.policy.Policies;
import io.wharf.oci.policy.PolicyLoader;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.policy.vuln.ReportArtifacts;
import io.wharf.oci.policy.vuln.ReportFormat;
import io.wharf.oci.policy.vuln.Reports;
import io.wharf.oci.server.RegistryConformanceContract.Reply;
import io.wharf.oci.storage.RegistryStorage;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every real scan-report fixture (oci-policy's test resources, from Trivy, Grype and CycloneDX's
 * examples) attached to an image as a referrer and judged by a vulnerability rule on pull, as its
 * README entry says: the findings it carries deny at or below their severity, VEX statements that
 * say not affected and an SBOM without vulnerabilities deny nothing.
 */
class ScanReportFixturesGateTest {

  @ParameterizedTest(name = "{0} at {1}: {2}")
  @CsvSource({
    // Trivy: 4 MEDIUM findings in alpine 3.10.
    "trivy/alpine-310.json.golden, HIGH, allowed, ",
    "trivy/alpine-310.json.golden, MEDIUM, denied, (MEDIUM)",
    "trivy/alpine-310.sarif.golden, HIGH, allowed, ",
    "trivy/alpine-310.sarif.golden, MEDIUM, denied, (MEDIUM)",
    // Trivy filtered to HIGH and CRITICAL: CVE-2019-14697 in musl and musl-utils.
    "trivy/alpine-39-high-critical.json.golden, CRITICAL, denied, CVE-2019-14697 (CRITICAL) in musl 1.1.20-r4",
    // Trivy, debian 10: one CRITICAL, one LOW.
    "trivy/debian-buster.json.golden, CRITICAL, denied, (CRITICAL)",
    // Trivy CycloneDX: one MEDIUM (jquery), and a CRITICAL plus a HIGH (jackson-databind).
    "trivy/npm-cyclonedx.json.golden, HIGH, allowed, ",
    "trivy/npm-cyclonedx.json.golden, MEDIUM, denied, CVE-2019-11358 (MEDIUM)",
    "trivy/pom-cyclonedx.json.golden, CRITICAL, denied, CVE-2020-9548 (CRITICAL)",
    // Grype's presenters over the synthetic CVE-1999-0001 (Low) and CVE-1999-0002 (Critical).
    "grype/TestJsonImgsPresenter.golden, HIGH, denied, CVE-1999-0002 (CRITICAL)",
    "grype/TestCycloneDxPresenterImage.golden, HIGH, denied, CVE-1999-0002 (CRITICAL)",
    "grype/TestSarifPresenter_image.golden, HIGH, denied, CVE-1999-0002 (CRITICAL)",
    // CycloneDX: an SBOM without vulnerabilities; VEX documents whose findings are not affected.
    "cyclonedx/sbom-cern-lhc-vdm-editor.json, NONE, allowed, ",
    "cyclonedx/vex-use-case-1.json, NONE, allowed, ",
    "cyclonedx/vex-cisa-case-2.json, NONE, allowed, ",
  })
  void eachFixtureIsJudgedAsItsContentSays(
      String fixture, String severity, String outcome, String reason) throws Exception {
    byte[] report;
    try (InputStream in = getClass().getResourceAsStream("/scan-reports/" + fixture)) {
      assertThat(in).as(fixture).isNotNull();
      report = in.readAllBytes();
    }
    ReportFormat format = Reports.parse(new java.io.ByteArrayInputStream(report)).format();
    PolicySet set =
        PolicySet.of(
            List.of(
                new PolicyLoader()
                    .load(
                        "gate.yaml",
                        "version: 1\nrules:\n  - name: gate\n    vulnerabilities: {severity: "
                            + severity
                            + ", missingReport: deny}\n")));
    Registry.Builder builder = Registry.builder(RegistryStorage.inMemory());
    PolicyGate.builder(Policies.of(set)).build().applyTo(builder);
    Calls calls = new Calls(builder.build());
    RawManifest image = calls.image("app", "1", Map.of());
    calls.putManifest("app", "v1", image);
    ReportArtifacts artifacts =
        ReportArtifacts.of(format, Bytes.of(report), image.descriptor(), Instant.now());
    for (ReportArtifacts.Blob blob : artifacts.blobs()) {
      calls.pushBlob("app", blob.descriptor().mediaType(), blob.content());
    }
    Reply put =
        calls.putManifest("app", artifacts.manifest().digest().toString(), artifacts.manifest());
    assertThat(put.status()).as(put.body().utf8()).isEqualTo(201);

    Reply pull = calls.call(HttpMethod.GET, "/v2/app/manifests/v1");
    if (outcome.equals("allowed")) {
      assertThat(pull.status()).as(pull.body().utf8()).isEqualTo(200);
    } else {
      assertThat(pull.status()).isEqualTo(403);
      assertThat(pull.body().utf8()).contains(reason);
    }
  }
}
