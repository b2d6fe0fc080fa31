package io.wharf.oci.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.client.BlobSource;
import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.Repository;
import io.wharf.oci.client.TestContent;
import io.wharf.oci.client.auth.Credential;
import io.wharf.oci.client.auth.CredentialProvider;
import io.wharf.oci.client.testsupport.DockerRegistryProcess;
import io.wharf.oci.client.testsupport.FaultProxy;
import io.wharf.oci.client.testsupport.RedirectingServer;
import io.wharf.oci.client.testsupport.RequestHead;
import io.wharf.oci.client.testsupport.TokenServer;
import io.wharf.oci.client.testsupport.TokenServer.Grant;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blob GETs that {@code docker-registry} (behind token or htpasswd auth) answers with a redirect to
 * another host, as it does with an object store: the bytes arrive verified, and that host never
 * sees the registry's {@code Authorization} header.
 */
class RedirectIT {

  @TempDir Path temp;

  @BeforeAll
  static void requireRegistry() {
    DockerRegistryProcess.requireAvailable();
  }

  @Test
  void redirectedBlobsFromATokenAuthRegistry() throws Exception {
    try (TokenServer tokens =
            TokenServer.builder()
                .user("alice", "alice-pw", Grant.repository("team/*", "pull", "push"))
                .start(temp);
        DockerRegistryProcess registry = DockerRegistryProcess.start(tokens.registryAuth())) {
      pullThroughRedirects(registry, Credential.basic("alice", "alice-pw"), "Bearer ");
    }
  }

  @Test
  void redirectedBlobsFromAnHtpasswdRegistry() throws Exception {
    try (DockerRegistryProcess registry =
        DockerRegistryProcess.start(
            DockerRegistryProcess.Auth.htpasswd(
                Path.of("src/test/resources/fixtures/auth/htpasswd/trivy-htpasswd"), "test"))) {
      pullThroughRedirects(registry, Credential.basic("testuser", "testpassword"), "Basic ");
    }
  }

  private static void pullThroughRedirects(
      DockerRegistryProcess registry, Credential credential, String scheme) throws Exception {
    try (RedirectingServer cdn = RedirectingServer.start();
        FaultProxy front = cdn.frontFor(registry.host());
        RegistryClient client =
            RegistryClient.builder().credentials(CredentialProvider.of(credential)).build()) {
      Repository repo = new Repository(new RegistryHost(front.host()), RepositoryName.of("team/r"));
      Bytes blob = TestContent.random(2 * 1024 * 1024 + 3, 11);
      Digest digest = Digest.sha256(blob);
      client.pushBlob(repo, digest, BlobSource.of(blob));

      try (InputStream in = client.openBlob(repo, digest, blob.size())) {
        assertThat(in.readAllBytes()).isEqualTo(blob.toByteArray());
      }
      try (InputStream in = client.openBlob(repo, digest, 1000, 24)) {
        assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(blob.toByteArray(), 1000, 1024));
      }

      assertThat(cdn.redirects()).isEqualTo(2);
      // the registry got the credentials with the GETs it redirected ...
      assertThat(front.requests().stream().filter(RequestHead::isBlobRead))
          .hasSize(2)
          .allSatisfy(
              r ->
                  assertThat(r.header("Authorization"))
                      .hasValueSatisfying(a -> assertThat(a).startsWith(scheme)));
      // ... the other host never did
      assertThat(cdn.requests())
          .hasSize(2)
          .allSatisfy(
              r -> {
                assertThat(r.method()).isEqualTo("GET");
                assertThat(r.header("Authorization")).isEmpty();
              });
      assertThat(cdn.requests().get(1).header("Range")).contains("bytes=1000-1023");
    }
  }
}
