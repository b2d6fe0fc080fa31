package io.wharf.oci.storage.jdbc;

import static io.wharf.oci.storage.jdbc.Fixtures.SBOM;
import static io.wharf.oci.storage.jdbc.Fixtures.SIGNATURE;
import static io.wharf.oci.storage.jdbc.Fixtures.T0;
import static io.wharf.oci.storage.jdbc.Fixtures.config;
import static io.wharf.oci.storage.jdbc.Fixtures.image;
import static io.wharf.oci.storage.jdbc.Fixtures.imageReferrer;
import static io.wharf.oci.storage.jdbc.Fixtures.index;
import static io.wharf.oci.storage.jdbc.Fixtures.layer;
import static io.wharf.oci.storage.jdbc.Fixtures.put;
import static io.wharf.oci.storage.jdbc.Fixtures.referrer;
import static io.wharf.oci.storage.tck.MetadataStoreContract.push;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.OciException;
import io.wharf.oci.model.error.StorageException;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.model.testing.Concurrently;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.ContentReference;
import io.wharf.oci.storage.JournalBatch;
import io.wharf.oci.storage.LifecycleStore;
import io.wharf.oci.storage.ManifestNode;
import io.wharf.oci.storage.ManifestPut;
import io.wharf.oci.storage.ManifestRecord;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.Page;
import io.wharf.oci.storage.PageRequest;
import io.wharf.oci.storage.ProjectUsage;
import io.wharf.oci.storage.RepositoryContent;
import io.wharf.oci.storage.StillReferencedException;
import io.wharf.oci.storage.TagRecord;
import io.wharf.oci.storage.access.AccessStore;
import io.wharf.oci.storage.access.DuplicateRobotException;
import io.wharf.oci.storage.access.Principal;
import io.wharf.oci.storage.access.ProjectMember;
import io.wharf.oci.storage.access.ProjectRecord;
import io.wharf.oci.storage.access.ProjectRole;
import io.wharf.oci.storage.access.RobotPermission;
import io.wharf.oci.storage.access.RobotPermission.RobotAction;
import io.wharf.oci.storage.access.RobotRecord;
import io.wharf.oci.storage.memory.InMemoryMetadataStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behaviour of {@link JdbcMetadataStore}, whatever the database: every {@link MetadataStore}
 * method, concurrency, migrations, and a comparison with {@link InMemoryMetadataStore} over random
 * operation sequences. Subclasses say how to open a store on a fresh database ({@code
 * JdbcMetadataStoreTest} on SQLite; a PostgreSQL {@code *IT} passes its own data source and
 * dialect).
 */
abstract class AbstractJdbcMetadataStoreTest {

  static final RepositoryName REPO = RepositoryName.of("library/app");
  static final RepositoryName OTHER = RepositoryName.of("library/other");

  private final List<JdbcMetadataStore> opened = new ArrayList<>();

  /** Opens a store on a new, empty database, that dates blob links with {@code clock}. */
  protected abstract JdbcMetadataStore openFresh(Clock clock) throws Exception;

  /** Opens another store on the database of the last {@link #openFresh()}, as a restart would. */
  protected abstract JdbcMetadataStore reopen() throws Exception;

  /** A plain connection to the database of the last {@link #openFresh()}. */
  protected abstract Connection connect() throws Exception;

  /** The dialect under test. */
  protected abstract Dialect dialect();

  JdbcMetadataStore fresh() throws Exception {
    return fresh(Clock.systemUTC());
  }

  JdbcMetadataStore fresh(Clock clock) throws Exception {
    JdbcMetadataStore store = openFresh(clock);
    opened.add(store);
    return store;
  }

  JdbcMetadataStore again() throws Exception {
    JdbcMetadataStore store = reopen();
    opened.add(store);
    return store;
  }

  /** The tables each schema version after the first creates. */
  private static final Map<Integer, List<String>> TABLES_OF_VERSION =
      Map.of(
          2, List.of("manifest_references"),
          3, List.of("project_members", "projects", "robot_accounts", "access_revision"),
          4, List.of("project_content", "project_usage"),
          5, List.of("lifecycle_journal"));

  /**
   * Turns the database behind {@code s} into what schema version {@code version} left, data
   * included: drops the tables of the later versions and forgets those versions.
   */
  static void downgrade(Statement s, int version) throws java.sql.SQLException {
    assertThat(TABLES_OF_VERSION.keySet())
        .as("the tables of every version after the first")
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.IntStream.rangeClosed(2, Migrations.latest()).boxed().toList());
    for (int v = Migrations.latest(); v > version; v--) {
      for (String table : TABLES_OF_VERSION.get(v)) {
        s.execute("DROP TABLE " + table);
      }
      if (v == 5) {
        s.execute("ALTER TABLE blob_links DROP COLUMN linked_at");
      }
    }
    s.execute("DELETE FROM schema_version WHERE version > " + version);
  }

  @AfterEach
  void closeStores() throws Exception {
    for (JdbcMetadataStore s : opened) {
      s.close();
    }
    opened.clear();
  }

  // -------------------------------------------------------------------------------------------
  // Manifests and tags

  @Test
  void putGetAndStatAManifest() throws Exception {
    JdbcMetadataStore store = fresh();
    RawManifest m = image(1, 1, 2);
    assertThat(push(store, REPO, put(m, T0, "latest"))).isEmpty();

    assertThat(store.getManifest(REPO, m.digest())).contains(m);
    assertThat(store.getManifest(REPO, m.digest()).orElseThrow().bytes()).isEqualTo(m.bytes());
    assertThat(store.getManifest(OTHER, m.digest())).isEmpty();
    assertThat(store.getManifest(REPO, image(2, 1).digest())).isEmpty();

    assertThat(store.statManifest(REPO, m.digest()))
        .contains(
            new ManifestRecord(
                REPO, m.digest(), m.mediaType(), m.size(), T0, Optional.<Instant>empty()));
    assertThat(store.statManifest(OTHER, m.digest())).isEmpty();
    assertThat(store.resolveTag(REPO, Tag.LATEST)).contains(m.digest());
    assertThat(store.resolveTag(REPO, Tag.of("nope"))).isEmpty();
    assertThat(store.resolveTag(OTHER, Tag.LATEST)).isEmpty();
    // Its config and layers are linked.
    assertThat(store.isBlobLinked(REPO, Fixtures.config(1).digest())).isTrue();
    assertThat(store.isBlobLinked(REPO, layer(2).digest())).isTrue();
    assertThat(store.isBlobLinked(OTHER, layer(2).digest())).isFalse();
    assertThat(store.repositoryExists(REPO)).isTrue();
    assertThat(store.repositoryExists(OTHER)).isFalse();
  }

  @Test
  void manifestBytesAreKeptExactly() throws Exception {
    JdbcMetadataStore store = fresh();
    String json =
        "{ \"schemaVersion\" : 2,\n  \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\","
            + "\n  \"config\": "
            + new String(Fixtures.config(7).toJson().toByteArray(), "UTF-8")
            + ",\n  \"layers\": [ "
            + new String(layer(3).toJson().toByteArray(), "UTF-8")
            + " ] ,\"annotations\":{\"x\":\"\\u00e9\"}}\n\n";
    RawManifest m = Fixtures.CODEC.read(Bytes.utf8(json));
    push(store, REPO, put(m, T0));
    assertThat(store.getManifest(REPO, m.digest()).orElseThrow().bytes().utf8()).isEqualTo(json);
  }

  @Test
  void aManifestPushedAgainKeepsItsFirstPushTimeAndPull() throws Exception {
    JdbcMetadataStore store = fresh();
    RawManifest m = image(1, 1);
    push(store, REPO, put(m, T0));
    store.recordPull(REPO, m.digest(), Optional.empty(), T0.plusSeconds(5));
    push(store, REPO, put(m, T0.plusSeconds(10), "v2"));
    assertThat(store.statManifest(REPO, m.digest()).orElseThrow())
        .extracting(ManifestRecord::pushedAt, ManifestRecord::pulledAt)
        .containsExactly(T0, Optional.of(T0.plusSeconds(5)));
    // The tag is new, at the time of the second push.
    assertThat(store.tagRecords(REPO))
        .containsExactly(
            new TagRecord(Tag.of("v2"), m.digest(), T0.plusSeconds(10), Optional.empty()));
  }

  @Test
  void reTaggingReturnsThePreviousDigests() throws Exception {
    JdbcMetadataStore store = fresh();
    RawManifest m1 = image(1, 1);
    RawManifest m2 = image(2, 2);
    assertThat(push(store, REPO, put(m1, T0, "latest", "v1"))).isEmpty();
    assertThat(push(store, REPO, put(m2, T0.plusSeconds(1), "latest", "v2")))
        .isEqualTo(Map.of(Tag.LATEST, m1.digest()));
    // Moving a tag to where it already points is no move.
    assertThat(push(store, REPO, put(m2, T0.plusSeconds(2), "latest"))).isEmpty();
    assertThat(push(store, REPO, put(m1, T0.plusSeconds(3), "latest", "v1", "v2")))
        .isEqualTo(Map.of(Tag.LATEST, m2.digest(), Tag.of("v2"), m2.digest()));
    // Another repository's tags are its own.
    assertThat(push(store, OTHER, put(m2, T0, "latest"))).isEmpty();

    assertThat(store.resolveTag(REPO, Tag.LATEST)).contains(m1.digest());
    assertThat(store.resolveTag(OTHER, Tag.LATEST)).contains(m2.digest());
  }

  @Test
  void settingATagResetsItsTimesAndPullsAreRecordedWhereTheyMatch() throws Exception {
    JdbcMetadataStore store = fresh();
    RawManifest m1 = image(1, 1);
    RawManifest m2 = image(2, 2);
    push(store, REPO, put(m1, T0, "a", "b"));
    push(store, REPO, put(m2, T0, "c"));
    Instant pulled = T0.plus(Duration.ofNanos(987_654_321));
    store.recordPull(REPO, m1.digest(), Optional.of(Tag.of("a")), pulled);
    // A pull by a tag that points elsewhere records the manifest only.
    store.recordPull(REPO, m2.digest(), Optional.of(Tag.of("b")), pulled.plusSeconds(1));
    // Pulls of what is not there change nothing.
    store.recordPull(REPO, image(3, 3).digest(), Optional.of(Tag.of("a")), pulled.plusSeconds(2));
    store.recordPull(OTHER, m1.digest(), Optional.of(Tag.of("a")), pulled.plusSeconds(3));

    assertThat(store.tagRecords(REPO))
        .containsExactly(
            new TagRecord(Tag.of("a"), m1.digest(), T0, Optional.of(pulled)),
            new TagRecord(Tag.of("b"), m1.digest(), T0, Optional.empty()),
            new TagRecord(Tag.of("c"), m2.digest(), T0, Optional.empty()));
    assertThat(store.statManifest(REPO, m1.digest()).orElseThrow().pulledAt()).contains(pulled);
    assertThat(store.statManifest(REPO, m2.digest()).orElseThrow().pulledAt())
        .contains(pulled.plusSeconds(1));
    assertThat(store.repositoryExists(OTHER)).isFalse();

    // Setting "a" again, even to the same manifest, starts it afresh.
    push(store, REPO, put(m1, T0.plusSeconds(60), "a"));
    assertThat(store.tagRecords(REPO).get(0))
        .isEqualTo(new TagRecord(Tag.of("a"), m1.digest(), T0.plusSeconds(60), Optional.empty()));
  }

  @Test
  void deletingAManifestTakesItsTagsAndReferrerEntryAndKeepsItsBlobs() throws Exception {
    JdbcMetadataStore store = fresh();
    RawManifest subject = image(1, 1);
    RawManifest m = image(2, 2, 3);
    RawManifest sig = referrer(1, SIGNATURE, subject);
    push(store, REPO, put(subject, T0, "base"));
    push(store, REPO, put(m, T0, "latest", "v1"));
    push(store, REPO, put(sig, T0));

    assertThat(store.deleteManifest(REPO, m.digest())).isTrue();
    assertThat(store.deleteManifest(REPO, m.digest())).isFalse();
    assertThat(store.deleteManifest(OTHER, m.digest())).isFalse();
    assertThat(store.getManifest(REPO, m.digest())).isEmpty();
    assertThat(store.resolveTag(REPO, Tag.LATEST)).isEmpty();
    assertThat(store.tags(REPO, PageRequest.first(10)).items()).containsExactly(Tag.of("base"));
    assertThat(store.isBlobLinked(REPO, layer(3).digest())).isTrue();

    assertThat(store.referrers(REPO, subject.digest(), Optional.empty())).hasSize(1);
    assertThat(store.deleteManifest(REPO, sig.digest())).isTrue();
    assertThat(store.referrers(REPO, subject.digest(), Optional.empty())).isEmpty();
  }

  @Test
  void deletingATagKeepsTheManifest() throws Exception {
    JdbcMetadataStore store = fresh();
    RawManifest m = image(1, 1);
    push(store, REPO, put(m, T0, "latest", "v1"));
    assertThat(store.deleteTag(REPO, Tag.LATEST)).isTrue();
    assertThat(store.deleteTag(REPO, Tag.LATEST)).isFalse();
    assertThat(store.deleteTag(OTHER, Tag.LATEST)).isFalse();
    assertThat(store.resolveTag(REPO, Tag.LATEST)).isEmpty();
    assertThat(store.resolveTag(REPO, Tag.of("v1"))).contains(m.digest());
    assertThat(store.getManifest(REPO, m.digest())).contains(m);
    assertThat(store.repositoryExists(REPO)).isTrue();
    assertThat(store.repositoryExists(OTHER)).isFalse();
  }

  @Test
  void manifestRecordsAreInDigestOrderAndTagRecordsInTagOrder() throws Exception {
    JdbcMetadataStore store = fresh();
    List<RawManifest> manifests = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      RawManifest m = image(i, i);
      manifests.add(m);
      push(store, REPO, put(m, T0.plusMillis(i), "t" + (7 - i), "T" + i));
    }
    RawManifest idx = index(manifests.get(0), manifests.get(1));
    push(store, REPO, put(idx, T0, "multi"));

    List<ManifestRecord> records = store.manifestRecords(REPO);
    assertThat(records).hasSize(9);
    assertThat(records)
        .extracting(ManifestRecord::digest)
        .isSortedAccordingTo(Digest::compareTo)
        .contains(idx.digest());
    assertThat(records).allMatch(r -> r.repository().equals(REPO));
    assertThat(store.manifestRecords(OTHER)).isEmpty();

    List<TagRecord> tags = store.tagRecords(REPO);
    assertThat(tags).extracting(t -> t.tag().value()).isSortedAccordingTo(String::compareTo);
    assertThat(tags).hasSize(17);
    assertThat(tags.get(0).tag().value()).isEqualTo("T0"); // upper case sorts first
    assertThat(store.tagRecords(OTHER)).isEmpty();
  }

  // -------------------------------------------------------------------------------------------
  // Pagination

  @Test
  void tagsArePagedInByteOrder() throws Exception {
    JdbcMetadataStore store = fresh();
    assertThat(store.tags(REPO, PageRequest.first(5)))
        .isEqualTo(new Page<>(List.of(), Optional.empty()));
    List<String> names =
        List.of("a", "a-b", "a.b", "a_b", "ab", "A", "Z", "_", "1", "10", "9", "latest", "v1.0");
    RawManifest m = image(1, 1);
    push(store, REPO, put(m, T0, names.toArray(String[]::new)));
    push(store, OTHER, put(m, T0, "zzz", "0"));
    List<String> sorted = names.stream().sorted().toList();
    assertThat(sorted)
        .containsExactly(
            "1", "10", "9", "A", "Z", "_", "a", "a-b", "a.b", "a_b", "ab", "latest", "v1.0");

    for (int limit = 1; limit <= sorted.size() + 1; limit++) {
      assertThat(walk(p -> store.tags(REPO, p), limit)).as("limit %d", limit).isEqualTo(sorted);
    }
    Page<Tag> all = store.tags(REPO, PageRequest.first(sorted.size()));
    assertThat(all.next()).isEmpty();
    assertThat(all.items()).extracting(Tag::value).isEqualTo(sorted);
    Page<Tag> allButOne = store.tags(REPO, PageRequest.first(sorted.size() - 1));
    assertThat(allButOne.next()).contains("latest");
    assertThat(store.tags(REPO, PageRequest.after("latest", 5)).items())
        .containsExactly(Tag.of("v1.0"));
    // "last" need not be a tag, nor even a valid one.
    assertThat(store.tags(REPO, PageRequest.after("a.", 2)))
        .isEqualTo(new Page<>(List.of(Tag.of("a.b"), Tag.of("a_b")), Optional.of("a_b")));
    assertThat(store.tags(REPO, PageRequest.after("", 1)).items()).containsExactly(Tag.of("1"));
    assertThat(store.tags(REPO, PageRequest.after("~", 3)))
        .isEqualTo(new Page<>(List.of(), Optional.empty()));
    assertThat(store.tags(REPO, PageRequest.after("v1.0", 3)).items()).isEmpty();
    assertThat(store.tags(REPO, PageRequest.after("é", 3)).items()).isEmpty();
    assertThat(store.tags(REPO, PageRequest.first(PageRequest.MAX_LIMIT)).items()).hasSize(13);
    assertThat(store.tags(RepositoryName.of("none"), PageRequest.first(3)).items()).isEmpty();
  }

  @Test
  void repositoriesArePagedInByteOrder() throws Exception {
    JdbcMetadataStore store = fresh();
    assertThat(store.repositories(PageRequest.first(3)))
        .isEqualTo(new Page<>(List.of(), Optional.empty()));
    List<String> names = List.of("a", "a-b", "a.b", "a/b", "a0", "a_b", "ab", "a/b/c", "b", "0");
    for (String n : names) {
      store.linkBlob(RepositoryName.of(n), new BlobInfo(layer(1).digest(), layer(1).size()));
    }
    List<String> sorted = names.stream().sorted().toList();
    assertThat(sorted)
        .containsExactly("0", "a", "a-b", "a.b", "a/b", "a/b/c", "a0", "a_b", "ab", "b");
    for (int limit = 1; limit <= sorted.size() + 1; limit++) {
      assertThat(walk(store::repositories, limit)).as("limit %d", limit).isEqualTo(sorted);
    }
    assertThat(store.repositories(PageRequest.after("a/b", 2)))
        .isEqualTo(
            new Page<>(
                List.of(RepositoryName.of("a/b/c"), RepositoryName.of("a0")), Optional.of("a0")));
    assertThat(store.repositories(PageRequest.after("ab", 1)))
        .isEqualTo(new Page<>(List.of(RepositoryName.of("b")), Optional.empty()));
  }

  private static <T> List<String> walk(PageSource<T> source, int limit) throws Exception {
    List<String> all = new ArrayList<>();
    Optional<String> last = Optional.empty();
    for (int pages = 0; pages < 100; pages++) {
      Page<T> page = source.page(new PageRequest(limit, last));
      assertThat(page.items().size()).isLessThanOrEqualTo(limit);
      page.items().forEach(i -> all.add(i.toString()));
      if (page.next().isEmpty()) {
        return all;
      }
      assertThat(page.items()).hasSize(limit);
      assertThat(page.next()).contains(all.get(all.size() - 1));
      last = page.next();
    }
    throw new AssertionError("pagination does not end");
  }

  @FunctionalInterface
  interface PageSource<T> {
    Page<T> page(PageRequest request) throws Exception;
  }

  // -------------------------------------------------------------------------------------------
  // Referrers

  @Test
  void referrersAreListedByDigestAndFilteredByArtifactType() throws Exception {
    JdbcMetadataStore store = fresh();
    RawManifest subject = image(1, 1);
    push(store, REPO, put(subject, T0, "latest"));
    List<RawManifest> sigs =
        List.of(referrer(1, SIGNATURE, subject), referrer(2, SIGNATURE, subject));
    RawManifest sbom = referrer(3, SBOM, subject);
    RawManifest img = imageReferrer(4, subject);
    List<ManifestPut> puts = new ArrayList<>();
    for (RawManifest m : List.of(sigs.get(0), sigs.get(1), sbom, img)) {
      ManifestPut p = put(m, T0);
      puts.add(p);
      push(store, REPO, p);
    }
    // Pushing one again adds no second entry.
    push(store, REPO, put(sbom, T0.plusSeconds(1)));

    List<Descriptor> expected =
        puts.stream()
            .map(ManifestPut::referrer)
            .sorted((a, b) -> a.digest().compareTo(b.digest()))
            .toList();
    List<Descriptor> all = store.referrers(REPO, subject.digest(), Optional.empty());
    assertThat(all).isEqualTo(expected);
    // The descriptors carry annotations and artifact types as end-12 reports them.
    Descriptor sbomEntry =
        all.stream().filter(d -> d.digest().equals(sbom.digest())).findFirst().orElseThrow();
    assertThat(sbomEntry.artifactType()).contains(SBOM);
    assertThat(sbomEntry.annotation("org.example.text")).contains("é<&>\"");
    assertThat(sbomEntry.mediaType()).isEqualTo(MediaType.OCI_IMAGE_MANIFEST);
    assertThat(sbomEntry.size()).isEqualTo(sbom.size());

    assertThat(store.referrers(REPO, subject.digest(), Optional.of(SIGNATURE)))
        .extracting(Descriptor::digest)
        .containsExactlyElementsOf(sigs.stream().map(RawManifest::digest).sorted().toList());
    assertThat(store.referrers(REPO, subject.digest(), Optional.of(MediaType.OCI_IMAGE_CONFIG)))
        .extracting(Descriptor::digest)
        .containsExactly(img.digest());
    assertThat(store.referrers(REPO, subject.digest(), Optional.of(MediaType.JSON))).isEmpty();
    assertThat(store.referrers(OTHER, subject.digest(), Optional.empty())).isEmpty();
    assertThat(store.referrers(REPO, sbom.digest(), Optional.empty())).isEmpty();
  }

  @Test
  void referrersOfAMissingSubjectAreListedAndOutliveItsDeletion() throws Exception {
    JdbcMetadataStore store = fresh();
    RawManifest subject = image(1, 1);
    RawManifest sig = referrer(1, SIGNATURE, subject);
    // The subject was never pushed: the spec allows the referrer anyway.
    ManifestPut p = put(sig, T0);
    push(store, REPO, p);
    assertThat(store.referrers(REPO, subject.digest(), Optional.empty()))
        .containsExactly(p.referrer());
    // The subject comes and goes; its referrers stay.
    push(store, REPO, put(subject, T0));
    assertThat(store.deleteManifest(REPO, subject.digest())).isTrue();
    assertThat(store.referrers(REPO, subject.digest(), Optional.of(SIGNATURE)))
        .containsExactly(p.referrer());
  }

  // -------------------------------------------------------------------------------------------
  // Repositories and blob links

  @Test
  void blobLinksMakeARepositoryExistAndItGoesWithTheLastOfThem() throws Exception {
    JdbcMetadataStore store = fresh();
    BlobInfo b1 = new BlobInfo(layer(1).digest(), layer(1).size());
    BlobInfo b2 = new BlobInfo(layer(2).digest(), layer(2).size());
    assertThat(store.linkBlob(REPO, b1)).isTrue();
    assertThat(store.linkBlob(REPO, b1)).isFalse();
    assertThat(store.linkBlob(REPO, b2)).isTrue();
    assertThat(store.linkBlob(OTHER, b1)).isTrue();
    assertThat(store.isBlobLinked(REPO, b1.digest())).isTrue();
    assertThat(store.repositoryExists(REPO)).isTrue();
    try (Stream<Digest> linked = store.linkedBlobs()) {
      assertThat(linked.toList()).containsExactlyInAnyOrder(b1.digest(), b2.digest());
    }

    assertThat(store.unlinkBlob(REPO, b1.digest())).isTrue();
    assertThat(store.unlinkBlob(REPO, b1.digest())).isFalse();
    assertThat(store.unlinkBlob(RepositoryName.of("none"), b1.digest())).isFalse();
    assertThat(store.isBlobLinked(REPO, b1.digest())).isFalse();
    assertThat(store.repositoryExists(REPO)).isTrue();
    assertThat(store.unlinkBlob(REPO, b2.digest())).isTrue();
    assertThat(store.repositoryExists(REPO)).isFalse();
    assertThat(store.repositories(PageRequest.first(10)).items()).containsExactly(OTHER);
    try (Stream<Digest> linked = store.linkedBlobs()) {
      assertThat(linked.toList()).containsExactly(b1.digest());
    }
  }

  @Test
  void aRepositoryGoesWithItsLastManifestUnlessBlobsAreLinked() throws Exception {
    JdbcMetadataStore store = fresh();
    RawManifest idx = index();
    // An index links no blobs of its own.
    push(store, REPO, put(idx, T0, "latest"));
    assertThat(store.repositoryExists(REPO)).isTrue();
    assertThat(store.deleteManifest(REPO, idx.digest())).isTrue();
    assertThat(store.repositoryExists(REPO)).isFalse();
    assertThat(store.repositories(PageRequest.first(10)).items()).isEmpty();

    RawManifest m = image(3, 3);
    push(store, REPO, put(m, T0, "latest"));
    assertThat(store.deleteManifest(REPO, m.digest())).isTrue();
    assertThat(store.repositoryExists(REPO)).isTrue(); // its blobs are still linked
    store.unlinkBlob(REPO, layer(3).digest());
    assertThat(store.repositoryExists(REPO)).isTrue();
    store.unlinkBlob(REPO, Fixtures.config(3).digest());
    assertThat(store.repositoryExists(REPO)).isFalse();
  }

  @Test
  void linkedBlobsListsEachBlobOnceAcrossBatches() throws Exception {
    JdbcMetadataStore store = fresh();
    Set<Digest> expected = new HashSet<>();
    for (int i = 0; i < 2_345; i++) {
      Descriptor d = Descriptor.of(MediaType.OCTET_STREAM, Bytes.utf8("blob " + i));
      expected.add(d.digest());
      store.linkBlob(i % 3 == 0 ? REPO : OTHER, new BlobInfo(d.digest(), d.size()));
      if (i % 5 == 0) {
        store.linkBlob(RepositoryName.of("third"), new BlobInfo(d.digest(), d.size()));
      }
    }
    try (Stream<Digest> linked = store.linkedBlobs()) {
      List<Digest> all = linked.toList();
      assertThat(all).doesNotHaveDuplicates();
      assertThat(new HashSet<>(all)).isEqualTo(expected);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Usage

  @Test
  void usageCountsSharedContentOnce() throws Exception {
    JdbcMetadataStore store = fresh();
    RawManifest m1 = image(1, 1, 2);
    RawManifest m2 = image(2, 2, 3); // shares layer 2 with m1
    long c1 = Fixtures.config(1).size();
    long c2 = Fixtures.config(2).size();
    long l1 = layer(1).size();
    long l2 = layer(2).size();
    long l3 = layer(3).size();
    assertThat(store.usage(REPO)).isZero();

    push(store, REPO, put(m1, T0));
    push(store, REPO, put(m2, T0));
    long repoUsage = m1.size() + m2.size() + c1 + c2 + l1 + l2 + l3;
    assertThat(store.usage(REPO)).isEqualTo(repoUsage);

    RepositoryName project = RepositoryName.of("team");
    RepositoryName member = RepositoryName.of("team/app");
    RepositoryName deep = RepositoryName.of("team/app/x");
    RepositoryName lookalike = RepositoryName.of("team-b");
    RepositoryName lookalike2 = RepositoryName.of("teamx/app");
    push(store, member, put(m1, T0));
    push(store, deep, put(m1, T0)); // the same manifest and blobs
    store.linkBlob(project, new BlobInfo(layer(3).digest(), l3));
    store.linkBlob(lookalike, new BlobInfo(layer(9).digest(), layer(9).size()));
    push(store, lookalike2, put(m2, T0));
    long m1Usage = m1.size() + c1 + l1 + l2;

    assertThat(store.usage(member)).isEqualTo(m1Usage);
    assertThat(store.usage(project)).isEqualTo(l3);
    assertThat(store.projectUsage("team")).isEqualTo(new ProjectUsage(m1Usage + l3, 2));
    assertThat(store.projectUsage("team-b")).isEqualTo(new ProjectUsage(layer(9).size(), 0));
    assertThat(store.projectUsage("tea")).isEqualTo(ProjectUsage.NONE);
    assertThat(store.projectUsage("library")).isEqualTo(new ProjectUsage(repoUsage, 2));
    assertThatThrownBy(() -> store.projectUsage("")).isInstanceOf(OciException.class);
    assertThat(store.usage(RepositoryName.of("none"))).isZero();

    // A manifest also linked as a blob counts once.
    store.linkBlob(member, new BlobInfo(m1.digest(), m1.size()));
    assertThat(store.usage(member)).isEqualTo(m1Usage);
  }

  // -------------------------------------------------------------------------------------------
  // Migrations

  @Test
  void theReferencesOfManifestsStoredBeforeVersionTwoAreFilledIn() throws Exception {
    JdbcMetadataStore store = fresh();
    RawManifest a = image(1, 1, 2);
    RawManifest b = image(2, 2);
    RawManifest idx = index(a, b);
    for (RepositoryName repo : List.of(REPO, OTHER)) {
      push(store, repo, put(a, T0));
      push(store, repo, put(b, T0));
    }
    push(store, REPO, put(idx, T0, "multi"));
    Map<String, List<ContentReference>> before = new TreeMap<>();
    List<Digest> targets =
        List.of(a.digest(), b.digest(), layer(1).digest(), layer(2).digest(), config(2).digest());
    for (RepositoryName repo : List.of(REPO, OTHER)) {
      for (Digest d : targets) {
        before.put(repo + " " + d, store.referencesTo(repo, d));
      }
    }
    assertThat(before.get(REPO + " " + layer(2).digest())).hasSize(2);
    assertThat(before.get(REPO + " " + a.digest())).hasSize(1);
    store.close();
    // A database of version 1: no references table, and a manifest that no longer parses.
    Bytes garbage = Bytes.utf8("{\"layers\": not json");
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      downgrade(s, 1);
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO manifests (repo, digest, media_type, size, bytes, pushed_at, referrer)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        p.setString(1, REPO.value());
        p.setString(2, Digest.sha256(garbage).toString());
        p.setString(3, MediaType.OCI_IMAGE_MANIFEST.value());
        p.setLong(4, garbage.size());
        p.setBytes(5, garbage.toByteArray());
        p.setString(6, "2026-01-01T00:00:00.000000000Z");
        p.setBytes(7, Bytes.utf8("{}").toByteArray());
        p.executeUpdate();
      }
    }
    try (JdbcMetadataStore migrated = again()) {
      assertThat(migrated.schemaVersion()).isEqualTo(JdbcMetadataStore.latestSchemaVersion());
      for (RepositoryName repo : List.of(REPO, OTHER)) {
        for (Digest d : targets) {
          assertThat(migrated.referencesTo(repo, d))
              .as("%s %s", repo, d)
              .isEqualTo(before.get(repo + " " + d));
        }
      }
      assertThatThrownBy(() -> migrated.deleteManifest(REPO, a.digest()))
          .isInstanceOf(StillReferencedException.class);
      assertThat(migrated.deleteManifest(OTHER, a.digest())).isTrue();
    }
    // In batches smaller than the manifests, the walk in key order misses none.
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DELETE FROM manifest_references");
      ReferenceBackfill.run(c, 2);
    }
    try (JdbcMetadataStore again = again()) {
      assertThat(again.referencesTo(REPO, layer(2).digest()))
          .isEqualTo(before.get(REPO + " " + layer(2).digest()));
      assertThat(again.referencesTo(REPO, b.digest()))
          .isEqualTo(before.get(REPO + " " + b.digest()));
      assertThat(again.referencesTo(OTHER, layer(1).digest())).isEmpty();
      assertThat(again.referencesTo(OTHER, layer(2).digest())).hasSize(1);
    }
  }

  @Test
  void aVersionThreeDatabaseMigratesToFourWithItsProjectUsage() throws Exception {
    JdbcMetadataStore store = fresh();
    RawManifest m1 = image(1, 1, 2);
    RawManifest m2 = image(2, 2, 3);
    RepositoryName team = RepositoryName.of("team");
    RepositoryName teamApp = RepositoryName.of("team/app");
    RepositoryName teamB = RepositoryName.of("team-b/app");
    push(store, team, put(m1, T0, "v1"));
    push(store, teamApp, put(m1, T0));
    push(store, teamApp, put(m2, T0));
    push(store, teamB, put(m2, T0));
    store.linkBlob(teamApp, new BlobInfo(layer(7).digest(), layer(7).size()));
    List<String> projects = List.of("team", "team-b", "library");
    Map<String, ProjectUsage> before = new TreeMap<>();
    for (String p : projects) {
      before.put(p, store.projectUsage(p));
    }
    assertThat(before.get("team").artifacts()).isEqualTo(3);
    store.close();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      downgrade(s, 3);
    }

    try (JdbcMetadataStore migrated = again()) {
      assertThat(migrated.schemaVersion()).isEqualTo(JdbcMetadataStore.latestSchemaVersion());
      for (String p : projects) {
        assertThat(migrated.projectUsage(p)).as(p).isEqualTo(before.get(p));
      }
      assertThat(migrated.projectHolds("team", layer(3).digest())).isTrue();
      assertThat(migrated.projectHolds("team", layer(9).digest())).isFalse();
      // The counters filled in go on exactly: m2 leaves team/app, its layer 3 stays linked.
      assertThat(migrated.deleteManifest(teamApp, m2.digest())).isTrue();
      assertThat(migrated.projectUsage("team"))
          .isEqualTo(new ProjectUsage(before.get("team").bytes() - m2.size(), 2));
      assertThat(migrated.unlinkBlob(teamApp, layer(3).digest())).isTrue();
      assertThat(migrated.projectUsage("team").bytes())
          .isEqualTo(before.get("team").bytes() - m2.size() - layer(3).size());
      assertThat(migrated.projectUsage("team-b")).isEqualTo(before.get("team-b"));
    }
  }

  @Test
  void aVersionFourDatabaseMigratesToFiveWithYoungLinksAndAnEmptyJournal() throws Exception {
    JdbcMetadataStore store = fresh();
    RawManifest m = image(1, 1, 2);
    RepositoryName team = RepositoryName.of("team/app");
    push(store, team, put(m, T0, "v1"));
    BlobInfo loose = new BlobInfo(layer(7).digest(), layer(7).size());
    store.linkBlob(team, loose);
    store.linkBlob(OTHER, loose);
    ProjectUsage usage = store.projectUsage("team");
    store.close();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      downgrade(s, 4);
    }

    Instant beforeMigration = Instant.now();
    try (JdbcMetadataStore migrated = again()) {
      Instant afterMigration = Instant.now();
      assertThat(migrated.schemaVersion()).isEqualTo(5);
      LifecycleStore lifecycle = migrated.lifecycle();
      RepositoryContent content = lifecycle.content(team);
      assertThat(content.tags()).extracting(TagRecord::digest).containsExactly(m.digest());
      assertThat(content.manifests()).extracting(ManifestNode::digest).containsExactly(m.digest());
      assertThat(content.links()).hasSize(4); // config, two layers, the loose blob
      // Dated by the migration: young, so not collected by surprise.
      assertThat(content.links())
          .allSatisfy(l -> assertThat(l.linkedAt()).isBetween(beforeMigration, afterMigration));
      assertThat(lifecycle.collectLink(team, loose.digest(), beforeMigration)).isFalse();
      assertThat(lifecycle.journal(100).isEmpty()).isTrue();
      assertThat(migrated.projectUsage("team")).isEqualTo(usage);
      // The migrated data goes on: collecting journals, counters follow.
      assertThat(lifecycle.collectLink(team, loose.digest(), afterMigration.plusSeconds(1)))
          .isTrue();
      assertThat(lifecycle.journal(100).repositories()).containsExactly(team);
      assertThat(lifecycle.journal(100).blobs()).isEmpty(); // OTHER links it still
      assertThat(migrated.projectUsage("team"))
          .isEqualTo(new ProjectUsage(usage.bytes() - loose.size(), usage.artifacts()));
      assertThat(migrated.unlinkBlob(OTHER, loose.digest())).isTrue();
      assertThat(lifecycle.journal(100).blobs()).containsExactly(loose.digest());
    }
  }

  @Test
  void migrationsAreAppliedOnce() throws Exception {
    JdbcMetadataStore store = fresh();
    RawManifest m = image(1, 1);
    push(store, REPO, put(m, T0, "latest"));
    assertThat(store.schemaVersion()).isEqualTo(JdbcMetadataStore.latestSchemaVersion());
    store.close();

    for (int restart = 0; restart < 2; restart++) {
      JdbcMetadataStore reopened = again();
      assertThat(reopened.dialect()).isEqualTo(dialect());
      assertThat(reopened.schemaVersion()).isEqualTo(JdbcMetadataStore.latestSchemaVersion());
      assertThat(reopened.resolveTag(REPO, Tag.LATEST)).contains(m.digest());
      reopened.close();
    }
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT version, description FROM schema_version ORDER BY version")) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getInt(1) + " " + rs.getString(2));
      }
      assertThat(rows)
          .containsExactly(
              "1 init", "2 manifest references", "3 access", "4 project usage", "5 lifecycle");
    }
  }

  @Test
  void storedValuesThatNoLongerParseAreStorageFailures() throws Exception {
    JdbcMetadataStore store = fresh();
    RawManifest m = image(1, 1);
    push(store, REPO, put(m, T0));
    try (Connection c = connect();
        java.sql.PreparedStatement p = c.prepareStatement("UPDATE manifests SET bytes = ?")) {
      p.setBytes(1, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(p.executeUpdate()).isEqualTo(1);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.getManifest(REPO, m.digest()))
        .isInstanceOf(io.wharf.oci.model.error.StorageException.class)
        .hasMessageContaining("does not parse");
  }

  @Test
  void aClosedStoreRefusesWork() throws Exception {
    JdbcMetadataStore store = fresh();
    store.close();
    store.close(); // idempotent
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.repositoryExists(REPO))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("closed");
  }

  // -------------------------------------------------------------------------------------------
  // Access control's records (schema version 3)

  private static RobotRecord robot(String name, String project) {
    return new RobotRecord(
        name,
        "sha256:" + "0f".repeat(32),
        List.of(new RobotPermission(project, EnumSet.of(RobotAction.PULL, RobotAction.PUSH))),
        Optional.of(T0.plusSeconds(86_400)),
        false,
        T0,
        "pushes " + project);
  }

  @Test
  void aVersionTwoDatabaseMigratesToThreeKeepingItsData() throws Exception {
    JdbcMetadataStore store = fresh();
    RawManifest m = image(1, 1, 2);
    push(store, REPO, put(m, T0, "v1"));
    BlobInfo extra = new BlobInfo(layer(7).digest(), layer(7).size());
    store.linkBlob(OTHER, extra);
    store.close();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      downgrade(s, 2);
      assertThat(Migrations.current(c)).isEqualTo(2);
    }

    try (JdbcMetadataStore migrated = again()) {
      assertThat(migrated.schemaVersion()).isEqualTo(JdbcMetadataStore.latestSchemaVersion());
      assertThat(migrated.resolveTag(REPO, Tag.of("v1"))).contains(m.digest());
      assertThat(migrated.getManifest(REPO, m.digest())).contains(m);
      assertThat(migrated.referencesTo(REPO, layer(2).digest())).hasSize(1);
      assertThat(migrated.isBlobLinked(OTHER, extra.digest())).isTrue();
      AccessStore access = migrated.access();
      assertThat(access.revision()).isZero();
      assertThat(access.projects()).isEmpty();
      assertThat(access.robots()).isEmpty();
      assertThat(access.putProject(new ProjectRecord("library", false, T0))).isTrue();
      access.putMember(new ProjectMember("library", Principal.user("alice"), ProjectRole.GUEST));
      access.createRobot(robot("ci", "library"));
      assertThat(access.revision()).isEqualTo(3);
    }
    try (JdbcMetadataStore reopened = again()) {
      assertThat(reopened.access().robot("ci")).contains(robot("ci", "library"));
      assertThat(reopened.access().members("library")).hasSize(1);
      assertThat(reopened.access().revision()).isEqualTo(3);
    }
  }

  @Test
  void accessWritesOfOneNodeAreSeenByAnother() throws Exception {
    AccessStore one = fresh().access();
    AccessStore two = again().access();
    long before = two.revision();
    one.putProject(new ProjectRecord("library", true, T0));
    long after = two.revision();
    assertThat(after).isNotEqualTo(before);
    assertThat(two.project("library")).contains(new ProjectRecord("library", true, T0));
    two.createRobot(robot("ci", "library"));
    assertThat(one.revision()).isNotEqualTo(after);
    assertThat(one.robots()).containsExactly(robot("ci", "library"));
    assertThatThrownBy(() -> one.createRobot(robot("ci", "other")))
        .isInstanceOf(DuplicateRobotException.class);
  }

  @Test
  void concurrentAccessWritesOfTwoNodesAreEachCountedOnce() throws Exception {
    AccessStore one = fresh().access();
    AccessStore two = again().access();
    one.putProject(new ProjectRecord("shared", false, T0));
    long start = one.revision();
    int threads = 4;
    int rounds = 8;
    List<Concurrently.Rounds<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int t = i;
      AccessStore node = t % 2 == 0 ? one : two;
      tasks.add(
          j -> {
            Principal user = Principal.user("u" + t + "-" + j);
            node.putMember(new ProjectMember("shared", user, ProjectRole.DEVELOPER));
            node.createRobot(robot("r" + t + "-" + j, "shared"));
            // Two writes that change something, and one that does not.
            assertThat(node.removeMember("shared", Principal.group("nobody"))).isFalse();
            return 2;
          });
    }
    int writes =
        Concurrently.run(tasks, rounds).stream().flatMap(List::stream).mapToInt(w -> w).sum();
    assertThat(one.revision()).isEqualTo(start + writes);
    assertThat(two.revision()).isEqualTo(start + writes);
    assertThat(two.members("shared")).hasSize(threads * rounds);
    assertThat(one.robots()).hasSize(threads * rounds);
  }

  @Test
  void storedAccessValuesThatNoLongerParseAreStorageFailures() throws Exception {
    AccessStore access = fresh().access();
    access.putProject(new ProjectRecord("library", false, T0));
    access.putMember(new ProjectMember("library", Principal.user("alice"), ProjectRole.GUEST));
    access.createRobot(robot("ci", "library"));
    List<String> corruptions =
        List.of(
            "UPDATE robot_accounts SET permissions = 'library=push,pull'",
            "UPDATE robot_accounts SET permissions = 'library=pull '",
            "UPDATE robot_accounts SET permissions = 'library=pull;'",
            "UPDATE robot_accounts SET permissions = 'Library=pull'",
            "UPDATE robot_accounts SET expires_at = 'tomorrow'",
            "UPDATE robot_accounts SET name = 'CI'",
            "UPDATE project_members SET role = 'owner'",
            "UPDATE project_members SET role = 'GUEST'",
            "UPDATE projects SET created_at = 'yesterday'");
    for (String corruption : corruptions) {
      try (Connection c = connect();
          Statement s = c.createStatement()) {
        s.execute(corruption);
      }
      assertThatThrownBy(
              () -> {
                access.robots();
                access.members();
                access.projects();
              })
          .as(corruption)
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("does not parse");
      try (Connection c = connect();
          Statement s = c.createStatement()) {
        s.execute("DELETE FROM project_members");
        s.execute("DELETE FROM robot_accounts");
        s.execute("DELETE FROM projects");
      }
      access.putProject(new ProjectRecord("library", false, T0));
      access.putMember(new ProjectMember("library", Principal.user("alice"), ProjectRole.GUEST));
      access.createRobot(robot("ci", "library"));
    }

    // Without its revision row the store refuses to read or write, and the write leaves nothing.
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DELETE FROM access_revision");
    }
    assertThatThrownBy(access::revision)
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("revision");
    assertThatThrownBy(() -> access.putProject(new ProjectRecord("other", false, T0)))
        .isInstanceOf(StorageException.class);
    assertThat(access.project("other")).isEmpty();
  }

  @Test
  void aClosedStoreRefusesAccessWork() throws Exception {
    JdbcMetadataStore store = fresh();
    AccessStore access = store.access();
    store.close();
    assertThatThrownBy(access::projects)
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> access.createRobot(robot("ci", "library")))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("closed")
        .hasMessageNotContaining("0f0f");
    // A name looked up is shown bounded and without control characters.
    assertThatThrownBy(() -> access.robot("x\r\n".repeat(1000)))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("'x??x??")
        .hasMessageNotContaining("\n")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
  }

  // -------------------------------------------------------------------------------------------
  // Concurrency

  /**
   * Writers on several repositories of one project at once (on PostgreSQL each holds only its
   * repository's lock, so the project's counters are what they share): pushes of images with shared
   * layers, manifest deletes, links and unlinks. Then the counters equal the project's content
   * grouped from the tables.
   */
  @Test
  @org.junit.jupiter.api.Timeout(value = 10, unit = TimeUnit.MINUTES) // a hang guard
  void projectUsageStaysExactUnderConcurrentWritesToSeveralRepositoriesOfTheProject()
      throws Exception {
    JdbcMetadataStore store = fresh();
    List<RepositoryName> repos =
        List.of(
            RepositoryName.of("team"),
            RepositoryName.of("team/a"),
            RepositoryName.of("team/b"),
            RepositoryName.of("team-b/a"));
    int threads = 8;
    List<Concurrently.Rounds<Integer>> tasks = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Random random = new Random(thread);
      tasks.add(
          round -> {
            RepositoryName repo = repos.get((thread + round) % repos.size());
            // Every thread's step of a round is about the same layer, in different repositories.
            int shared = round % 6;
            RawManifest m = image(random.nextInt(12), shared, 6 + random.nextInt(3));
            switch (random.nextInt(4)) {
              case 0 -> {
                try {
                  push(store, repo, put(m, T0));
                } catch (io.wharf.oci.model.error.InvalidContentException e) {
                  // a layer was unlinked between the links and the put: MANIFEST_BLOB_UNKNOWN
                  assertThat(e.code())
                      .isEqualTo(io.wharf.oci.model.error.ErrorCode.MANIFEST_BLOB_UNKNOWN);
                }
              }
              case 1 -> store.deleteManifest(repo, m.digest());
              case 2 ->
                  store.linkBlob(repo, new BlobInfo(layer(shared).digest(), layer(shared).size()));
              default -> {
                try {
                  store.unlinkBlob(repo, layer(shared).digest());
                } catch (StillReferencedException e) {
                  // a manifest of the repository uses it
                }
              }
            }
            return round;
          });
    }
    Concurrently.run(tasks, 48);
    for (String project : List.of("team", "team-b")) {
      assertThat(store.projectUsage(project)).as(project).isEqualTo(grouped(project));
    }
  }

  /** The usage of {@code project} grouped from the tables, as before schema version 4. */
  private ProjectUsage grouped(String project) throws Exception {
    String in = ProjectCounters.IN_PROJECT;
    String sql =
        "SELECT (SELECT COALESCE(SUM(size), 0) FROM (SELECT digest, MAX(size) AS size FROM ("
            + "SELECT digest, size FROM manifests WHERE "
            + in
            + " UNION ALL SELECT digest, size FROM blob_links WHERE "
            + in
            + ") contents GROUP BY digest) d), (SELECT COUNT(*) FROM manifests WHERE "
            + in
            + ")";
    try (Connection c = connect();
        PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < 3; i++) {
        p.setString(3 * i + 1, project);
        p.setString(3 * i + 2, project + "/");
        p.setString(3 * i + 3, project + "0");
      }
      try (ResultSet rs = p.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return new ProjectUsage(rs.getLong(1), rs.getLong(2));
      }
    }
  }

  @Test
  void concurrentPutsAndReTagsLoseNoUpdate() throws Exception {
    JdbcMetadataStore store = fresh();
    int threads = 32;
    int rounds = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    Map<Integer, List<Map<Tag, Digest>>> results = new ConcurrentHashMap<>();
    Set<Digest> pushed = ConcurrentHashMap.newKeySet();
    AtomicInteger newLinks = new AtomicInteger();
    BlobInfo shared = new BlobInfo(layer(999).digest(), layer(999).size());
    RepositoryName churn = RepositoryName.of("churn");
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  List<Map<Tag, Digest>> mine = new ArrayList<>();
                  for (int r = 0; r < rounds; r++) {
                    RawManifest m = image(thread * 100 + r, thread, 500 + r);
                    pushed.add(m.digest());
                    mine.add(
                        push(store, REPO, put(m, T0.plusMillis(r), "shared", "own-" + thread)));
                    if (store.linkBlob(REPO, shared)) {
                      newLinks.incrementAndGet();
                    }
                    // Reads run beside the writes.
                    assertThat(store.resolveTag(REPO, Tag.of("own-" + thread)))
                        .contains(m.digest());
                    assertThat(store.tags(REPO, PageRequest.first(5)).items()).isNotEmpty();
                    store.recordPull(REPO, m.digest(), Optional.of(Tag.of("shared")), T0);
                    // A repository that keeps appearing and disappearing.
                    BlobInfo own = new BlobInfo(layer(thread).digest(), layer(thread).size());
                    store.linkBlob(churn, own);
                    store.unlinkBlob(churn, own.digest());
                  }
                  results.put(thread, mine);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(5, TimeUnit.MINUTES); // rethrows any failure, SQLITE_BUSY included
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(newLinks).hasValue(1);
    int total = threads * rounds;
    assertThat(pushed).hasSize(total);
    // The moves of "shared" form one chain: every push but the first displaced exactly one other.
    List<Digest> displaced = new ArrayList<>();
    results
        .values()
        .forEach(
            l ->
                l.forEach(
                    m -> {
                      if (m.containsKey(Tag.of("shared"))) {
                        displaced.add(m.get(Tag.of("shared")));
                      }
                    }));
    Digest last = store.resolveTag(REPO, Tag.of("shared")).orElseThrow();
    assertThat(displaced).hasSize(total - 1).doesNotHaveDuplicates().doesNotContain(last);
    Set<Digest> chain = new HashSet<>(displaced);
    chain.add(last);
    assertThat(chain).isEqualTo(pushed);
    // Each thread's own tag moved through its own manifests in order.
    for (int t = 0; t < threads; t++) {
      List<Map<Tag, Digest>> mine = results.get(t);
      assertThat(mine.get(0)).doesNotContainKey(Tag.of("own-" + t));
      for (int r = 1; r < rounds; r++) {
        assertThat(mine.get(r))
            .containsEntry(Tag.of("own-" + t), image(t * 100 + r - 1, t, 500 + r - 1).digest());
      }
    }
    assertThat(store.manifestRecords(REPO)).hasSize(total);
    assertThat(store.tagRecords(REPO)).hasSize(threads + 1);
    assertThat(store.repositoryExists(churn)).isFalse();
    assertThat(store.repositories(PageRequest.first(10)).items()).containsExactly(REPO);
  }

  // -------------------------------------------------------------------------------------------
  // Comparison with the reference implementation

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 24);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void behavesAsTheInMemoryStore(long seed) throws Exception {
    MutableClock clock = new MutableClock(T0);
    JdbcMetadataStore jdbc = fresh(clock);
    InMemoryMetadataStore memory = new InMemoryMetadataStore(clock);
    new Comparison(new Random(seed), memory, jdbc, clock).run(200);
  }

  /** One random sequence of operations on both stores, comparing every observable result. */
  static final class Comparison {
    private static final List<RepositoryName> REPOS =
        Stream.of("a", "a/b", "a/b/c", "a-b", "a0", "ab", "b", "b/a")
            .map(RepositoryName::of)
            .toList();
    private static final List<String> PROJECTS = List.of("a", "a/b", "b", "ab", "", "c", "a/");
    private static final List<String> TAGS =
        List.of("latest", "v1", "v1.0", "V1", "_x", "a-b", "a.b", "a_b", "1");
    private static final List<String> LASTS = List.of("", "a", "a/b", "a0", "v1", "V", "zzz", "~");

    private final Random random;
    private final MetadataStore memory;
    private final MetadataStore jdbc;
    private final List<RawManifest> manifests = new ArrayList<>();
    private final List<BlobInfo> blobs = new ArrayList<>();
    private final List<Digest> subjects;
    private final MutableClock links;
    private Instant clock = T0;
    private int step;

    Comparison(Random random, MetadataStore memory, MetadataStore jdbc, MutableClock links) {
      this.random = random;
      this.memory = memory;
      this.jdbc = jdbc;
      this.links = links;
      for (int i = 0; i < 6; i++) {
        manifests.add(image(i, i % 4, 4 + i % 3));
      }
      manifests.add(index(manifests.get(0), manifests.get(1)));
      manifests.add(referrer(1, SIGNATURE, manifests.get(0)));
      manifests.add(referrer(2, SBOM, manifests.get(0)));
      manifests.add(referrer(3, SIGNATURE, manifests.get(1)));
      manifests.add(imageReferrer(8, manifests.get(0)));
      // A referrer of a subject no repository has.
      RawManifest missing = image(77, 77);
      manifests.add(referrer(4, SBOM, missing));
      subjects =
          List.of(
              manifests.get(0).digest(),
              manifests.get(1).digest(),
              missing.digest(),
              manifests.get(7).digest());
      for (int i = 0; i < 9; i++) {
        Descriptor d = layer(i);
        blobs.add(new BlobInfo(d.digest(), d.size()));
      }
      for (RawManifest m : manifests.subList(0, 3)) {
        blobs.add(new BlobInfo(m.digest(), m.size())); // manifests linked as blobs too
      }
    }

    void run(int operations) throws Exception {
      for (step = 0; step < operations; step++) {
        clock = clock.plusNanos(1 + random.nextInt(2_000_000_000));
        links.set(clock);
        operation(random.nextInt(25));
      }
      for (RepositoryName r : REPOS) {
        same("final tagRecords", s -> s.tagRecords(r));
        same("final manifestRecords", s -> s.manifestRecords(r));
        same("final usage", s -> s.usage(r));
        same("final exists", s -> s.repositoryExists(r));
        same("final content", s -> s.lifecycle().content(r));
      }
      same("final journal", s -> s.lifecycle().journal(1000).repositories());
      same("final journaled blobs", s -> s.lifecycle().journal(1000).blobs());
      same("final repositories", s -> s.repositories(PageRequest.first(100)));
      same("final linkedBlobs", s -> linked(s));
    }

    private void operation(int op) throws Exception {
      // Most operations go to a few repositories, so that they meet.
      RepositoryName repo = random.nextInt(4) == 0 ? pick(REPOS) : REPOS.get(random.nextInt(2));
      RawManifest m = pick(manifests);
      switch (op) {
        case 0, 1, 2 -> {
          Set<Tag> tags = new HashSet<>();
          for (int i = random.nextInt(4); i > 0; i--) {
            tags.add(Tag.of(pick(TAGS)));
          }
          ManifestPut put = ManifestPut.of(m, tags, clock);
          same("putManifest " + repo + " " + tags, s -> push(s, repo, put));
        }
        case 3 -> same("getManifest", s -> s.getManifest(repo, m.digest()));
        case 4 -> same("statManifest", s -> s.statManifest(repo, m.digest()));
        case 5 -> {
          Tag tag = Tag.of(pick(TAGS));
          same("resolveTag " + tag, s -> s.resolveTag(repo, tag));
        }
        case 6 -> same("deleteManifest", s -> s.deleteManifest(repo, m.digest()));
        case 7 -> {
          Tag tag = Tag.of(pick(TAGS));
          same("deleteTag " + tag, s -> s.deleteTag(repo, tag));
        }
        case 8 -> {
          PageRequest page = pageRequest();
          same("tags " + page, s -> s.tags(repo, page));
        }
        case 9 -> same("tagRecords", s -> s.tagRecords(repo));
        case 10 -> same("manifestRecords", s -> s.manifestRecords(repo));
        case 11 -> {
          Optional<MediaType> type =
              Optional.of(List.of(SIGNATURE, SBOM, MediaType.OCI_IMAGE_CONFIG, MediaType.JSON))
                  .filter(x -> random.nextBoolean())
                  .map(this::pick);
          Digest subject = pick(subjects);
          same("referrers " + type, s -> s.referrers(repo, subject, type));
        }
        case 12 -> {
          PageRequest page = pageRequest();
          same("repositories " + page, s -> s.repositories(page));
        }
        case 13 -> same("repositoryExists", s -> s.repositoryExists(repo));
        case 14 -> {
          BlobInfo b = pick(blobs);
          same("linkBlob", s -> s.linkBlob(repo, b));
        }
        case 15 -> {
          Digest b = pick(blobs).digest();
          same("isBlobLinked", s -> s.isBlobLinked(repo, b));
        }
        case 16 -> {
          Digest b = pick(blobs).digest();
          same("unlinkBlob", s -> s.unlinkBlob(repo, b));
        }
        case 17 -> same("linkedBlobs", s -> linked(s));
        case 18 -> {
          Optional<Tag> tag =
              random.nextBoolean() ? Optional.of(Tag.of(pick(TAGS))) : Optional.empty();
          Instant at = clock;
          same(
              "recordPull",
              s -> {
                s.recordPull(repo, m.digest(), tag, at);
                return s.tagRecords(repo);
              });
        }
        case 20 -> same("content", s -> s.lifecycle().content(repo));
        case 21 -> {
          Tag tag = Tag.of(pick(TAGS));
          same("removeTag " + tag, s -> s.lifecycle().removeTag(repo, tag, m.digest()));
        }
        case 22 -> {
          Instant before = cutoff();
          same(
              "collectManifest " + before,
              s -> s.lifecycle().collectManifest(repo, m.digest(), before));
        }
        case 23 -> {
          Digest b = pick(blobs).digest();
          Instant before = cutoff();
          same("collectLink " + before, s -> s.lifecycle().collectLink(repo, b, before));
        }
        case 24 -> {
          // Trimmed in step: both journals hold the same entries, whatever their positions.
          same("journal", s -> journaled(s, 3));
          same("journal trimmed", s -> journaled(s, 1000));
        }
        default -> {
          same("usage", s -> s.usage(repo));
          String project = pick(PROJECTS);
          same("projectUsage " + project, s -> s.projectUsage(project));
          Digest held = random.nextBoolean() ? pick(blobs).digest() : m.digest();
          same("projectHolds " + project, s -> s.projectHolds(project, held));
        }
      }
    }

    /** A cutoff for a collection: an instant of the recent past, or now. */
    private Instant cutoff() {
      return clock.minusNanos(random.nextInt(4) == 0 ? 0 : random.nextInt(2_000_000_000) * 4L);
    }

    /** The entries of the oldest {@code limit} of the journal, which are then trimmed. */
    private static List<Set<?>> journaled(MetadataStore s, int limit) throws Exception {
      JournalBatch batch = s.lifecycle().journal(limit);
      s.lifecycle().trimJournal(batch);
      return List.of(batch.repositories(), batch.blobs());
    }

    private static Set<Digest> linked(MetadataStore s) throws Exception {
      try (Stream<Digest> stream = s.linkedBlobs()) {
        List<Digest> all = stream.toList();
        assertThat(all).doesNotHaveDuplicates();
        return new HashSet<>(all);
      }
    }

    private PageRequest pageRequest() {
      int limit = 1 + random.nextInt(4);
      return random.nextBoolean()
          ? PageRequest.first(limit)
          : PageRequest.after(random.nextBoolean() ? pick(LASTS) : pick(TAGS), limit);
    }

    private <T> T pick(List<T> list) {
      return list.get(random.nextInt(list.size()));
    }

    /** Both stores give the same result, or refuse with the same error. */
    private <T> void same(String what, Op<T> op) throws Exception {
      Object expected = outcome(memory, op);
      Object actual = outcome(jdbc, op);
      assertThat(actual).as("step %d: %s", step, what).isEqualTo(expected);
    }

    private static <T> Object outcome(MetadataStore store, Op<T> op) throws Exception {
      try {
        return op.on(store);
      } catch (OciException e) {
        return List.of(e.getClass().getSimpleName(), e.code(), e.httpStatus(), e.getMessage());
      }
    }

    @FunctionalInterface
    interface Op<T> {
      T on(MetadataStore store) throws Exception;
    }
  }
}
