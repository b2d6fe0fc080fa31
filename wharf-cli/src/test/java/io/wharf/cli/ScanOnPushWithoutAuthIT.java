package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.Repository;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.scanner.ScannerMediaTypes;
import io.wharf.oci.policy.testing.TestScannerAdapter;
import io.wharf.oci.policy.vuln.ReportFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scan on push on {@code wharf serve} without access control: the registry tells the adapter apart
 * by a secret of its own, so the adapter's pull of the image it scans (which has no report yet, and
 * a rule denies such pulls to everyone else) passes. Otherwise as {@link ScanOnPushIT}: a scanner
 * adapter that follows Harbor's Pluggable Scanner API (the test adapter, which checks every
 * exchange against the OpenAPI file and pulls what it scans with the token the registry gives it),
 * and a vulnerability rule. skopeo pushes an image; the adapter scans it; its report is stored as a
 * referrer of the image; the pull is then denied with the report's CRITICAL finding.
 */
class ScanOnPushWithoutAuthIT {

  /** A Harbor report (v1.1) with one CRITICAL finding, as the adapter returns it. */
  private static final String REPORT =
      """
      {"generated_at": "2026-12-01T10:00:00Z",
       "artifact": {"repository": "team/app", "digest": "sha256:%s", "mime_type":
         "application/vnd.oci.image.manifest.v1+json"},
       "scanner": {"name": "Trivy", "vendor": "Aqua Security", "version": "0.50.1"},
       "severity": "Critical",
       "vulnerabilities": [
         {"id": "CVE-2024-3094", "package": "xz-utils", "version": "5.6.0",
          "fix_version": "5.6.1", "severity": "Critical",
          "description": "malicious code in the xz upstream tarballs",
          "links": ["https://nvd.nist.gov/vuln/detail/CVE-2024-3094"]}]}
      """
          .formatted("0".repeat(64));

  @TempDir static Path temp;

  private static TestScannerAdapter adapter;
  private static WharfServer wharf;
  private static String host;

  @BeforeAll
  static void start() throws Exception {
    Tools.require("skopeo");
    adapter =
        TestScannerAdapter.builder()
            .authorization("Bearer adapter-secret")
            .report(ScannerMediaTypes.VULNERABILITY_REPORT_V1_1, Bytes.utf8(REPORT))
            .pendingPolls(1)
            .retryHeader("Refresh-After", "1")
            .pullFromRegistry()
            .start();
    Files.writeString(temp.resolve("scanner.auth"), "Bearer adapter-secret\n");
    Files.writeString(
        temp.resolve("wharf.yaml"),
        String.join(
            "\n",
            "policies:",
            "  inline:",
            "    version: 1",
            "    rules:",
            "      - name: no-critical",
            "        match: {projects: [team]}",
            "        vulnerabilities: {severity: CRITICAL, missingReport: deny}",
            "scanner:",
            "  url: " + adapter.uri(),
            "  authorizationFile: scanner.auth",
            ""));
    wharf =
        WharfServer.start(
            WharfConfig.read(temp.resolve("wharf.yaml"))
                .applyTo(ServerSettings.loopback(temp.resolve("data"))));
    host = "127.0.0.1:" + wharf.port();
  }

  @AfterAll
  static void stop() {
    if (wharf != null) {
      wharf.close();
    }
    if (adapter != null) {
      adapter.close();
    }
  }

  @Test
  void aPushedImageIsScannedAndItsCriticalFindingDeniesThePull() throws Exception {
    Path image = temp.resolve("image");
    TestImages.multiLayerLayout(image, "v1", 5);
    Skopeo.fresh(temp)
        .run(
            "copy",
            "--dest-tls-verify=false",
            "oci:" + image + ":v1",
            "docker://" + host + "/team/app:v1");

    RegistryHost registry = new RegistryHost(host);
    Repository repo = new Repository(registry, RepositoryName.of("team/app"));
    try (RegistryClient admin = RegistryClient.builder().build()) {
      Descriptor subject =
          admin.headManifest(Reference.of(registry, repo.name(), Tag.of("v1"))).orElseThrow();
      Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
      List<Descriptor> reports = List.of();
      while (reports.isEmpty() && Instant.now().isBefore(deadline)) {
        reports = admin.referrers(repo, subject.digest(), ReportFormat.HARBOR.mediaType());
        if (reports.isEmpty()) {
          Thread.sleep(200); // the scan runs on its own threads, polled by the adapter's client
        }
      }
      assertThat(reports).as("the scan's report, stored as a referrer").hasSize(1);
    }
    assertThat(adapter.pulls()).as("the adapter pulled the image").contains(200);
    assertThat(adapter.violations()).isEmpty();

    Skopeo.Result pull =
        Skopeo.fresh(temp)
            .tryRun(
                "copy",
                "--src-tls-verify=false",
                "docker://" + host + "/team/app:v1",
                "oci:" + temp.resolve("pulled") + ":v1");
    assertThat(pull.exitCode()).isNotZero();
    assertThat(pull.stderr())
        .contains("CVE-2024-3094 (CRITICAL) in xz-utils 5.6.0, fixed in 5.6.1");
  }
}
