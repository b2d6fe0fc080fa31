package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.client.BlobSource;
import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.Repository;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.vuln.ReportArtifacts;
import io.wharf.oci.policy.vuln.ReportFormat;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy engine on {@code wharf serve}, end to end with skopeo: an image whose attached Trivy
 * report (a real one: Trivy's alpine 3.9 golden file, CVE-2019-14697 CRITICAL in musl) is denied on
 * pull with the reason; an allowlist entry lets it through and an expired one no longer does;
 * images without a report follow their rule; immutable tags cannot be moved or deleted. Policies
 * are changed in their file and reloaded as SIGHUP reloads them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyEnforcementIT {

  private static final String TRIVY = "/scan-reports/trivy/alpine-39-high-critical.json.golden";

  private static final String POLICY =
      """
      version: 1
      rules:
        - name: no-critical
          match: {projects: [secure]}
          vulnerabilities:
            severity: CRITICAL
            missingReport: deny
        - name: scanned-later
          match: {projects: [open]}
          vulnerabilities: {severity: HIGH, missingReport: allow}
        - name: releases
          match: {tags: ["v*"]}
          immutable: true
      projects:
        small:
          quota: {artifacts: 1}
        tiny:
          quota: {bytes: 1KiB}
      %s
      """;

  @TempDir static Path temp;

  private static WharfServer wharf;
  private static String host;
  private static Path policy;
  private static Path image;
  private static Path other;

  @BeforeAll
  static void start() throws Exception {
    Tools.require("skopeo");
    policy = temp.resolve("policy.yaml");
    Files.writeString(policy, POLICY.formatted(""));
    Path config = temp.resolve("wharf.yaml");
    Files.writeString(config, "policies:\n  files: [policy.yaml]\n  watch: false\n");
    wharf =
        WharfServer.start(
            WharfConfig.read(config).applyTo(ServerSettings.loopback(temp.resolve("data"))));
    host = "127.0.0.1:" + wharf.port();
    image = temp.resolve("image");
    TestImages.multiLayerLayout(image, "v1", 3);
    other = temp.resolve("other");
    TestImages.multiLayerLayout(other, "v1", 4);
  }

  @AfterAll
  static void stop() {
    if (wharf != null) {
      wharf.close();
    }
  }

  private static void push(Path layout, String target) throws Exception {
    Skopeo.fresh(temp)
        .run(
            "copy",
            "--dest-tls-verify=false",
            "oci:" + layout + ":v1",
            "docker://" + host + "/" + target);
  }

  private static Skopeo.Result tryPush(Path layout, String target) throws Exception {
    return Skopeo.fresh(temp)
        .tryRun(
            "copy",
            "--dest-tls-verify=false",
            "oci:" + layout + ":v1",
            "docker://" + host + "/" + target);
  }

  private static Skopeo.Result pull(String source) throws Exception {
    return Skopeo.pull(temp, host + "/" + source);
  }

  private static void reload(String allowlist) throws Exception {
    Files.writeString(policy, POLICY.formatted(allowlist));
    assertThat(wharf.reloadPolicies()).isTrue();
  }

  /** Attaches Trivy's report to {@code repository:tag} as a referrer, as a scanner would. */
  private static void attachTrivyReport(String repository, String tag) throws Exception {
    byte[] report;
    try (InputStream in = PolicyEnforcementIT.class.getResourceAsStream(TRIVY)) {
      assertThat(in).as(TRIVY).isNotNull();
      report = in.readAllBytes();
    }
    RegistryHost registry = new RegistryHost(host);
    Repository repo = new Repository(registry, RepositoryName.of(repository));
    try (RegistryClient client = RegistryClient.builder().build()) {
      Descriptor subject =
          client.headManifest(Reference.of(registry, repo.name(), Tag.of(tag))).orElseThrow();
      ReportArtifacts artifacts =
          ReportArtifacts.of(ReportFormat.TRIVY, Bytes.of(report), subject, Instant.now());
      for (ReportArtifacts.Blob blob : artifacts.blobs()) {
        client.pushBlob(repo, blob.descriptor().digest(), BlobSource.of(blob.content()));
      }
      RawManifest manifest = artifacts.manifest();
      client.putManifest(Reference.of(registry, repo.name(), manifest.digest()), manifest);
    }
  }

  @Test
  @Order(1)
  void anImageWithoutAReportIsDeniedOrLetThroughAsItsRuleSays() throws Exception {
    push(image, "secure/app:v1");
    Skopeo.Result denied = pull("secure/app:v1");
    assertThat(denied.exitCode()).isNotZero();
    assertThat(denied.stderr()).contains("denied").contains("no-critical");
    push(image, "open/app:v1");
    assertThat(pull("open/app:v1").exitCode()).isZero();
  }

  @Test
  @Order(2)
  void anImageWithACriticalFindingIsDeniedWithTheReason() throws Exception {
    attachTrivyReport("secure/app", "v1");
    Skopeo.Result denied = pull("secure/app:v1");
    assertThat(denied.exitCode()).isNotZero();
    assertThat(denied.stderr())
        .contains("CVE-2019-14697 (CRITICAL) in musl 1.1.20-r4, fixed in 1.1.20-r5");
  }

  @Test
  @Order(3)
  void anAllowlistEntryLetsItThroughAndAnExpiredOneNoLongerDoes() throws Exception {
    reload("allowlist:\n  - {id: CVE-2019-14697, expires: 2999-12-31, reason: not reachable}\n");
    Skopeo.Result allowed = pull("secure/app:v1");
    assertThat(allowed.exitCode()).as(allowed.stderr()).isZero();

    reload("allowlist:\n  - {id: CVE-2019-14697, expires: 2020-01-31}\n");
    Skopeo.Result expired = pull("secure/app:v1");
    assertThat(expired.exitCode()).isNotZero();
    assertThat(expired.stderr()).contains("CVE-2019-14697").contains("expired");
  }

  @Test
  @Order(4)
  void anImmutableTagCannotBeMovedOrDeletedButANewTagCanBePushed() throws Exception {
    Skopeo.Result moved = tryPush(other, "open/app:v1");
    assertThat(moved.exitCode()).isNotZero();
    assertThat(moved.stderr()).contains("tag v1 is immutable (rule releases)");
    push(other, "open/app:v2");
    push(other, "open/app:latest");
    push(image, "open/app:latest");
    Skopeo.Result deleted =
        Skopeo.fresh(temp)
            .tryRun("delete", "--tls-verify=false", "docker://" + host + "/open/app:v1");
    assertThat(deleted.exitCode()).isNotZero();
    assertThat(deleted.stderr()).contains("immutable");
    assertThat(pull("open/app:v1").exitCode()).isZero();
  }

  @Test
  @Order(5)
  void quotasRefuseWhatWouldExceedThem() throws Exception {
    push(image, "small/app:first");
    Skopeo.Result second = tryPush(other, "small/app:second");
    assertThat(second.exitCode()).isNotZero();
    assertThat(second.stderr()).contains("quota exceeded: project small");
    push(image, "small/app:again"); // the same manifest again adds nothing

    Skopeo.Result tooBig = tryPush(image, "tiny/app:v1");
    assertThat(tooBig.exitCode()).isNotZero();
    assertThat(tooBig.stderr()).contains("quota exceeded: project tiny");
  }
}
