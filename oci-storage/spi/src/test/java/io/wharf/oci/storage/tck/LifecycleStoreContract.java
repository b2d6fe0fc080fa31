package io.wharf.oci.storage.tck;

import static io.wharf.oci.storage.tck.MetadataStoreContract.artifact;
import static io.wharf.oci.storage.tck.MetadataStoreContract.blob;
import static io.wharf.oci.storage.tck.MetadataStoreContract.image;
import static io.wharf.oci.storage.tck.MetadataStoreContract.index;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.model.testing.Concurrently;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.BlobLink;
import io.wharf.oci.storage.CheckedMetadataStore;
import io.wharf.oci.storage.ContentReference;
import io.wharf.oci.storage.JournalBatch;
import io.wharf.oci.storage.LifecycleStore;
import io.wharf.oci.storage.ManifestNode;
import io.wharf.oci.storage.ManifestPut;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.PageRequest;
import io.wharf.oci.storage.ProjectUsage;
import io.wharf.oci.storage.RepositoryContent;
import io.wharf.oci.storage.TagRecord;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link MetadataStore#lifecycle()}, as {@link LifecycleStore}'s Javadoc states it:
 * consistent repository reads, deletes that re-check at the moment they run, the change journal,
 * and a sweep that no link can race.
 *
 * <p>To adopt it, a backend's test class extends this class and implements {@link
 * #newStore(Clock)}, which returns a fresh, empty store that dates blob links with the given clock;
 * the contract closes it after the test. Manifests are pushed at the instants the tests give, links
 * are made at the clock's time, which the tests move.
 */
public abstract class LifecycleStoreContract {

  /** A fresh, empty store whose blob links are dated by {@code clock}. The contract closes it. */
  protected abstract MetadataStore newStore(Clock clock) throws Exception;

  protected static final Instant T0 = Instant.parse("2025-02-01T08:00:00Z");
  protected static final Instant T1 = T0.plusSeconds(3600);
  protected static final Instant T2 = T1.plusSeconds(3600);

  protected static final RepositoryName REPO = RepositoryName.of("team/app");
  protected static final RepositoryName OTHER = RepositoryName.of("team/other");

  protected static final MediaType SIGNATURE =
      MediaType.parse("application/vnd.example.signature.v1+json");

  /** The clock the store dates links with; at {@link #T0} when each test starts. */
  protected final MutableClock clock = new MutableClock(T0);

  /** The store under test, made before each test. */
  protected MetadataStore store;

  /** Its lifecycle operations. */
  protected LifecycleStore lifecycle;

  @BeforeEach
  void openStore() throws Exception {
    store = newStore(clock);
    lifecycle = store.lifecycle();
  }

  @AfterEach
  void closeStore() throws IOException {
    if (store != null) {
      store.close();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // content()

  @Test
  void theContentOfAnAbsentRepositoryIsEmpty() throws IOException {
    assertThat(lifecycle.content(REPO))
        .isEqualTo(new RepositoryContent(REPO, List.of(), List.of(), List.of()));
    assertThat(store.lifecycle()).isSameAs(lifecycle);
  }

  @Test
  void contentHasTheTagsManifestsReferencesAndLinksOfAPushedImageIndexAndReferrer()
      throws IOException {
    RawManifest image = image("content");
    RawManifest index = index(List.of(image));
    RawManifest signature = artifact(SIGNATURE, "sig", image);
    ManifestPut imagePut = ManifestPut.of(image, Set.of(Tag.of("v1")), T0);
    ManifestPut indexPut = ManifestPut.of(index, Set.of(Tag.of("multi"), Tag.of("latest")), T1);
    ManifestPut signaturePut = ManifestPut.of(signature, Set.of(), T2);
    push(imagePut);
    clock.set(T1);
    push(indexPut);
    clock.set(T2);
    push(signaturePut);
    Instant pulled = T2.plusSeconds(5);
    store.recordPull(REPO, image.digest(), Optional.of(Tag.of("v1")), pulled);
    BlobInfo other = blob("unrelated");
    store.linkBlob(OTHER, other);

    RepositoryContent content = lifecycle.content(REPO);

    assertThat(content.repository()).isEqualTo(REPO);
    assertThat(content.tags())
        .containsExactly(
            new TagRecord(Tag.of("latest"), index.digest(), T1, Optional.empty()),
            new TagRecord(Tag.of("multi"), index.digest(), T1, Optional.empty()),
            new TagRecord(Tag.of("v1"), image.digest(), T0, Optional.of(pulled)));
    List<ManifestNode> expected = new ArrayList<>();
    expected.add(node(imagePut, Optional.of(pulled)));
    expected.add(node(indexPut, Optional.empty()));
    expected.add(node(signaturePut, Optional.empty()));
    expected.sort(Comparator.comparing(ManifestNode::digest));
    assertThat(content.manifests()).containsExactlyElementsOf(expected);
    ManifestNode sig = nodeOf(content, signature.digest());
    assertThat(sig.subject()).contains(image.digest());
    assertThat(sig.artifactType()).contains(SIGNATURE.value());
    assertThat(nodeOf(content, index.digest()).references())
        .containsExactly(
            new ContentReference(index.digest(), image.digest(), ContentReference.Kind.CHILD));

    List<BlobLink> links = new ArrayList<>();
    for (ManifestPut put : List.of(imagePut, signaturePut)) {
      Instant linkedAt = put == imagePut ? T0 : T2;
      for (Descriptor d : put.blobs()) {
        if (d.mediaType().isDistributable()
            && links.stream().noneMatch(l -> l.digest().equals(d.digest()))) {
          links.add(new BlobLink(d.digest(), d.size(), linkedAt));
        }
      }
    }
    links.sort(Comparator.comparing(BlobLink::digest));
    assertThat(content.links()).containsExactlyElementsOf(links);
    assertThat(lifecycle.content(OTHER).links())
        .containsExactly(new BlobLink(other.digest(), other.size(), T2));
  }

  @Test
  void linkingALinkedBlobAgainDatesTheLinkAgain() throws IOException {
    BlobInfo b = blob("again");
    assertThat(store.linkBlob(REPO, b)).isTrue();
    clock.set(T1);
    assertThat(store.linkBlob(REPO, b)).isFalse();
    assertThat(lifecycle.content(REPO).links())
        .containsExactly(new BlobLink(b.digest(), b.size(), T1));
    assertThat(lifecycle.collectLink(REPO, b.digest(), T1))
        .as("linked at T1, not before")
        .isFalse();
    assertThat(lifecycle.collectLink(REPO, b.digest(), T1.plusNanos(1000))).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // removeTag

  @Test
  void removeTagDeletesATagOnlyWhileItPointsAtTheDigest() throws IOException {
    RawManifest a = image("a");
    RawManifest b = image("b");
    push(ManifestPut.of(a, Set.of(Tag.of("v1"), Tag.of("keep")), T0));
    push(ManifestPut.of(b, Set.of(), T0));
    assertThat(store.resolveTag(REPO, Tag.of("v1"))).contains(a.digest()); // cached where cached

    assertThat(lifecycle.removeTag(REPO, Tag.of("v1"), b.digest())).as("points at a").isFalse();
    assertThat(lifecycle.removeTag(REPO, Tag.of("absent"), a.digest())).isFalse();
    assertThat(lifecycle.removeTag(OTHER, Tag.of("v1"), a.digest())).isFalse();
    // Moved since the collector read it: stays.
    push(ManifestPut.of(b, Set.of(Tag.of("v1")), T1));
    assertThat(lifecycle.removeTag(REPO, Tag.of("v1"), a.digest())).isFalse();
    assertThat(store.resolveTag(REPO, Tag.of("v1"))).contains(b.digest());

    assertThat(lifecycle.removeTag(REPO, Tag.of("v1"), b.digest())).isTrue();
    assertThat(store.resolveTag(REPO, Tag.of("v1"))).isEmpty();
    assertThat(store.getManifest(REPO, b.digest())).isPresent();
    assertThat(store.resolveTag(REPO, Tag.of("keep"))).contains(a.digest());
    assertThat(lifecycle.removeTag(REPO, Tag.of("v1"), b.digest())).isFalse();
  }

  // ---------------------------------------------------------------------------------------------
  // collectManifest

  @Test
  void collectManifestRefusesATaggedManifestUntilItsTagGoes() throws IOException {
    RawManifest m = image("tagged");
    push(ManifestPut.of(m, Set.of(Tag.of("v1")), T0));
    assertThat(lifecycle.collectManifest(REPO, m.digest(), T2)).isFalse();
    assertThat(store.getManifest(REPO, m.digest())).contains(m);
    assertThat(lifecycle.removeTag(REPO, Tag.of("v1"), m.digest())).isTrue();
    assertThat(lifecycle.collectManifest(REPO, m.digest(), T2)).isTrue();
    assertThat(store.getManifest(REPO, m.digest())).isEmpty();
    assertThat(store.statManifest(REPO, m.digest())).isEmpty();
  }

  @Test
  void collectManifestRefusesATagThatArrivedAfterTheCollectorRead() throws IOException {
    RawManifest m = image("late-tag");
    push(ManifestPut.of(m, Set.of(), T0));
    RepositoryContent read = lifecycle.content(REPO);
    assertThat(read.tags()).isEmpty();
    push(ManifestPut.of(m, Set.of(Tag.of("now")), T1)); // tagged meanwhile
    assertThat(lifecycle.collectManifest(REPO, m.digest(), T2)).isFalse();
    assertThat(store.resolveTag(REPO, Tag.of("now"))).contains(m.digest());
  }

  @Test
  void collectManifestRefusesAChildOfAStoredIndexUntilTheIndexGoes() throws IOException {
    RawManifest child = image("child");
    RawManifest index = index(List.of(child));
    push(ManifestPut.of(child, Set.of(), T0));
    push(ManifestPut.of(index, Set.of(), T0));
    assertThat(lifecycle.collectManifest(REPO, child.digest(), T2)).isFalse();
    assertThat(store.getManifest(REPO, child.digest())).contains(child);
    assertThat(lifecycle.collectManifest(REPO, index.digest(), T2)).isTrue();
    assertThat(store.referencesTo(REPO, child.digest())).isEmpty();
    assertThat(lifecycle.collectManifest(REPO, child.digest(), T2)).isTrue();
  }

  @Test
  void collectManifestRefusesAReferrerWhoseSubjectIsStoredAndTakesItsReferrerEntry()
      throws IOException {
    RawManifest subject = image("subject");
    RawManifest signature = artifact(SIGNATURE, "sig", subject);
    RawManifest orphan = artifact(SIGNATURE, "orphan", image("never pushed"));
    push(ManifestPut.of(subject, Set.of(), T0));
    push(ManifestPut.of(signature, Set.of(), T0));
    push(ManifestPut.of(orphan, Set.of(), T0));
    assertThat(lifecycle.collectManifest(REPO, signature.digest(), T2)).isFalse();
    assertThat(store.referrers(REPO, subject.digest(), Optional.empty())).hasSize(1);
    // A subject may go first (referrers may dangle); then its referrer is garbage too.
    assertThat(lifecycle.collectManifest(REPO, subject.digest(), T2)).isTrue();
    assertThat(lifecycle.collectManifest(REPO, signature.digest(), T2)).isTrue();
    assertThat(store.referrers(REPO, subject.digest(), Optional.empty())).isEmpty();
    assertThat(lifecycle.collectManifest(REPO, orphan.digest(), T2)).isTrue();
  }

  @Test
  void collectManifestRefusesAManifestPushedAtOrAfterTheCutoff() throws IOException {
    RawManifest m = image("young");
    push(ManifestPut.of(m, Set.of(), T1));
    assertThat(lifecycle.collectManifest(REPO, m.digest(), T0)).isFalse();
    assertThat(lifecycle.collectManifest(REPO, m.digest(), T1)).isFalse();
    assertThat(store.getManifest(REPO, m.digest())).contains(m);
    assertThat(lifecycle.collectManifest(REPO, m.digest(), T1.plusNanos(1000))).isTrue();
  }

  @Test
  void collectManifestOfAnAbsentManifestIsFalse() throws IOException {
    RawManifest m = image("absent");
    assertThat(lifecycle.collectManifest(REPO, m.digest(), T2)).isFalse();
    push(ManifestPut.of(m, Set.of(), T0));
    assertThat(lifecycle.collectManifest(OTHER, m.digest(), T2)).isFalse();
    assertThat(lifecycle.collectManifest(REPO, m.digest(), T2)).isTrue();
    assertThat(lifecycle.collectManifest(REPO, m.digest(), T2)).isFalse();
  }

  @Test
  void aCollectedManifestTakesItsReferencesAndKeepsItsLinks() throws IOException {
    RawManifest m = image("refs");
    ManifestPut put = ManifestPut.of(m, Set.of(), T0);
    push(put);
    assertThat(store.getManifest(REPO, m.digest())).contains(m); // cached where cached
    assertThat(lifecycle.collectManifest(REPO, m.digest(), T2)).isTrue();
    assertThat(store.getManifest(REPO, m.digest())).isEmpty();
    for (Descriptor d : put.blobs()) {
      assertThat(store.referencesTo(REPO, d.digest())).isEmpty();
      assertThat(store.isBlobLinked(REPO, d.digest())).isTrue();
    }
    assertThat(lifecycle.content(REPO).manifests()).isEmpty();
    assertThat(lifecycle.content(REPO).links()).hasSize(put.blobs().size());
  }

  // ---------------------------------------------------------------------------------------------
  // collectLink

  @Test
  void collectLinkRefusesABlobAManifestOfTheRepositoryRefersTo() throws IOException {
    RawManifest m = image("layered");
    ManifestPut put = ManifestPut.of(m, Set.of(), T0);
    push(put);
    Digest config = put.blobs().get(0).digest();
    Digest layer = put.blobs().get(1).digest();
    assertThat(store.isBlobLinked(REPO, layer)).isTrue(); // cached where cached
    assertThat(lifecycle.collectLink(REPO, config, T2)).isFalse();
    assertThat(lifecycle.collectLink(REPO, layer, T2)).isFalse();
    assertThat(store.isBlobLinked(REPO, layer)).isTrue();
    assertThat(lifecycle.collectManifest(REPO, m.digest(), T2)).isTrue();
    assertThat(lifecycle.collectLink(REPO, layer, T2)).isTrue();
    assertThat(store.isBlobLinked(REPO, layer)).isFalse();
    assertThat(lifecycle.collectLink(REPO, layer, T2)).isFalse();
  }

  @Test
  void collectLinkRefusesALinkMadeAtOrAfterTheCutoff() throws IOException {
    BlobInfo b = blob("young link");
    clock.set(T1);
    store.linkBlob(REPO, b);
    assertThat(lifecycle.collectLink(REPO, b.digest(), T0)).isFalse();
    assertThat(lifecycle.collectLink(REPO, b.digest(), T1)).isFalse();
    assertThat(store.isBlobLinked(REPO, b.digest())).isTrue();
    assertThat(lifecycle.collectLink(OTHER, b.digest(), T2)).isFalse();
    assertThat(lifecycle.collectLink(REPO, b.digest(), T2)).isTrue();
  }

  @Test
  void collectsKeepUsageAndRepositoryExistenceRight() throws IOException {
    RawManifest m = image("usage");
    ManifestPut put = ManifestPut.of(m, Set.of(Tag.of("v1")), T0);
    push(put);
    push(OTHER, ManifestPut.of(m, Set.of(), T0));
    BlobInfo extra = blob("extra");
    store.linkBlob(REPO, extra);
    long blobBytes = put.blobs().stream().mapToLong(Descriptor::size).sum();
    assertThat(store.usage(REPO)).isEqualTo(m.size() + blobBytes + extra.size());
    assertThat(store.projectUsage("team"))
        .isEqualTo(new ProjectUsage(m.size() + blobBytes + extra.size(), 2));

    assertThat(lifecycle.removeTag(REPO, Tag.of("v1"), m.digest())).isTrue();
    assertThat(lifecycle.collectManifest(REPO, m.digest(), T2)).isTrue();
    assertThat(store.usage(REPO)).isEqualTo(blobBytes + extra.size());
    // OTHER still holds the manifest and its blobs: the project's bytes do not change.
    assertThat(store.projectUsage("team"))
        .isEqualTo(new ProjectUsage(m.size() + blobBytes + extra.size(), 1));
    assertThat(lifecycle.collectLink(REPO, extra.digest(), T2)).isTrue();
    assertThat(store.projectUsage("team")).isEqualTo(new ProjectUsage(m.size() + blobBytes, 1));
    assertThat(store.projectHolds("team", extra.digest())).isFalse();
    for (Descriptor d : put.blobs()) {
      assertThat(lifecycle.collectLink(REPO, d.digest(), T2)).isTrue();
    }
    assertThat(store.usage(REPO)).isZero();
    assertThat(store.repositoryExists(REPO)).isFalse();
    assertThat(store.repositories(PageRequest.first(10)).items()).containsExactly(OTHER);

    assertThat(lifecycle.collectManifest(OTHER, m.digest(), T2)).isTrue();
    for (Descriptor d : put.blobs()) {
      assertThat(lifecycle.collectLink(OTHER, d.digest(), T2)).isTrue();
    }
    assertThat(store.projectUsage("team")).isEqualTo(ProjectUsage.NONE);
    assertThat(store.repositoryExists(OTHER)).isFalse();
    assertThat(store.repositories(PageRequest.first(10)).items()).isEmpty();
    assertThat(linked()).isEmpty();
  }

  @Test
  void removingTheLastTagOfARepositoryLeavesItWhileItHasManifests() throws IOException {
    RawManifest m = image("exists");
    push(ManifestPut.of(m, Set.of(Tag.of("v1")), T0));
    assertThat(lifecycle.removeTag(REPO, Tag.of("v1"), m.digest())).isTrue();
    assertThat(store.repositoryExists(REPO)).isTrue();
    assertThat(store.tags(REPO, PageRequest.first(10)).items()).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // The journal

  @Test
  void everyWriteToARepositoryJournalsIt() throws IOException {
    assertThat(lifecycle.journal(100)).isEqualTo(new JournalBatch(0, Set.of(), Set.of()));
    assertThat(lifecycle.journal(100).isEmpty()).isTrue();
    RawManifest m = image("journal");
    push(ManifestPut.of(m, Set.of(), T0));
    assertThat(journal().repositories()).containsExactly(REPO);
    trimAll();

    List<ThrowingWrite> writes =
        List.of(
            () -> store.linkBlob(REPO, blob("w")),
            () -> push(ManifestPut.of(m, Set.of(Tag.of("t")), T0)),
            () -> store.deleteTag(REPO, Tag.of("t")),
            () -> push(ManifestPut.of(m, Set.of(Tag.of("t")), T0)),
            () -> lifecycle.removeTag(REPO, Tag.of("t"), m.digest()),
            () -> store.deleteManifest(REPO, m.digest()),
            () -> push(ManifestPut.of(m, Set.of(), T0)),
            () -> lifecycle.collectManifest(REPO, m.digest(), T2),
            () -> store.unlinkBlob(REPO, blob("w").digest()),
            () -> store.linkBlob(REPO, blob("w")),
            () -> lifecycle.collectLink(REPO, blob("w").digest(), T2));
    for (int i = 0; i < writes.size(); i++) {
      assertThat(journal().repositories()).as("write %s, before", i).isEmpty();
      writes.get(i).run();
      assertThat(journal().repositories()).as("write %s", i).containsExactly(REPO);
      trimAll();
    }
  }

  @Test
  void theLastLinkOfABlobGoingJournalsTheBlob() throws IOException {
    BlobInfo b = blob("shared");
    BlobInfo c = blob("collected");
    store.linkBlob(REPO, b);
    store.linkBlob(OTHER, b);
    store.linkBlob(REPO, c);
    trimAll();
    assertThat(store.unlinkBlob(REPO, b.digest())).isTrue();
    assertThat(journal().blobs()).as("OTHER still links it").isEmpty();
    assertThat(store.unlinkBlob(OTHER, b.digest())).isTrue();
    assertThat(journal().blobs()).containsExactly(b.digest());
    assertThat(lifecycle.collectLink(REPO, c.digest(), T2)).isTrue();
    assertThat(journal().blobs()).containsExactlyInAnyOrder(b.digest(), c.digest());
    assertThat(journal().repositories()).containsExactlyInAnyOrder(REPO, OTHER);
  }

  @Test
  void theJournalIsReadOldestFirstAndAnEntryWrittenAgainMovesToTheEnd() throws IOException {
    RepositoryName a = RepositoryName.of("a");
    RepositoryName b = RepositoryName.of("b");
    RepositoryName c = RepositoryName.of("c");
    store.linkBlob(a, blob("a"));
    store.linkBlob(b, blob("b"));
    store.linkBlob(c, blob("c"));
    store.linkBlob(a, blob("a2")); // a moves after c
    JournalBatch first = lifecycle.journal(2);
    assertThat(first.repositories()).containsExactlyInAnyOrder(b, c);
    assertThat(first.upTo()).isPositive();
    JournalBatch all = lifecycle.journal(3);
    assertThat(all.repositories()).containsExactlyInAnyOrder(a, b, c);
    assertThat(all.upTo()).isGreaterThan(first.upTo());
    lifecycle.trimJournal(first);
    assertThat(journal().repositories()).containsExactly(a);
  }

  @Test
  void trimKeepsTheEntriesWrittenAgainAfterTheBatchWasRead() throws IOException {
    store.linkBlob(REPO, blob("x"));
    store.linkBlob(OTHER, blob("y"));
    JournalBatch batch = journal();
    assertThat(batch.repositories()).containsExactlyInAnyOrder(REPO, OTHER);
    store.linkBlob(REPO, blob("z")); // after the read
    lifecycle.trimJournal(batch);
    assertThat(journal().repositories()).containsExactly(REPO);
    lifecycle.trimJournal(batch); // again: nothing more goes
    assertThat(journal().repositories()).containsExactly(REPO);
    trimAll();
    assertThat(journal().isEmpty()).isTrue();
  }

  @Test
  void rememberJournalsRepositoriesAndBlobsAgainAtTheEnd() throws IOException {
    Digest d = blob("remembered").digest();
    store.linkBlob(OTHER, blob("first"));
    lifecycle.remember(List.of(REPO), List.of(d));
    assertThat(lifecycle.journal(1).repositories()).containsExactly(OTHER);
    JournalBatch all = journal();
    assertThat(all.repositories()).containsExactlyInAnyOrder(REPO, OTHER);
    assertThat(all.blobs()).containsExactly(d);
    lifecycle.remember(List.of(OTHER), List.of()); // OTHER moves to the end
    assertThat(lifecycle.journal(1).repositories()).containsExactly(REPO);
    lifecycle.trimJournal(all);
    assertThat(journal().repositories()).containsExactly(OTHER);
    lifecycle.remember(List.of(), List.of());
    assertThat(journal().repositories()).containsExactly(OTHER);
  }

  @Test
  void theJournalLimitCountsRepositoriesAndBlobsTogether() throws IOException {
    for (int i = 0; i < 5; i++) {
      lifecycle.remember(List.of(RepositoryName.of("r" + i)), List.of(blob("b" + i).digest()));
    }
    JournalBatch three = lifecycle.journal(3);
    assertThat(three.repositories().size() + three.blobs().size()).isEqualTo(3);
    assertThat(three.repositories()).contains(RepositoryName.of("r0"), RepositoryName.of("r1"));
    assertThat(three.blobs()).contains(blob("b0").digest());
    lifecycle.trimJournal(three);
    JournalBatch rest = lifecycle.journal(100);
    assertThat(rest.repositories().size() + rest.blobs().size()).isEqualTo(7);
    assertThat(rest.repositories()).doesNotContain(RepositoryName.of("r0"));
  }

  // ---------------------------------------------------------------------------------------------
  // sweepBlobs

  @Test
  void sweepCallsTheSweeperOnlyForBlobsNoRepositoryLinks() throws IOException {
    BlobInfo linked = blob("linked");
    BlobInfo elsewhere = blob("elsewhere");
    BlobInfo free = blob("free");
    BlobInfo kept = blob("kept by the sweeper");
    store.linkBlob(REPO, linked);
    store.linkBlob(OTHER, elsewhere);
    List<Digest> asked = Collections.synchronizedList(new ArrayList<>());
    List<Digest> swept =
        lifecycle.sweepBlobs(
            List.of(linked.digest(), elsewhere.digest(), free.digest(), kept.digest()),
            d -> {
              asked.add(d);
              return !d.equals(kept.digest());
            });
    assertThat(asked).containsExactlyInAnyOrder(free.digest(), kept.digest());
    assertThat(swept).containsExactly(free.digest());
    assertThat(lifecycle.sweepBlobs(List.of(), d -> true)).isEmpty();
  }

  @Test
  void aSweepOfManyDigestsSkipsEveryLinkedOne() throws IOException {
    Set<Digest> all = new LinkedHashSet<>();
    Set<Digest> linked = new LinkedHashSet<>();
    for (int i = 0; i < 700; i++) {
      BlobInfo b = blob("many-" + i);
      all.add(b.digest());
      if (i % 7 == 0) {
        store.linkBlob(i % 2 == 0 ? REPO : OTHER, b);
        linked.add(b.digest());
      }
    }
    Set<Digest> asked = ConcurrentHashMap.newKeySet();
    List<Digest> swept = lifecycle.sweepBlobs(all, d -> asked.add(d));
    Set<Digest> expected = new LinkedHashSet<>(all);
    expected.removeAll(linked);
    assertThat(asked).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(swept).containsExactlyInAnyOrderElementsOf(expected);
  }

  /**
   * Linkers link digests that a sweeper sweeps, many rounds. As the engine does, a linker looks at
   * the bytes right after {@code linkBlob} returns and unlinks when they are gone. After each
   * round, no link may survive to bytes the sweeper deleted: the sweep must exclude a link of the
   * digest it sweeps, between its check and its sweeper's return.
   */
  @Test
  @Timeout(300)
  void noLinkSurvivesToBytesASweepDeleted() throws Exception {
    List<BlobInfo> blobs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      blobs.add(blob("raced-" + i));
    }
    List<Digest> digests = blobs.stream().map(BlobInfo::digest).toList();
    Set<Digest> bytes = ConcurrentHashMap.newKeySet(); // the blob store, modelled
    List<RepositoryName> repos = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      repos.add(RepositoryName.of("race/linker-" + t));
    }
    List<Callable<Integer>> tasks = new ArrayList<>();
    tasks.add(
        () -> {
          int deleted = 0;
          for (int sweep = 0; sweep < 3; sweep++) {
            deleted +=
                lifecycle
                    .sweepBlobs(
                        digests,
                        d -> {
                          Thread.yield(); // widens the window a wrong store leaves open
                          return bytes.remove(d);
                        })
                    .size();
          }
          return deleted;
        });
    for (RepositoryName repo : repos) {
      tasks.add(
          () -> {
            int kept = 0;
            for (BlobInfo b : blobs) {
              bytes.add(b.digest()); // uploaded (again)
              store.linkBlob(repo, b);
              if (!bytes.contains(b.digest())) {
                store.unlinkBlob(repo, b.digest()); // gone: the engine fails the request
              } else if (ThreadLocalRandom.current().nextBoolean()) {
                store.unlinkBlob(repo, b.digest()); // garbage again, for the next sweep
              } else {
                kept++;
              }
            }
            return kept;
          });
    }
    for (int round = 0; round < 20; round++) {
      Concurrently.all(tasks);
      for (Digest d : digests) {
        boolean linked = false;
        for (RepositoryName repo : repos) {
          linked |= store.isBlobLinked(repo, d);
        }
        if (linked) {
          assertThat(bytes).as("round %s: %s is linked", round, d).contains(d);
        }
      }
      for (RepositoryName repo : repos) {
        for (Digest d : digests) {
          store.unlinkBlob(repo, d);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Bad input, through the checked store

  @Test
  void theCheckedStoreRefusesBadArguments() throws IOException {
    LifecycleStore checked = CheckedMetadataStore.wrap(store).lifecycle();
    assertThatThrownBy(() -> checked.journal(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> checked.journal(-3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> checked.journal(LifecycleStore.MAX_BATCH + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> checked.content(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> checked.removeTag(REPO, null, blob("x").digest()))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> checked.collectManifest(REPO, blob("x").digest(), null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> checked.collectLink(null, blob("x").digest(), T0))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> checked.sweepBlobs(List.of(blob("x").digest()), null))
        .isInstanceOf(NullPointerException.class);
    List<Digest> withNull = new ArrayList<>();
    withNull.add(null);
    assertThatThrownBy(() -> checked.sweepBlobs(withNull, d -> true))
        .isInstanceOf(IllegalArgumentException.class);
    List<Digest> tooMany = Collections.nCopies(LifecycleStore.MAX_BATCH + 1, blob("x").digest());
    assertThatThrownBy(() -> checked.sweepBlobs(tooMany, d -> true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> checked.remember(List.of(REPO), tooMany))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> checked.trimJournal(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(
            () ->
                checked.sweepBlobs(
                    List.of(blob("boom").digest()),
                    d -> {
                      throw new IllegalStateException("boom");
                    }))
        .isInstanceOf(io.wharf.oci.model.error.StorageException.class);
    assertThat(journal().isEmpty()).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** A write of the journal test. */
  @FunctionalInterface
  private interface ThrowingWrite {
    void run() throws IOException;
  }

  private void push(ManifestPut put) throws IOException {
    push(REPO, put);
  }

  private void push(RepositoryName repo, ManifestPut put) throws IOException {
    MetadataStoreContract.push(store, repo, put);
  }

  /** The node {@code put} makes, pulled at {@code pulledAt}. */
  private static ManifestNode node(ManifestPut put, Optional<Instant> pulledAt) {
    List<ContentReference> refs = new ArrayList<>(put.references());
    refs.sort(
        Comparator.comparing((ContentReference r) -> r.target().toString())
            .thenComparing(r -> r.kind().label()));
    RawManifest m = put.manifest();
    return new ManifestNode(
        m.digest(),
        m.mediaType(),
        m.size(),
        put.at(),
        pulledAt,
        put.subjectDigest(),
        put.referrer().artifactType().map(MediaType::value),
        refs);
  }

  private static ManifestNode nodeOf(RepositoryContent content, Digest digest) {
    return content.manifests().stream()
        .filter(n -> n.digest().equals(digest))
        .findFirst()
        .orElseThrow();
  }

  private JournalBatch journal() throws IOException {
    return lifecycle.journal(1000);
  }

  private void trimAll() throws IOException {
    lifecycle.trimJournal(journal());
  }

  private List<Digest> linked() throws IOException {
    try (var all = store.linkedBlobs()) {
      return all.toList();
    }
  }
}
