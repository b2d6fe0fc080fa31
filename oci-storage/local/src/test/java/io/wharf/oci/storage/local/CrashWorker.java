package io.wharf.oci.storage.local;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.Platform;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.BlobUpload;
import io.wharf.oci.storage.ManifestPut;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.lifecycle.GarbageCollector;
import io.wharf.oci.storage.lifecycle.GcReport;
import io.wharf.oci.storage.lifecycle.GcRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The process {@link LocalStorageCrashIT} and {@link GcCrashIT} kill: opens durable {@link
 * LocalStorage} on a folder and pushes until killed (or for a minute at most, should its parent be
 * gone): random blobs streamed in several chunks, image manifests referencing them, re-tags and tag
 * deletions. Each operation is logged before it starts and, once the store acknowledged it, logged
 * again and forced to the device ({@link CrashLog}). Prints {@code READY} once the storage is open,
 * and {@code B <operation>} each time it begins an operation, so that its parent can time the kill.
 *
 * <p>With the argument {@code gc}, it also pushes multi-arch indexes (two untagged children) and
 * referrers (an artifact whose subject is a tagged manifest), re-tags only manifests a tag still
 * points at (the others may be collected), and runs a {@link GarbageCollector} (grace period zero,
 * untagged manifests collected; full or incremental) in one step of seven, after which it prints
 * {@code E GC <millis> <manifests> <links> <blobs>} (what the run deleted).
 *
 * <p>Arguments: data folder, log file, random seed, and optionally {@code gc}.
 */
public final class CrashWorker {

  /** The repositories pushed to. */
  static final List<RepositoryName> REPOSITORIES =
      List.of(
          new RepositoryName("crash/r0"),
          new RepositoryName("crash/r1"),
          new RepositoryName("crash/r2"));

  private static final List<Tag> TAGS =
      List.of(new Tag("t0"), new Tag("t1"), new Tag("t2"), new Tag("t3"), Tag.LATEST);

  private static final long MAX_RUN_NANOS = TimeUnit.MINUTES.toNanos(1);

  private static final MediaType SIGNATURE =
      MediaType.parse("application/vnd.example.signature.v1+json");

  private final RegistryStorage storage;
  private final FileChannel log;
  private final SplittableRandom random;
  private final CrashLog.State state;
  private final GarbageCollector collector;
  private final List<long[]> blobsOfThisRun = new ArrayList<>(); // {seed, size}

  private CrashWorker(
      RegistryStorage storage,
      FileChannel log,
      SplittableRandom random,
      CrashLog.State state,
      boolean gc) {
    this.storage = storage;
    this.log = log;
    this.random = random;
    this.state = state;
    this.collector =
        gc
            ? GarbageCollector.builder(storage)
                .gracePeriod(Duration.ZERO)
                .deleteUntagged(true)
                .batchSize(1 + random.nextInt(64))
                .build()
            : null;
  }

  /**
   * Runs the worker.
   *
   * @param args data folder, log file, random seed, and optionally {@code gc}
   */
  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    Path logFile = Path.of(args[1]);
    SplittableRandom random = new SplittableRandom(Long.parseLong(args[2]));
    CrashLog.State known = CrashLog.replay(CrashLog.readAndRepair(logFile)).acked();
    try (RegistryStorage storage = LocalStorage.open(data);
        FileChannel log =
            FileChannel.open(
                logFile,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
      boolean gc = args.length > 3 && args[3].equals("gc");
      CrashWorker worker = new CrashWorker(storage, log, random, known, gc);
      System.out.println("READY");
      System.out.flush();
      long start = System.nanoTime();
      while (System.nanoTime() - start < MAX_RUN_NANOS) {
        worker.step();
      }
    }
  }

  private void step() throws IOException {
    if (collector != null) {
      gcStep();
      return;
    }
    int dice = random.nextInt(100);
    RepositoryName repo = REPOSITORIES.get(random.nextInt(REPOSITORIES.size()));
    Tag tag = TAGS.get(random.nextInt(TAGS.size()));
    List<Map.Entry<String, Digest>> manifests = new ArrayList<>();
    state.manifests.forEach((r, digests) -> digests.forEach(d -> manifests.add(Map.entry(r, d))));
    if (dice < 60 || manifests.isEmpty()) {
      push(repo, Optional.of(tag));
    } else if (dice < 85) {
      Map.Entry<String, Digest> known = manifests.get(random.nextInt(manifests.size()));
      retag(new RepositoryName(known.getKey()), known.getValue(), tag);
    } else {
      untag(repo, tag);
    }
  }

  /**
   * A step with garbage collection: pushes, indexes, referrers, re-tags of tagged manifests, tag
   * deletions, and collection runs.
   */
  private void gcStep() throws IOException {
    int dice = random.nextInt(100);
    RepositoryName repo = REPOSITORIES.get(random.nextInt(REPOSITORIES.size()));
    Tag tag = TAGS.get(random.nextInt(TAGS.size()));
    List<Digest> tagged = new ArrayList<>(state.tagged(repo.toString()));
    if (dice < 15) {
      collect(random.nextBoolean());
    } else if (dice < 50 || tagged.isEmpty()) {
      push(repo, Optional.of(tag));
    } else if (dice < 60) {
      RawManifest index =
          ManifestCodec.defaults()
              .encode(
                  ImageIndex.of(
                      List.of(
                          push(repo, Optional.empty())
                              .descriptor()
                              .withPlatform(Platform.of("linux", "amd64")),
                          push(repo, Optional.empty())
                              .descriptor()
                              .withPlatform(Platform.of("linux", "arm64")))));
      putManifest(repo, index, tag);
    } else if (dice < 72) {
      Digest subject = tagged.get(random.nextInt(tagged.size()));
      RawManifest raw = storage.metadata().getManifest(repo, subject).orElseThrow();
      byte[] signature = ("signature " + random.nextLong()).getBytes(UTF_8);
      pushBlob(repo, MediaType.OCI_EMPTY_JSON, "{}".getBytes(UTF_8));
      Descriptor layer = pushBlob(repo, SIGNATURE, signature);
      RawManifest referrer =
          ManifestCodec.defaults()
              .encode(
                  ImageManifest.artifact(SIGNATURE, List.of(layer)).withSubject(raw.descriptor()));
      run(
          "PUT " + repo + " " + referrer.digest() + " " + subject,
          () ->
              storage
                  .metadata()
                  .putManifest(repo, ManifestPut.of(referrer, Set.of(), Instant.now())));
    } else if (dice < 88) {
      retag(repo, tagged.get(random.nextInt(tagged.size())), tag);
    } else {
      untag(repo, tag);
    }
  }

  /** Runs the collector, full or incremental, and prints what it deleted. */
  private void collect(boolean full) throws IOException {
    GcReport[] report = new GcReport[1];
    run(
        "GC " + (full ? "full" : "incremental"),
        () -> report[0] = collector.run(full ? GcRequest.fullRun() : GcRequest.incremental()));
    GcReport r = report[0];
    System.out.println(
        "E GC "
            + Duration.between(r.startedAt(), r.finishedAt()).toMillis()
            + " "
            + r.manifestsDeleted()
            + " "
            + r.linksRemoved()
            + " "
            + r.blobsDeleted());
    System.out.flush();
  }

  private void retag(RepositoryName repo, Digest digest, Tag tag) throws IOException {
    RawManifest raw = storage.metadata().getManifest(repo, digest).orElseThrow();
    putManifest(repo, raw, tag);
  }

  private void untag(RepositoryName repo, Tag tag) throws IOException {
    run("UNTAG " + repo + " " + tag, () -> storage.metadata().deleteTag(repo, tag));
  }

  /**
   * Pushes a config, one to three layers, their links and a manifest tagged {@code tag}, or
   * untagged (an index's child) without one.
   */
  private RawManifest push(RepositoryName repo, Optional<Tag> tag) throws IOException {
    String config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"nonce\":\"" + random.nextLong() + "\"}";
    Descriptor configDescriptor =
        pushBlob(repo, MediaType.OCI_IMAGE_CONFIG, config.getBytes(UTF_8));
    List<Descriptor> layers = new ArrayList<>();
    for (int n = 1 + random.nextInt(3); n > 0; n--) {
      byte[] content;
      if (!blobsOfThisRun.isEmpty() && random.nextInt(10) == 0) {
        long[] again = blobsOfThisRun.get(random.nextInt(blobsOfThisRun.size()));
        content = content(again[0], (int) again[1]); // the same layer pushed again
      } else {
        long seed = random.nextLong();
        int size = size();
        blobsOfThisRun.add(new long[] {seed, size});
        content = content(seed, size);
      }
      layers.add(pushBlob(repo, MediaType.OCI_LAYER_TAR_GZIP, content));
    }
    RawManifest raw = ManifestCodec.defaults().encode(ImageManifest.of(configDescriptor, layers));
    if (tag.isPresent()) {
      putManifest(repo, raw, tag.get());
    } else {
      run(
          "PUT " + repo + " " + raw.digest() + " -",
          () -> storage.metadata().putManifest(repo, ManifestPut.of(raw, Set.of(), Instant.now())));
    }
    return raw;
  }

  private void putManifest(RepositoryName repo, RawManifest raw, Tag tag) throws IOException {
    run(
        "MANIFEST " + repo + " " + raw.digest() + " " + tag,
        () ->
            storage.metadata().putManifest(repo, ManifestPut.of(raw, Set.of(tag), Instant.now())));
  }

  /** Uploads {@code content} in one to six chunks, then links it to {@code repo}. */
  private Descriptor pushBlob(RepositoryName repo, MediaType type, byte[] content)
      throws IOException {
    Digest digest = sha256(content);
    BlobInfo info = new BlobInfo(digest, content.length);
    run(
        "BLOB " + digest + " " + content.length,
        () -> {
          try (BlobUpload upload = storage.blobs().newUpload()) {
            int[] cuts = new int[random.nextInt(6)];
            for (int i = 0; i < cuts.length; i++) {
              cuts[i] = content.length == 0 ? 0 : random.nextInt(content.length + 1);
            }
            Arrays.sort(cuts);
            int from = 0;
            for (int cut : cuts) {
              upload.write(new ByteArrayInputStream(content, from, cut - from));
              from = cut;
            }
            upload.write(new ByteArrayInputStream(content, from, content.length - from));
            return upload.commit(digest);
          }
        });
    run(
        "LINK " + repo + " " + digest + " " + content.length,
        () -> storage.metadata().linkBlob(repo, info));
    return Descriptor.of(type, digest, content.length);
  }

  /** Mostly small, sometimes up to 3 MiB, now and then empty. */
  private int size() {
    int dice = random.nextInt(100);
    if (dice < 5) {
      return 0;
    } else if (dice < 60) {
      return 1 + random.nextInt(16 * 1024);
    } else if (dice < 92) {
      return 1 + random.nextInt(512 * 1024);
    }
    return 1 + random.nextInt(3 * 1024 * 1024);
  }

  /** Bytes that depend on {@code seed}: a random block, repeated with a random word per block. */
  private static byte[] content(long seed, int size) {
    SplittableRandom content = new SplittableRandom(seed);
    byte[] block = new byte[4096];
    content.nextBytes(block);
    byte[] bytes = new byte[size];
    for (int at = 0; at < size; at += block.length) {
      System.arraycopy(block, 0, bytes, at, Math.min(block.length, size - at));
      long word = content.nextLong();
      for (int i = 0; i < 8 && at + i < size; i++) {
        bytes[at + i] = (byte) (word >>> (8 * i));
      }
    }
    return bytes;
  }

  private static Digest sha256(byte[] content) {
    return Digest.of(
        DigestAlgorithm.SHA256, DigestAlgorithm.SHA256.newMessageDigest().digest(content));
  }

  @FunctionalInterface
  private interface Operation {
    Object run() throws IOException;
  }

  /**
   * Logs {@code op}, runs it, and once the store returned logs its acknowledgement, forced, and
   * applies it to the state.
   */
  private void run(String op, Operation operation) throws IOException {
    CrashLog.append(log, "B " + op, false);
    System.out.println("B " + op.substring(0, op.indexOf(' ')));
    System.out.flush();
    operation.run();
    CrashLog.append(log, "A " + op, true);
    state.apply(op);
  }
}
