package io.wharf.oci.verify;

import static io.wharf.oci.verify.testing.TestRegistryContent.CLEAN_TRIVY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.client.BlobSource;
import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.Repository;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.vuln.ReportFormat;
import io.wharf.oci.server.testing.RegistryExtension;
import io.wharf.oci.verify.testing.TestRegistryContent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RemoteContext}: the facts of a remote repository, each read once per verification and
 * within its bounds.
 */
class RemoteContextTest {

  private final CountingRegistry registry = new CountingRegistry();

  @RegisterExtension final RegistryExtension server = RegistryExtension.of(() -> registry);

  private RegistryClient client;
  private TestRegistryContent content;
  private Repository repo;

  @BeforeEach
  void start(URI uri) {
    client = RegistryClient.builder().build();
    RegistryHost host = new RegistryHost(uri.getAuthority());
    content = TestRegistryContent.at(client, host);
    repo = new Repository(host, RepositoryName.of("team/app"));
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
  }

  private Digest pushBlob(int size) throws IOException {
    Bytes bytes = Bytes.of(new byte[size]);
    Digest digest = Digest.sha256(bytes);
    client.pushBlob(repo, digest, BlobSource.of(bytes));
    return digest;
  }

  private static byte[] readAll(RemoteContext facts, Digest digest) throws IOException {
    try (InputStream in = facts.openBlob(digest)) {
      return in.readAllBytes();
    }
  }

  @Test
  void eachFactIsReadOncePerContext() throws Exception {
    RawManifest image = content.image("team/app", "v1", 1);
    content.attachTrivy("team/app", image, CLEAN_TRIVY);
    Digest blob = pushBlob(100);
    registry.seen.clear();
    RemoteContext facts = RemoteContext.of(client, repo);

    for (int i = 0; i < 3; i++) {
      assertThat(facts.manifest(image.digest())).contains(image);
      assertThat(facts.resolve(Tag.of("v1"))).contains(image.digest());
      assertThat(facts.referrers(image.digest(), Optional.empty())).hasSize(1);
      assertThat(facts.referrers(image.digest(), Optional.of(ReportFormat.TRIVY.mediaType())))
          .hasSize(1);
      assertThat(readAll(facts, blob)).hasSize(100);
    }
    assertThat(registry.count("GET", "/manifests/" + image.digest())).isEqualTo(1);
    assertThat(registry.count("HEAD", "/manifests/v1")).isEqualTo(1);
    // The filtered list is taken from the whole one already read.
    assertThat(registry.count("GET", "/referrers/")).isEqualTo(1);
    assertThat(registry.count("GET", "/blobs/" + blob)).isEqualTo(1);
    assertThat(facts.repository()).isEqualTo(repo.name());
    assertThat(facts.remote()).isEqualTo(repo);
  }

  @Test
  void whatTheRepositoryLacksIsEmptyOrBlobUnknown() throws Exception {
    RemoteContext facts = RemoteContext.of(client, repo);
    Digest absent = Digest.sha256(Bytes.utf8("absent"));

    assertThat(facts.manifest(absent)).isEmpty();
    assertThat(facts.resolve(Tag.of("nope"))).isEmpty();
    assertThat(facts.referrers(absent, Optional.empty())).isEmpty();
    assertThatThrownBy(() -> facts.openBlob(absent))
        .isInstanceOfSatisfying(
            NotFoundException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UNKNOWN));
  }

  @Test
  void tagsOfADigestSkipDigestTagsAndAreBoundedByMaxTags() throws Exception {
    RawManifest image = content.image("team/app", "v2", 2);
    content.image("team/app", "other", 3);
    client.putManifest(Reference.of(repo.registry(), repo.name(), Tag.of("v1")), image);
    client.putManifest(
        Reference.of(
            repo.registry(), repo.name(), Tag.of("sha256-" + image.digest().encoded() + ".sig")),
        image);

    assertThat(RemoteContext.of(client, repo).tagsOf(image.digest()))
        .containsExactly(Tag.of("v1"), Tag.of("v2"));
    RemoteContext small =
        RemoteContext.of(client, repo, new RemoteContext.Limits(1000, 100, 10, 2));
    assertThatThrownBy(() -> small.tagsOf(image.digest()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("has 3 tags, more than the 2")
        .hasMessageContaining("verify the image by tag");
  }

  @Test
  void moreReferrersThanTheBoundIsAnErrorNotAPartialList() throws Exception {
    RawManifest image = content.image("team/app", "v1", 4);
    for (int i = 0; i < 3; i++) {
      content.attachTrivy("team/app", image, CLEAN_TRIVY.replace("app", "app" + i));
    }
    RemoteContext facts =
        RemoteContext.of(client, repo, new RemoteContext.Limits(1000, 100, 2, 10));

    assertThatThrownBy(() -> facts.referrers(image.digest(), Optional.empty()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("has 3 referrers, more than the 2");
  }

  @Test
  void aLargeBlobStreamsVerifiedAndFailsPastTheBound() throws Exception {
    Digest fits = pushBlob(5000);
    Digest tooLarge = pushBlob(9000);
    RemoteContext facts =
        RemoteContext.of(client, repo, new RemoteContext.Limits(8000, 100, 10, 10));

    assertThat(readAll(facts, fits)).hasSize(5000);
    assertThat(readAll(facts, fits)).hasSize(5000);
    assertThat(registry.count("GET", "/blobs/" + fits)).isEqualTo(2);
    assertThatThrownBy(() -> readAll(facts, tooLarge))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("larger than 8000 bytes");
  }

  @Test
  void limitsAreChecked() {
    assertThatThrownBy(() -> new RemoteContext.Limits(0, 0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RemoteContext.Limits(10, 11, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(RemoteContext.Limits.DEFAULT.maxReferrers()).isEqualTo(1000);
  }

  @Test
  void referrersComeFromTheTagSchemaWithoutTheApi() throws Exception {
    registry.referrersApi = false;
    RawManifest image = content.image("team/app", "v1", 5);
    RawManifest report =
        content.withReferrersTagSchema().attachTrivy("team/app", image, CLEAN_TRIVY);

    RemoteContext facts = RemoteContext.of(client, repo);
    assertThat(facts.referrers(image.digest(), Optional.of(ReportFormat.TRIVY.mediaType())))
        .extracting(Descriptor::digest)
        .containsExactly(report.digest());
  }
}
