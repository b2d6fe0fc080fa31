package io.wharf.oci.storage.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.StorageCheck;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety, for real: a child JVM ({@link CrashWorker}) pushes to durable {@link LocalStorage}
 * and is killed with SIGKILL at a random moment, again and again on the same folder. After each
 * kill this test opens the storage itself and checks it against the worker's log ({@link
 * CrashLog}): the SQLite file passes {@code PRAGMA integrity_check}, {@link StorageCheck} finds no
 * problem, every acknowledged blob, link, manifest and tag is there, no blob is visible that was
 * not committed (and every listed blob verifies), and the one operation in flight when the worker
 * died took effect entirely or not at all. What the checker sees of that operation is written to
 * the log before the worker starts again.
 *
 * <p>A SIGKILL stops the process, not the machine: what the kernel accepted reaches the disk, so
 * this tests atomicity and recovery, not the fsyncs that protect against a power failure.
 *
 * <p>System properties: {@code wharf.crash.kills} (default 60), {@code wharf.crash.seed}.
 */
class LocalStorageCrashIT {

  /** A worker is killed during one of its first this many operations, or before. */
  private static final int MAX_OPERATIONS_PER_RUN = 24;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private int blobsChecked;
  private int inFlightApplied;
  private int inFlightLost;
  private int killedBeforeReady;

  @Test
  void acknowledgedPushesSurviveSigkill() throws Exception {
    int kills = Integer.getInteger("wharf.crash.kills", 60);
    long seed = Long.getLong("wharf.crash.seed", System.nanoTime());
    SplittableRandom random = new SplittableRandom(seed);
    CrashHarness harness = new CrashHarness(dir);
    long start = System.nanoTime();
    for (int kill = 1; kill <= kills; kill++) {
      String context = harness.describe(kill, seed);
      CrashHarness.Worker worker = harness.start(random.nextLong(), new CrashHarness.GcTotals());
      try {
        if (random.nextInt(5) == 0) {
          // Counted from the start of the process: kills land in JVM start-up, in opening the
          // storage (recovery, schema migration), or in the first operations.
          killedBeforeReady++;
          Thread.sleep(50 + random.nextInt(1200));
        } else {
          // After a random number of operations began, and a random pause: kills land anywhere
          // in an operation, however fast or slow the machine is.
          int operations = 1 + random.nextInt(MAX_OPERATIONS_PER_RUN);
          harness.await(worker.events, 1 + operations, context);
          Thread.sleep(random.nextInt(40));
        }
      } finally {
        harness.kill(worker, context);
      }
      check(harness, context);
    }
    List<String> lines = CrashLog.readAndRepair(harness.log);
    CrashLog.Replay replay = CrashLog.replay(lines);
    long workerAcks = lines.stream().filter(l -> l.startsWith("A ")).count() - inFlightApplied;
    long pushes = lines.stream().filter(l -> l.startsWith("A MANIFEST ")).count();
    long bytes = replay.acked().blobs.values().stream().mapToLong(Long::longValue).sum();
    System.out.printf(
        "LocalStorageCrashIT: %d kills (%d before ready), %d operations acknowledged"
            + " (%d manifest puts), %d in flight at a kill (%d applied, %d lost), %d blobs of"
            + " %.1f MiB stored, %d blob verifications, %.1f s, seed %d%n",
        kills,
        killedBeforeReady,
        workerAcks,
        pushes,
        inFlightApplied + inFlightLost,
        inFlightApplied,
        inFlightLost,
        replay.acked().blobs.size(),
        bytes / 1048576.0,
        blobsChecked,
        (System.nanoTime() - start) / 1e9,
        seed);
    assertThat(pushes).as("manifest puts acknowledged").isGreaterThanOrEqualTo(kills / 4);
    assertThat(inFlightApplied + inFlightLost).as("kills during an operation").isPositive();
  }

  /** Checks the storage left by a killed worker, and resolves its operation in flight. */
  private void check(CrashHarness harness, String context) throws IOException, SQLException {
    harness.assertDatabaseIntact(context);
    CrashLog.Replay replay = harness.replay();
    CrashLog.State before = replay.acked();
    CrashLog.State after = replay.withPending();
    boolean applied;
    try (RegistryStorage storage = LocalStorage.open(harness.data)) {
      StorageCheck.Report report = StorageCheck.check(storage);
      assertThat(report.problems()).as("StorageCheck problems, " + context).isEmpty();

      // Blobs: every acknowledged one listed with its size, none that was not committed, and
      // every listed one verified by StorageCheck.
      Set<Digest> listed;
      try (Stream<Digest> list = storage.blobs().list()) {
        listed = list.collect(HashSet::new, Set::add, Set::addAll);
      }
      assertThat(report.blobsVerified()).as(context).isEqualTo(listed.size());
      blobsChecked += listed.size();
      assertThat(listed).as("acknowledged blobs, " + context).containsAll(before.blobs.keySet());
      assertThat(after.blobs.keySet()).as("visible blobs, " + context).containsAll(listed);
      for (Map.Entry<Digest, Long> blob : before.blobs.entrySet()) {
        assertThat(storage.blobs().stat(blob.getKey()))
            .as(context)
            .contains(new BlobInfo(blob.getKey(), blob.getValue()));
      }

      // Links: every acknowledged one there, none that was never made.
      MetadataStore metadata = storage.metadata();
      for (Map.Entry<String, Set<Digest>> links : before.links.entrySet()) {
        for (Digest digest : links.getValue()) {
          assertThat(metadata.isBlobLinked(new RepositoryName(links.getKey()), digest))
              .as("link of " + digest + " to " + links.getKey() + ", " + context)
              .isTrue();
        }
      }
      try (Stream<Digest> linked = metadata.linkedBlobs()) {
        assertThat(after.linkedDigests()).as(context).containsAll(linked.toList());
      }

      // Manifests and tags: exactly the acknowledged state, or that state with the operation in
      // flight applied entirely.
      Map<String, Object> actual = CrashHarness.view(metadata);
      assertThat(actual)
          .as("manifests and tags, " + context + "; in flight: " + replay.pending())
          .isIn(before.view(), after.view());
      for (Map.Entry<String, Set<Digest>> manifests : after.manifests.entrySet()) {
        RepositoryName repo = new RepositoryName(manifests.getKey());
        for (Digest digest : manifests.getValue()) {
          Optional<RawManifest> raw = metadata.getManifest(repo, digest);
          if (before.manifests.getOrDefault(manifests.getKey(), Set.of()).contains(digest)) {
            assertThat(raw).as(digest + " in " + repo + ", " + context).isPresent();
          }
          raw.ifPresent(m -> assertThat(m.digest()).isEqualTo(digest));
        }
      }

      applied =
          CrashHarness.isApplied(replay.pending(), listed, metadata, actual.equals(after.view()));
    }
    if (replay.pending().isPresent()) {
      if (applied) {
        inFlightApplied++;
      } else {
        inFlightLost++;
      }
      harness.resolve(replay.pending().get(), applied);
    }
  }
}
