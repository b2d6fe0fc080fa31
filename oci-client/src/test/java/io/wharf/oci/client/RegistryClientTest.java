package io.wharf.oci.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.testing.RegistryExtension;
import io.wharf.oci.storage.RegistryStorage;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every operation against an in-process Wharf registry (the JDK transport, in-memory storage). */
class RegistryClientTest {

  private final FrontHandler front =
      new FrontHandler(Registry.builder(RegistryStorage.inMemory()).chunkMinLength(64 * 1024));

  @RegisterExtension final RegistryExtension server = RegistryExtension.of(() -> front);

  private final List<String> events = new CopyOnWriteArrayList<>();
  private RegistryClient client;
  private RegistryHost host;
  private Repository repo;

  @BeforeEach
  void start(URI uri) {
    host = new RegistryHost(uri.getAuthority());
    repo = new Repository(host, RepositoryName.of("team/app"));
    client =
        RegistryClient.builder()
            .chunkBytes(1000)
            .monolithicMaxBytes(100 * 1024)
            .listing(2, 100, 1000)
            .transferListener(
                new TransferListener() {
                  @Override
                  public void started(Transfer t) {
                    events.add("started " + t.direction());
                  }

                  @Override
                  public void finished(Transfer t) {
                    events.add("finished " + t.direction());
                  }

                  @Override
                  public void failed(Transfer t, Exception cause) {
                    events.add("failed " + t.direction());
                  }
                })
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
  }

  private Reference ref(String tag) {
    return Reference.of(host, repo.name(), Tag.of(tag));
  }

  private RawManifest pushImage(String tag, Bytes layer) throws Exception {
    client.pushBlob(repo, Digest.sha256(TestContent.CONFIG), BlobSource.of(TestContent.CONFIG));
    client.pushBlob(repo, Digest.sha256(layer), BlobSource.of(layer));
    RawManifest manifest = TestContent.image(TestContent.CONFIG, layer);
    client.putManifest(ref(tag), manifest);
    return manifest;
  }

  @Test
  void end1_pingLearnsThatTheRegistryIsOpen() throws Exception {
    assertThat(client.ping(host)).isTrue();
  }

  @Test
  void end2_end3_end7_manifestRoundTripKeepsTheBytes() throws Exception {
    Bytes layer = TestContent.random(5000, 1);
    RawManifest manifest = pushImage("v1", layer);

    RawManifest byTag = client.getManifest(ref("v1"));
    RawManifest byDigest = client.getManifest(ref("v1").atDigest(manifest.digest()));
    assertThat(byTag.bytes()).isEqualTo(manifest.bytes());
    assertThat(byDigest).isEqualTo(manifest);
    assertThat(client.headManifest(ref("v1"))).contains(manifest.descriptor());
    assertThat(client.headManifest(ref("absent"))).isEmpty();
  }

  @Test
  void end9_deleteManifestThenGetIsManifestUnknown() throws Exception {
    RawManifest manifest = pushImage("v1", TestContent.random(10, 2));
    client.deleteManifest(ref("v1").atDigest(manifest.digest()));

    assertThatThrownBy(() -> client.getManifest(ref("v1")))
        .isInstanceOfSatisfying(
            RegistryClientException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.code()).contains(ErrorCode.MANIFEST_UNKNOWN);
              assertThat(e.method()).isEqualTo("GET");
              assertThat(e.toOciException().code()).isEqualTo(ErrorCode.MANIFEST_UNKNOWN);
            });
  }

  @Test
  void end2_blobReadBackIsVerifiedAndReported() throws Exception {
    Bytes layer = TestContent.random(300_000, 3);
    Digest digest = Digest.sha256(layer);
    client.pushBlob(repo, digest, BlobSource.of(layer));

    assertThat(client.statBlob(repo, digest)).hasValue(layer.size());
    try (InputStream in = client.openBlob(repo, digest, layer.size())) {
      assertThat(in.readAllBytes()).isEqualTo(layer.toByteArray());
    }
    assertThat(events)
        .containsExactly("started PUSH", "finished PUSH", "started PULL", "finished PULL");
    assertThat(client.statBlob(repo, Digest.sha256(Bytes.utf8("absent")))).isEmpty();
  }

  @Test
  void end5_chunkedUploadHonoursChunkMinLength() throws Exception {
    Bytes big = TestContent.random(200 * 1024 + 7, 4);
    Digest digest = Digest.sha256(big);
    client.toBuilder().monolithicMaxBytes(0).build().pushBlob(repo, digest, BlobSource.of(big));

    // 1000-byte chunks asked for, 64 KiB the registry's minimum: four PATCHes, not 206.
    assertThat(front.count("PATCH", "/blobs/uploads/")).isEqualTo(4);
    try (InputStream in = client.openBlob(repo, digest, big.size())) {
      assertThat(in.readAllBytes()).isEqualTo(big.toByteArray());
    }
  }

  @Test
  void pushWithoutDigestComputesItWhileSending() throws Exception {
    Bytes blob = TestContent.random(150_000, 5);
    Digest digest = client.pushBlob(repo, BlobSource.of(blob));
    assertThat(digest).isEqualTo(Digest.sha256(blob));
    assertThat(client.statBlob(repo, digest)).hasValue(blob.size());
  }

  @Test
  void rangedReadGivesThePartAsked() throws Exception {
    Bytes blob = TestContent.random(10_000, 6);
    Digest digest = Digest.sha256(blob);
    client.pushBlob(repo, digest, BlobSource.of(blob));

    try (InputStream in = client.openBlob(repo, digest, 1234, 100)) {
      byte[] expected = new byte[100];
      System.arraycopy(blob.toByteArray(), 1234, expected, 0, 100);
      assertThat(in.readAllBytes()).isEqualTo(expected);
    }
    Descriptor d = Descriptor.of(MediaType.OCTET_STREAM, digest, blob.size());
    try (InputStream in = client.blobSource(repo, d).open(9_990)) {
      assertThat(in.readAllBytes()).hasSize(10);
    }
  }

  @Test
  void end11_mountFromAnotherRepositoryAndFallbackToUpload() throws Exception {
    Bytes blob = TestContent.random(2000, 7);
    Digest digest = Digest.sha256(blob);
    client.pushBlob(repo, digest, BlobSource.of(blob));
    Repository other = new Repository(host, RepositoryName.of("team/other"));

    assertThat(client.mountBlob(other, repo, digest)).isTrue();
    assertThat(client.statBlob(other, digest)).hasValue(blob.size());

    Bytes fresh = TestContent.random(3000, 8);
    Repository third = new Repository(host, RepositoryName.of("team/third"));
    assertThat(client.mountBlob(third, repo, Digest.sha256(fresh), BlobSource.of(fresh))).isFalse();
    assertThat(client.statBlob(third, Digest.sha256(fresh))).hasValue(fresh.size());
    assertThat(client.mountBlob(third, repo, Digest.sha256(Bytes.utf8("nowhere")))).isFalse();
  }

  @Test
  void end8b_tagsAndCatalogFollowLinkPages() throws Exception {
    RawManifest manifest = pushImage("t0", TestContent.random(10, 9));
    List<Tag> expected = new ArrayList<>();
    expected.add(Tag.of("t0"));
    for (int i = 1; i < 5; i++) {
      client.putManifest(ref("t" + i), manifest);
      expected.add(Tag.of("t" + i));
    }
    assertThat(client.listTags(repo)).containsExactlyElementsOf(expected);
    // Five tags, two per page: three pages.
    assertThat(front.count("GET", "/tags/list")).isEqualTo(3);

    Repository zeta = new Repository(host, RepositoryName.of("zeta"));
    for (Descriptor d : manifest.parse().references()) {
      assertThat(client.mountBlob(zeta, repo, d.digest())).isTrue();
    }
    client.putManifest(Reference.of(host, RepositoryName.of("zeta"), Tag.of("x")), manifest);
    assertThat(client.listRepositories(host)).contains(repo.name(), RepositoryName.of("zeta"));
  }

  @Test
  void end8a_tagsOfAnUnknownRepositoryFailWithItsNameNotJustTheHost() throws Exception {
    Repository nosuch = new Repository(host, RepositoryName.of("no/such"));
    assertThatThrownBy(() -> client.listTags(nosuch))
        .isInstanceOfSatisfying(
            RegistryClientException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.code()).contains(ErrorCode.NAME_UNKNOWN);
              assertThat(e.getMessage()).startsWith("list tags of " + host + "/no/such: ");
            });
  }

  @Test
  void end12_referrersThroughTheApiFilteredByArtifactType() throws Exception {
    RawManifest subject = pushImage("v1", TestContent.random(10, 10));
    client.pushBlob(
        repo, Digest.sha256(TestContent.EMPTY_JSON), BlobSource.of(TestContent.EMPTY_JSON));
    RawManifest sbom = TestContent.referrer(subject, "application/vnd.example.sbom", "s");
    RawManifest sig = TestContent.referrer(subject, "application/vnd.example.sig", "g");
    client.putManifest(ref("v1").atDigest(sbom.digest()).withTag(Tag.of("x")), sbom);
    client.putManifest(Reference.of(host, repo.name(), sig.digest()), sig);

    assertThat(client.referrers(repo, subject.digest()))
        .extracting(Descriptor::digest)
        .containsExactlyInAnyOrder(sbom.digest(), sig.digest());
    assertThat(
            client.referrers(
                repo, subject.digest(), MediaType.parse("application/vnd.example.sig")))
        .extracting(Descriptor::digest)
        .containsExactly(sig.digest());
  }
}
