package io.wharf.oci.storage.jdbc;

import static io.wharf.oci.storage.jdbc.Sql.queryAll;
import static io.wharf.oci.storage.jdbc.Sql.queryOne;
import static io.wharf.oci.storage.jdbc.Sql.setNullableString;
import static io.wharf.oci.storage.jdbc.Sql.update;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.StorageException;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.BlobLink;
import io.wharf.oci.storage.BlobSweeper;
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
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link MetadataStore} in a relational database over JDBC: SQLite for a single node ({@link
 * #sqlite(Path)}), PostgreSQL for several ({@link #open(DataSource, Dialect)} with the
 * application's pooled data source). It behaves exactly as {@link
 * io.wharf.oci.storage.memory.InMemoryMetadataStore}. Thread-safe.
 *
 * <p>Every method is one statement or one transaction. Write transactions on PostgreSQL run at
 * {@code READ COMMITTED} holding an advisory lock (of their repository, or of access control's
 * records for {@link #access()}); SQLite is always serializable, with one writer at a time. They
 * are run again when the database reports that they lost a race: a serialization failure or
 * deadlock on PostgreSQL, {@code SQLITE_BUSY} or {@code SQLITE_LOCKED} on SQLite. Reads are single
 * auto-committed statements and run concurrently with writes.
 *
 * <p>The schema is versioned: {@code open} applies the pending classpath scripts {@code
 * db/V<n>__*.sql} in one transaction and records them in table {@code schema_version}; a restart
 * applies nothing twice. Names, tags and digests are stored as text that compares bytewise, so
 * listings are in lexical (byte) order and each page is one index range scan ({@code WHERE name > ?
 * ORDER BY name LIMIT n+1}). Timestamps are ISO-8601 UTC text with nine fraction digits, lossless.
 *
 * <p>Database failures surface as {@link IOException}s naming the operation, with the {@link
 * SQLException} as their cause; a stored value that no longer parses as a {@link StorageException}.
 * Nothing is logged, and no message carries connection details.
 */
public final class JdbcMetadataStore implements MetadataStore {

  /** How many times a transaction that lost a race is tried before the failure is reported. */
  private static final int MAX_ATTEMPTS = 16;

  /** How many digests {@link #linkedBlobs()} reads at a time. */
  private static final int BLOB_BATCH = 1000;

  private static final String ENSURE_REPOSITORY =
      "INSERT INTO repositories (name) VALUES (?) ON CONFLICT (name) DO NOTHING";

  private static final String DROP_REPOSITORY_IF_EMPTY =
      "DELETE FROM repositories WHERE name = ?"
          + " AND NOT EXISTS (SELECT 1 FROM manifests WHERE repo = ?)"
          + " AND NOT EXISTS (SELECT 1 FROM tags WHERE repo = ?)"
          + " AND NOT EXISTS (SELECT 1 FROM blob_links WHERE repo = ?)";

  private static final String INSERT_MANIFEST =
      "INSERT INTO manifests (repo, digest, media_type, size, bytes, pushed_at, pulled_at,"
          + " subject, artifact_type, referrer) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)"
          + " ON CONFLICT (repo, digest) DO NOTHING";

  private static final String LINK_BLOB =
      "INSERT INTO blob_links (repo, digest, size, linked_at) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (repo, digest) DO NOTHING";

  /** Journal kinds ({@code lifecycle_journal.kind}). */
  private static final String REPOSITORY = "repository";

  private static final String BLOB = "blob";

  /** Whether a manifest of a repository refers to a target; a condition on the kind follows. */
  private static final String REFERENCED =
      "SELECT 1 FROM manifest_references WHERE repo = ? AND target = ?";

  /** How many digests one transaction of {@link LifecycleStore#sweepBlobs} sweeps at most. */
  static final int SWEEP_BATCH = 256;

  private static final String UPSERT_TAG =
      "INSERT INTO tags (repo, name, digest, pushed_at, pulled_at) VALUES (?, ?, ?, ?, NULL)"
          + " ON CONFLICT (repo, name) DO UPDATE SET digest = excluded.digest,"
          + " pushed_at = excluded.pushed_at, pulled_at = NULL";

  /** The usage of the repositories a filter selects: distinct digests, each counted once. */
  private static final String USAGE =
      "SELECT COALESCE(SUM(size), 0) FROM ("
          + "SELECT digest, MAX(size) AS size FROM ("
          + "SELECT digest, size FROM manifests WHERE %1$s"
          + " UNION ALL SELECT digest, size FROM blob_links WHERE %1$s"
          + ") contents GROUP BY digest) distinct_contents";

  private final ConnectionPool pool;
  private final Dialect dialect;
  private final Clock clock;
  private final JdbcAccessStore access;
  private final LifecycleStore lifecycle = new JdbcLifecycle();
  private volatile boolean closed;

  private JdbcMetadataStore(ConnectionPool pool, Dialect dialect, Clock clock) {
    this.pool = pool;
    this.dialect = dialect;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.access = new JdbcAccessStore(this);
  }

  /**
   * A store in the database behind {@code dataSource}, whose schema is brought up to date first.
   * The application owns the data source, which should pool connections: the store takes one per
   * call and closes it again, and {@link #close()} leaves the data source open. With {@link
   * Dialect#SQLITE}, the data source should configure its connections as {@link #sqlite(Path)} does
   * (WAL, foreign keys, a busy timeout); writes are serialised in the JVM.
   *
   * @throws IOException when the database cannot be reached or migrated
   */
  public static JdbcMetadataStore open(DataSource dataSource, Dialect dialect) throws IOException {
    return open(dataSource, dialect, Clock.systemUTC());
  }

  /**
   * As {@link #open(DataSource, Dialect)}, dating blob links ({@link BlobLink#linkedAt()}) and the
   * schema's migrations with {@code clock}.
   *
   * @throws IOException when the database cannot be reached or migrated
   */
  public static JdbcMetadataStore open(DataSource dataSource, Dialect dialect, Clock clock)
      throws IOException {
    return start(new DataSourcePool(dataSource, dialect), dialect, clock);
  }

  /**
   * As {@link #open(DataSource, Dialect)}, with the dialect of the database the data source
   * connects to.
   *
   * @throws IOException when the database cannot be reached or migrated, or is neither SQLite nor
   *     PostgreSQL
   */
  public static JdbcMetadataStore open(DataSource dataSource) throws IOException {
    Dialect dialect;
    try (Connection c = dataSource.getConnection()) {
      dialect = Dialect.of(c);
    } catch (SQLException e) {
      throw failure("detect the database dialect", e);
    }
    return open(dataSource, dialect);
  }

  /**
   * A store in SQLite database file {@code dbFile}, created with its parent directories when
   * missing, for a single node: WAL journal mode, {@code synchronous=FULL}, foreign keys on, a busy
   * timeout, one writer connection that a fair lock hands to one transaction at a time, and a few
   * reader connections that run concurrently with it. Meant for one process; stores in several
   * processes on one file wait for each other through SQLite's locks and the busy timeout.
   *
   * @throws IOException when the file cannot be opened or migrated
   */
  public static JdbcMetadataStore sqlite(Path dbFile) throws IOException {
    return sqlite(dbFile, Clock.systemUTC());
  }

  /**
   * As {@link #sqlite(Path)}, dating blob links ({@link BlobLink#linkedAt()}) and the schema's
   * migrations with {@code clock}.
   *
   * @throws IOException when the file cannot be opened or migrated
   */
  public static JdbcMetadataStore sqlite(Path dbFile, Clock clock) throws IOException {
    Path parent = dbFile.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    int readers = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
    return start(new SqlitePool(dbFile, readers), Dialect.SQLITE, clock);
  }

  private static JdbcMetadataStore start(ConnectionPool pool, Dialect dialect, Clock clock)
      throws IOException {
    JdbcMetadataStore store = new JdbcMetadataStore(pool, dialect, clock);
    try {
      // READ COMMITTED on PostgreSQL: after waiting for the migration lock, see what the node that
      // held it committed.
      store.run(
          "migrate the schema", Mode.MIGRATE, c -> Migrations.migrate(c, dialect, clock.instant()));
      return store;
    } catch (IOException | RuntimeException e) {
      try {
        pool.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** The dialect of the database. */
  public Dialect dialect() {
    return dialect;
  }

  /**
   * The schema version of the database, {@link #latestSchemaVersion()} once opened.
   *
   * @throws IOException when the database cannot be read
   */
  public int schemaVersion() throws IOException {
    return read("read the schema version", Migrations::current);
  }

  /** The schema version this code migrates databases to. */
  public static int latestSchemaVersion() {
    return Migrations.latest();
  }

  // ---------------------------------------------------------------------------------------------
  // Manifests and tags

  @Override
  public Map<Tag, Digest> putManifest(RepositoryName repository, ManifestPut put)
      throws IOException {
    String repo = repository.value();
    RawManifest manifest = put.manifest();
    String digest = manifest.digest().toString();
    String at = Timestamps.format(put.at());
    byte[] bytes = manifest.bytes().toByteArray();
    byte[] referrer = put.referrer().toJson().toByteArray();
    String subject = put.subjectDigest().map(Digest::toString).orElse(null);
    String artifactType = put.referrer().artifactType().map(MediaType::value).orElse(null);
    List<Tag> tags = new ArrayList<>(put.tags());
    return write(
        "put manifest " + digest + " in " + repo,
        repo,
        c -> {
          checkReferences(c, repository, put);
          ensureRepository(c, repo);
          int inserted;
          try (PreparedStatement p = c.prepareStatement(INSERT_MANIFEST)) {
            p.setString(1, repo);
            p.setString(2, digest);
            p.setString(3, manifest.mediaType().value());
            p.setLong(4, manifest.size());
            p.setBytes(5, bytes);
            p.setString(6, at);
            setNullableString(p, 7, subject);
            setNullableString(p, 8, artifactType);
            p.setBytes(9, referrer);
            inserted = p.executeUpdate();
          }
          if (inserted == 1) {
            ReferenceBackfill.insert(c, repo, put.references());
            ProjectCounters.hold(c, dialect, repo, digest, manifest.size(), 1);
          }
          Map<Tag, Digest> previous = new LinkedHashMap<>();
          try (PreparedStatement select =
                  c.prepareStatement("SELECT digest FROM tags WHERE repo = ? AND name = ?");
              PreparedStatement upsert = c.prepareStatement(UPSERT_TAG)) {
            for (Tag tag : tags) {
              select.setString(1, repo);
              select.setString(2, tag.value());
              try (ResultSet rs = select.executeQuery()) {
                if (rs.next() && !rs.getString(1).equals(digest)) {
                  previous.put(tag, Digest.parse(rs.getString(1)));
                }
              }
              upsert.setString(1, repo);
              upsert.setString(2, tag.value());
              upsert.setString(3, digest);
              upsert.setString(4, at);
              upsert.executeUpdate();
            }
          }
          journalEntry(c, REPOSITORY, repo);
          return previous;
        });
  }

  @Override
  public Optional<RawManifest> getManifest(RepositoryName repository, Digest digest)
      throws IOException {
    return read(
        "get manifest " + digest + " in " + repository,
        c ->
            queryOne(
                c,
                "SELECT media_type, bytes FROM manifests WHERE repo = ? AND digest = ?",
                List.of(repository.value(), digest.toString()),
                rs ->
                    new RawManifest(
                        new MediaType(rs.getString(1)), Bytes.of(rs.getBytes(2)), digest)));
  }

  @Override
  public Optional<ManifestRecord> statManifest(RepositoryName repository, Digest digest)
      throws IOException {
    return read(
        "stat manifest " + digest + " in " + repository,
        c ->
            queryOne(
                c,
                "SELECT digest, media_type, size, pushed_at, pulled_at FROM manifests"
                    + " WHERE repo = ? AND digest = ?",
                List.of(repository.value(), digest.toString()),
                rs -> manifestRecord(repository, rs)));
  }

  private static ManifestRecord manifestRecord(RepositoryName repository, ResultSet rs)
      throws SQLException {
    return new ManifestRecord(
        repository,
        Digest.parse(rs.getString(1)),
        new MediaType(rs.getString(2)),
        rs.getLong(3),
        Timestamps.parse(rs.getString(4)),
        Optional.ofNullable(Timestamps.parseNullable(rs.getString(5))));
  }

  @Override
  public Optional<Digest> resolveTag(RepositoryName repository, Tag tag) throws IOException {
    return read(
        "resolve tag " + tag + " in " + repository,
        c ->
            queryOne(
                c,
                "SELECT digest FROM tags WHERE repo = ? AND name = ?",
                List.of(repository.value(), tag.value()),
                rs -> Digest.parse(rs.getString(1))));
  }

  @Override
  public boolean deleteManifest(RepositoryName repository, Digest digest) throws IOException {
    String repo = repository.value();
    return write(
        "delete manifest " + digest + " in " + repo,
        repo,
        c -> {
          if (size(c, "manifests", repo, List.of(digest)).isEmpty()) {
            return false;
          }
          refuseIfReferenced(c, repository, digest, false);
          removeManifest(c, repo, digest.toString());
          return true;
        });
  }

  /**
   * Removes manifest {@code digest} of {@code repo} with its references, tags and referrer entry
   * (its row), keeping the counters, the repository row and the journal right.
   */
  private void removeManifest(Connection c, String repo, String digest) throws SQLException {
    // The links of the blobs it used are dated now: the grace period of garbage collection
    // counts from when a link lost a user, so that a client that saw the blob a moment ago can
    // still push a manifest using it.
    update(
        c,
        "UPDATE blob_links SET linked_at = ? WHERE repo = ? AND digest IN (SELECT target FROM"
            + " manifest_references WHERE repo = ? AND manifest = ? AND kind <> 'child')",
        Timestamps.format(clock.instant()),
        repo,
        repo,
        digest);
    update(c, "DELETE FROM manifest_references WHERE repo = ? AND manifest = ?", repo, digest);
    update(c, "DELETE FROM tags WHERE repo = ? AND digest = ?", repo, digest);
    update(c, "DELETE FROM manifests WHERE repo = ? AND digest = ?", repo, digest);
    ProjectCounters.release(c, dialect, repo, digest, 1);
    dropIfEmpty(c, repo);
    journalEntry(c, REPOSITORY, repo);
  }

  @Override
  public boolean deleteTag(RepositoryName repository, Tag tag) throws IOException {
    String repo = repository.value();
    return write(
        "delete tag " + tag + " in " + repo,
        repo,
        c -> removeTag(c, repo, "DELETE FROM tags WHERE repo = ? AND name = ?", tag.value()));
  }

  /**
   * Runs {@code delete}, a delete of tags of {@code repo} ({@code repo} and {@code params} its
   * parameters); when it removed one, drops the repository when empty and journals it.
   *
   * @return whether a tag was removed
   */
  private boolean removeTag(Connection c, String repo, String delete, String... params)
      throws SQLException {
    Object[] all = new Object[params.length + 1];
    all[0] = repo;
    System.arraycopy(params, 0, all, 1, params.length);
    if (update(c, delete, all) == 0) {
      return false;
    }
    dropIfEmpty(c, repo);
    journalEntry(c, REPOSITORY, repo);
    return true;
  }

  @Override
  public Page<Tag> tags(RepositoryName repository, PageRequest page) throws IOException {
    return read(
        "list tags of " + repository,
        c -> page(c, "tags", "name", repository.value(), page, Tag::new));
  }

  @Override
  public Page<Digest> blobLinks(RepositoryName repository, PageRequest page) throws IOException {
    return read(
        "list blob links of " + repository,
        c -> page(c, "blob_links", "digest", repository.value(), page, Digest::parse));
  }

  @Override
  public List<TagRecord> tagRecords(RepositoryName repository) throws IOException {
    return read("list tags of " + repository, c -> tagRecords(c, repository.value()));
  }

  private static List<TagRecord> tagRecords(Connection c, String repo) throws SQLException {
    return queryAll(
        c,
        "SELECT name, digest, pushed_at, pulled_at FROM tags WHERE repo = ? ORDER BY name",
        List.of(repo),
        rs ->
            new TagRecord(
                new Tag(rs.getString(1)),
                Digest.parse(rs.getString(2)),
                Timestamps.parse(rs.getString(3)),
                Optional.ofNullable(Timestamps.parseNullable(rs.getString(4)))));
  }

  @Override
  public List<ManifestRecord> manifestRecords(RepositoryName repository) throws IOException {
    List<ManifestRecord> records =
        read(
            "list manifests of " + repository,
            c ->
                queryAll(
                    c,
                    "SELECT digest, media_type, size, pushed_at, pulled_at FROM manifests"
                        + " WHERE repo = ?",
                    List.of(repository.value()),
                    rs -> manifestRecord(repository, rs)));
    // Digest order is Digest.compareTo (algorithm, then encoded), which text order of
    // "algorithm:encoded" is not when one algorithm name is a prefix of another.
    records.sort(Comparator.comparing(ManifestRecord::digest));
    return records;
  }

  @Override
  public List<Descriptor> referrers(
      RepositoryName repository, Digest subject, Optional<MediaType> artifactType)
      throws IOException {
    List<Object> params = new ArrayList<>(List.of(repository.value(), subject.toString()));
    String sql = "SELECT digest, referrer FROM manifests WHERE repo = ? AND subject = ?";
    if (artifactType.isPresent()) {
      sql += " AND artifact_type = ?";
      params.add(artifactType.get().value());
    }
    String query = sql;
    List<Map.Entry<Digest, Descriptor>> referrers =
        read(
            "list referrers of " + subject + " in " + repository,
            c ->
                queryAll(
                    c,
                    query,
                    params,
                    rs ->
                        Map.entry(
                            Digest.parse(rs.getString(1)),
                            Descriptor.parse(Bytes.of(rs.getBytes(2))))));
    // In the order of the referring manifests' digests, as Digest.compareTo sorts them.
    referrers.sort(Map.Entry.comparingByKey());
    List<Descriptor> result = new ArrayList<>(referrers.size());
    referrers.forEach(e -> result.add(e.getValue()));
    return result;
  }

  // ---------------------------------------------------------------------------------------------
  // Repositories and blob links

  @Override
  public Page<RepositoryName> repositories(PageRequest page) throws IOException {
    return read(
        "list repositories", c -> page(c, "repositories", "name", null, page, RepositoryName::new));
  }

  @Override
  public boolean repositoryExists(RepositoryName repository) throws IOException {
    return read(
        "look up " + repository,
        c ->
            queryOne(
                    c,
                    "SELECT 1 FROM repositories WHERE name = ?",
                    List.of(repository.value()),
                    rs -> Boolean.TRUE)
                .isPresent());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Linking a blob that is linked already dates the link again ({@link BlobLink#linkedAt()}).
   * Waits while {@link LifecycleStore#sweepBlobs} sweeps the blob (on PostgreSQL, the sweep holds
   * the blob's advisory lock, of which a link takes a shared hold).
   */
  @Override
  public boolean linkBlob(RepositoryName repository, BlobInfo blob) throws IOException {
    String repo = repository.value();
    String digest = blob.digest().toString();
    return write(
        "link blob " + digest + " to " + repo,
        repo,
        c -> {
          dialect.lockBlob(c, digest, true);
          String at = Timestamps.format(clock.instant());
          ensureRepository(c, repo);
          boolean added = link(c, repo, blob.digest(), blob.size(), at);
          if (added) {
            ProjectCounters.hold(c, dialect, repo, digest, blob.size(), 0);
          } else {
            update(
                c,
                "UPDATE blob_links SET linked_at = ? WHERE repo = ? AND digest = ?",
                at,
                repo,
                digest);
          }
          journalEntry(c, REPOSITORY, repo);
          return added;
        });
  }

  @Override
  public boolean isBlobLinked(RepositoryName repository, Digest blob) throws IOException {
    return read(
        "look up blob " + blob + " in " + repository,
        c ->
            queryOne(
                    c,
                    "SELECT 1 FROM blob_links WHERE repo = ? AND digest = ?",
                    List.of(repository.value(), blob.toString()),
                    rs -> Boolean.TRUE)
                .isPresent());
  }

  @Override
  public boolean unlinkBlob(RepositoryName repository, Digest blob) throws IOException {
    String repo = repository.value();
    return write(
        "unlink blob " + blob + " from " + repo,
        repo,
        c -> {
          if (size(c, "blob_links", repo, List.of(blob)).isEmpty()) {
            return false;
          }
          refuseIfReferenced(c, repository, blob, true);
          removeLink(c, repo, blob.toString());
          return true;
        });
  }

  /**
   * Removes the link of {@code digest} from {@code repo}, keeping the counters, the repository row
   * and the journal right: the repository is journaled, and the blob too when no repository links
   * it any more (under the blob's exclusive lock on PostgreSQL, so that of two removals in
   * different repositories the later one sees the earlier).
   */
  private void removeLink(Connection c, String repo, String digest) throws SQLException {
    dialect.lockBlob(c, digest, false);
    update(c, "DELETE FROM blob_links WHERE repo = ? AND digest = ?", repo, digest);
    ProjectCounters.release(c, dialect, repo, digest, 0);
    dropIfEmpty(c, repo);
    journalEntry(c, REPOSITORY, repo);
    if (queryOne(c, "SELECT 1 FROM blob_links WHERE digest = ?", List.of(digest), rs -> true)
        .isEmpty()) {
      journalEntry(c, BLOB, digest);
    }
  }

  /** Journals entry {@code name} of {@code kind} at the end, in the transaction of {@code c}. */
  private void journalEntry(Connection c, String kind, String name) throws SQLException {
    dialect.lockJournalForWrite(c);
    update(c, dialect.journalUpsert(), kind, name);
  }

  @Override
  public List<ContentReference> referencesTo(RepositoryName repository, Digest target)
      throws IOException {
    return read(
        "list the references to " + target + " in " + repository,
        c -> referencesTo(c, repository.value(), target));
  }

  private static List<ContentReference> referencesTo(Connection c, String repo, Digest target)
      throws SQLException {
    return queryAll(
        c,
        "SELECT manifest, kind FROM manifest_references WHERE repo = ? AND target = ?"
            + " ORDER BY manifest, kind",
        List.of(repo, target.toString()),
        rs ->
            new ContentReference(
                Digest.parse(rs.getString(1)),
                target,
                ContentReference.Kind.ofLabel(rs.getString(2))));
  }

  /**
   * Throws {@link StillReferencedException} when a manifest of the repository refers to {@code
   * target} as a blob ({@code blob}) or as a child manifest (not {@code blob}).
   */
  private static void refuseIfReferenced(
      Connection c, RepositoryName repository, Digest target, boolean blob) throws SQLException {
    List<ContentReference> refs = new ArrayList<>(referencesTo(c, repository.value(), target));
    refs.removeIf(r -> r.kind().isBlob() != blob);
    if (!refs.isEmpty()) {
      throw new StillReferencedException(repository, target, refs);
    }
  }

  /**
   * {@link ManifestPut#checkReferences}, inside the put's transaction: the sizes of the linked
   * blobs and of the stored manifests it names, read in a few queries.
   */
  private static void checkReferences(Connection c, RepositoryName repository, ManifestPut put)
      throws SQLException, IOException {
    String repo = repository.value();
    List<Digest> manifests = new ArrayList<>();
    put.children().forEach(d -> manifests.add(d.digest()));
    put.subjectDigest().ifPresent(manifests::add);
    Map<Digest, Long> blobSizes =
        size(c, "blob_links", repo, put.blobs().stream().map(Descriptor::digest).toList());
    Map<Digest, Long> manifestSizes = size(c, "manifests", repo, manifests);
    put.checkReferences(repository, sizeIn(blobSizes), sizeIn(manifestSizes));
  }

  private static ManifestPut.StoredSize sizeIn(Map<Digest, Long> sizes) {
    return d -> {
      Long size = sizes.get(d);
      return size == null ? OptionalLong.empty() : OptionalLong.of(size);
    };
  }

  /** How many digests one {@code IN} list of {@link #size} names at most. */
  private static final int IN_LIST = 500;

  /** The sizes of those of {@code digests} that {@code table} holds for {@code repo}. */
  private static Map<Digest, Long> size(
      Connection c, String table, String repo, List<Digest> digests) throws SQLException {
    Map<Digest, Long> sizes = new HashMap<>();
    List<String> distinct = digests.stream().map(Digest::toString).distinct().toList();
    for (int from = 0; from < distinct.size(); from += IN_LIST) {
      List<String> chunk = distinct.subList(from, Math.min(distinct.size(), from + IN_LIST));
      List<Object> params = new ArrayList<>();
      params.add(repo);
      params.addAll(chunk);
      String sql =
          "SELECT digest, size FROM "
              + table
              + " WHERE repo = ? AND digest IN ("
              + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"))
              + ")";
      for (Map.Entry<Digest, Long> e :
          queryAll(c, sql, params, rs -> Map.entry(Digest.parse(rs.getString(1)), rs.getLong(2)))) {
        sizes.put(e.getKey(), e.getValue());
      }
    }
    return sizes;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The stream reads the digests in batches as it is consumed, each batch a short query of its
   * own, so it holds no connection and needs little memory however many blobs there are. It is not
   * a snapshot: a blob linked throughout the walk is in it, once; one linked or unlinked meanwhile
   * may or may not be. A failure of a later batch surfaces as an {@link UncheckedIOException}.
   */
  @Override
  public Stream<Digest> linkedBlobs() throws IOException {
    List<String> first = linkedBlobsAfter(null);
    return StreamSupport.stream(new LinkedBlobs(first), false);
  }

  private List<String> linkedBlobsAfter(@Nullable String last) throws IOException {
    String sql =
        "SELECT DISTINCT digest FROM blob_links"
            + (last == null ? "" : " WHERE digest > ?")
            + " ORDER BY digest LIMIT ?";
    List<Object> params = new ArrayList<>();
    if (last != null) {
      params.add(last);
    }
    params.add(BLOB_BATCH);
    return read("list linked blobs", c -> queryAll(c, sql, params, rs -> rs.getString(1)));
  }

  /** Walks the linked blobs in key order, one batch at a time. */
  private final class LinkedBlobs extends Spliterators.AbstractSpliterator<Digest> {
    private List<String> batch;
    private int index;

    LinkedBlobs(List<String> first) {
      super(Long.MAX_VALUE, Spliterator.DISTINCT | Spliterator.NONNULL | Spliterator.ORDERED);
      this.batch = first;
    }

    @Override
    public boolean tryAdvance(Consumer<? super Digest> action) {
      if (index == batch.size()) {
        if (batch.size() < BLOB_BATCH) {
          return false;
        }
        try {
          batch = linkedBlobsAfter(batch.get(batch.size() - 1));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        index = 0;
        if (batch.isEmpty()) {
          return false;
        }
      }
      action.accept(Digest.parse(batch.get(index++)));
      return true;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Pulls and usage

  @Override
  public void recordPull(RepositoryName repository, Digest digest, Optional<Tag> tag, Instant at)
      throws IOException {
    String repo = repository.value();
    String when = Timestamps.format(at);
    write(
        "record a pull of " + digest + " in " + repo,
        repo,
        c -> {
          update(
              c,
              "UPDATE manifests SET pulled_at = ? WHERE repo = ? AND digest = ?",
              when,
              repo,
              digest.toString());
          if (tag.isPresent()) {
            update(
                c,
                "UPDATE tags SET pulled_at = ? WHERE repo = ? AND name = ? AND digest = ?",
                when,
                repo,
                tag.get().value(),
                digest.toString());
          }
          return null;
        });
  }

  @Override
  public long usage(RepositoryName repository) throws IOException {
    String repo = repository.value();
    return read(
        "compute the usage of " + repo,
        c ->
            queryOne(c, String.format(USAGE, "repo = ?"), List.of(repo, repo), rs -> rs.getLong(1))
                .orElse(0L));
  }

  /**
   * {@inheritDoc}
   *
   * <p>One row read by primary key: the counters of schema version 4, which every write keeps in
   * its transaction ({@link ProjectCounters}), so the cost does not grow with the project.
   */
  @Override
  public ProjectUsage projectUsage(String project) throws IOException {
    ProjectUsage.checkProject(project);
    return read("compute the usage of project " + project, c -> ProjectCounters.usage(c, project));
  }

  /** {@inheritDoc} One row read by primary key, as {@link #projectUsage}. */
  @Override
  public boolean projectHolds(String project, Digest content) throws IOException {
    ProjectUsage.checkProject(project);
    return read(
        "look up " + content + " in project " + project,
        c -> ProjectCounters.holds(c, project, content.toString()));
  }

  /**
   * {@inheritDoc}
   *
   * <p>In the same database, tables of schema version 3; every write is one transaction, and on
   * PostgreSQL access writes of all nodes take one advisory lock, so that none is lost. It shares
   * this store's connections and is closed with it.
   */
  @Override
  public AccessStore access() {
    return access;
  }

  /**
   * {@inheritDoc}
   *
   * <p>In the same database, tables of schema version 5. {@link LifecycleStore#content} reads in
   * one read transaction (REPEATABLE READ on PostgreSQL); each conditional delete is one write
   * transaction holding its repository's lock, which re-checks and then deletes as {@link
   * #deleteManifest}, {@link #deleteTag} and {@link #unlinkBlob} do. {@link
   * LifecycleStore#sweepBlobs} sweeps in transactions of at most 256 digests, each excluding the
   * links of its digests while its sweeper runs: on SQLite by holding the database's write lock, on
   * PostgreSQL by holding the digests' advisory locks exclusively, of which {@link #linkBlob} takes
   * a shared hold.
   */
  @Override
  public LifecycleStore lifecycle() {
    return lifecycle;
  }

  /** The lifecycle operations over this store's tables. */
  private final class JdbcLifecycle implements LifecycleStore {

    @Override
    public RepositoryContent content(RepositoryName repository) throws IOException {
      String repo = repository.value();
      return snapshot(
          "read the content of " + repo,
          c -> {
            List<TagRecord> tags = tagRecords(c, repo);
            Map<Digest, List<ContentReference>> references = new HashMap<>();
            for (ContentReference r :
                queryAll(
                    c,
                    "SELECT manifest, target, kind FROM manifest_references WHERE repo = ?",
                    List.of(repo),
                    rs ->
                        new ContentReference(
                            Digest.parse(rs.getString(1)),
                            Digest.parse(rs.getString(2)),
                            ContentReference.Kind.ofLabel(rs.getString(3))))) {
              references.computeIfAbsent(r.manifest(), k -> new ArrayList<>()).add(r);
            }
            List<ManifestNode> manifests =
                new ArrayList<>(
                    queryAll(
                        c,
                        "SELECT digest, media_type, size, pushed_at, pulled_at, subject,"
                            + " artifact_type FROM manifests WHERE repo = ?",
                        List.of(repo),
                        rs -> manifestNode(rs, references)));
            manifests.sort(Comparator.comparing(ManifestNode::digest));
            List<BlobLink> links =
                new ArrayList<>(
                    queryAll(
                        c,
                        "SELECT digest, size, linked_at FROM blob_links WHERE repo = ?",
                        List.of(repo),
                        rs ->
                            new BlobLink(
                                Digest.parse(rs.getString(1)),
                                rs.getLong(2),
                                Timestamps.parse(rs.getString(3)))));
            links.sort(Comparator.comparing(BlobLink::digest));
            return new RepositoryContent(repository, tags, manifests, links);
          });
    }

    @Override
    public boolean removeTag(RepositoryName repository, Tag tag, Digest digest) throws IOException {
      String repo = repository.value();
      return write(
          "remove tag " + tag + " of " + digest + " in " + repo,
          repo,
          c ->
              JdbcMetadataStore.this.removeTag(
                  c,
                  repo,
                  "DELETE FROM tags WHERE repo = ? AND name = ? AND digest = ?",
                  tag.value(),
                  digest.toString()));
    }

    @Override
    public boolean collectManifest(RepositoryName repository, Digest digest, Instant pushedBefore)
        throws IOException {
      String repo = repository.value();
      String d = digest.toString();
      return collect(
          "collect manifest " + d + " in " + repo,
          repo,
          c -> {
            Optional<String[]> row =
                queryOne(
                    c,
                    "SELECT pushed_at, subject FROM manifests WHERE repo = ? AND digest = ?",
                    List.of(repo, d),
                    rs -> new String[] {rs.getString(1), rs.getString(2)});
            if (row.isEmpty() || !Timestamps.parse(row.get()[0]).isBefore(pushedBefore)) {
              return false;
            }
            String subject = row.get()[1];
            return !exists(c, "SELECT 1 FROM tags WHERE repo = ? AND digest = ?", repo, d)
                && !exists(c, REFERENCED + " AND kind = 'child'", repo, d)
                && (subject == null
                    || !exists(
                        c, "SELECT 1 FROM manifests WHERE repo = ? AND digest = ?", repo, subject));
          },
          c -> removeManifest(c, repo, d));
    }

    @Override
    public boolean collectLink(RepositoryName repository, Digest digest, Instant linkedBefore)
        throws IOException {
      String repo = repository.value();
      String d = digest.toString();
      return collect(
          "collect the link of " + d + " in " + repo,
          repo,
          c -> linkIsGarbage(c, repo, d, linkedBefore),
          c -> removeLink(c, repo, d));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The links are collected in text order, in transactions of at most {@value #SWEEP_BATCH},
     * so that a collection pays one commit (a disk flush on SQLite) per batch rather than per link.
     */
    @Override
    public List<Digest> collectLinks(
        RepositoryName repository, Collection<Digest> digests, Instant linkedBefore)
        throws IOException {
      String repo = repository.value();
      return inBatches(
          digests,
          (batch, byText) ->
              write(
                  "collect " + batch.size() + " links in " + repo,
                  repo,
                  c -> {
                    List<String> done = new ArrayList<>();
                    for (String d : batch) {
                      if (linkIsGarbage(c, repo, d, linkedBefore)) {
                        removeLink(c, repo, d);
                        done.add(d);
                      }
                    }
                    return done;
                  }));
    }

    /**
     * Whether link {@code d} of {@code repo} is still garbage, in the transaction of {@code c}:
     * linked before {@code linkedBefore}, and no manifest of the repository refers to it.
     */
    private boolean linkIsGarbage(Connection c, String repo, String d, Instant linkedBefore)
        throws SQLException {
      return queryOne(
                  c,
                  "SELECT linked_at FROM blob_links WHERE repo = ? AND digest = ?",
                  List.of(repo, d),
                  rs -> Timestamps.parse(rs.getString(1)))
              .filter(linkedAt -> linkedAt.isBefore(linkedBefore))
              .isPresent()
          && !exists(c, REFERENCED + " AND kind <> 'child'", repo, d);
    }

    /**
     * In one write transaction of {@code repo}: {@code remove} when {@code garbage} finds that what
     * it removes is still garbage.
     *
     * @return whether it was removed
     */
    private boolean collect(String what, String repo, Work<Boolean> garbage, Lock remove)
        throws IOException {
      return write(
          what,
          repo,
          c -> {
            if (!garbage.run(c)) {
              return false;
            }
            remove.take(c);
            return true;
          });
    }

    /**
     * {@inheritDoc}
     *
     * <p>The digests are swept in text order, in transactions of at most 256. A transaction that
     * loses a race is run again without calling the sweeper again for what it swept already.
     */
    @Override
    public List<Digest> sweepBlobs(Collection<Digest> digests, BlobSweeper sweeper)
        throws IOException {
      return inBatches(
          digests,
          (batch, byText) -> {
            Set<String> sweptNow = new LinkedHashSet<>();
            transaction(
                "sweep " + batch.size() + " blobs",
                c -> dialect.lockBlobsForSweep(c, batch),
                c -> {
                  Set<String> linked = new HashSet<>(linkedAmong(c, batch));
                  for (String d : batch) {
                    if (!linked.contains(d)
                        && !sweptNow.contains(d)
                        && sweeper.sweep(byText.get(d))) {
                      sweptNow.add(d);
                    }
                  }
                  return null;
                });
            return sweptNow;
          });
    }

    @Override
    public JournalBatch journal(int limit) throws IOException {
      if (limit <= 0) {
        throw new IllegalArgumentException("journal limit must be positive, not " + limit);
      }
      Work<List<Object[]>> select =
          c ->
              queryAll(
                  c,
                  "SELECT seq, kind, name FROM lifecycle_journal ORDER BY seq LIMIT ?",
                  List.of(limit),
                  rs -> new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3)});
      // SQLite's single writer commits seqs in order; PostgreSQL's readers wait for the writers
      // that drew a seq before them (Dialect.lockJournalForWrite).
      List<Object[]> rows =
          dialect.singleWriter()
              ? read("read the journal", select)
              : transaction("read the journal", dialect::lockJournalForRead, select);
      Set<RepositoryName> repositories = new HashSet<>();
      Set<Digest> blobs = new HashSet<>();
      long upTo = 0;
      for (Object[] row : rows) {
        upTo = (Long) row[0];
        try {
          if (REPOSITORY.equals(row[1])) {
            repositories.add(new RepositoryName((String) row[2]));
          } else {
            blobs.add(Digest.parse((String) row[2]));
          }
        } catch (io.wharf.oci.model.error.OciException | IllegalArgumentException e) {
          throw new StorageException(
              io.wharf.oci.model.error.ErrorCode.UNKNOWN,
              "the metadata database holds a journal entry that does not parse",
              e);
        }
      }
      return new JournalBatch(upTo, repositories, blobs);
    }

    @Override
    public void trimJournal(JournalBatch done) throws IOException {
      if (done.isEmpty()) {
        return;
      }
      transaction(
          "trim the journal",
          c -> {},
          c -> {
            try (PreparedStatement p =
                c.prepareStatement(
                    "DELETE FROM lifecycle_journal WHERE kind = ? AND name = ? AND seq <= ?")) {
              for (RepositoryName r : done.repositories()) {
                addEntry(p, REPOSITORY, r.value(), done.upTo());
              }
              for (Digest d : done.blobs()) {
                addEntry(p, BLOB, d.toString(), done.upTo());
              }
              p.executeBatch();
            }
            return null;
          });
    }

    @Override
    public void remember(Collection<RepositoryName> repositories, Collection<Digest> blobs)
        throws IOException {
      if (repositories.isEmpty() && blobs.isEmpty()) {
        return;
      }
      transaction(
          "journal " + repositories.size() + " repositories and " + blobs.size() + " blobs",
          dialect::lockJournalForWrite,
          c -> {
            try (PreparedStatement p = c.prepareStatement(dialect.journalUpsert())) {
              for (RepositoryName r : repositories) {
                addEntry(p, REPOSITORY, r.value(), null);
              }
              for (Digest d : blobs) {
                addEntry(p, BLOB, d.toString(), null);
              }
              p.executeBatch();
            }
            return null;
          });
    }
  }

  /** Adds a journal entry's parameters (and a seq bound, when given) to {@code p}'s batch. */
  private static void addEntry(PreparedStatement p, String kind, String name, @Nullable Long seq)
      throws SQLException {
    p.setString(1, kind);
    p.setString(2, name);
    if (seq != null) {
      p.setLong(3, seq);
    }
    p.addBatch();
  }

  /** Whether {@code sql} with {@code params} finds a row. */
  private static boolean exists(Connection c, String sql, String... params) throws SQLException {
    return queryOne(c, sql + " LIMIT 1", List.of((Object[]) params), rs -> Boolean.TRUE)
        .isPresent();
  }

  /** Those of {@code digests} that some repository links. */
  /** Work on one batch of digests (their text, in order), returning those it handled. */
  @FunctionalInterface
  private interface DigestBatch {
    Collection<String> run(List<String> batch, Map<String, Digest> byText) throws IOException;
  }

  /**
   * Runs {@code work} on {@code digests} in text order (the order locks are taken in), at most
   * {@value #SWEEP_BATCH} at a time.
   *
   * @return the digests the batches handled
   */
  private static List<Digest> inBatches(Collection<Digest> digests, DigestBatch work)
      throws IOException {
    TreeMap<String, Digest> sorted = new TreeMap<>();
    digests.forEach(d -> sorted.put(d.toString(), d));
    List<String> all = new ArrayList<>(sorted.keySet());
    List<Digest> done = new ArrayList<>();
    for (int from = 0; from < all.size(); from += SWEEP_BATCH) {
      List<String> batch = all.subList(from, Math.min(all.size(), from + SWEEP_BATCH));
      for (String d : work.run(batch, sorted)) {
        done.add(sorted.get(d));
      }
    }
    return done;
  }

  private static List<String> linkedAmong(Connection c, List<String> digests) throws SQLException {
    return queryAll(
        c,
        "SELECT DISTINCT digest FROM blob_links WHERE digest IN ("
            + String.join(", ", java.util.Collections.nCopies(digests.size(), "?"))
            + ")",
        digests,
        rs -> rs.getString(1));
  }

  /** The node of the current row of {@link JdbcLifecycle#content}'s manifest query. */
  private static ManifestNode manifestNode(
      ResultSet rs, Map<Digest, List<ContentReference>> references) throws SQLException {
    Digest digest = Digest.parse(rs.getString(1));
    List<ContentReference> refs = new ArrayList<>(references.getOrDefault(digest, List.of()));
    refs.sort(
        Comparator.comparing((ContentReference r) -> r.target().toString())
            .thenComparing(r -> r.kind().label()));
    return new ManifestNode(
        digest,
        new MediaType(rs.getString(2)),
        rs.getLong(3),
        Timestamps.parse(rs.getString(4)),
        Optional.ofNullable(Timestamps.parseNullable(rs.getString(5))),
        Optional.ofNullable(rs.getString(6)).map(Digest::parse),
        Optional.ofNullable(rs.getString(7)),
        refs);
  }

  /** Closes the connections this store opened; a data source passed to {@code open} stays open. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      pool.close();
    } catch (SQLException e) {
      throw failure("close", e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // SQL helpers

  private static void ensureRepository(Connection c, String repo) throws SQLException {
    update(c, ENSURE_REPOSITORY, repo);
  }

  /** Deletes the row of {@code repo} when nothing is left in it. */
  private static void dropIfEmpty(Connection c, String repo) throws SQLException {
    update(c, DROP_REPOSITORY_IF_EMPTY, repo, repo, repo, repo);
  }

  private static boolean link(Connection c, String repo, Digest digest, long size, String at)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement(LINK_BLOB)) {
      p.setString(1, repo);
      p.setString(2, digest.toString());
      p.setLong(3, size);
      p.setString(4, at);
      return p.executeUpdate() == 1;
    }
  }

  private static <T> Page<T> page(
      Connection c,
      String table,
      String key,
      @Nullable String repo,
      PageRequest request,
      Function<String, T> make)
      throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ").append(key).append(" FROM ").append(table);
    List<Object> params = new ArrayList<>();
    List<String> conditions = new ArrayList<>();
    if (repo != null) {
      conditions.add("repo = ?");
      params.add(repo);
    }
    if (request.last().isPresent()) {
      conditions.add(key + " > ?");
      params.add(request.last().get());
    }
    if (!conditions.isEmpty()) {
      sql.append(" WHERE ").append(String.join(" AND ", conditions));
    }
    sql.append(" ORDER BY ").append(key).append(" LIMIT ?");
    params.add(request.limit() + 1);
    List<String> keys = queryAll(c, sql.toString(), params, rs -> rs.getString(1));
    Optional<String> next = Optional.empty();
    if (keys.size() > request.limit()) {
      keys = keys.subList(0, request.limit());
      next = Optional.of(keys.get(keys.size() - 1));
    }
    List<T> items = new ArrayList<>(keys.size());
    for (String k : keys) {
      items.add(make.apply(k));
    }
    return new Page<>(items, next);
  }

  // ---------------------------------------------------------------------------------------------
  // Connections, transactions and retries

  /** What a store does on a connection: one statement, or one transaction's statements. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException, IOException;
  }

  /** Runs {@code work} on an auto-committing connection; {@code what} names it in failures. */
  <T> T read(String what, Work<T> work) throws IOException {
    return run(what, Mode.READ, work);
  }

  /**
   * Runs {@code work} in a read transaction whose statements all read one snapshot; {@code what}
   * names it in failures.
   */
  private <T> T snapshot(String what, Work<T> work) throws IOException {
    return run(what, Mode.SNAPSHOT, work);
  }

  /** Runs {@code work} in a write transaction that holds the lock of {@code repository}. */
  private <T> T write(String what, String repository, Work<T> work) throws IOException {
    return transaction(what, c -> dialect.lockRepository(c, repository), work);
  }

  /**
   * Runs {@code work} in a write transaction that holds the lock of access control's records, so
   * that access writes happen one at a time across every node; {@code what} names it in failures.
   */
  <T> T writeAccess(String what, Work<T> work) throws IOException {
    return transaction(what, dialect::lockAccess, work);
  }

  /** Takes a lock that the transaction holds until it ends. */
  @FunctionalInterface
  private interface Lock {
    void take(Connection c) throws SQLException;
  }

  private <T> T transaction(String what, Lock lock, Work<T> work) throws IOException {
    return run(
        what,
        Mode.WRITE,
        c -> {
          lock.take(c);
          return work.run(c);
        });
  }

  /** How {@link #run} runs its work. */
  private enum Mode {
    /** Auto-committed statements on a reader connection. */
    READ,
    /** A read transaction on a reader connection, at the dialect's snapshot isolation. */
    SNAPSHOT,
    /** A write transaction at the connection's isolation. */
    MIGRATE,
    /** A write transaction at the dialect's write isolation. */
    WRITE
  }

  /**
   * Runs {@code work} on a connection as {@code mode} says, again while the database reports a lost
   * race, with a growing random pause.
   */
  private <T> T run(String what, Mode mode, Work<T> work) throws IOException {
    for (int attempt = 1; ; attempt++) {
      if (closed) {
        throw new IOException("metadata store is closed; cannot " + what);
      }
      try {
        return once(mode, work);
      } catch (SQLException e) {
        if (attempt >= MAX_ATTEMPTS || !dialect.isRetryable(e)) {
          throw failure(what, e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interrupted(what);
      }
      try {
        Thread.sleep(ThreadLocalRandom.current().nextLong(1, Math.min(200, 1L << attempt) + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interrupted(what);
      }
    }
  }

  private <T> T once(Mode mode, Work<T> work)
      throws SQLException, IOException, InterruptedException {
    boolean write = mode == Mode.WRITE || mode == Mode.MIGRATE;
    Connection c = pool.acquire(write);
    boolean broken = false;
    try {
      if (mode == Mode.READ) {
        if (!c.getAutoCommit()) {
          c.setAutoCommit(true);
        }
        return work.run(c);
      }
      int isolation =
          switch (mode) {
            case WRITE -> dialect.writeIsolation();
            case SNAPSHOT -> dialect.snapshotIsolation();
            default -> -1;
          };
      int previousIsolation = c.getTransactionIsolation();
      if (isolation != -1 && isolation != previousIsolation) {
        c.setTransactionIsolation(isolation);
      }
      try {
        c.setAutoCommit(false);
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | IOException | RuntimeException | Error e) {
        try {
          c.rollback();
        } catch (SQLException rollback) {
          broken = true;
          e.addSuppressed(rollback);
        }
        throw e;
      } finally {
        try {
          c.setAutoCommit(true);
          if (isolation != -1 && isolation != previousIsolation) {
            c.setTransactionIsolation(previousIsolation);
          }
        } catch (SQLException restore) {
          // Whatever the transaction did stands; only the connection is unusable: discard it.
          broken = true;
        }
      }
    } finally {
      pool.release(c, write, broken);
    }
  }

  private static IOException failure(String what, SQLException e) {
    return new IOException(
        "metadata store failed to "
            + what
            + " (SQLState "
            + e.getSQLState()
            + ", vendor code "
            + e.getErrorCode()
            + ")",
        e);
  }

  private static InterruptedIOException interrupted(String what) {
    return new InterruptedIOException("interrupted while trying to " + what);
  }
}
