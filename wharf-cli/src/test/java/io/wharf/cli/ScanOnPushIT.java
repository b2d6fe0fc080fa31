package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.Repository;
import io.wharf.oci.client.auth.Credential;
import io.wharf.oci.client.auth.CredentialProvider;
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
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scan on push on {@code wharf serve}, end to end: a scanner adapter that follows Harbor's
 * Pluggable Scanner API (the test adapter, which checks every exchange against the OpenAPI file and
 * pulls what it scans with the authorization the registry gives it) and a vulnerability rule that
 * denies pulls of images without a report. skopeo pushes an image; the adapter scans it (its own
 * pull passes the rule); its report is stored as a referrer of the image; the pull is then denied
 * with the report's CRITICAL finding. Once behind the token service with a private project (the
 * adapter pulls with a token for that one repository), once without access control (with a secret
 * of the process).
 */
class ScanOnPushIT {

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

  @TempDir Path temp;

  private TestScannerAdapter adapter;
  private WharfServer wharf;

  @AfterEach
  void stop() {
    if (wharf != null) {
      wharf.close();
    }
    if (adapter != null) {
      adapter.close();
    }
  }

  @Test
  void behindTheTokenServiceTheAdapterPullsAPrivateImageWithATokenOfItsOwn() throws Exception {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    Files.writeString(
        temp.resolve("users.htpasswd"),
        "admin:" + OpenBSDBCrypt.generate("2y", "admin-pw".toCharArray(), salt, 4) + "\n");
    scanThenPull(
        String.join(
            "\n",
            "auth:",
            "  htpasswd: users.htpasswd",
            "  admins: {users: [admin]}",
            "projects:",
            "  - name: team",
            ""),
        Optional.of("admin:admin-pw"));
    assertThat(Files.readString(temp.resolve("data").resolve("audit.log")))
        .doesNotContain("adapter-secret");
  }

  @Test
  void withoutAccessControlTheAdaptersOwnPullPassesTheRule() throws Exception {
    scanThenPull("", Optional.empty());
  }

  /**
   * Starts the adapter and {@code wharf serve} with {@code access} (wharf.yaml lines) and the rule,
   * pushes an image as {@code creds}, waits for its report among its referrers, and pulls it.
   */
  private void scanThenPull(String access, Optional<String> creds) throws Exception {
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
        access
            + String.join(
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
    String host = "127.0.0.1:" + wharf.port();
    Path image = temp.resolve("image");
    TestImages.multiLayerLayout(image, "v1", 5);
    List<String> push = new ArrayList<>(List.of("copy", "--dest-tls-verify=false"));
    creds.ifPresent(c -> push.addAll(List.of("--dest-creds", c)));
    push.addAll(List.of("oci:" + image + ":v1", "docker://" + host + "/team/app:v1"));
    Skopeo.fresh(temp).run(push.toArray(String[]::new));

    RegistryHost registry = new RegistryHost(host);
    Repository repo = new Repository(registry, RepositoryName.of("team/app"));
    RegistryClient.Builder client = RegistryClient.builder();
    creds.ifPresent(
        c -> {
          String[] userPassword = c.split(":", 2);
          client.credentials(
              CredentialProvider.of(Credential.basic(userPassword[0], userPassword[1])));
        });
    try (RegistryClient reader = client.build()) {
      Descriptor subject =
          reader.headManifest(Reference.of(registry, repo.name(), Tag.of("v1"))).orElseThrow();
      Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
      List<Descriptor> reports = List.of();
      while (reports.isEmpty() && Instant.now().isBefore(deadline)) {
        reports = reader.referrers(repo, subject.digest(), ReportFormat.HARBOR.mediaType());
        if (reports.isEmpty()) {
          Thread.sleep(200); // the scan runs on its own threads, polled by the adapter's client
        }
      }
      assertThat(reports).as("the scan's report, stored as a referrer").hasSize(1);
    }
    assertThat(adapter.pulls()).as("the adapter pulled the image").contains(200);
    assertThat(adapter.violations()).isEmpty();

    List<String> pull = new ArrayList<>(List.of("copy", "--src-tls-verify=false"));
    creds.ifPresent(c -> pull.addAll(List.of("--src-creds", c)));
    pull.addAll(
        List.of("docker://" + host + "/team/app:v1", "oci:" + temp.resolve("pulled") + ":v1"));
    Skopeo.Result pulled = Skopeo.fresh(temp).tryRun(pull.toArray(String[]::new));
    assertThat(pulled.exitCode()).isNotZero();
    assertThat(pulled.stderr())
        .contains("CVE-2024-3094 (CRITICAL) in xz-utils 5.6.0, fixed in 5.6.1");
  }
}
