package io.wharf.oci.storage.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.Page;
import io.wharf.oci.storage.PageRequest;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the crash tests share: a folder with the data, the operation log ({@link CrashLog}) and the
 * workers' error output; {@link CrashWorker} started in a child JVM on a copy of the test class
 * path; its output turned into events to time a kill by; the SIGKILL and its exit status; and the
 * checks every kill is followed by (SQLite's {@code integrity_check}, the stored manifests and tags
 * laid out as {@link CrashLog.State#view()} does), and the checker's resolution of the operation in
 * flight, written to the log before the next worker starts.
 */
final class CrashHarness {

  /** How long a worker may take to print {@code READY} and begin its operations. */
  static final long READY_TIMEOUT_SECONDS = 60;

  final Path data;
  final Path log;
  private final Path dir;
  private final Path errors;
  private final Path tmp;
  private final String classPath;

  /** A harness on {@code dir}, which the data, the log and a copy of the class path go into. */
  CrashHarness(Path dir) throws IOException {
    this.dir = dir;
    this.data = dir.resolve("data");
    this.log = dir.resolve("ops.log");
    this.errors = dir.resolve("worker.err");
    this.tmp = Files.createDirectories(dir.resolve("tmp"));
    this.classPath = isolatedClassPath(dir.resolve("classpath"));
  }

  /** Where the test runs, for failure messages. */
  String describe(int kill, long seed) {
    return "kill " + kill + " (seed " + seed + ", folder " + dir + ")";
  }

  /** A running {@link CrashWorker} and what it printed so far. */
  static final class Worker {
    final Process process;

    /**
     * One permit when the worker prints {@code READY}, and one each time it begins an operation.
     */
    final Semaphore events = new Semaphore(0);

    /** One permit each time the worker begins a garbage collection run. */
    final Semaphore gcBegins = new Semaphore(0);

    /** What the worker reported of its finished garbage collection runs. */
    final GcTotals gc;

    private Worker(Process process, GcTotals gc) {
      this.process = process;
      this.gc = gc;
    }
  }

  /** Sums of the {@code E GC <millis> <manifests> <links> <blobs>} lines of every worker. */
  static final class GcTotals {
    final LongAdder runs = new LongAdder();
    final LongAdder millis = new LongAdder();
    final LongAdder manifestsDeleted = new LongAdder();
    final LongAdder linksRemoved = new LongAdder();
    final LongAdder blobsDeleted = new LongAdder();
    final AtomicLong lastMillis = new AtomicLong();

    /** The mean duration of a finished run, in milliseconds; {@code fallback} before any. */
    long meanMillis(long fallback) {
      long n = runs.sum();
      return n == 0 ? fallback : Math.max(1, millis.sum() / n);
    }

    void add(String line) {
      String[] f = line.split(" ");
      long ms = Long.parseLong(f[2]);
      runs.increment();
      millis.add(ms);
      lastMillis.set(ms);
      manifestsDeleted.add(Long.parseLong(f[3]));
      linksRemoved.add(Long.parseLong(f[4]));
      blobsDeleted.add(Long.parseLong(f[5]));
    }
  }

  /** Starts a worker with {@code seed} and the worker's further {@code arguments}. */
  Worker start(long seed, GcTotals gc, String... arguments) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(
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
                Long.toString(seed)));
    command.addAll(List.of(arguments));
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(errors.toFile()))
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    Worker worker = new Worker(process, gc);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.startsWith("E GC ")) {
                    worker.gc.add(line);
                    continue;
                  }
                  if (line.equals("B GC")) {
                    worker.gcBegins.release();
                  }
                  worker.events.release();
                }
              } catch (IOException e) {
                // The worker was killed.
              }
            },
            "crash-worker-stdout");
    reader.setDaemon(true);
    reader.start();
    return worker;
  }

  /** Waits for {@code permits} of {@code events}, or fails the test: the worker is stuck. */
  void await(Semaphore events, int permits, String context) throws InterruptedException {
    if (!events.tryAcquire(permits, READY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      fail("the worker made no progress; " + context + "\n" + tail());
    }
  }

  /**
   * Kills {@code worker} with SIGKILL and waits for it; fails the test when it had died by itself
   * before.
   */
  void kill(Worker worker, String context) throws InterruptedException {
    try {
      if (!worker.process.isAlive()) {
        fail(
            "the worker died by itself, exit "
                + worker.process.exitValue()
                + "; "
                + context
                + "\n"
                + tail());
      }
    } finally {
      worker.process.destroyForcibly();
      worker.process.waitFor();
    }
    if (worker.process.exitValue() != 137) { // 128 + SIGKILL: anything else means it died by itself
      fail("the worker exited with " + worker.process.exitValue() + "; " + context + "\n" + tail());
    }
  }

  /** Asserts that the SQLite file, when there is one, passes {@code PRAGMA integrity_check}. */
  void assertDatabaseIntact(String context) throws SQLException {
    Path db = LocalStorage.metadataFile(data);
    if (Files.exists(db)) {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).as("integrity_check, " + context).isEqualTo("ok");
      }
    }
  }

  /** The log replayed, its unfinished last line cut off. */
  CrashLog.Replay replay() throws IOException {
    return CrashLog.replay(CrashLog.readAndRepair(log));
  }

  /** Writes the checker's finding about the operation in flight, {@code pending}, to the log. */
  void resolve(String pending, boolean applied) throws IOException {
    try (FileChannel channel = FileChannel.open(log, StandardOpenOption.APPEND)) {
      CrashLog.append(channel, (applied ? "A " : "X ") + pending, true);
    }
  }

  /**
   * Whether the operation in flight, {@code pending}, took effect: a blob is listed, a link or an
   * untagged manifest is there, a collection run counts as applied (it changes nothing the log
   * tracks); for a manifest put with a tag or an untag, {@code tagsAsAfter} says it (whether the
   * stored tags are those with the operation applied).
   */
  static boolean isApplied(
      Optional<String> pending, Set<Digest> listed, MetadataStore metadata, boolean tagsAsAfter)
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
      case "PUT":
        return metadata.getManifest(new RepositoryName(f[1]), Digest.parse(f[2])).isPresent();
      case "GC":
        return true;
      default:
        return tagsAsAfter;
    }
  }

  /**
   * The manifests and tags the store holds, as {@link CrashLog.State#view()} lays them out; every
   * tag is checked to resolve as its record says.
   */
  static Map<String, Object> view(MetadataStore metadata) throws IOException {
    Map<String, Object> view = new TreeMap<>();
    for (RepositoryName repo : repositories(metadata)) {
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

  /** Every repository of {@code metadata}. */
  static List<RepositoryName> repositories(MetadataStore metadata) throws IOException {
    List<RepositoryName> repositories = new ArrayList<>();
    Optional<String> last = Optional.empty();
    do {
      Page<RepositoryName> page = metadata.repositories(new PageRequest(100, last));
      repositories.addAll(page.items());
      last = page.next();
    } while (last.isPresent());
    return repositories;
  }

  /** The last lines of the workers' error output. */
  String tail() {
    try {
      if (!Files.exists(errors)) {
        return "(no worker output)";
      }
      List<String> lines = Files.readAllLines(errors, UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(worker output unreadable: " + e + ")";
    }
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
}
