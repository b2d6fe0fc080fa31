package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.client.BlobSource;
import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.Repository;
import io.wharf.oci.client.auth.Credential;
import io.wharf.oci.client.auth.CredentialProvider;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit.exclude} in {@code wharf.yaml}: the kinds listed are left out of {@code audit.log},
 * the others are still written; without it, pulls are written too.
 */
class AuditExcludeTest {

  @TempDir Path temp;

  @Test
  void excludedPullsAreLeftOutAndPushesStillWritten() throws Exception {
    String log = pushThenPull("  audit: {exclude: [MANIFEST_PULLED]}\n");
    assertThat(log).contains("\"kind\":\"MANIFEST_PUSHED\"").contains("\"kind\":\"TOKEN_ISSUED\"");
    assertThat(log).doesNotContain("MANIFEST_PULLED");
  }

  @Test
  void byDefaultPullsAreWritten() throws Exception {
    String log = pushThenPull("");
    assertThat(log)
        .contains("\"kind\":\"MANIFEST_PUSHED\"")
        .contains("\"kind\":\"MANIFEST_PULLED\"");
  }

  /** Pushes and pulls an artifact as a system administrator; the audit log after the stop. */
  private String pushThenPull(String auditLine) throws Exception {
    Files.writeString(
        temp.resolve("users.htpasswd"),
        "admin:" + OpenBSDBCrypt.generate("2y", "admin-pw".toCharArray(), new byte[16], 4) + "\n");
    Files.writeString(
        temp.resolve("wharf.yaml"),
        "auth:\n  htpasswd: users.htpasswd\n  admins: {users: [admin]}\n" + auditLine);
    Path data = temp.resolve("data");
    try (WharfServer wharf =
            WharfServer.start(
                WharfConfig.read(temp.resolve("wharf.yaml"))
                    .applyTo(ServerSettings.loopback(data)));
        RegistryClient client =
            RegistryClient.builder()
                .credentials(CredentialProvider.of(Credential.basic("admin", "admin-pw")))
                .build()) {
      RegistryHost host = new RegistryHost("127.0.0.1:" + wharf.port());
      Repository repo = new Repository(host, RepositoryName.of("team/app"));
      client.pushBlob(
          repo,
          Descriptor.EMPTY_JSON.digest(),
          BlobSource.of(Descriptor.EMPTY_JSON.data().orElseThrow()));
      RawManifest manifest =
          ManifestCodec.defaults()
              .encode(
                  ImageManifest.artifact(new MediaType("application/vnd.example.note"), List.of()));
      Reference ref = Reference.of(host, repo.name(), Tag.of("v1"));
      client.putManifest(ref, manifest);
      assertThat(client.getManifest(ref).digest()).isEqualTo(manifest.digest());
    }
    return Files.readString(data.resolve("audit.log"));
  }
}
