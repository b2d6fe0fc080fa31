package io.wharf.oci.storage.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.Page;
import io.wharf.oci.storage.PageRequest;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.StorageCheck;
import io.wharf.oci.storage.TagRecord;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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

  private static final long READY_TIMEOUT_SECONDS = 60;

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
    Path data = dir.resolve("data");
    Path log = dir.resolve("ops.log");
    Path errors = dir.resolve("worker.err");
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    String classPath = isolatedClassPath(dir.resolve("classpath"));
    long start = System.nanoTime();
    for (int kill = 1; kill <= kills; kill++) {
      String context = "kill " + kill + " (seed " + seed + ", folder " + dir + ")";
      Process worker = start(classPath, data, log, errors, tmp, random.nextLong());
      try {
        Semaphore events = events(worker);
        if (random.nextInt(5) == 0) {
          // Counted from the start of the process: kills land in JVM start-up, in opening the
          // storage (recovery, schema migration), or in the first operations.
          killedBeforeReady++;
          Thread.sleep(50 + random.nextInt(1200));
        } else {
          // After a random number of operations began, and a random pause: kills land anywhere
          // in an operation, however fast or slow the machine is.
          int operations = 1 + random.nextInt(MAX_OPERATIONS_PER_RUN);
          if (!events.tryAcquire(1 + operations, READY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            fail("the worker made no progress; " + context + "\n" + tail(errors));
          }
          Thread.sleep(random.nextInt(40));
        }
        if (!worker.isAlive()) {
          fail(
              "the worker died by itself, exit "
                  + worker.exitValue()
                  + "; "
                  + context
                  + "\n"
                  + tail(errors));
        }
      } finally {
        worker.destroyForcibly();
        worker.waitFor();
      }
      if (worker.exitValue() != 137) { // 128 + SIGKILL: anything else means it died by itself
        fail("the worker exited with " + worker.exitValue() + "; " + context + "\n" + tail(errors));
      }
      check(data, log, context);
    }
    List<String> lines = CrashLog.readAndRepair(log);
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

  private static Process start(
      String classPath, Path data, Path log, Path errors, Path tmp, long seed) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        List.of(
            java,
            "-Xmx128m",
            "-Xss512k",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "-XX:-UsePerfData",
            "-Djava.io.tmpdir=" + tmp,
            "-Dorg.sqlite.tmpdir=" + tmp,
            "-cp",
            classPath,
            CrashWorker.class.getName(),
            data.toString(),
            log.toString(),
            Long.toString(seed));
    return new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(errors.toFile()))
        .redirectInput(ProcessBuilder.Redirect.PIPE)
        .start();
  }

  /**
   * The test class path, with its jars copied to {@code folder}: the workers start long after this
   * JVM, and a build running beside this one may replace a jar in the local Maven repository
   * meanwhile.
   */
  private static String isolatedClassPath(Path folder) throws IOException {
    Files.createDirectories(folder);
    List<String> entries = new ArrayList<>();
    int n = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (Files.isRegularFile(path)) {
        Path copy = folder.resolve(n++ + "-" + path.getFileName());
        Files.copy(path, copy);
        entries.add(copy.toString());
      } else {
        entries.add(entry);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  /** One permit when the worker prints {@code READY}, and one each time it begins an operation. */
  private static Semaphore events(Process worker) {
    Semaphore events = new Semaphore(0);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(worker.getInputStream(), UTF_8))) {
                while (in.readLine() != null) {
                  events.release();
                }
              } catch (IOException e) {
                // The worker was killed.
              }
            },
            "crash-worker-stdout");
    reader.setDaemon(true);
    reader.start();
    return events;
  }

  /** Checks the storage left by a killed worker, and resolves its operation in flight. */
  private void check(Path data, Path log, String context) throws IOException, SQLException {
    Path db = LocalStorage.metadataFile(data);
    if (Files.exists(db)) {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).as("integrity_check, " + context).isEqualTo("ok");
      }
    }
    CrashLog.Replay replay = CrashLog.replay(CrashLog.readAndRepair(log));
    CrashLog.State before = replay.acked();
    CrashLog.State after = replay.withPending();
    boolean applied;
    try (RegistryStorage storage = LocalStorage.open(data)) {
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
      Map<String, Object> actual = view(metadata);
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

      applied = isApplied(replay.pending(), listed, metadata, actual, after);
    }
    if (replay.pending().isPresent()) {
      if (applied) {
        inFlightApplied++;
      } else {
        inFlightLost++;
      }
      try (FileChannel channel = FileChannel.open(log, StandardOpenOption.APPEND)) {
        CrashLog.append(channel, (applied ? "A " : "X ") + replay.pending().get(), true);
      }
    }
  }

  /** Whether the operation in flight took effect. */
  private static boolean isApplied(
      Optional<String> pending,
      Set<Digest> listed,
      MetadataStore metadata,
      Map<String, Object> actual,
      CrashLog.State after)
      throws IOException {
    if (pending.isEmpty()) {
      return false;
    }
    String[] f = pending.get().split(" ");
    switch (f[0]) {
      case "BLOB":
        return listed.contains(Digest.parse(f[1]));
      case "LINK":
        return metadata.isBlobLinked(new RepositoryName(f[1]), Digest.parse(f[2]));
      default:
        return actual.equals(after.view());
    }
  }

  /** The manifests and tags the store holds, as {@link CrashLog.State#view()} lays them out. */
  private static Map<String, Object> view(MetadataStore metadata) throws IOException {
    Map<String, Object> view = new TreeMap<>();
    List<RepositoryName> repositories = new ArrayList<>();
    Optional<String> last = Optional.empty();
    do {
      Page<RepositoryName> page = metadata.repositories(new PageRequest(100, last));
      repositories.addAll(page.items());
      last = page.next();
    } while (last.isPresent());
    for (RepositoryName repo : repositories) {
      Set<Digest> manifests = new TreeSet<>();
      metadata.manifestRecords(repo).forEach(m -> manifests.add(m.digest()));
      if (!manifests.isEmpty()) {
        view.put(repo + " manifests", manifests);
      }
      Map<String, Digest> tags = new TreeMap<>();
      for (TagRecord tag : metadata.tagRecords(repo)) {
        assertThat(metadata.resolveTag(repo, tag.tag())).contains(tag.digest());
        tags.put(tag.tag().value(), tag.digest());
      }
      if (!tags.isEmpty()) {
        view.put(repo + " tags", tags);
      }
    }
    return view;
  }

  private static String tail(Path errors) throws IOException {
    if (!Files.exists(errors)) {
      return "(no worker output)";
    }
    List<String> lines = Files.readAllLines(errors, UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
