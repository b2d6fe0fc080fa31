package io.wharf.benchmarks;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.storage.CachingMetadataStore;
import io.wharf.oci.storage.ContentReference;
import io.wharf.oci.storage.ManifestPut;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.StoredBlob;
import io.wharf.oci.storage.jdbc.JdbcMetadataStore;
import io.wharf.oci.storage.lifecycle.GarbageCollector;
import io.wharf.oci.storage.lifecycle.GcReport;
import io.wharf.oci.storage.lifecycle.GcRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Garbage collection's decisions at scale: 1,000,000 blobs of metadata with 10% garbage in a {@link
 * JdbcMetadataStore} on SQLite, and a blob store that lists the same 1,000,000 digests.
 *
 * <p>The data: 1,000 repositories of one project, each linking 1,000 blobs of its own; 100 tagged
 * image manifests per repository refer to 900 of them (a config and eight layers each), and the
 * other 100 links are unreferenced. Every link, manifest and blob is a month old. The rows are
 * written with batched SQL in one transaction (as the store writes them: manifests with their
 * references and referrer descriptors, tags, links with their dates, the change journal, the
 * project counters), which takes seconds where a million store calls would take many minutes. The
 * blob store ({@link ListedBlobStore}) stores no bytes: the bytes play no part in the decisions,
 * and deleting 100,000 files is {@link GcSweepBenchmark}'s.
 *
 * <p>Timed: a full dry run (mark and sweep decisions: every repository read, the whole inventory
 * compared with the links kept), then the full applied run (the same decisions, then 100,000
 * conditional link removals and 100,000 conditional blob deletions in sweep batches), then an
 * incremental run over what the applied run journaled. <b>Target:</b> each full run under 60 s.
 * Figures also go to {@code target/bench-results/gc-decisions.properties}.
 *
 * <pre>java -Xmx1g -cp target/benchmarks.jar io.wharf.benchmarks.GcDecisionsBenchmark</pre>
 *
 * <p>System properties: {@code gc.repositories} (1000), {@code gc.links} (per repository, 1000).
 */
public final class GcDecisionsBenchmark {

  /** The target for each full run, in seconds. */
  public static final int TARGET_SECONDS = 60;

  private static final int LAYERS = 8;
  private static final DateTimeFormatter TIMESTAMP =
      new DateTimeFormatterBuilder().appendInstant(9).toFormatter();

  private GcDecisionsBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args unused
   * @throws Exception when the store fails
   */
  public static void main(String[] args) throws Exception {
    int repositories = Integer.getInteger("gc.repositories", 1000);
    int links = Integer.getInteger("gc.links", 1000);
    int referenced = links * 9 / 10 / (LAYERS + 1) * (LAYERS + 1);
    long garbage = (long) repositories * (links - referenced);
    Path dir = BenchFiles.newDataDirectory("gc-decisions");
    Map<String, Object> figures = new LinkedHashMap<>();
    try {
      Path db = dir.resolve("metadata.db");
      JdbcMetadataStore.sqlite(db).close(); // creates the schema
      ListedBlobStore blobs = new ListedBlobStore();
      Instant old = Instant.now().minus(Duration.ofDays(30));
      long t0 = System.nanoTime();
      generate(db, blobs, repositories, links, referenced, old);
      double generated = GcTiming.seconds(t0);
      System.out.printf(
          Locale.ROOT,
          "WHARF gc-decisions: %d repositories x %d links = %d blobs (%d garbage: links no manifest"
              + " refers to), %d manifests; generated in %.1f s; blob store: a listing of the"
              + " same digests without bytes%n",
          repositories,
          links,
          blobs.size(),
          garbage,
          (long) repositories * referenced / (LAYERS + 1),
          generated);
      figures.put("blobs", blobs.size());
      figures.put("garbage", garbage);
      figures.put("generate.s", GcTiming.format(generated));
      try (JdbcMetadataStore jdbc = JdbcMetadataStore.sqlite(db)) {
        RegistryStorage storage =
            new RegistryStorage(blobs, CachingMetadataStore.wrap(jdbc)).checked();
        GarbageCollector collector = GcTiming.collector(storage);
        GcReport dry =
            GcTiming.timed("gc-decisions", "dry-run", collector, GcRequest.dryRunOnly(), figures);
        GcReport applied =
            GcTiming.timed("gc-decisions", "applied", collector, GcRequest.fullRun(), figures);
        GcTiming.timed("gc-decisions", "incremental", collector, GcRequest.incremental(), figures);
        boolean decided = dry.blobsDeleted() == garbage && dry.linksRemoved() == garbage;
        boolean done = applied.blobsDeleted() == garbage && applied.linksRemoved() == garbage;
        figures.put("decisions.correct", decided && done);
        if (!decided || !done) {
          System.out.println("WHARF gc-decisions: WRONG COUNTS, expected " + garbage + " of each");
        }
        boolean pass =
            Double.parseDouble((String) figures.get("dry-run.s")) < TARGET_SECONDS
                && Double.parseDouble((String) figures.get("applied.s")) < TARGET_SECONDS;
        figures.put("pass", pass && decided && done);
        System.out.printf(
            Locale.ROOT,
            "WHARF gc-decisions: target < %d s per full run: %s%n",
            TARGET_SECONDS,
            pass && decided && done ? "PASS" : "FAIL");
      }
      System.out.println(
          "WHARF gc-decisions: results in " + BenchFiles.writeResults("gc-decisions", figures));
    } finally {
      BenchFiles.deleteRecursively(dir);
    }
  }

  /**
   * Writes the rows the store's writes would have written, in one transaction: per repository,
   * {@code links} blob links, and manifests (each tagged) referring to the first {@code referenced}
   * of them.
   */
  private static void generate(
      Path db, ListedBlobStore blobs, int repositories, int links, int referenced, Instant at)
      throws Exception {
    String time = TIMESTAMP.format(at);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA synchronous = OFF");
      }
      c.setAutoCommit(false);
      try (PreparedStatement repo =
              c.prepareStatement("INSERT INTO repositories (name) VALUES (?)");
          PreparedStatement manifest =
              c.prepareStatement(
                  "INSERT INTO manifests (repo, digest, media_type, size, bytes, pushed_at,"
                      + " pulled_at, subject, artifact_type, referrer)"
                      + " VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)");
          PreparedStatement reference =
              c.prepareStatement(
                  "INSERT INTO manifest_references (repo, manifest, target, kind)"
                      + " VALUES (?, ?, ?, ?)");
          PreparedStatement tag =
              c.prepareStatement(
                  "INSERT INTO tags (repo, name, digest, pushed_at, pulled_at)"
                      + " VALUES (?, ?, ?, ?, NULL)");
          PreparedStatement link =
              c.prepareStatement(
                  "INSERT INTO blob_links (repo, digest, size, linked_at) VALUES (?, ?, ?, ?)");
          PreparedStatement journal =
              c.prepareStatement(
                  "INSERT INTO lifecycle_journal (kind, name) VALUES ('repository', ?)")) {
        for (int r = 0; r < repositories; r++) {
          String name = String.format(Locale.ROOT, "gc/r%04d", r);
          repo.setString(1, name);
          repo.addBatch();
          List<Descriptor> descriptors = new ArrayList<>(links);
          for (int i = 0; i < links; i++) {
            Digest digest = Digest.sha256(Bytes.utf8("blob " + r + " " + i));
            long size = 1024 + (i * 7919L) % 65536;
            descriptors.add(
                Descriptor.of(
                    i % (LAYERS + 1) == 0
                        ? MediaType.OCI_IMAGE_CONFIG
                        : MediaType.OCI_LAYER_TAR_GZIP,
                    digest,
                    size));
            blobs.add(new StoredBlob(digest, size, at));
            link.setString(1, name);
            link.setString(2, digest.toString());
            link.setLong(3, size);
            link.setString(4, time);
            link.addBatch();
          }
          for (int m = 0; m * (LAYERS + 1) < referenced; m++) {
            int first = m * (LAYERS + 1);
            RawManifest raw =
                ManifestCodec.defaults()
                    .encode(
                        ImageManifest.of(
                            descriptors.get(first),
                            descriptors.subList(first + 1, first + LAYERS + 1)));
            Tag t = new Tag("v" + m);
            ManifestPut put = ManifestPut.of(raw, Set.of(t), at);
            manifest.setString(1, name);
            manifest.setString(2, raw.digest().toString());
            manifest.setString(3, raw.mediaType().value());
            manifest.setLong(4, raw.size());
            manifest.setBytes(5, raw.bytes().toByteArray());
            manifest.setString(6, time);
            manifest.setString(7, put.referrer().artifactType().map(MediaType::value).orElse(null));
            manifest.setBytes(8, put.referrer().toJson().toByteArray());
            manifest.addBatch();
            for (ContentReference ref : put.references()) {
              reference.setString(1, name);
              reference.setString(2, ref.manifest().toString());
              reference.setString(3, ref.target().toString());
              reference.setString(4, ref.kind().label());
              reference.addBatch();
            }
            tag.setString(1, name);
            tag.setString(2, t.value());
            tag.setString(3, raw.digest().toString());
            tag.setString(4, time);
            tag.addBatch();
          }
          journal.setString(1, name);
          journal.addBatch();
          if (r % 50 == 49 || r == repositories - 1) {
            repo.executeBatch();
            manifest.executeBatch();
            reference.executeBatch();
            tag.executeBatch();
            link.executeBatch();
            journal.executeBatch();
          }
        }
      }
      // The project counters, as schema version 4's backfill fills them.
      try (Statement s = c.createStatement()) {
        s.executeUpdate(
            "INSERT INTO project_content (project, digest, size, holders)"
                + " SELECT 'gc', digest, MAX(size), COUNT(*) FROM ("
                + "SELECT digest, size FROM manifests UNION ALL SELECT digest, size FROM"
                + " blob_links) contents GROUP BY digest");
        s.executeUpdate(
            "INSERT INTO project_usage (project, bytes, artifacts) SELECT 'gc',"
                + " (SELECT COALESCE(SUM(size), 0) FROM project_content WHERE project = 'gc'),"
                + " (SELECT COUNT(*) FROM manifests)");
      }
      c.commit();
    }
    if (!Files.exists(db)) {
      throw new IllegalStateException("no database at " + db);
    }
  }
}
