package io.wharf.oci.storage.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.model.testing.Concurrently;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.ContentReference;
import io.wharf.oci.storage.ManifestPut;
import io.wharf.oci.storage.ManifestRecord;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.Page;
import io.wharf.oci.storage.PageRequest;
import io.wharf.oci.storage.ProjectUsage;
import io.wharf.oci.storage.StillReferencedException;
import io.wharf.oci.storage.TagRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link MetadataStore} keeps, as its Javadoc states it.
 *
 * <p>To adopt it, a backend's test class extends this class and implements {@link #newStore()},
 * which returns a fresh, empty store for each test; the contract closes it after the test:
 *
 * <pre>{@code
 * class JdbcMetadataStoreTest extends MetadataStoreContract {
 *   protected MetadataStore newStore() { return JdbcMetadataStore.create(freshDatabase()); }
 * }
 * }</pre>
 *
 * <p>The manifests are real ones, encoded by {@link ManifestCodec} and described by {@link
 * ManifestPut#of}, so every backend records the same facts. Timestamps are whole seconds, so a
 * backend may store them with millisecond precision. Listings are full pages of {@code limit}
 * entries except the final one, whose {@code next} is empty. Concurrent pushes and re-tags must all
 * succeed: they are valid requests, so the concurrency test accepts no exception at all.
 */
public abstract class MetadataStoreContract {

  /** A fresh, empty store. The contract closes it. */
  protected abstract MetadataStore newStore() throws Exception;

  /** The store under test, made before each test by {@link #newStore()}. */
  protected MetadataStore store;

  protected static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  protected static final Instant T1 = T0.plusSeconds(3600);
  protected static final Instant T2 = T1.plusSeconds(3600);

  protected static final RepositoryName REPO = RepositoryName.of("library/app");
  protected static final RepositoryName OTHER = RepositoryName.of("library/other");

  protected static final MediaType SBOM = MediaType.parse("application/vnd.example.sbom.v1+json");
  protected static final MediaType SIGNATURE =
      MediaType.parse("application/vnd.example.signature.v1+json");

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
  }

  @AfterEach
  void closeStore() throws IOException {
    if (store != null) {
      store.close();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Manifests and tags

  @Test
  void putThenGetReturnsTheExactBytes() throws IOException {
    // Not canonical JSON: a store that re-serialises would change the bytes and the digest.
    String canonical = image("exact").bytes().utf8();
    RawManifest raw =
        ManifestCodec.defaults().read(Bytes.utf8("  " + canonical.replace(",", ",\n  ") + "\n"));
    assertThat(raw.bytes().utf8()).isNotEqualTo(canonical);
    put(REPO, raw, "v1");
    RawManifest got = store.getManifest(REPO, raw.digest()).orElseThrow();
    assertThat(got.bytes()).isEqualTo(raw.bytes());
    assertThat(got.digest()).isEqualTo(raw.digest());
    assertThat(got.mediaType()).isEqualTo(MediaType.OCI_IMAGE_MANIFEST);
    assertThat(store.getManifest(OTHER, raw.digest())).isEmpty();
    assertThat(store.getManifest(REPO, image("absent").digest())).isEmpty();

    RawManifest index = index(List.of(raw));
    put(REPO, index);
    assertThat(store.getManifest(REPO, index.digest())).contains(index);
  }

  @Test
  void statManifestReportsWhatWasPushedAndKeepsTheFirstPushTime() throws IOException {
    RawManifest m = image("stat");
    assertThat(store.statManifest(REPO, m.digest())).isEmpty();
    put(REPO, m, T0);
    ManifestRecord expected =
        new ManifestRecord(REPO, m.digest(), m.mediaType(), m.size(), T0, Optional.empty());
    assertThat(store.statManifest(REPO, m.digest())).contains(expected);
    assertThat(push(REPO, ManifestPut.of(m, Set.of(), T1))).isEmpty();
    assertThat(store.statManifest(REPO, m.digest())).contains(expected);
    assertThat(store.manifestRecords(REPO)).containsExactly(expected);
    assertThat(store.statManifest(OTHER, m.digest())).isEmpty();
    assertThat(store.manifestRecords(OTHER)).isEmpty();
  }

  @Test
  void tagsResolveToTheirManifest() throws IOException {
    RawManifest m = image("tags");
    put(REPO, m, "latest", "v1.0");
    assertThat(store.resolveTag(REPO, Tag.LATEST)).contains(m.digest());
    assertThat(store.resolveTag(REPO, Tag.of("v1.0"))).contains(m.digest());
    assertThat(store.resolveTag(REPO, Tag.of("v2"))).isEmpty();
    assertThat(store.resolveTag(OTHER, Tag.LATEST)).isEmpty();
  }

  @Test
  void retaggingMovesTheTagAndReturnsThePreviousDigest() throws IOException {
    RawManifest a = image("a");
    RawManifest b = image("b");
    assertThat(put(REPO, a, T0, "latest")).isEmpty();
    assertThat(put(REPO, b, T1, "latest")).containsExactly(Map.entry(Tag.LATEST, a.digest()));
    assertThat(store.resolveTag(REPO, Tag.LATEST)).contains(b.digest());
    assertThat(store.getManifest(REPO, a.digest())).isPresent();
    assertThat(put(REPO, b, T2, "latest")).as("tag already points there").isEmpty();
    assertThat(store.tagRecords(REPO))
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.tag()).isEqualTo(Tag.LATEST);
              assertThat(t.digest()).isEqualTo(b.digest());
            });
  }

  @Test
  void onePutSetsSeveralTags() throws IOException {
    RawManifest a = image("a");
    RawManifest b = image("b");
    put(REPO, a, T0, "a", "b", "c");
    for (String t : List.of("a", "b", "c")) {
      assertThat(store.resolveTag(REPO, Tag.of(t))).as(t).contains(a.digest());
    }
    assertThat(put(REPO, b, T1, "b", "c", "d"))
        .containsOnly(Map.entry(Tag.of("b"), a.digest()), Map.entry(Tag.of("c"), a.digest()));
    assertThat(store.resolveTag(REPO, Tag.of("a"))).contains(a.digest());
    for (String t : List.of("b", "c", "d")) {
      assertThat(store.resolveTag(REPO, Tag.of(t))).as(t).contains(b.digest());
    }
    assertThat(allTags(REPO, 100)).containsExactly("a", "b", "c", "d");
    assertThat(store.tagRecords(REPO))
        .extracting(TagRecord::tag, TagRecord::digest, TagRecord::pushedAt)
        .containsExactlyInAnyOrder(
            tuple(Tag.of("a"), a.digest(), T0),
            tuple(Tag.of("b"), b.digest(), T1),
            tuple(Tag.of("c"), b.digest(), T1),
            tuple(Tag.of("d"), b.digest(), T1));
  }

  @Test
  void deleteTagKeepsTheManifest() throws IOException {
    RawManifest m = image("keep");
    put(REPO, m, "latest", "v1");
    assertThat(store.deleteTag(REPO, Tag.LATEST)).isTrue();
    assertThat(store.resolveTag(REPO, Tag.LATEST)).isEmpty();
    assertThat(store.resolveTag(REPO, Tag.of("v1"))).contains(m.digest());
    assertThat(store.getManifest(REPO, m.digest())).contains(m);
    assertThat(store.deleteTag(REPO, Tag.LATEST)).isFalse();
    assertThat(store.deleteTag(REPO, Tag.of("v1"))).isTrue();
    assertThat(store.getManifest(REPO, m.digest())).contains(m);
    assertThat(store.repositoryExists(REPO)).isTrue();
    assertThat(store.deleteTag(OTHER, Tag.LATEST)).isFalse();
  }

  @Test
  void deleteManifestRemovesItsTagsAndItsReferrerEntryButNotItsBlobLinks() throws IOException {
    RawManifest subject = image("subject");
    RawManifest other = image("other");
    RawManifest signature = artifact(SIGNATURE, "sig", subject);
    put(REPO, subject, "latest");
    put(REPO, other, "other");
    put(REPO, signature, "sig", "sig2");
    assertThat(store.deleteManifest(REPO, signature.digest())).isTrue();
    assertThat(store.getManifest(REPO, signature.digest())).isEmpty();
    assertThat(store.statManifest(REPO, signature.digest())).isEmpty();
    assertThat(store.resolveTag(REPO, Tag.of("sig"))).isEmpty();
    assertThat(store.resolveTag(REPO, Tag.of("sig2"))).isEmpty();
    assertThat(store.referrers(REPO, subject.digest(), Optional.empty())).isEmpty();
    assertThat(allTags(REPO, 100)).containsExactly("latest", "other");
    assertThat(store.tagRecords(REPO))
        .extracting(TagRecord::digest)
        .doesNotContain(signature.digest());
    assertThat(store.manifestRecords(REPO))
        .extracting(ManifestRecord::digest)
        .containsExactlyInAnyOrder(subject.digest(), other.digest());
    for (Descriptor blob : ManifestPut.of(signature, Set.of(), T0).blobs()) {
      assertThat(store.isBlobLinked(REPO, blob.digest())).as("%s", blob.digest()).isTrue();
    }
    assertThat(store.deleteManifest(REPO, signature.digest())).isFalse();
    assertThat(store.deleteManifest(OTHER, subject.digest())).isFalse();
    assertThat(store.resolveTag(REPO, Tag.LATEST)).contains(subject.digest());
  }

  @Test
  void manifestsArePerRepository() throws IOException {
    RawManifest m = image("shared");
    put(REPO, m, T0, "latest");
    put(OTHER, m, T1, "stable");
    assertThat(store.deleteManifest(REPO, m.digest())).isTrue();
    assertThat(store.getManifest(OTHER, m.digest())).contains(m);
    assertThat(store.statManifest(OTHER, m.digest()).orElseThrow().pushedAt()).isEqualTo(T1);
    assertThat(store.resolveTag(OTHER, Tag.of("stable"))).contains(m.digest());
    assertThat(store.resolveTag(REPO, Tag.LATEST)).isEmpty();
  }

  @Test
  void putManifestNeedsItsBlobsLinkedAndLinksNothingItself() throws IOException {
    RawManifest m = image("links");
    ManifestPut put = ManifestPut.of(m, Set.of(Tag.LATEST), T0);
    assertThat(put.blobs()).hasSize(2);
    assertRefused(() -> store.putManifest(REPO, put), ErrorCode.MANIFEST_BLOB_UNKNOWN, "config");
    Descriptor config = put.blobs().get(0);
    Descriptor layer = put.blobs().get(1);
    store.linkBlob(REPO, new BlobInfo(config.digest(), config.size()));
    store.linkBlob(OTHER, new BlobInfo(layer.digest(), layer.size()));
    assertRefused(
        () -> store.putManifest(REPO, put),
        ErrorCode.MANIFEST_BLOB_UNKNOWN,
        "layers[0]",
        layer.digest().toString());
    assertThat(store.getManifest(REPO, m.digest())).as("nothing recorded").isEmpty();
    assertThat(store.resolveTag(REPO, Tag.LATEST)).isEmpty();
    assertThat(store.referencesTo(REPO, config.digest())).isEmpty();

    store.linkBlob(REPO, new BlobInfo(layer.digest(), layer.size()));
    store.putManifest(REPO, put);
    assertThat(store.resolveTag(REPO, Tag.LATEST)).contains(m.digest());
    assertThat(linkedBlobs()).containsExactlyInAnyOrderElementsOf(digests(put.blobs()));
  }

  @Test
  void putManifestRefusesADescriptorWhoseSizeIsNotTheLinkedBlobs() throws IOException {
    RawManifest m = image("sizes");
    ManifestPut put = ManifestPut.of(m, Set.of(Tag.LATEST), T0);
    Descriptor config = put.blobs().get(0);
    Descriptor layer = put.blobs().get(1);
    store.linkBlob(REPO, new BlobInfo(config.digest(), config.size()));
    store.linkBlob(REPO, new BlobInfo(layer.digest(), layer.size() + 100_000));
    assertRefused(
        () -> store.putManifest(REPO, put),
        ErrorCode.MANIFEST_INVALID,
        "layers[0]",
        layer.digest().toString(),
        layer.size() + " bytes",
        String.valueOf(layer.size() + 100_000));
    assertThat(store.getManifest(REPO, m.digest())).isEmpty();
    assertThat(store.resolveTag(REPO, Tag.LATEST)).isEmpty();
  }

  @Test
  void putIndexNeedsItsChildrenStoredWithTheirSizes() throws IOException {
    RawManifest child = image("child");
    RawManifest index = index(List.of(child));
    assertRefused(
        () -> store.putManifest(REPO, ManifestPut.of(index, Set.of(), T0)),
        ErrorCode.MANIFEST_BLOB_UNKNOWN,
        "manifests[0]",
        child.digest().toString());
    put(OTHER, child);
    assertRefused(
        () -> store.putManifest(REPO, ManifestPut.of(index, Set.of(), T0)),
        ErrorCode.MANIFEST_BLOB_UNKNOWN,
        "manifests[0]");
    put(REPO, child);
    Descriptor wrong = Descriptor.of(child.mediaType(), child.digest(), child.size() - 1);
    RawManifest lying = ManifestCodec.defaults().encode(ImageIndex.of(List.of(wrong)));
    assertRefused(
        () -> store.putManifest(REPO, ManifestPut.of(lying, Set.of(), T0)),
        ErrorCode.MANIFEST_INVALID,
        "manifests[0]",
        String.valueOf(child.size()));
    assertThat(store.getManifest(REPO, lying.digest())).isEmpty();
    put(REPO, index);
    assertThat(store.getManifest(REPO, index.digest())).contains(index);
  }

  @Test
  void putManifestChecksTheSizeOfAStoredSubjectOnly() throws IOException {
    RawManifest subject = image("subject-size");
    Descriptor wrong = Descriptor.of(subject.mediaType(), subject.digest(), subject.size() + 1);
    RawManifest lying =
        ManifestCodec.defaults()
            .encode(ImageManifest.artifact(SBOM, List.of(layer("lying"))).withSubject(wrong));
    // The subject is absent: the spec lets a referrer be pushed first.
    put(OTHER, lying);
    put(REPO, subject);
    assertRefused(() -> put(REPO, lying), ErrorCode.MANIFEST_INVALID, "subject");
    assertThat(store.referrers(REPO, subject.digest(), Optional.empty())).isEmpty();
  }

  @Test
  void nonDistributableLayersAreNeitherRequiredNorLinked() throws IOException {
    Descriptor foreign =
        Descriptor.of(
                MediaType.OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP, Bytes.utf8("foreign layer bytes"))
            .withUrls(List.of("https://example.com/layer.tar.gz"));
    RawManifest m =
        ManifestCodec.defaults()
            .encode(ImageManifest.of(config("foreign"), List.of(foreign, layer("foreign"))));
    put(REPO, m, "latest");
    assertThat(store.isBlobLinked(REPO, foreign.digest())).isFalse();
    assertThat(store.referencesTo(REPO, foreign.digest()))
        .extracting(ContentReference::kind)
        .containsExactly(ContentReference.Kind.LAYER);
  }

  // ---------------------------------------------------------------------------------------------
  // References and the deletes they refuse

  @Test
  void referencesNameWhoRefersToWhatInEachRepository() throws IOException {
    RawManifest a = image("ref-a");
    RawManifest shared =
        ManifestCodec.defaults()
            .encode(ImageManifest.of(config("ref-b"), List.of(layer("ref-a"), layer("ref-b"))));
    put(REPO, a);
    put(REPO, shared);
    RawManifest index = index(List.of(a, shared));
    put(REPO, index);
    Digest layerA = layer("ref-a").digest();
    List<ContentReference> expected =
        new ArrayList<>(
            List.of(
                new ContentReference(a.digest(), layerA, ContentReference.Kind.LAYER),
                new ContentReference(shared.digest(), layerA, ContentReference.Kind.LAYER)));
    expected.sort(Comparator.comparing(r -> r.manifest().toString()));
    assertThat(store.referencesTo(REPO, layerA)).containsExactlyElementsOf(expected);
    assertThat(store.referencesTo(REPO, config("ref-a").digest()))
        .containsExactly(
            new ContentReference(
                a.digest(), config("ref-a").digest(), ContentReference.Kind.CONFIG));
    assertThat(store.referencesTo(REPO, a.digest()))
        .containsExactly(
            new ContentReference(index.digest(), a.digest(), ContentReference.Kind.CHILD));
    assertThat(store.referencesTo(OTHER, layerA)).isEmpty();
    assertThat(store.referencesTo(REPO, index.digest())).isEmpty();

    assertThat(store.deleteManifest(REPO, index.digest())).isTrue();
    assertThat(store.referencesTo(REPO, a.digest())).isEmpty();
    assertThat(store.deleteManifest(REPO, a.digest())).isTrue();
    assertThat(store.referencesTo(REPO, layerA))
        .containsExactly(
            new ContentReference(shared.digest(), layerA, ContentReference.Kind.LAYER));
  }

  @Test
  void aBlobAStoredManifestReferencesCannotBeUnlinkedUntilTheManifestIsDeleted()
      throws IOException {
    RawManifest m = image("needed");
    put(REPO, m, "latest");
    Digest layer = layer("needed").digest();
    Digest config = config("needed").digest();
    for (Digest blob : List.of(layer, config)) {
      assertThatThrownBy(() -> store.unlinkBlob(REPO, blob))
          .isInstanceOfSatisfying(
              StillReferencedException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.DENIED);
                assertThat(e.httpStatus()).isEqualTo(409);
                assertThat(e.target()).isEqualTo(blob);
                assertThat(e.references())
                    .extracting(ContentReference::manifest)
                    .containsExactly(m.digest());
                assertThat(e.getMessage()).contains(blob.toString(), m.digest().toString());
              });
      assertThat(store.isBlobLinked(REPO, blob)).as("the link stays").isTrue();
    }
    // Another repository's manifest does not hold this one's links.
    store.linkBlob(OTHER, new BlobInfo(layer, layer("needed").size()));
    assertThat(store.unlinkBlob(OTHER, layer)).isTrue();
    // A tag delete is not a manifest delete.
    assertThat(store.deleteTag(REPO, Tag.LATEST)).isTrue();
    assertThatThrownBy(() -> store.unlinkBlob(REPO, layer))
        .isInstanceOf(StillReferencedException.class);

    assertThat(store.deleteManifest(REPO, m.digest())).isTrue();
    assertThat(store.unlinkBlob(REPO, layer)).isTrue();
    assertThat(store.unlinkBlob(REPO, config)).isTrue();
    assertThat(store.unlinkBlob(REPO, layer)).isFalse();
  }

  @Test
  void aManifestAnIndexListsCannotBeDeletedUntilTheIndexIs() throws IOException {
    RawManifest child = image("listed");
    RawManifest other = image("listed-other");
    put(REPO, child, "child");
    put(REPO, other);
    RawManifest index = index(List.of(child, other));
    put(REPO, index, "multi");
    assertThatThrownBy(() -> store.deleteManifest(REPO, child.digest()))
        .isInstanceOfSatisfying(
            StillReferencedException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(409);
              assertThat(e.references())
                  .containsExactly(
                      new ContentReference(
                          index.digest(), child.digest(), ContentReference.Kind.CHILD));
              assertThat(e.getMessage())
                  .contains(child.digest().toString(), index.digest().toString());
            });
    assertThat(store.getManifest(REPO, child.digest())).as("nothing removed").contains(child);
    assertThat(store.resolveTag(REPO, Tag.of("child"))).contains(child.digest());
    // Its tag can go.
    assertThat(store.deleteTag(REPO, Tag.of("child"))).isTrue();
    // The same manifest in another repository is not listed there.
    put(OTHER, child);
    assertThat(store.deleteManifest(OTHER, child.digest())).isTrue();

    assertThat(store.deleteManifest(REPO, index.digest())).isTrue();
    assertThat(store.deleteManifest(REPO, child.digest())).isTrue();
    assertThat(store.deleteManifest(REPO, other.digest())).isTrue();
  }

  @Test
  void aSubjectCanBeDeletedWhileItsReferrersStay() throws IOException {
    RawManifest subject = image("subject-delete");
    RawManifest sbom = artifact(SBOM, "sbom-delete", subject);
    put(REPO, subject, "latest");
    put(REPO, sbom);
    assertThat(store.referencesTo(REPO, subject.digest())).isEmpty();
    assertThat(store.deleteManifest(REPO, subject.digest())).isTrue();
    assertThat(store.referrers(REPO, subject.digest(), Optional.empty()))
        .extracting(Descriptor::digest)
        .containsExactly(sbom.digest());
  }

  // ---------------------------------------------------------------------------------------------
  // Referrers

  @Test
  void referrersAreFilteredByArtifactType() throws IOException {
    RawManifest subject = image("subject");
    RawManifest sbom = artifact(SBOM, "sbom", subject);
    RawManifest signature = artifact(SIGNATURE, "sig", subject);
    // An image manifest's artifact type, as end-12 reports it, is its config media type.
    RawManifest plain =
        ManifestCodec.defaults().encode(imageManifest("plain").withSubject(subject.descriptor()));
    put(REPO, subject);
    List<ManifestPut> puts = new ArrayList<>();
    for (RawManifest r : List.of(sbom, signature, plain)) {
      puts.add(ManifestPut.of(r, Set.of(), T0));
      push(REPO, puts.get(puts.size() - 1));
    }
    assertThat(store.referrers(REPO, subject.digest(), Optional.empty()))
        .containsExactlyElementsOf(referrersInDigestOrder(puts));
    assertThat(store.referrers(REPO, subject.digest(), Optional.of(SBOM)))
        .containsExactly(puts.get(0).referrer());
    assertThat(store.referrers(REPO, subject.digest(), Optional.of(SIGNATURE)))
        .containsExactly(puts.get(1).referrer());
    assertThat(store.referrers(REPO, subject.digest(), Optional.of(MediaType.OCI_IMAGE_CONFIG)))
        .containsExactly(puts.get(2).referrer());
    assertThat(
            store.referrers(
                REPO, subject.digest(), Optional.of(MediaType.parse("application/vnd.none"))))
        .isEmpty();
    assertThat(store.referrers(REPO, sbom.digest(), Optional.empty())).isEmpty();
  }

  @Test
  void referrersAreListedInDigestOrderAsManifestPutDescribesThem() throws IOException {
    RawManifest subject = image("subject");
    put(REPO, subject);
    List<ManifestPut> puts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      RawManifest r =
          ManifestCodec.defaults()
              .encode(
                  ImageManifest.artifact(SBOM, List.of(layer("sbom-" + i)))
                      .withSubject(subject.descriptor())
                      .withAnnotations(Map.of("org.example.n", Integer.toString(i))));
      puts.add(ManifestPut.of(r, Set.of(), T0.plusSeconds(i)));
    }
    // An index can refer to a subject too.
    puts.add(
        ManifestPut.of(
            ManifestCodec.defaults()
                .encode(
                    ImageIndex.of(List.of(subject.descriptor()))
                        .withArtifactType(SIGNATURE)
                        .withSubject(subject.descriptor())),
            Set.of(),
            T1));
    for (ManifestPut p : puts) {
      push(REPO, p);
    }
    List<Descriptor> referrers = store.referrers(REPO, subject.digest(), Optional.empty());
    assertThat(referrers).containsExactlyElementsOf(referrersInDigestOrder(puts));
    assertThat(referrers).allSatisfy(d -> assertThat(d.artifactType()).isPresent());
  }

  @Test
  void referrerWhoseSubjectIsAbsentIsStillListed() throws IOException {
    RawManifest absent = image("never-pushed");
    RawManifest signature = artifact(SIGNATURE, "sig", absent);
    ManifestPut put = ManifestPut.of(signature, Set.of(), T0);
    push(REPO, put);
    assertThat(store.getManifest(REPO, absent.digest())).isEmpty();
    assertThat(store.referrers(REPO, absent.digest(), Optional.empty()))
        .containsExactly(put.referrer());
    // The subject arriving later changes nothing.
    put(REPO, absent);
    assertThat(store.referrers(REPO, absent.digest(), Optional.empty()))
        .containsExactly(put.referrer());
  }

  @Test
  void referrersArePerRepository() throws IOException {
    RawManifest subject = image("subject");
    RawManifest sbom = artifact(SBOM, "sbom", subject);
    RawManifest signature = artifact(SIGNATURE, "sig", subject);
    put(REPO, subject);
    put(OTHER, subject);
    ManifestPut inRepo = ManifestPut.of(sbom, Set.of(), T0);
    ManifestPut inOther = ManifestPut.of(signature, Set.of(), T0);
    push(REPO, inRepo);
    push(OTHER, inOther);
    assertThat(store.referrers(REPO, subject.digest(), Optional.empty()))
        .containsExactly(inRepo.referrer());
    assertThat(store.referrers(OTHER, subject.digest(), Optional.empty()))
        .containsExactly(inOther.referrer());
    assertThat(store.referrers(RepositoryName.of("third"), subject.digest(), Optional.empty()))
        .isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Pagination

  @Test
  void tagsAreListedInByteOrder() throws IOException {
    List<String> tags = List.of("b", "B", "a", "A", "1", "10", "9", "_x", "a-b", "a.b", "a_b", "Z");
    put(REPO, image("m"), tags.toArray(String[]::new));
    List<String> expected =
        List.of("1", "10", "9", "A", "B", "Z", "_x", "a", "a-b", "a.b", "a_b", "b");
    assertThat(allTags(REPO, 100)).containsExactlyElementsOf(expected);
    Page<Tag> page = store.tags(REPO, PageRequest.first(100));
    assertThat(page.items()).extracting(Tag::value).containsExactlyElementsOf(expected);
    assertThat(page.next()).isEmpty();
  }

  @Test
  void tagPagesHonourLimitAndLast() throws IOException {
    put(REPO, image("m"), "a", "b", "c", "d");
    assertPage(store.tags(REPO, PageRequest.first(1)), Tag::value, List.of("a"), true);
    Page<Tag> first = store.tags(REPO, PageRequest.first(1));
    assertPage(
        store.tags(REPO, PageRequest.after(first.next().orElseThrow(), 2)),
        Tag::value,
        List.of("b", "c"),
        true);
    assertPage(
        store.tags(REPO, PageRequest.first(10)), Tag::value, List.of("a", "b", "c", "d"), false);
    assertPage(
        store.tags(REPO, PageRequest.first(4)), Tag::value, List.of("a", "b", "c", "d"), false);
    assertPage(store.tags(REPO, PageRequest.after("c", 1)), Tag::value, List.of("d"), false);
    assertPage(store.tags(REPO, PageRequest.after("d", 5)), Tag::value, List.of(), false);
    assertPage(store.tags(REPO, PageRequest.after("zzz", 5)), Tag::value, List.of(), false);
    // last need not be a tag.
    assertPage(store.tags(REPO, PageRequest.after("bb", 5)), Tag::value, List.of("c", "d"), false);
    assertPage(store.tags(OTHER, PageRequest.first(5)), Tag::value, List.of(), false);
  }

  @Test
  void walkingTwoHundredFiftyTagsByPagesOfSevenYieldsAllInOrder() throws IOException {
    List<String> tags = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      tags.add((i % 3 == 0 ? "V" : "v") + i + (i % 5 == 0 ? "-rc" : ""));
    }
    for (int m = 0; m < 3; m++) {
      int k = m;
      put(
          REPO,
          image("m" + m),
          IntStream.range(0, 250)
              .filter(i -> i % 3 == k)
              .mapToObj(tags::get)
              .toArray(String[]::new));
    }
    List<String> expected = tags.stream().sorted().collect(Collectors.toList());
    List<String> walked = new ArrayList<>();
    PageRequest request = PageRequest.first(7);
    int pages = 0;
    while (true) {
      Page<Tag> page = store.tags(REPO, request);
      pages++;
      assertThat(page.items()).hasSizeLessThanOrEqualTo(7);
      page.items().forEach(t -> walked.add(t.value()));
      if (page.next().isEmpty()) {
        break;
      }
      assertThat(page.items()).hasSize(7);
      assertThat(pages).isLessThan(100);
      request = PageRequest.after(page.next().get(), 7);
    }
    assertThat(walked).containsExactlyElementsOf(expected);
    assertThat(pages).isEqualTo(36);
  }

  @Test
  void repositoriesAreListedInByteOrderAndPaged() throws IOException {
    List<String> names =
        List.of("b", "a_b", "a0", "a/b", "a.b", "a-b", "a", "library/ubuntu", "a/b/c");
    for (String n : names) {
      store.linkBlob(RepositoryName.of(n), blob(n));
    }
    List<String> expected =
        List.of("a", "a-b", "a.b", "a/b", "a/b/c", "a0", "a_b", "b", "library/ubuntu");
    assertPage(store.repositories(PageRequest.first(100)), RepositoryName::value, expected, false);
    assertPage(store.repositories(PageRequest.first(9)), RepositoryName::value, expected, false);
    assertPage(store.repositories(PageRequest.first(1)), RepositoryName::value, List.of("a"), true);
    assertPage(
        store.repositories(PageRequest.after("a.b", 2)),
        RepositoryName::value,
        List.of("a/b", "a/b/c"),
        true);
    assertPage(
        store.repositories(PageRequest.after("b", 3)),
        RepositoryName::value,
        List.of("library/ubuntu"),
        false);
    assertPage(
        store.repositories(PageRequest.after("library/ubuntu", 3)),
        RepositoryName::value,
        List.of(),
        false);
    assertPage(
        store.repositories(PageRequest.after("zzz", 3)), RepositoryName::value, List.of(), false);
  }

  @Test
  void walkingTwoHundredFiftyRepositoriesByPagesOfSevenYieldsAllInOrder() throws IOException {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      String name = "project" + (i % 4) + (i % 2 == 0 ? "/" : "-") + "r" + i;
      names.add(name);
      if (i % 2 == 0) {
        store.linkBlob(RepositoryName.of(name), blob(name));
      } else {
        put(RepositoryName.of(name), image(name));
      }
    }
    List<String> walked = new ArrayList<>();
    PageRequest request = PageRequest.first(7);
    for (int pages = 1; ; pages++) {
      Page<RepositoryName> page = store.repositories(request);
      assertThat(page.items()).hasSizeLessThanOrEqualTo(7);
      page.items().forEach(r -> walked.add(r.value()));
      if (page.next().isEmpty()) {
        assertThat(pages).isEqualTo(36);
        break;
      }
      assertThat(pages).isLessThan(100);
      request = PageRequest.after(page.next().get(), 7);
    }
    assertThat(walked)
        .containsExactlyElementsOf(names.stream().sorted().collect(Collectors.toList()));
  }

  // ---------------------------------------------------------------------------------------------
  // Repositories and blob links

  @Test
  void repositoryExistsWhileItHasAManifestOrALinkedBlob() throws IOException {
    assertThat(store.repositoryExists(REPO)).isFalse();
    BlobInfo b = blob("x");
    store.linkBlob(REPO, b);
    assertThat(store.repositoryExists(REPO)).isTrue();
    assertThat(store.repositoryExists(OTHER)).isFalse();
    store.unlinkBlob(REPO, b.digest());
    assertThat(store.repositoryExists(REPO)).isFalse();
    assertThat(repositoryNames()).isEmpty();

    RawManifest m = image("exists");
    ManifestPut put = ManifestPut.of(m, Set.of(Tag.LATEST), T0);
    push(REPO, put);
    assertThat(store.repositoryExists(REPO)).isTrue();
    store.deleteTag(REPO, Tag.LATEST);
    assertThat(store.repositoryExists(REPO)).isTrue();
    store.deleteManifest(REPO, m.digest());
    // Its blob links stay, and so does the repository.
    assertThat(store.repositoryExists(REPO)).isTrue();
    for (Descriptor d : put.blobs()) {
      store.unlinkBlob(REPO, d.digest());
    }
    assertThat(store.repositoryExists(REPO)).isFalse();
    assertThat(repositoryNames()).isEmpty();
  }

  @Test
  void blobLinksAreIsolatedBetweenRepositories() throws IOException {
    BlobInfo b = blob("isolated");
    RepositoryName a = RepositoryName.of("a");
    RepositoryName c = RepositoryName.of("c");
    assertThat(store.isBlobLinked(a, b.digest())).isFalse();
    assertThat(store.linkBlob(a, b)).isTrue();
    assertThat(store.linkBlob(a, b)).isFalse();
    assertThat(store.isBlobLinked(a, b.digest())).isTrue();
    assertThat(store.isBlobLinked(c, b.digest())).isFalse();
    assertThat(store.unlinkBlob(c, b.digest())).isFalse();
    assertThat(store.isBlobLinked(a, b.digest())).isTrue();
    assertThat(store.linkBlob(c, b)).isTrue();
    assertThat(store.unlinkBlob(a, b.digest())).isTrue();
    assertThat(store.unlinkBlob(a, b.digest())).isFalse();
    assertThat(store.isBlobLinked(a, b.digest())).isFalse();
    assertThat(store.isBlobLinked(c, b.digest())).isTrue();
  }

  @Test
  void blobLinksArePagedInLexicalOrderPerRepository() throws IOException {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      BlobInfo b = blob("paged-" + i);
      store.linkBlob(REPO, b);
      expected.add(b.digest().toString());
    }
    store.linkBlob(OTHER, blob("elsewhere"));
    java.util.Collections.sort(expected);
    List<String> seen = new ArrayList<>();
    java.util.Optional<String> last = java.util.Optional.empty();
    do {
      io.wharf.oci.storage.Page<Digest> page =
          store.blobLinks(REPO, new io.wharf.oci.storage.PageRequest(5, last));
      page.items().forEach(d -> seen.add(d.toString()));
      assertThat(page.items().size() == 5 || page.next().isEmpty()).isTrue();
      last = page.next();
    } while (last.isPresent());
    assertThat(seen).containsExactlyElementsOf(expected);
    assertThat(
            store
                .blobLinks(
                    RepositoryName.of("nothing/here"), io.wharf.oci.storage.PageRequest.first(10))
                .items())
        .isEmpty();
  }

  @Test
  void linkedBlobsListsEachLinkedBlobOnce() throws IOException {
    assertThat(linkedBlobs()).isEmpty();
    BlobInfo x = blob("x");
    BlobInfo y = blob("y");
    store.linkBlob(REPO, x);
    store.linkBlob(OTHER, x);
    store.linkBlob(REPO, y);
    ManifestPut put = ManifestPut.of(image("m"), Set.of(), T0);
    push(REPO, put);
    push(OTHER, put);
    List<Digest> expected = new ArrayList<>(List.of(x.digest(), y.digest()));
    expected.addAll(digests(put.blobs()));
    assertThat(linkedBlobs()).containsExactlyInAnyOrderElementsOf(expected);
    store.unlinkBlob(REPO, x.digest());
    assertThat(linkedBlobs()).containsExactlyInAnyOrderElementsOf(expected);
    store.unlinkBlob(OTHER, x.digest());
    expected.remove(x.digest());
    assertThat(linkedBlobs()).containsExactlyInAnyOrderElementsOf(expected);
  }

  // ---------------------------------------------------------------------------------------------
  // Timestamps and usage

  @Test
  void recordPullSetsPulledAtOnTheManifestAndTheTag() throws IOException {
    RawManifest m = image("pulled");
    put(REPO, m, T0, "latest", "v1");
    store.recordPull(REPO, m.digest(), Optional.of(Tag.LATEST), T1);
    assertThat(store.statManifest(REPO, m.digest()).orElseThrow().pulledAt()).contains(T1);
    assertThat(store.statManifest(REPO, m.digest()).orElseThrow().pushedAt()).isEqualTo(T0);
    assertThat(store.manifestRecords(REPO))
        .singleElement()
        .extracting(ManifestRecord::pulledAt)
        .isEqualTo(Optional.of(T1));
    assertThat(tagRecord(REPO, "latest"))
        .isEqualTo(new TagRecord(Tag.LATEST, m.digest(), T0, Optional.of(T1)));
    assertThat(tagRecord(REPO, "v1"))
        .isEqualTo(new TagRecord(Tag.of("v1"), m.digest(), T0, Optional.empty()));
    // A pull by digest touches the manifest only.
    store.recordPull(REPO, m.digest(), Optional.empty(), T2);
    assertThat(store.statManifest(REPO, m.digest()).orElseThrow().pulledAt()).contains(T2);
    assertThat(tagRecord(REPO, "latest").pulledAt()).contains(T1);
    assertThat(tagRecord(REPO, "v1").pulledAt()).isEmpty();
  }

  @Test
  void usageCountsManifestsAndDistinctLinkedBlobsOnce() throws IOException {
    assertThat(store.usage(REPO)).isZero();
    Descriptor config = config("shared");
    Descriptor l1 = layer("l1");
    Descriptor l2 = layer("l2");
    RawManifest m1 = ManifestCodec.defaults().encode(ImageManifest.of(config, List.of(l1)));
    RawManifest m2 = ManifestCodec.defaults().encode(ImageManifest.of(config, List.of(l1, l2)));
    put(REPO, m1);
    put(REPO, m2);
    long expected = m1.size() + m2.size() + config.size() + l1.size() + l2.size();
    assertThat(store.usage(REPO)).isEqualTo(expected);
    BlobInfo extra = blob("extra");
    store.linkBlob(REPO, extra);
    store.linkBlob(REPO, extra);
    store.linkBlob(REPO, new BlobInfo(l1.digest(), l1.size()));
    assertThat(store.usage(REPO)).isEqualTo(expected + extra.size());
    put(REPO, m1, T1, "again");
    assertThat(store.usage(REPO)).isEqualTo(expected + extra.size());
    assertThat(store.usage(OTHER)).isZero();
  }

  @Test
  void projectUsageCountsSharedContentOnceAndOnlyTheProjectsRepositories() throws IOException {
    Descriptor config = config("team");
    Descriptor shared = layer("shared");
    Descriptor own = layer("own");
    RawManifest base = ManifestCodec.defaults().encode(ImageManifest.of(config, List.of(shared)));
    RawManifest app =
        ManifestCodec.defaults().encode(ImageManifest.of(config, List.of(shared, own)));
    RepositoryName team = RepositoryName.of("team");
    RepositoryName teamApp = RepositoryName.of("team/app");
    RepositoryName teamAppDeep = RepositoryName.of("team/app/deep");
    put(team, base);
    put(teamApp, base);
    put(teamApp, app);
    BlobInfo deepBlob = blob("deep");
    store.linkBlob(teamAppDeep, deepBlob);
    // Outside the project, though their names start alike.
    put(
        RepositoryName.of("teamx/app"),
        ManifestCodec.defaults().encode(ImageManifest.of(config("x"), List.of(layer("x")))));
    store.linkBlob(RepositoryName.of("team-b"), blob("team-b"));
    store.linkBlob(RepositoryName.of("team.c/app"), blob("team.c"));
    store.linkBlob(RepositoryName.of("other/team"), blob("other"));

    long teamBytes =
        base.size() + app.size() + config.size() + shared.size() + own.size() + deepBlob.size();
    // base in team and in team/app: two artifacts, its bytes once.
    assertThat(store.projectUsage("team")).isEqualTo(new ProjectUsage(teamBytes, 3));
    assertThat(store.usage(team) + store.usage(teamApp) + store.usage(teamAppDeep))
        .as("the same content summed per repository counts shared bytes twice")
        .isGreaterThan(teamBytes);
    assertThat(store.projectUsage("team-b")).isEqualTo(new ProjectUsage(blob("team-b").size(), 0));
    assertThat(store.projectUsage("tea")).isEqualTo(ProjectUsage.NONE);
    assertThat(store.projectUsage("nobody")).isEqualTo(ProjectUsage.NONE);
  }

  @Test
  void aBlobInTwoProjectsCountsInEachAndInTwoRepositoriesOfOneOnce() throws IOException {
    BlobInfo layer = blob("base-layer");
    RepositoryName a1 = RepositoryName.of("alpha/one");
    RepositoryName a2 = RepositoryName.of("alpha/two");
    RepositoryName b1 = RepositoryName.of("beta/one");
    store.linkBlob(a1, layer);
    store.linkBlob(a2, layer);
    store.linkBlob(b1, layer);
    assertThat(store.projectUsage("alpha")).isEqualTo(new ProjectUsage(layer.size(), 0));
    assertThat(store.projectUsage("beta")).isEqualTo(new ProjectUsage(layer.size(), 0));
    assertThat(store.projectHolds("alpha", layer.digest())).isTrue();
    assertThat(store.projectHolds("beta", layer.digest())).isTrue();
    assertThat(store.projectHolds("gamma", layer.digest())).isFalse();

    // Unlinked from one repository of alpha, the other still holds it; from both, nothing does.
    assertThat(store.unlinkBlob(a1, layer.digest())).isTrue();
    assertThat(store.projectUsage("alpha")).isEqualTo(new ProjectUsage(layer.size(), 0));
    assertThat(store.unlinkBlob(a2, layer.digest())).isTrue();
    assertThat(store.projectUsage("alpha")).isEqualTo(ProjectUsage.NONE);
    assertThat(store.projectHolds("alpha", layer.digest())).isFalse();
    assertThat(store.projectUsage("beta")).isEqualTo(new ProjectUsage(layer.size(), 0));
  }

  @Test
  void deletesDecreaseProjectUsage() throws IOException {
    RepositoryName app = RepositoryName.of("shop/app");
    RepositoryName web = RepositoryName.of("shop/web");
    RawManifest one = image("one");
    RawManifest two = image("two");
    put(app, one, "v1");
    put(app, two, "v2");
    put(web, one, "v1");
    RawManifest idx = index(List.of(one, two));
    put(app, idx, "multi");
    long blobs = blobBytes(one) + blobBytes(two);
    ProjectUsage full =
        new ProjectUsage(one.size() + two.size() + idx.size() + blobs, 4); // one twice
    assertThat(store.projectUsage("shop")).isEqualTo(full);
    assertThat(store.projectHolds("shop", idx.digest())).isTrue();

    // A tag delete changes nothing; a tag move neither.
    assertThat(store.deleteTag(app, Tag.of("v2"))).isTrue();
    put(app, one, T1, "v2");
    assertThat(store.projectUsage("shop")).isEqualTo(full);

    assertThat(store.deleteManifest(app, idx.digest())).isTrue();
    ProjectUsage noIndex = new ProjectUsage(full.bytes() - idx.size(), 3);
    assertThat(store.projectUsage("shop")).isEqualTo(noIndex);
    assertThat(store.projectHolds("shop", idx.digest())).isFalse();
    // one stays in web: its bytes too; the artifact in app goes.
    assertThat(store.deleteManifest(app, one.digest())).isTrue();
    assertThat(store.projectUsage("shop")).isEqualTo(new ProjectUsage(noIndex.bytes(), 2));
    assertThat(store.projectHolds("shop", one.digest())).isTrue();
    assertThat(store.deleteManifest(web, one.digest())).isTrue();
    // Its blobs stay linked (garbage collection decides), so only its own bytes go.
    assertThat(store.projectUsage("shop"))
        .isEqualTo(new ProjectUsage(noIndex.bytes() - one.size(), 1));
    for (Descriptor blob : ManifestPut.of(one, Set.of(), T0).blobs()) {
      store.unlinkBlob(app, blob.digest());
      store.unlinkBlob(web, blob.digest());
    }
    assertThat(store.projectUsage("shop"))
        .isEqualTo(new ProjectUsage(two.size() + blobBytes(two), 1));
  }

  @Test
  void projectNamesWithUnderscoresAndDotsMatchOnlyThemselves() throws IOException {
    // SQL LIKE 'team_a/%' would also match teamxa/..., and 'team.a' as a regex team-a.
    store.linkBlob(RepositoryName.of("team_a/app"), blob("underscore"));
    store.linkBlob(RepositoryName.of("teamxa/app"), blob("x"));
    store.linkBlob(RepositoryName.of("team.a/app"), blob("dot"));
    store.linkBlob(RepositoryName.of("team-a/app"), blob("dash"));
    store.linkBlob(RepositoryName.of("team__a"), blob("double-underscore"));
    assertThat(store.projectUsage("team_a"))
        .isEqualTo(new ProjectUsage(blob("underscore").size(), 0));
    assertThat(store.projectUsage("team.a")).isEqualTo(new ProjectUsage(blob("dot").size(), 0));
    assertThat(store.projectUsage("team-a")).isEqualTo(new ProjectUsage(blob("dash").size(), 0));
    assertThat(store.projectUsage("team__a"))
        .isEqualTo(new ProjectUsage(blob("double-underscore").size(), 0));
    assertThat(store.projectHolds("team_a", blob("x").digest())).isFalse();
    assertThat(store.projectHolds("team_a", blob("underscore").digest())).isTrue();
    assertThat(store.projectUsage("team")).isEqualTo(ProjectUsage.NONE);
  }

  @Test
  void projectNamesThatCannotNameAProjectAreRefused() {
    for (String bad :
        List.of("", "te%", "team/", "/team", "team/app", "Team", "team/%", "a".repeat(256))) {
      assertRefused(() -> store.projectUsage(bad), ErrorCode.NAME_INVALID, "project name");
      assertRefused(
          () -> store.projectHolds(bad, blob("b").digest()),
          ErrorCode.NAME_INVALID,
          "project name");
    }
  }

  /** The bytes of the config and layers of {@code image}. */
  private static long blobBytes(RawManifest image) {
    return ManifestPut.of(image, Set.of(), T0).blobs().stream().mapToLong(Descriptor::size).sum();
  }

  // ---------------------------------------------------------------------------------------------
  // Concurrency

  /**
   * Retags of {@code latest} and pushes of untagged manifests, each round of every thread released
   * together by a barrier so that they collide: bounded by the work (8 + 8 threads, 8 rounds), not
   * by a wall-clock window, so a slow backend on a loaded machine takes longer and still passes.
   */
  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES) // a hang guard, far above the work's time
  void concurrentRetagsAndPushesLoseNoUpdate() throws Exception {
    int threads = 8;
    int rounds = 8;
    // tagged.get(i).get(j): the j-th manifest that thread i tags latest (and t<i>-<j>).
    List<List<RawManifest>> tagged = new ArrayList<>();
    List<List<RawManifest>> untagged = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      List<RawManifest> mine = new ArrayList<>();
      List<RawManifest> pushed = new ArrayList<>();
      for (int j = 0; j < rounds; j++) {
        mine.add(image("tagged-" + i + "-" + j));
        pushed.add(image("untagged-" + i + "-" + j));
      }
      tagged.add(mine);
      untagged.add(pushed);
    }
    List<Concurrently.Rounds<Map<Tag, Digest>>> tasks = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int t = i;
      tasks.add(
          j ->
              push(
                  REPO,
                  ManifestPut.of(
                      tagged.get(t).get(j), Set.of(Tag.LATEST, Tag.of("t" + t + "-" + j)), T0)));
    }
    for (int i = 0; i < threads; i++) {
      int t = i;
      tasks.add(
          j -> {
            RepositoryName repo = j % 2 == 0 ? REPO : OTHER;
            Map<Tag, Digest> moved =
                push(repo, ManifestPut.of(untagged.get(t).get(j), Set.of(), T1));
            store.resolveTag(REPO, Tag.LATEST);
            store.tags(REPO, PageRequest.first(10));
            return moved;
          });
    }
    List<List<Map<Tag, Digest>>> results = Concurrently.run(tasks, rounds);
    List<List<Map<Tag, Digest>>> retags = results.subList(0, threads);
    List<List<Map<Tag, Digest>>> pushes = results.subList(threads, 2 * threads);

    Set<Digest> taggedDigests = new HashSet<>();
    for (int i = 0; i < threads; i++) {
      assertThat(pushes.get(i)).allSatisfy(moved -> assertThat(moved).isEmpty());
      for (int j = 0; j < rounds; j++) {
        RawManifest m = tagged.get(i).get(j);
        taggedDigests.add(m.digest());
        assertThat(store.getManifest(REPO, m.digest())).contains(m);
        assertThat(store.resolveTag(REPO, Tag.of("t" + i + "-" + j))).contains(m.digest());
        RawManifest u = untagged.get(i).get(j);
        assertThat(store.getManifest(j % 2 == 0 ? REPO : OTHER, u.digest())).contains(u);
      }
    }
    Digest latest = store.resolveTag(REPO, Tag.LATEST).orElseThrow();
    assertThat(taggedDigests).contains(latest);
    // The re-tags of latest form one chain: each saw the one before it, exactly one saw none.
    List<Digest> previous = new ArrayList<>();
    for (List<Map<Tag, Digest>> thread : retags) {
      for (Map<Tag, Digest> moved : thread) {
        assertThat(moved.keySet()).isSubsetOf(Tag.LATEST);
        if (moved.containsKey(Tag.LATEST)) {
          previous.add(moved.get(Tag.LATEST));
        }
      }
    }
    assertThat(previous)
        .hasSize(threads * rounds - 1)
        .doesNotHaveDuplicates()
        .doesNotContain(latest);
    Set<Digest> chain = new HashSet<>(previous);
    chain.add(latest);
    assertThat(chain).isEqualTo(taggedDigests);
    assertThat(allTags(REPO, 1000)).hasSize(threads * rounds + 1);
    assertThat(store.manifestRecords(REPO)).hasSize(threads * rounds + threads * rounds / 2);
    assertThat(store.manifestRecords(OTHER)).hasSize(threads * rounds / 2);
  }

  @Test
  void anUnlinkRacingAPushThatNeedsTheBlobNeverBothSucceed() throws Exception {
    int rounds = 64;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < rounds; round++) {
        RawManifest m = image("race-" + round);
        ManifestPut put = ManifestPut.of(m, Set.of(Tag.LATEST), T0);
        for (Descriptor blob : put.blobs()) {
          store.linkBlob(REPO, new BlobInfo(blob.digest(), blob.size()));
        }
        Digest layer = put.blobs().get(1).digest();
        CountDownLatch start = new CountDownLatch(1);
        Future<Boolean> unlink = pool.submit(task(start, () -> store.unlinkBlob(REPO, layer)));
        Future<Map<Tag, Digest>> push =
            pool.submit(task(start, () -> store.putManifest(REPO, put)));
        start.countDown();
        Throwable unlinkFailure = failureOf(unlink);
        Throwable pushFailure = failureOf(push);
        if (unlinkFailure == null) {
          assertThat(unlink.get()).as("round %s: the link existed", round).isTrue();
          assertThat(pushFailure)
              .as("round %s: the unlink came first, so the push must fail", round)
              .isInstanceOfSatisfying(
                  InvalidContentException.class,
                  e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_BLOB_UNKNOWN));
          assertThat(store.getManifest(REPO, m.digest())).isEmpty();
        } else {
          assertThat(unlinkFailure)
              .as("round %s: the push came first, so the unlink must be refused", round)
              .isInstanceOf(StillReferencedException.class);
          assertThat(pushFailure).as("round %s", round).isNull();
          assertThat(store.isBlobLinked(REPO, layer)).isTrue();
          assertThat(store.getManifest(REPO, m.digest())).contains(m);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** {@code call}, run once {@code start} opens, so that tasks submitted one by one collide. */
  private static <T> Callable<T> task(CountDownLatch start, Callable<T> call) {
    return () -> {
      start.await();
      return call.call();
    };
  }

  /** What {@code f} failed with, or null; waits for it without a deadline of its own. */
  private static Throwable failureOf(Future<?> f) throws InterruptedException {
    try {
      f.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  /** Asserts that {@code call} is refused with {@code code}, its message naming {@code words}. */
  protected static void assertRefused(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code, String... words) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            InvalidContentException.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.getMessage()).contains(words);
            });
  }

  // ---------------------------------------------------------------------------------------------
  // Bad input

  @Test
  void badRepositoryNamesCannotReachTheStore() throws IOException {
    for (String bad :
        List.of(
            "..",
            "a/../b",
            "a/./b",
            "/a",
            "a/",
            "a//b",
            "App",
            "library/Ubuntu",
            "",
            "a".repeat(RepositoryName.MAX_LENGTH + 1))) {
      assertThatThrownBy(() -> store.repositoryExists(new RepositoryName(bad)))
          .as("'%s'", bad)
          .isInstanceOfSatisfying(
              InvalidContentException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.NAME_INVALID));
      assertThatThrownBy(() -> store.linkBlob(RepositoryName.of(bad), blob("b")))
          .isInstanceOf(InvalidContentException.class);
    }
    assertThat(RepositoryName.of("a".repeat(RepositoryName.MAX_LENGTH)).value()).hasSize(255);
    assertThat(repositoryNames()).isEmpty();
  }

  @Test
  void badTagsCannotReachTheStore() throws IOException {
    RawManifest m = image("m");
    put(REPO, m);
    for (String bad :
        List.of("..", ".hidden", "-x", "a/b", "a:b", "", "a b", "x".repeat(Tag.MAX_LENGTH + 1))) {
      assertThatThrownBy(() -> store.resolveTag(REPO, new Tag(bad)))
          .as("'%s'", bad)
          .isInstanceOfSatisfying(
              InvalidContentException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.TAG_INVALID));
      assertThatThrownBy(() -> push(REPO, ManifestPut.of(m, Set.of(Tag.of(bad)), T0)))
          .isInstanceOf(InvalidContentException.class);
    }
    assertThat(Tag.of("x".repeat(Tag.MAX_LENGTH)).value()).hasSize(128);
    assertThat(allTags(REPO, 100)).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** The config descriptor of a distinct image named {@code seed}. */
  protected static Descriptor config(String seed) {
    return Descriptor.of(MediaType.OCI_IMAGE_CONFIG, Bytes.utf8("{\"seed\":\"" + seed + "\"}"));
  }

  /** A layer descriptor whose content is derived from {@code seed}. */
  protected static Descriptor layer(String seed) {
    return Descriptor.of(MediaType.OCI_LAYER_TAR_GZIP, Bytes.utf8("layer of " + seed));
  }

  protected static ImageManifest imageManifest(String seed) {
    return ImageManifest.of(config(seed), List.of(layer(seed)));
  }

  /** A distinct image manifest, canonically encoded. */
  protected static RawManifest image(String seed) {
    return ManifestCodec.defaults().encode(imageManifest(seed));
  }

  /** An artifact of {@code type} whose subject is {@code subject}. */
  protected static RawManifest artifact(MediaType type, String seed, RawManifest subject) {
    return ManifestCodec.defaults()
        .encode(
            ImageManifest.artifact(type, List.of(layer(seed))).withSubject(subject.descriptor()));
  }

  /** An index of {@code manifests}. */
  protected static RawManifest index(List<RawManifest> manifests) {
    return ManifestCodec.defaults()
        .encode(ImageIndex.of(manifests.stream().map(RawManifest::descriptor).toList()));
  }

  /** A blob of {@code seed}'s size and digest, for links. */
  protected static BlobInfo blob(String seed) {
    Bytes content = Bytes.utf8("blob " + seed);
    return new BlobInfo(Digest.sha256(content), content.size());
  }

  protected Map<Tag, Digest> put(RepositoryName repo, RawManifest m, String... tags)
      throws IOException {
    return put(repo, m, T0, tags);
  }

  protected Map<Tag, Digest> put(RepositoryName repo, RawManifest m, Instant at, String... tags)
      throws IOException {
    Set<Tag> set = new LinkedHashSet<>();
    Arrays.stream(tags).map(Tag::of).forEach(set::add);
    return push(repo, ManifestPut.of(m, set, at));
  }

  /**
   * Links the distributable blobs {@code put} references, with the sizes their descriptors say, as
   * their uploads would have; then puts it.
   */
  protected Map<Tag, Digest> push(RepositoryName repo, ManifestPut put) throws IOException {
    return push(store, repo, put);
  }

  /** As {@link #push(RepositoryName, ManifestPut)}, into {@code store}. */
  public static Map<Tag, Digest> push(MetadataStore store, RepositoryName repo, ManifestPut put)
      throws IOException {
    for (Descriptor blob : put.blobs()) {
      if (blob.mediaType().isDistributable()) {
        store.linkBlob(repo, new BlobInfo(blob.digest(), blob.size()));
      }
    }
    return store.putManifest(repo, put);
  }

  /** Every tag of {@code repo}, walked in pages of {@code limit}. */
  protected List<String> allTags(RepositoryName repo, int limit) throws IOException {
    List<String> all = new ArrayList<>();
    PageRequest request = PageRequest.first(limit);
    while (true) {
      Page<Tag> page = store.tags(repo, request);
      page.items().forEach(t -> all.add(t.value()));
      if (page.next().isEmpty()) {
        return all;
      }
      request = PageRequest.after(page.next().get(), limit);
    }
  }

  protected List<String> repositoryNames() throws IOException {
    return store.repositories(PageRequest.first(PageRequest.MAX_LIMIT)).items().stream()
        .map(RepositoryName::value)
        .toList();
  }

  protected List<Digest> linkedBlobs() throws IOException {
    try (Stream<Digest> all = store.linkedBlobs()) {
      return all.toList();
    }
  }

  private TagRecord tagRecord(RepositoryName repo, String tag) throws IOException {
    return store.tagRecords(repo).stream()
        .filter(t -> t.tag().value().equals(tag))
        .findFirst()
        .orElseThrow();
  }

  private static List<Digest> digests(List<Descriptor> descriptors) {
    return descriptors.stream().map(Descriptor::digest).distinct().toList();
  }

  private static List<Descriptor> referrersInDigestOrder(List<ManifestPut> puts) {
    return puts.stream()
        .map(ManifestPut::referrer)
        .sorted(Comparator.comparing(Descriptor::digest))
        .toList();
  }

  private static <T> void assertPage(
      Page<T> page, Function<T, String> name, List<String> items, boolean hasNext) {
    assertThat(page.items()).extracting(name::apply).containsExactlyElementsOf(items);
    if (hasNext) {
      assertThat(page.next()).isPresent();
    } else {
      assertThat(page.next()).isEmpty();
    }
  }
}
