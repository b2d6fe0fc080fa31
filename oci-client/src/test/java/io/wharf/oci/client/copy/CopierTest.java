package io.wharf.oci.client.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.Repository;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.Platform;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.layout.OciLayout;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.testing.RegistryExtension;
import io.wharf.oci.storage.RegistryStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The copy engine between two in-process registries and OCI layouts (directories, archives). */
class CopierTest {

  private final CountingHandler a =
      new CountingHandler(Registry.builder(RegistryStorage.inMemory()).build());
  private final CountingHandler b =
      new CountingHandler(Registry.builder(RegistryStorage.inMemory()).build());

  @RegisterExtension final RegistryExtension serverA = RegistryExtension.of(() -> a);
  @RegisterExtension final RegistryExtension serverB = RegistryExtension.of(() -> b);

  @TempDir Path temp;

  private RegistryClient client;
  private RegistryHost hostA;
  private RegistryHost hostB;

  @BeforeEach
  void start() {
    client = RegistryClient.builder().monolithicMaxBytes(20_000).chunkBytes(16_384).build();
    hostA = new RegistryHost(serverA.uri().getAuthority());
    hostB = new RegistryHost(serverB.uri().getAuthority());
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
  }

  private static Reference ref(RegistryHost host, String repo, String tag) {
    return Reference.of(host, RepositoryName.of(repo), Tag.of(tag));
  }

  private CopyResult copy(ImageSource from, ImageDestination to) throws Exception {
    return copy(CopyRequest.of(from, to));
  }

  private CopyResult copy(CopyRequest request) throws Exception {
    try (ImageSource s = request.source();
        ImageDestination d = request.destination()) {
      return Copier.builder().parallelism(4).build().copy(request);
    }
  }

  @Test
  void copiesAnImageBetweenRegistriesWithItsBytesAndDigest() throws Exception {
    TestImages.Image image = TestImages.image(1, 3, Platform.of("linux", "amd64"));
    TestImages.push(client, ref(hostA, "src/app", "v1"), image);

    CopyResult result =
        copy(
            ImageSource.registry(client, ref(hostA, "src/app", "v1")),
            ImageDestination.registry(client, ref(hostB, "dst/app", "v1")));

    RawManifest copied = client.getManifest(ref(hostB, "dst/app", "v1"));
    assertThat(copied.bytes()).isEqualTo(image.manifest().bytes());
    assertThat(copied.digest()).isEqualTo(image.manifest().digest());
    assertThat(result.root().digest()).isEqualTo(image.manifest().digest());
    assertThat(result.blobsCopied()).isEqualTo(4);
    assertThat(result.bytesCopied())
        .isEqualTo(image.blobs().stream().mapToLong(x -> x.size()).sum());
    for (var blob : image.blobs()) {
      assertThat(client.statBlob(repo(hostB, "dst/app"), Digest.sha256(blob))).isPresent();
    }
  }

  private static Repository repo(RegistryHost host, String name) {
    return new Repository(host, RepositoryName.of(name));
  }

  @Test
  void blobsTheDestinationHasAreSkippedAfterOneHead() throws Exception {
    TestImages.Image image = TestImages.image(2, 3, Platform.of("linux", "amd64"));
    TestImages.push(client, ref(hostA, "src/app", "v1"), image);
    copy(
        ImageSource.registry(client, ref(hostA, "src/app", "v1")),
        ImageDestination.registry(client, ref(hostB, "dst/app", "v1")));
    a.clear();
    b.clear();

    CopyResult again =
        copy(
            ImageSource.registry(client, ref(hostA, "src/app", "v1")),
            ImageDestination.registry(client, ref(hostB, "dst/app", "v2")));

    assertThat(again.blobsExisting()).isEqualTo(4);
    assertThat(again.blobsCopied()).isZero();
    assertThat(b.count("HEAD", "/blobs/")).isEqualTo(4);
    assertThat(b.count("POST", "/blobs/uploads")).isZero();
    assertThat(b.count("PUT", "/blobs/uploads")).isZero();
    assertThat(a.count("GET", "/blobs/")).isZero();
    assertThat(client.getManifest(ref(hostB, "dst/app", "v2")).digest())
        .isEqualTo(image.manifest().digest());
  }

  @Test
  void blobsOfTheSameRegistryAreMountedNotMoved() throws Exception {
    TestImages.Image image = TestImages.image(3, 2, Platform.of("linux", "amd64"));
    TestImages.push(client, ref(hostA, "team/one", "v1"), image);
    a.clear();

    CopyResult result =
        copy(
            ImageSource.registry(client, ref(hostA, "team/one", "v1")),
            ImageDestination.registry(client, ref(hostA, "team/two", "v1")));

    assertThat(result.blobsMounted()).isEqualTo(3);
    assertThat(result.blobsCopied()).isZero();
    assertThat(a.seen.stream().filter(s -> s.startsWith("POST ") && s.contains("mount=")))
        .hasSize(3);
    assertThat(a.count("GET", "/blobs/sha")).isZero();
    assertThat(a.count("PATCH", "/blobs/")).isZero();
    assertThat(client.getManifest(ref(hostA, "team/two", "v1")).bytes())
        .isEqualTo(image.manifest().bytes());
  }

  @Test
  void anIndexWithAllPlatformsKeepsItsDigest() throws Exception {
    TestImages.Index index =
        TestImages.index(
            4, List.of(Platform.of("linux", "amd64"), Platform.of("linux", "arm64", "v8")));
    TestImages.push(client, ref(hostA, "src/multi", "v1"), index);

    CopyResult result =
        copy(
            ImageSource.registry(client, ref(hostA, "src/multi", "v1")),
            ImageDestination.registry(client, ref(hostB, "dst/multi", "v1")));

    assertThat(client.getManifest(ref(hostB, "dst/multi", "v1")).bytes())
        .isEqualTo(index.manifest().bytes());
    assertThat(result.manifests())
        .extracting(Descriptor::digest)
        .containsExactly(
            index.children().get(0).manifest().digest(),
            index.children().get(1).manifest().digest(),
            index.manifest().digest());
    for (TestImages.Image child : index.children()) {
      assertThat(
              client.getManifest(
                  Reference.of(hostB, RepositoryName.of("dst/multi"), child.manifest().digest())))
          .isEqualTo(child.manifest());
    }
  }

  @Test
  void aCopyHoldingMoreManifestsThanAllowedFailsBeforeWritingAnything() throws Exception {
    TestImages.Index index =
        TestImages.index(
            5, List.of(Platform.of("linux", "amd64"), Platform.of("linux", "arm64", "v8")));
    TestImages.push(client, ref(hostA, "src/many", "v1"), index);
    CopyRequest request =
        CopyRequest.of(
            ImageSource.registry(client, ref(hostA, "src/many", "v1")),
            ImageDestination.registry(client, ref(hostB, "dst/many", "v1")));

    // The index and its two children are three manifests: a limit of two refuses the copy.
    assertThatThrownBy(() -> Copier.builder().maxManifests(2, Long.MAX_VALUE).build().copy(request))
        .isInstanceOfSatisfying(
            CopyException.class, e -> assertThat(e.getMessage()).contains("more than 2 manifests"));
    assertThat(b.count("PUT", "/manifests/")).isZero();
    // A byte limit below the index's own size refuses it too; the defaults copy it.
    assertThatThrownBy(() -> Copier.builder().maxManifests(100, 10).build().copy(request))
        .isInstanceOf(CopyException.class);
    assertThat(Copier.builder().build().copy(request).root().digest())
        .isEqualTo(index.manifest().digest());
  }

  @Test
  void onePlatformOfAnIndexCopiesOnlyItsManifest() throws Exception {
    TestImages.Index index =
        TestImages.index(
            5, List.of(Platform.of("linux", "amd64"), Platform.of("linux", "arm64", "v8")));
    TestImages.push(client, ref(hostA, "src/multi", "v1"), index);

    CopyResult result =
        copy(
            CopyRequest.of(
                    ImageSource.registry(client, ref(hostA, "src/multi", "v1")),
                    ImageDestination.registry(client, ref(hostB, "dst/multi", "arm")))
                .withPlatforms(PlatformSelection.of(Platform.parse("linux/arm64"))));

    TestImages.Image arm = index.children().get(1);
    assertThat(result.root().digest()).isEqualTo(arm.manifest().digest());
    assertThat(client.getManifest(ref(hostB, "dst/multi", "arm")).bytes())
        .isEqualTo(arm.manifest().bytes());
    Digest amdLayer = Digest.sha256(index.children().get(0).blobs().get(1));
    assertThat(client.statBlob(repo(hostB, "dst/multi"), amdLayer)).isEmpty();

    assertThatThrownBy(
            () ->
                copy(
                    CopyRequest.of(
                            ImageSource.registry(client, ref(hostA, "src/multi", "v1")),
                            ImageDestination.registry(client, ref(hostB, "dst/multi", "s390x")))
                        .withPlatforms(PlatformSelection.of(Platform.parse("linux/s390x")))))
        .isInstanceOfSatisfying(
            CopyException.class,
            e -> {
              assertThat(e.step()).isEqualTo(CopyException.Step.SELECT_PLATFORM);
              assertThat(e.getMessage()).contains("linux/s390x").contains("linux/amd64");
            });
  }

  @Test
  void severalPlatformsMakeAFilteredIndex() throws Exception {
    List<Platform> platforms =
        List.of(
            Platform.of("linux", "amd64"),
            Platform.of("linux", "arm64", "v8"),
            Platform.of("linux", "ppc64le"));
    TestImages.Index index = TestImages.index(6, platforms);
    TestImages.push(client, ref(hostA, "src/multi", "v1"), index);

    CopyResult result =
        copy(
            CopyRequest.of(
                    ImageSource.registry(client, ref(hostA, "src/multi", "v1")),
                    ImageDestination.registry(client, ref(hostB, "dst/multi", "two")))
                .withPlatforms(
                    PlatformSelection.of(
                        Platform.parse("linux/amd64"), Platform.parse("linux/ppc64le"))));

    var copied =
        (io.wharf.oci.model.ImageIndex) client.getManifest(ref(hostB, "dst/multi", "two")).parse();
    assertThat(copied.manifests())
        .extracting(Descriptor::digest)
        .containsExactly(
            index.children().get(0).manifest().digest(),
            index.children().get(2).manifest().digest());
    assertThat(result.root().digest()).isNotEqualTo(index.manifest().digest());
  }

  @Test
  void referrersComeAlongRecursivelyToRegistriesAndLayoutsAndBack() throws Exception {
    TestImages.Image image = TestImages.image(7, 2, Platform.of("linux", "amd64"));
    Reference src = ref(hostA, "src/signed", "v1");
    TestImages.push(client, src, image);
    TestImages.Image signature =
        TestImages.referrer(image.descriptor(), TestImages.SIGNATURE, "signed");
    TestImages.Image sbom = TestImages.referrer(image.descriptor(), TestImages.SBOM, "sbom");
    TestImages.Image sbomSignature =
        TestImages.referrer(sbom.descriptor(), TestImages.SIGNATURE, "sbom signed");
    for (TestImages.Image r : List.of(signature, sbom, sbomSignature)) {
      TestImages.push(client, src.atDigest(r.manifest().digest()), r);
    }

    // registry -> layout directory
    Path layout = temp.resolve("layout");
    CopyResult toLayout =
        copy(
            CopyRequest.of(
                    ImageSource.registry(client, src),
                    ImageDestination.layoutDirectory(layout, Optional.of(Tag.of("v1"))))
                .withReferrers(true));
    assertThat(toLayout.manifests()).hasSize(4);
    try (OciLayout l = OciLayout.open(layout)) {
      assertThat(l.verify().problems()).isEmpty();
      assertThat(l.find("v1").orElseThrow().digest()).isEqualTo(image.manifest().digest());
      assertThat(l.manifests())
          .extracting(Descriptor::digest)
          .contains(
              signature.manifest().digest(),
              sbom.manifest().digest(),
              sbomSignature.manifest().digest());
    }

    // layout directory -> another registry: the subject scan finds all three
    Reference dst = ref(hostB, "dst/signed", "v1");
    copy(
        CopyRequest.of(
                ImageSource.layout(layout, Optional.of("v1")),
                ImageDestination.registry(client, dst))
            .withReferrers(true));
    assertThat(client.referrers(Repository.of(dst), image.manifest().digest()))
        .extracting(Descriptor::digest)
        .containsExactlyInAnyOrder(signature.manifest().digest(), sbom.manifest().digest());
    assertThat(client.referrers(Repository.of(dst), sbom.manifest().digest()))
        .extracting(Descriptor::digest)
        .containsExactly(sbomSignature.manifest().digest());
    assertThat(client.getManifest(dst.atDigest(sbomSignature.manifest().digest())).bytes())
        .isEqualTo(sbomSignature.manifest().bytes());

    // Without referrers, none go.
    Reference plain = ref(hostB, "dst/plain", "v1");
    copy(ImageSource.registry(client, src), ImageDestination.registry(client, plain));
    assertThat(client.referrers(Repository.of(plain), image.manifest().digest())).isEmpty();
  }

  @Test
  void anArtifactWithItsSubjectCopiesAsItIs() throws Exception {
    TestImages.Image image = TestImages.image(8, 1, Platform.of("linux", "amd64"));
    Reference src = ref(hostA, "src/art", "v1");
    TestImages.push(client, src, image);
    TestImages.Image signature =
        TestImages.referrer(image.descriptor(), TestImages.SIGNATURE, "signed");
    TestImages.push(client, ref(hostA, "src/art", "sig"), signature);

    copy(
        ImageSource.registry(client, ref(hostA, "src/art", "sig")),
        ImageDestination.registry(client, ref(hostB, "dst/art", "sig")));

    assertThat(client.getManifest(ref(hostB, "dst/art", "sig")).bytes())
        .isEqualTo(signature.manifest().bytes());
  }

  @Test
  void archivesRoundTripExactly() throws Exception {
    TestImages.Index index =
        TestImages.index(
            9, List.of(Platform.of("linux", "amd64"), Platform.of("linux", "arm64", "v8")));
    TestImages.push(client, ref(hostA, "src/multi", "v1"), index);
    Path archive = temp.resolve("out/image.tar");

    copy(
        ImageSource.registry(client, ref(hostA, "src/multi", "v1")),
        ImageDestination.layoutArchive(archive, Optional.of(Tag.of("v1"))));
    try (OciLayout l = OciLayout.open(archive)) {
      assertThat(l.verify().problems()).isEmpty();
      assertThat(l.find("v1").orElseThrow().digest()).isEqualTo(index.manifest().digest());
    }
    assertThat(Files.list(archive.getParent())).containsExactly(archive);

    copy(
        ImageSource.layout(archive, Optional.of("v1")),
        ImageDestination.registry(client, ref(hostB, "back/multi", "v1")));
    assertThat(client.getManifest(ref(hostB, "back/multi", "v1")).bytes())
        .isEqualTo(index.manifest().bytes());
  }

  @Test
  void aTamperedBlobFailsTheCopyAndNothingIsTagged() throws Exception {
    TestImages.Image image = TestImages.image(10, 2, Platform.of("linux", "amd64"));
    TestImages.push(client, ref(hostA, "src/app", "v1"), image);
    a.tamper = true;

    assertThatThrownBy(
            () ->
                copy(
                    ImageSource.registry(client, ref(hostA, "src/app", "v1")),
                    ImageDestination.registry(client, ref(hostB, "dst/app", "v1"))))
        .isInstanceOfSatisfying(
            CopyException.class,
            e -> {
              assertThat(e.step()).isEqualTo(CopyException.Step.COPY_BLOB);
              assertThat(e.digest()).isPresent();
              assertThat(e.getMessage()).contains(e.digest().get().toString());
              assertThat(digestInvalid(e)).as("DIGEST_INVALID in the causes of %s", e).isTrue();
            });
    assertThat(client.headManifest(ref(hostB, "dst/app", "v1"))).isEmpty();

    Path layout = temp.resolve("tampered");
    assertThatThrownBy(
            () ->
                copy(
                    ImageSource.registry(client, ref(hostA, "src/app", "v1")),
                    ImageDestination.layoutDirectory(layout, Optional.of(Tag.of("v1")))))
        .isInstanceOf(CopyException.class)
        .satisfies(e -> assertThat(digestInvalid(e)).isTrue());
    assertThat(layout.resolve("index.json")).doesNotExist();
    for (var blob : image.blobs()) {
      Digest d = Digest.sha256(blob);
      assertThat(layout.resolve("blobs/sha256/" + d.encoded())).doesNotExist();
    }
  }

  private static boolean digestInvalid(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InvalidContentException ice && ice.code() == ErrorCode.DIGEST_INVALID) {
        return true;
      }
      if (t.getMessage() != null && t.getMessage().contains("DIGEST_INVALID")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void blobsMoveInParallelUpToTheLimit() throws Exception {
    TestImages.Image image = TestImages.image(11, 7, Platform.of("linux", "amd64"));
    TestImages.push(client, ref(hostA, "src/app", "v1"), image);
    // The first three blob GETs are held until all three are in flight: a copier that sent fewer
    // at once would leave the maximum under 3 (after the handler's 30 s guard), one that sent
    // more would take it over.
    a.blobGetsTogether = new CountDownLatch(3);
    List<CopyProgress> finished = new CopyOnWriteArrayList<>();
    AtomicLong progressed = new AtomicLong();

    try (ImageSource s = ImageSource.registry(client, ref(hostA, "src/app", "v1"));
        ImageDestination d =
            ImageDestination.layoutDirectory(temp.resolve("par"), Optional.empty())) {
      Copier.builder()
          .parallelism(3)
          .listener(
              new CopyListener() {
                @Override
                public void blobProgressed(Descriptor blob, long bytesDone, CopyProgress totals) {
                  progressed.incrementAndGet();
                }

                @Override
                public void blobFinished(
                    Descriptor blob, BlobOutcome outcome, CopyProgress totals) {
                  finished.add(totals);
                }
              })
          .build()
          .copy(CopyRequest.of(s, d));
    }

    assertThat(a.maxInFlight.get()).isEqualTo(3);
    long total = image.blobs().stream().mapToLong(x -> x.size()).sum();
    assertThat(finished).hasSize(8);
    assertThat(finished).allSatisfy(t -> assertThat(t.bytesTotal()).isEqualTo(total));
    assertThat(finished.stream().mapToLong(CopyProgress::bytesDone).max().orElseThrow())
        .isEqualTo(total);
    assertThat(finished.stream().mapToInt(CopyProgress::blobsDone).max().orElseThrow())
        .isEqualTo(8);
    assertThat(progressed.get()).isGreaterThanOrEqualTo(8);
  }

  @Test
  void aLayoutWithSeveralEntriesNeedsATag() throws Exception {
    TestImages.Image one = TestImages.image(12, 1, Platform.of("linux", "amd64"));
    TestImages.Image two = TestImages.image(13, 1, Platform.of("linux", "amd64"));
    TestImages.push(client, ref(hostA, "src/app", "one"), one);
    TestImages.push(client, ref(hostA, "src/app", "two"), two);
    Path layout = temp.resolve("two-tags");
    copy(
        ImageSource.registry(client, ref(hostA, "src/app", "one")),
        ImageDestination.layoutDirectory(layout, Optional.of(Tag.of("one"))));
    copy(
        ImageSource.registry(client, ref(hostA, "src/app", "two")),
        ImageDestination.layoutDirectory(layout, Optional.of(Tag.of("two"))));

    assertThatThrownBy(
            () ->
                copy(
                    ImageSource.layout(layout, Optional.empty()),
                    ImageDestination.registry(client, ref(hostB, "x/y", "z"))))
        .isInstanceOfSatisfying(
            CopyException.class,
            e -> {
              assertThat(e.step()).isEqualTo(CopyException.Step.READ_ROOT);
              assertThat(e.getMessage()).contains("one").contains("two");
            });
    CopyResult r =
        copy(
            ImageSource.layout(layout, Optional.of("two")),
            ImageDestination.registry(client, ref(hostB, "x/y", "z")));
    assertThat(r.root().digest()).isEqualTo(two.manifest().digest());
  }
}
