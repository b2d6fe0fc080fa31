package io.wharf.oci.storage.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.ManifestPut;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.StorageCheck;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The collector's decisions over the in-memory stores: what it keeps (tags, what kept indexes list,
 * referrers of kept manifests, young content, blobs other repositories link) and what it takes, in
 * full, dry and incremental runs. Links are dated by the store's own clock (now), so the
 * collector's clock is moved past the grace period to make them old.
 */
class GarbageCollectorTest {

  private static final Instant PUSHED = Instant.parse("2024-05-01T10:00:00Z");
  private static final Duration GRACE = Duration.ofHours(1);
  private static final RepositoryName APP = RepositoryName.of("team/app");
  private static final RepositoryName OTHER = RepositoryName.of("team/other");
  private static final MediaType SBOM = MediaType.parse("application/vnd.example.sbom.v1+json");

  private final RegistryStorage storage = RegistryStorage.inMemory().checked();

  /** A clock two grace periods after now: every link made by the test so far is old. */
  private static Clock later() {
    return Clock.fixed(Instant.now().plus(GRACE.multipliedBy(2)), ZoneOffset.UTC);
  }

  private GarbageCollector collector(boolean deleteUntagged, Clock clock) {
    return GarbageCollector.builder(storage)
        .gracePeriod(GRACE)
        .deleteUntagged(deleteUntagged)
        .clock(clock)
        .build();
  }

  @Test
  void aPacedCollectorDecidesAsAnUnpacedOne() throws Exception {
    push(APP, image("kept", "shared"), PUSHED, "v1");
    push(APP, image("untagged", "shared"), PUSHED);
    storage.metadata().linkBlob(APP, info(storeBlob("stray upload")));
    storeBlob("never linked");

    GcReport dry = collector(true, later()).run(GcRequest.dryRunOnly());
    GcReport paced =
        GarbageCollector.builder(storage)
            .gracePeriod(GRACE)
            .deleteUntagged(true)
            .clock(later())
            .dutyCycle(0.5)
            .build()
            .run(GcRequest.fullRun());

    assertThat(paced.manifestsDeleted()).isEqualTo(dry.manifestsDeleted()).isEqualTo(1);
    assertThat(paced.linksRemoved()).isEqualTo(dry.linksRemoved());
    assertThat(paced.blobsDeleted()).isEqualTo(dry.blobsDeleted()).isGreaterThan(1);
  }

  @Test
  void keepsTaggedImagesAndTakesOldUnreferencedLinksAndBlobs() throws Exception {
    RawManifest kept = image("kept", "shared");
    push(APP, kept, PUSHED, "v1");
    Descriptor stray = storeBlob("stray upload");
    storage.metadata().linkBlob(APP, info(stray));
    Descriptor orphan = storeBlob("never linked");

    GcReport report = collector(false, later()).run(GcRequest.fullRun());

    assertThat(report.linksRemoved()).isEqualTo(1);
    assertThat(report.blobsDeleted()).isEqualTo(2);
    assertThat(report.bytesReclaimed()).isEqualTo(stray.size() + orphan.size());
    assertThat(storage.metadata().isBlobLinked(APP, stray.digest())).isFalse();
    assertThat(storage.blobs().stat(stray.digest())).isEmpty();
    assertThat(storage.blobs().stat(orphan.digest())).isEmpty();
    assertPullable(APP, kept);
    assertThat(StorageCheck.check(storage).isClean()).isTrue();
  }

  @Test
  void aDryRunReportsTheSameAndDeletesNothing() throws Exception {
    push(APP, image("kept", "k"), PUSHED, "v1");
    RawManifest untagged = image("untagged", "u");
    push(APP, untagged, PUSHED);
    Descriptor orphan = storeBlob("never linked");

    GcReport dry = collector(true, later()).run(GcRequest.dryRunOnly());
    assertThat(storage.blobs().stat(orphan.digest())).isPresent();
    assertPullable(APP, untagged);

    GcReport applied = collector(true, later()).run(GcRequest.fullRun());
    assertThat(dry.request().dryRun()).isTrue();
    assertThat(dry.manifestsDeleted()).isEqualTo(applied.manifestsDeleted()).isEqualTo(1);
    // The untagged manifest's links lost their user in this run: a later run takes them.
    assertThat(dry.linksRemoved()).isEqualTo(applied.linksRemoved()).isZero();
    assertThat(dry.blobsDeleted()).isEqualTo(applied.blobsDeleted()).isEqualTo(1);
    assertThat(dry.keptYoung()).isEqualTo(applied.keptYoung()).isEqualTo(2);
    assertThat(dry.bytesReclaimed()).isEqualTo(applied.bytesReclaimed());
    assertThat(items(dry)).isEqualTo(items(applied));
    assertThat(storage.metadata().getManifest(APP, untagged.digest())).isEmpty();
    // A run after the grace period (counted from the manifest's deletion) takes them.
    GcReport afterGrace =
        collector(true, Clock.offset(later(), GRACE.multipliedBy(2))).run(GcRequest.fullRun());
    assertThat(afterGrace.linksRemoved()).isEqualTo(2);
    assertThat(afterGrace.blobsDeleted()).isEqualTo(2);
    assertThat(StorageCheck.check(storage).isClean()).isTrue();
  }

  @Test
  void untaggedManifestsStayUnlessAskedFor() throws Exception {
    RawManifest untagged = image("untagged", "u");
    push(APP, untagged, PUSHED);
    GcReport report = collector(false, later()).run(GcRequest.fullRun());
    assertThat(report.manifestsDeleted()).isZero();
    assertPullable(APP, untagged);
  }

  @Test
  void keepsWhatAKeptIndexListsAndTheReferrersOfKeptManifests() throws Exception {
    RawManifest amd64 = image("amd64", "a");
    RawManifest arm64 = image("arm64", "b");
    push(APP, amd64, PUSHED);
    push(APP, arm64, PUSHED);
    RawManifest index = index(amd64, arm64);
    push(APP, index, PUSHED, "latest");
    RawManifest sbom = artifact("sbom of index", index);
    push(APP, sbom, PUSHED);
    RawManifest childSignature = artifact("signature of amd64", amd64);
    push(APP, childSignature, PUSHED);

    GcReport report = collector(true, later()).run(GcRequest.fullRun());

    assertThat(report.manifestsDeleted()).isZero();
    assertThat(report.blobsDeleted()).isZero();
    for (RawManifest m : List.of(amd64, arm64, index, sbom, childSignature)) {
      assertPullable(APP, m);
    }
  }

  @Test
  void anUntaggedIndexGoesWithTheChildrenOnlyItListedAndTheReferrersOfEach() throws Exception {
    RawManifest shared = image("shared child", "s");
    RawManifest own = image("own child", "o");
    push(APP, shared, PUSHED, "shared");
    push(APP, own, PUSHED);
    RawManifest index = index(shared, own);
    push(APP, index, PUSHED);
    RawManifest sbom = artifact("sbom of index", index);
    push(APP, sbom, PUSHED);
    RawManifest signature = artifact("signature of the sbom", sbom);
    push(APP, signature, PUSHED);

    GcReport report = collector(true, later()).run(GcRequest.fullRun());

    assertThat(report.manifestsDeleted()).isEqualTo(4);
    for (RawManifest gone : List.of(own, index, sbom, signature)) {
      assertThat(storage.metadata().getManifest(APP, gone.digest())).isEmpty();
    }
    assertPullable(APP, shared);
    assertThat(StorageCheck.check(storage).isClean()).isTrue();
  }

  @Test
  void keepsABlobAnotherRepositoryStillLinks() throws Exception {
    RawManifest mine = image("mine", "common layer");
    RawManifest theirs = image("theirs", "common layer");
    push(APP, mine, PUSHED);
    push(OTHER, theirs, PUSHED, "v1");

    collector(true, later()).run(GcRequest.fullRun());

    assertThat(storage.metadata().getManifest(APP, mine.digest())).isEmpty();
    assertPullable(OTHER, theirs);
  }

  @Test
  void keepsYoungContentAndATaggedManifestPushedAfterTheCutoff() throws Exception {
    RawManifest young = image("young", "y");
    push(APP, young, Instant.now());
    Descriptor fresh = storeBlob("fresh upload");
    storage.metadata().linkBlob(APP, info(fresh));

    GcReport report =
        collector(true, Clock.fixed(Instant.now(), ZoneOffset.UTC)).run(GcRequest.fullRun());

    assertThat(report.manifestsDeleted()).isZero();
    assertThat(report.linksRemoved()).isZero();
    assertThat(report.blobsDeleted()).isZero();
    assertThat(report.keptYoung()).isGreaterThanOrEqualTo(2);
    assertPullable(APP, young);
    assertThat(storage.blobs().stat(fresh.digest())).isPresent();
  }

  @Test
  void incrementalRunsCollectWhatChangedAndComeBackToWhatWasTooYoung() throws Exception {
    RawManifest v1 = image("v1", "one");
    push(APP, v1, PUSHED, "latest");
    RawManifest other = image("other", "two");
    push(OTHER, other, PUSHED, "v1");
    collector(true, later()).run(GcRequest.fullRun());
    // The journal still names what the pushes wrote: a first incremental run drains it.
    collector(true, later()).run(GcRequest.incremental());
    collector(true, later()).run(GcRequest.incremental());
    assertThat(collector(true, later()).run(GcRequest.incremental()).repositories()).isZero();

    // The tag moves: v1 becomes untagged garbage; OTHER is not touched.
    RawManifest v2 = image("v2", "three");
    push(APP, v2, PUSHED, "latest");
    GcReport first = collector(true, later()).run(GcRequest.incremental());
    assertThat(first.repositories()).isEqualTo(1);
    assertThat(first.manifestsDeleted()).isEqualTo(1);
    assertThat(storage.metadata().getManifest(APP, v1.digest())).isEmpty();
    // Its blobs lost their last link in this run; the journal hands them on.
    GcReport second = collector(true, later()).run(GcRequest.incremental());
    assertThat(first.blobsDeleted() + second.blobsDeleted()).isEqualTo(2);
    assertThat(storage.blobs().stat(v1Layer("one"))).isEmpty();

    // A link too young is remembered, and collected by a run after the grace period.
    Descriptor stray = storeBlob("stray");
    storage.metadata().linkBlob(APP, info(stray));
    GcReport now =
        collector(true, Clock.fixed(Instant.now(), ZoneOffset.UTC)).run(GcRequest.incremental());
    assertThat(now.linksRemoved()).isZero();
    GcReport afterwards = collector(true, later()).run(GcRequest.incremental());
    GcReport last = collector(true, later()).run(GcRequest.incremental());
    assertThat(afterwards.linksRemoved()).isEqualTo(1);
    assertThat(afterwards.blobsDeleted() + last.blobsDeleted()).isEqualTo(1);
    assertPullable(APP, v2);
    assertPullable(OTHER, other);
    assertThat(StorageCheck.check(storage).isClean()).isTrue();
  }

  // ------------------------------------------------------------------------------------ helpers

  private static List<String> items(GcReport report) {
    return report.items().stream().map(GcItem::describe).sorted().collect(Collectors.toList());
  }

  private void assertPullable(RepositoryName repo, RawManifest manifest) throws IOException {
    assertThat(storage.metadata().getManifest(repo, manifest.digest())).contains(manifest);
    for (Descriptor d : manifest.parse().references()) {
      if (d.mediaType().isManifest()) {
        continue;
      }
      assertThat(storage.metadata().isBlobLinked(repo, d.digest())).as("link %s", d).isTrue();
      assertThat(storage.blobs().stat(d.digest())).as("blob %s", d).isPresent();
    }
  }

  private static Digest v1Layer(String seed) {
    return layer(seed).digest();
  }

  private static Descriptor layer(String seed) {
    return content(MediaType.OCI_LAYER_TAR_GZIP, Bytes.utf8("layer " + seed));
  }

  private static Descriptor config(String seed) {
    return content(MediaType.OCI_IMAGE_CONFIG, Bytes.utf8("{\"seed\":\"" + seed + "\"}"));
  }

  /** The bytes behind the test's descriptors, found again from their digests. */
  private static final Map<Digest, Bytes> CONTENT = new ConcurrentHashMap<>();

  static {
    // The config of every artifact (ImageManifest.artifact).
    CONTENT.put(Descriptor.EMPTY_JSON.digest(), Bytes.utf8("{}"));
  }

  private static Descriptor content(MediaType type, Bytes bytes) {
    Descriptor d = Descriptor.of(type, bytes);
    CONTENT.put(d.digest(), bytes);
    return d;
  }

  private static RawManifest image(String seed, String layerSeed) {
    return ManifestCodec.defaults()
        .encode(ImageManifest.of(config(seed), List.of(layer(layerSeed))));
  }

  private static RawManifest artifact(String seed, RawManifest subject) {
    return ManifestCodec.defaults()
        .encode(
            ImageManifest.artifact(SBOM, List.of(layer(seed))).withSubject(subject.descriptor()));
  }

  private static RawManifest index(RawManifest... children) {
    return ManifestCodec.defaults()
        .encode(ImageIndex.of(Arrays.stream(children).map(RawManifest::descriptor).toList()));
  }

  private static BlobInfo info(Descriptor d) {
    return new BlobInfo(d.digest(), d.size());
  }

  private Descriptor storeBlob(String seed) throws IOException {
    Bytes content = Bytes.utf8("blob " + seed);
    Descriptor d = Descriptor.of(MediaType.OCI_LAYER_TAR_GZIP, content);
    storage.blobs().put(content.openStream(), d.digest());
    return d;
  }

  /** Stores the blobs {@code m} refers to, links them, and puts {@code m} with {@code tags}. */
  private void push(RepositoryName repo, RawManifest m, Instant at, String... tags)
      throws IOException {
    for (Descriptor d : m.parse().references()) {
      if (d.mediaType().isManifest()) {
        continue;
      }
      Bytes content = contentOf(d);
      storage.blobs().put(content.openStream(), d.digest());
      storage.metadata().linkBlob(repo, info(d));
    }
    Set<Tag> set = Arrays.stream(tags).map(Tag::of).collect(Collectors.toSet());
    storage.metadata().putManifest(repo, ManifestPut.of(m, set, at));
  }

  private static Bytes contentOf(Descriptor d) {
    Bytes b = CONTENT.get(d.digest());
    if (b == null) {
      throw new IllegalStateException("unknown content " + d);
    }
    return b;
  }
}
