package io.wharf.oci.storage.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.StorageCheck;
import io.wharf.oci.storage.lifecycle.GarbageCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Garbage collection survives SIGKILL: a child JVM ({@link CrashWorker} with {@code gc}) pushes
 * images, multi-arch indexes and referrers to durable {@link LocalStorage}, moves and deletes tags,
 * and runs a {@link GarbageCollector} (grace period zero, untagged manifests collected, full and
 * incremental runs with random batch sizes), and is killed at random moments, half of them timed to
 * land inside a collection run (a random fraction of the runs' mean duration after one begins).
 * After each kill this test opens the storage itself and checks:
 *
 * <ul>
 *   <li>the SQLite file passes {@code PRAGMA integrity_check}, and {@link StorageCheck} finds no
 *       problem (no manifest misses a blob or child, no link dangles, every listed blob verifies:
 *       none is half-deleted);
 *   <li>no blob is stored that was never committed, no manifest that was never put;
 *   <li>the tags are exactly the acknowledged ones, or those with the operation in flight applied
 *       (a collection never removes a tag);
 *   <li>every manifest an acknowledged tag needs (the tagged one, the children of a tagged index,
 *       the referrers of either) is stored and is listed by the referrers API of its subject, and
 *       every blob those manifests refer to is linked to their repository, stored with its size and
 *       verified.
 * </ul>
 *
 * <p>System properties: {@code wharf.gccrash.kills} (default 30), {@code wharf.gccrash.seed}.
 */
class GcCrashIT {

  /** A worker is killed during one of its first this many operations, or before. */
  private static final int MAX_OPERATIONS_PER_RUN = 30;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private final CrashHarness.GcTotals gc = new CrashHarness.GcTotals();
  private int killsInGc;
  private int killedBeforeReady;
  private int manifestsChecked;
  private int blobsChecked;

  @Test
  void aKilledCollectionLosesNothingReferencedAndHalfDeletesNothing() throws Exception {
    int kills = Integer.getInteger("wharf.gccrash.kills", 30);
    long seed = Long.getLong("wharf.gccrash.seed", System.nanoTime());
    SplittableRandom random = new SplittableRandom(seed);
    CrashHarness harness = new CrashHarness(dir);
    long start = System.nanoTime();
    for (int kill = 1; kill <= kills; kill++) {
      String context = harness.describe(kill, seed);
      CrashHarness.Worker worker = harness.start(random.nextLong(), gc, "gc");
      try {
        int dice = random.nextInt(10);
        if (dice == 0) {
          killedBeforeReady++;
          Thread.sleep(50 + random.nextInt(1200));
        } else if (dice < 6) {
          // Inside a collection run: after one begins, a random part of a run's mean duration.
          harness.await(worker.events, 1, context);
          harness.await(worker.gcBegins, 1 + random.nextInt(2), context);
          Thread.sleep(random.nextLong(1 + gc.meanMillis(20) * 5 / 4));
        } else {
          harness.await(worker.events, 2 + random.nextInt(MAX_OPERATIONS_PER_RUN), context);
          Thread.sleep(random.nextInt(40));
        }
      } finally {
        harness.kill(worker, context);
      }
      check(harness, context);
    }
    List<String> lines = CrashLog.readAndRepair(harness.log);
    long pushes = lines.stream().filter(l -> l.startsWith("A MANIFEST ")).count();
    long runs = lines.stream().filter(l -> l.startsWith("A GC ")).count() - killsInGc;
    System.out.printf(
        "GcCrashIT: %d kills (%d before ready, %d inside a collection run), %d manifest puts"
            + " acknowledged, %d collection runs finished (mean %d ms) deleting %d manifests, %d"
            + " links and %d blobs; %d needed manifests and %d blobs checked; %.1f s, seed %d%n",
        kills,
        killedBeforeReady,
        killsInGc,
        pushes,
        runs,
        gc.meanMillis(0),
        gc.manifestsDeleted.sum(),
        gc.linksRemoved.sum(),
        gc.blobsDeleted.sum(),
        manifestsChecked,
        blobsChecked,
        (System.nanoTime() - start) / 1e9,
        seed);
    assertThat(pushes).as("manifest puts acknowledged").isGreaterThanOrEqualTo(kills / 4);
    assertThat(killsInGc).as("kills inside a collection run").isPositive();
    assertThat(gc.blobsDeleted.sum()).as("blobs the collections deleted").isPositive();
    assertThat(gc.manifestsDeleted.sum()).as("manifests the collections deleted").isPositive();
  }

  /** Checks the storage left by a killed worker, and resolves its operation in flight. */
  private void check(CrashHarness harness, String context) throws IOException, SQLException {
    harness.assertDatabaseIntact(context);
    CrashLog.Replay replay = harness.replay();
    CrashLog.State before = replay.acked();
    CrashLog.State after = replay.withPending();
    String inFlight = "; in flight: " + replay.pending().orElse("nothing");
    boolean applied;
    try (RegistryStorage storage = LocalStorage.open(harness.data)) {
      StorageCheck.Report report = StorageCheck.check(storage);
      assertThat(report.problems()).as("StorageCheck problems, " + context + inFlight).isEmpty();
      Set<Digest> listed;
      try (Stream<Digest> list = storage.blobs().list()) {
        listed = list.collect(HashSet::new, Set::add, Set::addAll);
      }
      assertThat(report.blobsVerified()).as(context).isEqualTo(listed.size());
      assertThat(after.blobs.keySet()).as("visible blobs, " + context).containsAll(listed);

      MetadataStore metadata = storage.metadata();
      Map<String, Object> stored = CrashHarness.view(metadata);
      Map<String, Object> storedTags =
          stored.entrySet().stream()
              .filter(e -> e.getKey().endsWith(" tags"))
              .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      assertThat(storedTags)
          .as("tags, " + context + inFlight)
          .isIn(before.tagsView(), after.tagsView());
      for (Map.Entry<String, Object> e : stored.entrySet()) {
        if (e.getKey().endsWith(" manifests")) {
          String repo = e.getKey().substring(0, e.getKey().length() - " manifests".length());
          assertThat(after.manifests.getOrDefault(repo, Set.of()))
              .as("manifests ever put in " + repo + ", " + context)
              .containsAll(digests(e.getValue()));
        }
      }
      CrashLog.State matched = storedTags.equals(before.tagsView()) ? before : after;
      for (String repo : matched.tags.keySet()) {
        checkNeeded(storage, new RepositoryName(repo), matched, listed, context + inFlight);
      }
      applied =
          CrashHarness.isApplied(
              replay.pending(), listed, metadata, storedTags.equals(after.tagsView()));
    }
    if (replay.pending().isPresent()) {
      if (replay.pending().get().startsWith("GC ")) {
        killsInGc++;
      }
      harness.resolve(replay.pending().get(), applied);
    }
  }

  @SuppressWarnings("unchecked")
  private static Set<Digest> digests(Object set) {
    return (Set<Digest>) set;
  }

  /**
   * Checks that everything the tags of {@code repo} need is there: tagged manifests, the children
   * of tagged indexes, the referrers of each, and the blobs they refer to.
   */
  private void checkNeeded(
      RegistryStorage storage,
      RepositoryName repo,
      CrashLog.State state,
      Set<Digest> listed,
      String context)
      throws IOException {
    MetadataStore metadata = storage.metadata();
    Deque<Digest> todo = new ArrayDeque<>(state.tagged(repo.toString()));
    Set<Digest> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      Digest digest = todo.pop();
      if (!seen.add(digest)) {
        continue;
      }
      Optional<RawManifest> raw = metadata.getManifest(repo, digest);
      assertThat(raw).as("needed manifest " + digest + " in " + repo + ", " + context).isPresent();
      assertThat(raw.get().digest()).isEqualTo(digest);
      manifestsChecked++;
      Manifest manifest = raw.get().parse();
      if (manifest instanceof ImageIndex index) {
        for (Descriptor child : index.manifests()) {
          todo.push(child.digest());
        }
      } else {
        for (Descriptor blob : manifest.references()) {
          String what = "blob " + blob.digest() + " of " + digest + " in " + repo + ", " + context;
          assertThat(metadata.isBlobLinked(repo, blob.digest())).as("link of " + what).isTrue();
          assertThat(storage.blobs().stat(blob.digest()))
              .as(what)
              .contains(new BlobInfo(blob.digest(), blob.size()));
          assertThat(listed).as("verified " + what).contains(blob.digest());
          blobsChecked++;
        }
      }
      Set<Digest> referrers = state.referrersOf(repo.toString(), digest);
      if (!referrers.isEmpty()) {
        assertThat(
                metadata.referrers(repo, digest, Optional.empty()).stream()
                    .map(Descriptor::digest)
                    .toList())
            .as("referrers of " + digest + " in " + repo + ", " + context)
            .containsAll(referrers);
        todo.addAll(referrers);
      }
    }
  }
}
