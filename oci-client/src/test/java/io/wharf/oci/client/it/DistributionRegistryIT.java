package io.wharf.oci.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.client.BlobSource;
import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.RegistryClientException;
import io.wharf.oci.client.Repository;
import io.wharf.oci.client.TestContent;
import io.wharf.oci.client.auth.Credential;
import io.wharf.oci.client.auth.CredentialProvider;
import io.wharf.oci.client.testsupport.DockerRegistryProcess;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client against the reference registry, CNCF distribution ({@code docker-registry}), twice:
 * open, and behind htpasswd Basic auth (fixture user {@code testuser}, password {@code
 * testpassword}).
 */
class DistributionRegistryIT {

  private static DockerRegistryProcess open;
  private static DockerRegistryProcess basic;

  @BeforeAll
  static void start() throws Exception {
    DockerRegistryProcess.requireAvailable();
    open = DockerRegistryProcess.start();
    basic =
        DockerRegistryProcess.start(
            DockerRegistryProcess.Auth.htpasswd(
                Path.of("src/test/resources/fixtures/auth/htpasswd/trivy-htpasswd"), "test"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (open != null) {
      open.close();
    }
    if (basic != null) {
      basic.close();
    }
  }

  private static RawManifest push(RegistryClient client, Repository repo, String tag, long seed)
      throws Exception {
    Bytes config = Bytes.utf8("{\"seed\":" + seed + "}");
    Bytes layer = TestContent.random(3 * 1024 * 1024 + 17, seed);
    client.pushBlob(repo, Digest.sha256(config), BlobSource.of(config));
    client.pushBlob(repo, Digest.sha256(layer), BlobSource.of(layer));
    RawManifest manifest = TestContent.image(config, layer);
    client.putManifest(Reference.of(repo.registry(), repo.name(), Tag.of(tag)), manifest);
    return manifest;
  }

  @Test
  void everyOperationAgainstDistribution() throws Exception {
    RegistryHost host = new RegistryHost(open.host());
    Repository repo = new Repository(host, RepositoryName.of("it/app"));
    try (RegistryClient client =
        RegistryClient.builder()
            .chunkBytes(1024 * 1024)
            .monolithicMaxBytes(1024)
            .listing(2, 50, 1000)
            .build()) {
      assertThat(client.ping(host)).isTrue();
      RawManifest manifest = push(client, repo, "v1", 1);
      Reference v1 = Reference.of(host, repo.name(), Tag.of("v1"));

      assertThat(client.getManifest(v1)).isEqualTo(manifest);
      assertThat(client.headManifest(v1)).contains(manifest.descriptor());
      Descriptor layer = manifest.parse().references().get(1);
      try (InputStream in = client.openBlob(repo, layer.digest(), layer.size())) {
        assertThat(Digest.sha256(in)).isEqualTo(layer.digest());
      }
      try (InputStream in = client.openBlob(repo, layer.digest(), 100, 50)) {
        assertThat(in.readAllBytes()).hasSize(50);
      }
      Digest unknown = client.pushBlob(repo, BlobSource.of(TestContent.random(2_500_000, 9)));
      assertThat(client.statBlob(repo, unknown)).hasValue(2_500_000);

      for (String t : List.of("v2", "v3", "v4")) {
        client.putManifest(Reference.of(host, repo.name(), Tag.of(t)), manifest);
      }
      // Two per page: distribution 2.8 pages these in its own order, so only the set is checked.
      assertThat(client.listTags(repo))
          .containsExactlyInAnyOrder(Tag.of("v1"), Tag.of("v2"), Tag.of("v3"), Tag.of("v4"));

      Repository other = new Repository(host, RepositoryName.of("it/other"));
      assertThat(client.mountBlob(other, repo, layer.digest())).isTrue();
      assertThat(client.listRepositories(host)).contains(repo.name(), other.name());

      // distribution 2.8 has no referrers API: the tag schema answers.
      assertThat(client.referrers(repo, manifest.digest())).isEmpty();
      Descriptor sig =
          Descriptor.of(MediaType.OCI_IMAGE_MANIFEST, manifest.digest(), manifest.size())
              .withArtifactType(MediaType.parse("application/vnd.example.sig"));
      RawManifest index = ManifestCodec.defaults().encode(ImageIndex.of(List.of(sig)));
      client.putManifest(
          Reference.of(host, repo.name(), Tag.of("sha256-" + manifest.digest().encoded())), index);
      assertThat(
              client.referrers(
                  repo, manifest.digest(), MediaType.parse("application/vnd.example.sig")))
          .containsExactly(sig);
      assertThat(client.referrers(repo, manifest.digest(), MediaType.parse("application/other")))
          .isEmpty();

      client.deleteManifest(v1.atDigest(manifest.digest()));
      assertThat(client.headManifest(v1)).isEmpty();
    }
  }

  @Test
  void htpasswdBasicAuth() throws Exception {
    RegistryHost host = new RegistryHost(basic.host());
    Repository repo = new Repository(host, RepositoryName.of("it/secure"));
    try (RegistryClient anonymous = RegistryClient.builder().build()) {
      assertThat(anonymous.ping(host)).isFalse();
      assertThatThrownBy(() -> anonymous.listTags(repo))
          .isInstanceOfSatisfying(
              RegistryClientException.class,
              e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.code()).contains(ErrorCode.UNAUTHORIZED);
              });
    }
    try (RegistryClient wrong =
        RegistryClient.builder()
            .credentials(CredentialProvider.of(Credential.basic("testuser", "not-the-password")))
            .build()) {
      assertThatThrownBy(() -> wrong.listTags(repo))
          .isInstanceOfSatisfying(
              RegistryClientException.class, e -> assertThat(e.status()).isEqualTo(401));
    }
    try (RegistryClient client =
        RegistryClient.builder()
            .credentials(CredentialProvider.of(Credential.basic("testuser", "testpassword")))
            .build()) {
      RawManifest manifest = push(client, repo, "v1", 2);
      assertThat(client.getManifest(Reference.of(host, repo.name(), Tag.of("v1"))))
          .isEqualTo(manifest);
      assertThat(client.listTags(repo)).containsExactly(Tag.of("v1"));
    }
  }
}
