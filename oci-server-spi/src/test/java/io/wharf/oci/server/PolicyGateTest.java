package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.Policies;
import io.wharf.oci.policy.PolicyLoader;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.policy.vuln.ReportFormat;
import io.wharf.oci.server.RegistryConformanceContract.Reply;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The policy engine as the registry's gate: vulnerability rules on pull, immutability on push. */
class PolicyGateTest {

  /** A Trivy report (schema 2) with the finding the issue names. */
  private static final String TRIVY =
      """
      {"SchemaVersion": 2, "CreatedAt": "2026-12-01T10:00:00Z", "ArtifactName": "team/app:v1",
       "ArtifactType": "container_image",
       "Results": [{"Target": "team/app (debian 12.5)", "Class": "os-pkgs", "Type": "debian",
         "Vulnerabilities": [
           {"VulnerabilityID": "CVE-2024-3094", "PkgName": "xz-utils",
            "InstalledVersion": "5.6.0", "FixedVersion": "5.6.1", "Severity": "CRITICAL",
            "PrimaryURL": "https://avd.aquasec.com/nvd/cve-2024-3094"},
           {"VulnerabilityID": "CVE-2023-0001", "PkgName": "libfoo",
            "InstalledVersion": "1.0", "Severity": "LOW"}]}]}
      """;

  private static final String GATE =
      """
      version: 1
      rules:
        - name: no-critical
          match: {projects: [team]}
          vulnerabilities: {severity: HIGH, missingReport: %s}
        - name: releases
          match: {tags: ["v*"]}
          immutable: true
      %s
      """;

  private final Instant now = Instant.parse("2026-12-02T10:00:00Z");
  private final RegistryStorage storage = RegistryStorage.inMemory();

  private static PolicySet policies(String missingReport, String extra) throws Exception {
    return PolicySet.of(
        List.of(new PolicyLoader().load("test.yaml", GATE.formatted(missingReport, extra))));
  }

  private Calls registry(Policies policies, PolicyGate.ScanRequester scans) {
    Registry.Builder b = Registry.builder(storage).clock(Clock.fixed(now, ZoneOffset.UTC));
    PolicyGate.builder(policies)
        .scans(scans)
        .clock(Clock.fixed(now, ZoneOffset.UTC))
        .build()
        .applyTo(b);
    return new Calls(b.build());
  }

  private static RawManifest attach(Calls calls, String repo, RawManifest subject, String report)
      throws IOException {
    MediaType type = ReportFormat.TRIVY.mediaType();
    calls.pushBlob(repo, MediaType.OCI_EMPTY_JSON, Bytes.utf8("{}"));
    RawManifest referrer =
        ManifestCodec.defaults()
            .encode(
                ImageManifest.artifact(
                        type, List.of(calls.pushBlob(repo, type, Bytes.utf8(report))))
                    .withSubject(subject.descriptor()));
    Reply put = calls.putManifest(repo, referrer.digest().toString(), referrer);
    assertThat(put.status()).as(put.body().utf8()).isEqualTo(201);
    return referrer;
  }

  @Test
  void anImageWithACriticalFindingIsDeniedWithTheReasonUntilItIsAllowlisted() throws Exception {
    Policies policies = Policies.of(policies("deny", ""));
    Calls calls = registry(policies, (r, d) -> {});
    RawManifest image = calls.image("team/app", "1", Map.of());
    assertThat(calls.putManifest("team/app", "v1", image).status()).isEqualTo(201);

    Reply noReport = calls.call(HttpMethod.GET, "/v2/team/app/manifests/v1");
    assertThat(noReport.status()).isEqualTo(403);
    assertThat(noReport.code()).isEqualTo("DENIED");
    assertThat(noReport.body().utf8()).contains("no-critical");

    attach(calls, "team/app", image, TRIVY);
    Reply denied = calls.call(HttpMethod.GET, "/v2/team/app/manifests/v1");
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.body().utf8())
        .contains("CVE-2024-3094 (CRITICAL) in xz-utils 5.6.0, fixed in 5.6.1")
        .doesNotContain("CVE-2023-0001");
    assertThat(calls.call(HttpMethod.HEAD, "/v2/team/app/manifests/v1").status())
        .as("a HEAD serves no content and is not gated")
        .isEqualTo(200);
    assertThat(calls.call(HttpMethod.GET, "/v2/other/app/manifests/v1").status())
        .as("outside the rule's project")
        .isEqualTo(404);

    policies.replace(
        policies("deny", "allowlist:\n  - {id: CVE-2024-3094, expires: 2026-12-31}\n"));
    assertThat(calls.call(HttpMethod.GET, "/v2/team/app/manifests/v1").status()).isEqualTo(200);
    assertThat(calls.call(HttpMethod.GET, "/v2/team/app/manifests/" + image.digest()).status())
        .isEqualTo(200);

    policies.replace(
        policies("deny", "allowlist:\n  - {id: CVE-2024-3094, expires: 2026-11-30}\n"));
    Reply expired = calls.call(HttpMethod.GET, "/v2/team/app/manifests/v1");
    assertThat(expired.status()).isEqualTo(403);
    assertThat(expired.body().utf8()).contains("expired");
  }

  @Test
  void anImageWithoutAReportIsLetThroughAndScannedWhenThePolicySaysSo() throws Exception {
    List<String> scans = new CopyOnWriteArrayList<>();
    Calls calls = registry(Policies.of(policies("scan", "")), (r, d) -> scans.add(r + "@" + d));
    RawManifest image = calls.image("team/app", "1", Map.of());
    calls.putManifest("team/app", "latest", image);
    assertThat(calls.call(HttpMethod.GET, "/v2/team/app/manifests/latest").status()).isEqualTo(200);
    assertThat(scans).containsExactly("team/app@" + image.digest());
  }

  @Test
  void aReportAttachedAfterAPullIsSeenByTheNextPull() throws Exception {
    Calls calls = registry(Policies.of(policies("allow", "")), (r, d) -> {});
    RawManifest image = calls.image("team/app", "1", Map.of());
    calls.putManifest("team/app", "latest", image);
    assertThat(calls.call(HttpMethod.GET, "/v2/team/app/manifests/latest").status()).isEqualTo(200);
    attach(calls, "team/app", image, TRIVY);
    assertThat(calls.call(HttpMethod.GET, "/v2/team/app/manifests/latest").status()).isEqualTo(403);
  }

  @Test
  void theQuotasOfThePoliciesInForceAreEnforcedAndChangeWithThem() throws Exception {
    Policies policies =
        Policies.of(policies("allow", "projects:\n  small:\n    quota: {artifacts: 1}\n"));
    Calls calls = registry(policies, (r, d) -> {});
    RawManifest first = calls.image("small/app", "1", Map.of());
    RawManifest second = calls.image("small/app", "2", Map.of());
    assertThat(calls.putManifest("small/app", "latest", first).status()).isEqualTo(201);
    Reply over = calls.putManifest("small/app", "next", second);
    assertThat(over.status()).isEqualTo(403);
    assertThat(over.code()).isEqualTo("DENIED");
    assertThat(over.body().utf8()).contains("quota exceeded").contains("small");
    assertThat(
            calls
                .putManifest("other/app", "next", calls.image("other/app", "2", Map.of()))
                .status())
        .as("another project has no quota")
        .isEqualTo(201);
    policies.replace(policies("allow", "projects:\n  small:\n    quota: {artifacts: 2}\n"));
    assertThat(calls.putManifest("small/app", "next", second).status()).isEqualTo(201);
  }

  @Test
  void anImmutableTagCannotBeMovedOrDeletedButANewTagCanBePushed() throws Exception {
    Calls calls = registry(Policies.of(policies("allow", "")), (r, d) -> {});
    RawManifest first = calls.image("lib/app", "1", Map.of());
    RawManifest second = calls.image("lib/app", "2", Map.of());
    assertThat(calls.putManifest("lib/app", "v1", first).status()).isEqualTo(201);
    assertThat(calls.putManifest("lib/app", "v1", first).status())
        .as("the same manifest again")
        .isEqualTo(201);
    Reply moved = calls.putManifest("lib/app", "v1", second);
    assertThat(moved.status()).isEqualTo(403);
    assertThat(moved.code()).isEqualTo("DENIED");
    assertThat(moved.body().utf8()).contains("tag v1 is immutable (rule releases)");
    assertThat(calls.putManifest("lib/app", "v2", second).status()).isEqualTo(201);
    assertThat(calls.putManifest("lib/app", "latest", second).status()).isEqualTo(201);
    assertThat(calls.putManifest("lib/app", "latest", first).status())
        .as("latest is not immutable")
        .isEqualTo(201);
    assertThat(calls.call(HttpMethod.DELETE, "/v2/lib/app/manifests/v1").status()).isEqualTo(403);
    assertThat(calls.call(HttpMethod.DELETE, "/v2/lib/app/manifests/" + first.digest()).status())
        .isEqualTo(403);
    assertThat(storage.metadata().resolveTag(RepositoryName.of("lib/app"), new Tag("v1")))
        .contains(first.digest());
  }
}
