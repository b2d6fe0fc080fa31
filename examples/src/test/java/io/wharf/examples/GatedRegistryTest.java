package io.wharf.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.client.BlobSource;
import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.RegistryClientException;
import io.wharf.oci.client.Repository;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.PolicyException;
import io.wharf.oci.policy.vuln.ReportArtifacts;
import io.wharf.oci.policy.vuln.ReportFormat;
import io.wharf.oci.storage.RegistryStorage;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GatedRegistry}: a report with a CRITICAL finding stops the pull; an allowlist frees it.
 */
class GatedRegistryTest {

  private static final String POLICY =
      """
      version: 1
      rules:
        - name: no-critical
          vulnerabilities: {severity: CRITICAL, missingReport: allow}
      %s
      """;

  private static final String TRIVY =
      """
      {"SchemaVersion": 2, "CreatedAt": "2026-12-01T10:00:00Z", "ArtifactName": "demo/app",
       "Results": [{"Target": "demo/app (alpine 3.19)", "Class": "os-pkgs", "Type": "alpine",
         "Vulnerabilities": [{"VulnerabilityID": "CVE-2024-3094", "PkgName": "xz-libs",
           "InstalledVersion": "5.6.0-r0", "FixedVersion": "5.6.1-r0", "Severity": "CRITICAL"}]}]}
      """;

  @TempDir Path dir;
  private Path policy;
  private GatedRegistry registry;
  private RegistryHost host;
  private Repository repo;

  @BeforeEach
  void start() throws Exception {
    policy = Files.writeString(dir.resolve("policy.yaml"), POLICY.formatted(""));
    registry =
        GatedRegistry.start(
            RegistryStorage.inMemory(), policy, new InetSocketAddress("127.0.0.1", 0));
    host = new RegistryHost(registry.uri().getAuthority());
    repo = new Repository(host, RepositoryName.of("demo/app"));
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void aCriticalFindingStopsThePullUntilItIsAllowlisted() throws Exception {
    Reference v1 = Reference.of(host, repo.name(), Tag.of("v1"));
    try (RegistryClient client = RegistryClient.builder().build()) {
      RawManifest image = push(client, v1);
      assertThat(client.getManifest(v1)).isEqualTo(image);
      ReportArtifacts report =
          ReportArtifacts.of(
              ReportFormat.TRIVY, Bytes.utf8(TRIVY), image.descriptor(), Instant.now());
      for (ReportArtifacts.Blob blob : report.blobs()) {
        client.pushBlob(repo, blob.descriptor().digest(), BlobSource.of(blob.content()));
      }
      client.putManifest(
          Reference.of(host, repo.name(), report.manifest().digest()), report.manifest());
      assertThatThrownBy(() -> client.getManifest(v1))
          .isInstanceOfSatisfying(
              RegistryClientException.class, e -> assertThat(e.status()).isEqualTo(403))
          .hasMessageContaining("CVE-2024-3094 (CRITICAL) in xz-libs 5.6.0-r0, fixed in 5.6.1-r0");

      Files.writeString(policy, POLICY.formatted("allowlist: [{id: CVE-2024-3094}]"));
      registry.reload();
      assertThat(client.getManifest(v1)).isEqualTo(image);

      Files.writeString(policy, "version: 1\nrules: [{name: Bad Name}]\n");
      assertThatThrownBy(registry::reload).isInstanceOf(PolicyException.class);
      assertThat(client.getManifest(v1)).as("the policies in force stay").isEqualTo(image);
    }
  }

  private RawManifest push(RegistryClient client, Reference reference) throws Exception {
    Bytes config = Bytes.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
    Bytes layer = Bytes.utf8("a layer");
    Descriptor c = Descriptor.of(MediaType.OCI_IMAGE_CONFIG, config);
    Descriptor l = Descriptor.of(MediaType.OCI_LAYER_TAR, layer);
    client.pushBlob(repo, c.digest(), BlobSource.of(config));
    client.pushBlob(repo, l.digest(), BlobSource.of(layer));
    RawManifest m = ManifestCodec.defaults().encode(ImageManifest.of(c, List.of(l)));
    client.putManifest(reference, m);
    return m;
  }
}
