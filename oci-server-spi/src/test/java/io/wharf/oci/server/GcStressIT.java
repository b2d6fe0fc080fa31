package io.wharf.oci.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.Platform;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorResponse;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.server.jdk.RegistryServer;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.StorageCheck;
import io.wharf.oci.storage.lifecycle.GarbageCollector;
import io.wharf.oci.storage.lifecycle.GcReport;
import io.wharf.oci.storage.lifecycle.GcRequest;
import io.wharf.oci.storage.local.LocalStorage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online garbage collection under load, over real HTTP: the engine on the single-node store
 * (filesystem blobs, SQLite) served on 127.0.0.1 by the JDK transport, several pushers and one
 * collector, all at once, for {@code wharf.gcstress.seconds}.
 *
 * <p>Pushers push images that share layers (a pool of 20; each image two to four of them and a
 * config of its own; the layers images take drift through the pool as time goes, so that layers
 * fall out of use, are collected, and are pushed again later) into four shared repositories, with
 * skopeo's moves: a blob the repository already has (HEAD) is skipped, others are mounted from
 * another repository or uploaded (monolithic, or POST then PUT). They also push multi-arch indexes
 * (two or three untagged children), referrers (an artifact whose subject is one of their tagged
 * manifests), move and delete their tags, delete manifests by digest, and pull their tags back.
 * Each pusher owns its tags and its manifests (their configs are unique), so it knows exactly what
 * it was acknowledged: tag to digest, the manifests' bytes, their referrers. The collector loops
 * over {@link GarbageCollector} runs, incremental and full by turns, with a grace period of {@code
 * wharf.gcstress.grace} seconds and untagged manifests collected, so that garbage is collected
 * while pushes go on.
 *
 * <p>A push refused because a blob is not linked ({@code MANIFEST_BLOB_UNKNOWN}) is legitimate only
 * when the last acknowledged link of that blob to the repository (an upload or mount that any
 * pusher made) began more than the grace period before the refusal, or a child of an index when it
 * was pushed that long before: anything younger must have been kept. Such a refusal is counted and
 * the push made again, uploading everything. Any other refusal, and any 5xx, fails the test.
 *
 * <p>Afterwards: {@link StorageCheck} finds nothing wrong; every tag pulls the manifest it was last
 * acknowledged for, byte for byte, and every blob of it (digests verified, layers compared with the
 * pool); so does every manifest a kept index lists, and every referrer of a kept manifest (which
 * the referrers API lists); and the collector did delete manifests, links and blobs.
 *
 * <p>System properties: {@code wharf.gcstress.seconds} (default 60), {@code wharf.gcstress.grace}
 * (seconds, default 6), {@code wharf.gcstress.pushers} (default 4), {@code wharf.gcstress.seed}.
 */
class GcStressIT {

  private static final int POOL = 20;

  /** Images take their layers from this many consecutive layers of the pool ... */
  private static final int WINDOW = 8;

  /** ... starting at a layer that moves on by one every this many nanoseconds. */
  private static final long DRIFT_NANOS = TimeUnit.SECONDS.toNanos(3);

  private static final int TAGS_PER_PUSHER = 4;

  static {
    // One line per request would be most of the output, and of the work.
    System.setProperty(
        "org.slf4j.simpleLogger.log.io.wharf.oci.server.jdk.JdkHttpTransport", "warn");
  }

  private static final List<RepositoryName> REPOSITORIES =
      List.of(
          RepositoryName.of("stress/r0"),
          RepositoryName.of("stress/r1"),
          RepositoryName.of("stress/r2"),
          RepositoryName.of("stress/r3"));
  private static final MediaType SIGNATURE =
      MediaType.parse("application/vnd.example.signature.v1+json");
  private static final String ACCEPT =
      MediaType.OCI_IMAGE_MANIFEST + ", " + MediaType.OCI_IMAGE_INDEX;
  private static final Bytes EMPTY_JSON = Bytes.utf8("{}");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path data;

  private final long seconds = Long.getLong("wharf.gcstress.seconds", 60);
  private final Duration grace = Duration.ofSeconds(Long.getLong("wharf.gcstress.grace", 6));
  private final int pushers = Integer.getInteger("wharf.gcstress.pushers", 4);
  private final long seed = Long.getLong("wharf.gcstress.seed", System.nanoTime());

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final AtomicBoolean stop = new AtomicBoolean();

  /** Per "repository digest": when the last acknowledged upload or mount of it began. */
  private final Map<String, Instant> linkedSince = new ConcurrentHashMap<>();

  private final List<Bytes> pool = new ArrayList<>();
  private final long startedNanos = System.nanoTime();
  private final Map<Digest, Bytes> poolByDigest = new HashMap<>();

  private RegistryStorage storage;
  private RegistryServer server;

  // Totals, printed at the end.
  private final LongAdder imagePushes = new LongAdder();
  private final LongAdder indexPushes = new LongAdder();
  private final LongAdder referrerPushes = new LongAdder();
  private final LongAdder tagMoves = new LongAdder();
  private final LongAdder tagDeletes = new LongAdder();
  private final LongAdder manifestDeletes = new LongAdder();
  private final LongAdder refusedLegitimately = new LongAdder();
  private final LongAdder uploads = new LongAdder();
  private final LongAdder mounts = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder pulls = new LongAdder();
  private final LongAdder gcRuns = new LongAdder();
  private final LongAdder gcManifests = new LongAdder();
  private final LongAdder gcLinks = new LongAdder();
  private final LongAdder gcBlobs = new LongAdder();
  private final LongAdder gcBytes = new LongAdder();

  @BeforeEach
  void start() throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < POOL; i++) {
      byte[] layer = new byte[1024 + random.nextInt(192 * 1024)];
      random.nextBytes(layer);
      Bytes bytes = Bytes.of(layer);
      pool.add(bytes);
      poolByDigest.put(Digest.sha256(bytes), bytes);
    }
    storage = LocalStorage.builder(data.resolve("data")).durable(false).open();
    server =
        RegistryServer.start(
            Registry.builder(storage).build(), new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    if (storage != null) {
      storage.close();
    }
  }

  @Test
  void collectionWhilePushingKeepsEverythingAcknowledged() throws Exception {
    GarbageCollector collector =
        GarbageCollector.builder(storage).gracePeriod(grace).deleteUntagged(true).build();
    SplittableRandom random = new SplittableRandom(seed);
    List<Pusher> all = new ArrayList<>();
    for (int n = 0; n < pushers; n++) {
      all.add(new Pusher(n, random.split()));
    }
    ExecutorService threads = Executors.newFixedThreadPool(pushers + 1);
    ExecutorCompletionService<Void> done = new ExecutorCompletionService<>(threads);
    long started = System.nanoTime();
    List<Future<Void>> running = new ArrayList<>();
    try {
      running.add(done.submit(() -> collect(collector)));
      for (Pusher pusher : all) {
        running.add(done.submit(pusher::run));
      }
      // Until the time is up, or until a thread ends before it: it failed.
      done.poll(seconds, TimeUnit.SECONDS);
    } finally {
      stop.set(true);
      threads.shutdown();
    }
    for (Future<Void> future : running) {
      future.get(2, TimeUnit.MINUTES); // rethrows a failure of any thread
    }
    assertThat(threads.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
    double elapsed = (System.nanoTime() - started) / 1e9;

    StorageCheck.Report report = StorageCheck.check(storage);
    assertThat(report.problems()).as("StorageCheck after the run").isEmpty();
    long verified = 0;
    for (Pusher pusher : all) {
      verified += pusher.verifyEverythingKept();
    }
    System.out.printf(
        "GcStressIT: %.0f s, %d pushers, grace %s, seed %d: %d image, %d index and %d referrer"
            + " pushes (%d blob uploads, %d mounts, %d skipped as present), %d tag moves, %d tag"
            + " deletes, %d manifest deletes, %d pulls checked, %d pushes refused legitimately"
            + " (a link older than the grace period was collected) and pushed again; %d"
            + " collection runs deleted %d manifests, %d links and %d blobs (%d bytes); at the"
            + " end %d manifests and blobs pulled and verified, %d blobs verified by StorageCheck%n",
        elapsed,
        pushers,
        grace,
        seed,
        imagePushes.sum(),
        indexPushes.sum(),
        referrerPushes.sum(),
        uploads.sum(),
        mounts.sum(),
        skipped.sum(),
        tagMoves.sum(),
        tagDeletes.sum(),
        manifestDeletes.sum(),
        pulls.sum(),
        refusedLegitimately.sum(),
        gcRuns.sum(),
        gcManifests.sum(),
        gcLinks.sum(),
        gcBlobs.sum(),
        gcBytes.sum(),
        verified,
        report.blobsVerified());
    assertThat(imagePushes.sum()).as("image pushes").isPositive();
    assertThat(gcRuns.sum()).as("collection runs").isGreaterThan(1);
    assertThat(gcManifests.sum()).as("manifests collected").isPositive();
    assertThat(gcLinks.sum()).as("links collected").isPositive();
    assertThat(gcBlobs.sum()).as("blobs collected").isPositive();
  }

  /** The collector's loop: incremental and full runs by turns until the stop. */
  private Void collect(GarbageCollector collector) throws IOException {
    boolean full = false;
    while (!stop.get()) {
      GcReport report = collector.run(full ? GcRequest.fullRun() : GcRequest.incremental());
      gcRuns.increment();
      gcManifests.add(report.manifestsDeleted());
      gcLinks.add(report.linksRemoved());
      gcBlobs.add(report.blobsDeleted());
      gcBytes.add(report.bytesReclaimed());
      full = !full;
    }
    return null;
  }

  // ----------------------------------------------------------------------------------- HTTP

  private HttpResponse<byte[]> send(String method, String path, Bytes body, String contentType)
      throws IOException, InterruptedException {
    URI uri = path.startsWith("http") ? URI.create(path) : URI.create(server.uri() + path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofMinutes(1))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (method.equals("GET") || method.equals("HEAD")) {
      request.header("Accept", ACCEPT);
    }
    HttpResponse<byte[]> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() >= 500) {
      fail(method + " " + path + " answered " + response.statusCode() + ": " + text(response));
    }
    return response;
  }

  private static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), UTF_8);
  }

  private static Optional<ErrorResponse.Entry> error(HttpResponse<byte[]> response) {
    return ErrorResponse.parse(Bytes.of(response.body()))
        .flatMap(e -> e.errors().stream().findFirst());
  }

  /** The digest an error's detail names, if it names one. */
  private static Optional<Digest> detailDigest(ErrorResponse.Entry error) {
    return error
        .detail()
        .filter(Map.class::isInstance)
        .map(d -> ((Map<?, ?>) d).get("digest"))
        .filter(String.class::isInstance)
        .map(d -> Digest.parse((String) d));
  }

  private static String key(RepositoryName repo, Digest digest) {
    return repo + " " + digest;
  }

  /** One pushing thread and the model of what it was acknowledged. */
  private final class Pusher {
    private final int id;
    private final SplittableRandom random;
    private final List<Tag> ownTags = new ArrayList<>();
    private int counter;

    /** Per repository: tag -> the digest it was last acknowledged for. */
    private final Map<RepositoryName, Map<Tag, Digest>> tags = new HashMap<>();

    /** Per repository: the manifests pushed and not known to be deleted. */
    private final Map<RepositoryName, Map<Digest, Pushed>> manifests = new HashMap<>();

    /** Per repository: subject -> the referrers pushed for it. */
    private final Map<RepositoryName, Map<Digest, List<Digest>>> referrers = new HashMap<>();

    Pusher(int id, SplittableRandom random) {
      this.id = id;
      this.random = random;
      for (int t = 0; t < TAGS_PER_PUSHER; t++) {
        ownTags.add(new Tag("p" + id + "-t" + t));
      }
      for (RepositoryName repo : REPOSITORIES) {
        tags.put(repo, new LinkedHashMap<>());
        manifests.put(repo, new LinkedHashMap<>());
        referrers.put(repo, new HashMap<>());
      }
    }

    Void run() throws IOException, InterruptedException {
      while (!stop.get()) {
        step();
      }
      return null;
    }

    private void step() throws IOException, InterruptedException {
      RepositoryName repo = REPOSITORIES.get(random.nextInt(REPOSITORIES.size()));
      Tag tag = ownTags.get(random.nextInt(ownTags.size()));
      List<Digest> tagged = new ArrayList<>(new HashSet<>(tags.get(repo).values()));
      int dice = random.nextInt(100);
      if (dice < 35 || tagged.isEmpty()) {
        pushTagged(repo, tag, image(repo));
        imagePushes.increment();
      } else if (dice < 45) {
        pushIndex(repo, tag);
      } else if (dice < 60) {
        pushReferrer(repo, tagged.get(random.nextInt(tagged.size())));
      } else if (dice < 75) {
        moveTag(repo, tag, tagged.get(random.nextInt(tagged.size())));
      } else if (dice < 85) {
        deleteTag(repo);
      } else if (dice < 93) {
        deleteManifest(repo);
      } else {
        pullTag(repo);
      }
    }

    // ------------------------------------------------------------------------------ pushes

    /** A new image: a config of its own and two to four layers of the pool. */
    private Pushed image(RepositoryName repo) {
      Bytes config =
          Bytes.utf8(
              "{\"architecture\":\"amd64\",\"os\":\"linux\",\"pusher\":"
                  + id
                  + ",\"n\":"
                  + counter++
                  + ",\"nonce\":"
                  + random.nextLong()
                  + "}");
      List<Descriptor> layers = new ArrayList<>();
      Set<Integer> chosen = new HashSet<>();
      int first = (int) ((System.nanoTime() - startedNanos) / DRIFT_NANOS);
      for (int n = 2 + random.nextInt(3); chosen.size() < n; ) {
        chosen.add((first + random.nextInt(WINDOW)) % POOL);
      }
      for (int i : chosen) {
        layers.add(Descriptor.of(MediaType.OCI_LAYER_TAR_GZIP, pool.get(i)));
      }
      RawManifest raw =
          ManifestCodec.defaults()
              .encode(ImageManifest.of(Descriptor.of(MediaType.OCI_IMAGE_CONFIG, config), layers));
      Map<Digest, Bytes> blobs = new LinkedHashMap<>();
      blobs.put(Digest.sha256(config), config);
      for (Descriptor layer : layers) {
        blobs.put(layer.digest(), poolByDigest.get(layer.digest()));
      }
      return new Pushed(repo, raw, blobs, List.of(), Optional.empty());
    }

    private void pushTagged(RepositoryName repo, Tag tag, Pushed pushed)
        throws IOException, InterruptedException {
      put(pushed, tag.value());
      tags.get(repo).put(tag, pushed.raw.digest());
    }

    private void pushIndex(RepositoryName repo, Tag tag) throws IOException, InterruptedException {
      List<Descriptor> children = new ArrayList<>();
      List<Digest> childDigests = new ArrayList<>();
      String[] architectures = {"amd64", "arm64", "s390x"};
      for (int n = 0; n < 2 + random.nextInt(2); n++) {
        Pushed child = image(repo);
        put(child, child.raw.digest().toString());
        children.add(child.raw.descriptor().withPlatform(Platform.of("linux", architectures[n])));
        childDigests.add(child.raw.digest());
      }
      RawManifest raw = ManifestCodec.defaults().encode(ImageIndex.of(children));
      pushTagged(repo, tag, new Pushed(repo, raw, Map.of(), childDigests, Optional.empty()));
      indexPushes.increment();
    }

    private void pushReferrer(RepositoryName repo, Digest subject)
        throws IOException, InterruptedException {
      RawManifest subjectManifest = manifests.get(repo).get(subject).raw;
      Bytes signature = Bytes.utf8("signature " + id + " " + counter++ + " " + random.nextLong());
      RawManifest raw =
          ManifestCodec.defaults()
              .encode(
                  ImageManifest.artifact(SIGNATURE, List.of(Descriptor.of(SIGNATURE, signature)))
                      .withSubject(subjectManifest.descriptor()));
      Map<Digest, Bytes> blobs = new LinkedHashMap<>();
      blobs.put(Digest.sha256(EMPTY_JSON), EMPTY_JSON);
      blobs.put(Digest.sha256(signature), signature);
      Pushed referrer = new Pushed(repo, raw, blobs, List.of(), Optional.of(subject));
      put(referrer, raw.digest().toString());
      referrers.get(repo).computeIfAbsent(subject, s -> new ArrayList<>()).add(raw.digest());
      referrerPushes.increment();
    }

    /**
     * Makes sure the repository has the manifest's blobs, then PUTs it under {@code reference}. A
     * refusal for a blob or child that the collector could legitimately have taken (see the class
     * comment) is counted, and the push made again with every blob uploaded or mounted.
     */
    private void put(Pushed pushed, String reference) throws IOException, InterruptedException {
      boolean mayUseExisting = true;
      for (int attempt = 0; ; attempt++) {
        for (Map.Entry<Digest, Bytes> blob : pushed.blobs.entrySet()) {
          ensureBlob(pushed.repo, blob.getKey(), blob.getValue(), mayUseExisting);
        }
        Instant start = Instant.now();
        HttpResponse<byte[]> r =
            send(
                "PUT",
                "/v2/" + pushed.repo + "/manifests/" + reference,
                pushed.raw.bytes(),
                pushed.raw.mediaType().value());
        if (r.statusCode() == 201) {
          assertThat(r.headers().firstValue("Docker-Content-Digest"))
              .contains(pushed.raw.digest().toString());
          pushed.pushedAt = start;
          manifests.get(pushed.repo).put(pushed.raw.digest(), pushed);
          return;
        }
        Instant refusedAt = Instant.now();
        Optional<ErrorResponse.Entry> error = error(r);
        String what = "PUT of " + pushed.raw.digest() + " to " + pushed.repo + " as " + reference;
        assertThat(r.statusCode()).as(what + ": " + text(r)).isEqualTo(400);
        assertThat(error.map(ErrorResponse.Entry::code))
            .as(what + ": " + text(r))
            .contains("MANIFEST_BLOB_UNKNOWN");
        Digest missing = detailDigest(error.get()).orElseThrow();
        assertLegitimatelyCollected(pushed, missing, refusedAt, what + ": " + text(r));
        refusedLegitimately.increment();
        if (attempt == 3) {
          fail(what + " was refused four times: " + text(r));
        }
        mayUseExisting = false;
      }
    }

    /** Fails unless {@code missing} may have been collected before {@code refusedAt}. */
    private void assertLegitimatelyCollected(
        Pushed pushed, Digest missing, Instant refusedAt, String what) {
      Instant youngest = refusedAt.minus(grace);
      if (pushed.children.contains(missing)) {
        Pushed child = manifests.get(pushed.repo).get(missing);
        Instant childPushed = child == null ? Instant.MIN : child.pushedAt;
        assertThat(childPushed)
            .as(what + ": a child pushed at " + childPushed + " was collected")
            .isBefore(youngest);
        return;
      }
      Instant linked = linkedSince.get(key(pushed.repo, missing));
      if (linked != null) {
        assertThat(linked)
            .as(
                what
                    + ": blob "
                    + missing
                    + " had an acknowledged link that began at "
                    + linked
                    + ", within the grace period "
                    + grace
                    + " of the refusal")
            .isBefore(youngest);
      }
    }

    /**
     * Makes sure {@code repo} has blob {@code digest}: when {@code mayUseExisting}, half the time
     * asks whether it has it already (HEAD) and skips it then, as skopeo does; otherwise mounts it
     * from another repository or uploads it (monolithic, or POST and PUT).
     */
    private void ensureBlob(
        RepositoryName repo, Digest digest, Bytes content, boolean mayUseExisting)
        throws IOException, InterruptedException {
      String blobs = "/v2/" + repo + "/blobs/";
      if (mayUseExisting && random.nextBoolean()) {
        HttpResponse<byte[]> head = send("HEAD", blobs + digest, null, null);
        if (head.statusCode() == 200) {
          skipped.increment();
          return;
        }
        assertThat(head.statusCode()).as("HEAD of " + digest + " in " + repo).isEqualTo(404);
      }
      for (int attempt = 0; ; attempt++) {
        Instant start = Instant.now();
        HttpResponse<byte[]> r;
        int style = random.nextInt(3);
        if (style == 0) {
          RepositoryName from = REPOSITORIES.get(random.nextInt(REPOSITORIES.size()));
          r = send("POST", blobs + "uploads/?mount=" + digest + "&from=" + from, null, null);
          if (r.statusCode() == 201) {
            mounts.increment();
          } else {
            assertThat(r.statusCode()).as("mount of " + digest + ": " + text(r)).isEqualTo(202);
            r = finishUpload(r, digest, content);
          }
        } else if (style == 1) {
          r =
              send(
                  "POST", blobs + "uploads/?digest=" + digest, content, "application/octet-stream");
        } else {
          r = send("POST", blobs + "uploads/", null, null);
          assertThat(r.statusCode()).as("upload start: " + text(r)).isEqualTo(202);
          r = finishUpload(r, digest, content);
        }
        if (r.statusCode() == 201) {
          if (style != 0 || r.request().method().equals("PUT")) {
            uploads.increment();
          }
          linkedSince.merge(key(repo, digest), start, (a, b) -> a.isAfter(b) ? a : b);
          return;
        }
        // The engine undoes a link whose bytes a collection deleted meanwhile: possible only for
        // bytes written before the cutoff of a run, so for an upload that began long enough ago.
        Instant refusedAt = Instant.now();
        String what = "upload of " + digest + " to " + repo + ": " + text(r);
        assertThat(error(r).map(ErrorResponse.Entry::code))
            .as(what)
            .contains("BLOB_UPLOAD_UNKNOWN");
        assertThat(start).as(what).isBefore(refusedAt.minus(grace));
        refusedLegitimately.increment();
        if (attempt == 3) {
          fail(what + ", four times");
        }
      }
    }

    private HttpResponse<byte[]> finishUpload(
        HttpResponse<byte[]> started, Digest digest, Bytes content)
        throws IOException, InterruptedException {
      String location = started.headers().firstValue("Location").orElseThrow();
      String url =
          URI.create(server.uri() + "/").resolve(location)
              + (location.contains("?") ? "&" : "?")
              + "digest="
              + digest;
      return send("PUT", url, content, "application/octet-stream");
    }

    // ----------------------------------------------------------------------- tags, deletes

    private void moveTag(RepositoryName repo, Tag tag, Digest target)
        throws IOException, InterruptedException {
      Pushed pushed = manifests.get(repo).get(target);
      HttpResponse<byte[]> r =
          send(
              "PUT",
              "/v2/" + repo + "/manifests/" + tag.value(),
              pushed.raw.bytes(),
              pushed.raw.mediaType().value());
      assertThat(r.statusCode())
          .as("moving " + tag + " in " + repo + " to tagged " + target + ": " + text(r))
          .isEqualTo(201);
      tags.get(repo).put(tag, target);
      tagMoves.increment();
    }

    private void deleteTag(RepositoryName repo) throws IOException, InterruptedException {
      List<Tag> present = new ArrayList<>(tags.get(repo).keySet());
      if (present.isEmpty()) {
        return;
      }
      Tag tag = present.get(random.nextInt(present.size()));
      HttpResponse<byte[]> r =
          send("DELETE", "/v2/" + repo + "/manifests/" + tag.value(), null, null);
      assertThat(r.statusCode())
          .as("DELETE of tag " + tag + " in " + repo + ": " + text(r))
          .isEqualTo(202);
      tags.get(repo).remove(tag);
      tagDeletes.increment();
    }

    private void deleteManifest(RepositoryName repo) throws IOException, InterruptedException {
      List<Digest> known = new ArrayList<>(manifests.get(repo).keySet());
      if (known.isEmpty()) {
        return;
      }
      Digest digest = known.get(random.nextInt(known.size()));
      HttpResponse<byte[]> r = send("DELETE", "/v2/" + repo + "/manifests/" + digest, null, null);
      String what = "DELETE of " + digest + " in " + repo + ": " + text(r);
      if (r.statusCode() == 409) {
        // An index of the repository lists it: only one of this pusher's indexes can.
        assertThat(manifests.get(repo).values())
            .as(what)
            .anyMatch(m -> m.children.contains(digest));
        return;
      }
      if (r.statusCode() == 404) {
        assertThat(live(repo)).as(what + ": it was needed").doesNotContain(digest);
      } else {
        assertThat(r.statusCode()).as(what).isEqualTo(202);
        manifestDeletes.increment();
      }
      manifests.get(repo).remove(digest);
      tags.get(repo).values().removeIf(digest::equals);
      referrers.get(repo).values().forEach(list -> list.remove(digest));
    }

    private void pullTag(RepositoryName repo) throws IOException, InterruptedException {
      List<Map.Entry<Tag, Digest>> present = new ArrayList<>(tags.get(repo).entrySet());
      if (present.isEmpty()) {
        return;
      }
      Map.Entry<Tag, Digest> tag = present.get(random.nextInt(present.size()));
      Pushed pushed = manifests.get(repo).get(tag.getValue());
      pullManifest(repo, tag.getKey().value(), pushed);
      pulls.increment();
    }

    // ----------------------------------------------------------------------------- checks

    /** What the model says must be stored in {@code repo}: tagged, listed, referrers of those. */
    private Set<Digest> live(RepositoryName repo) {
      Set<Digest> live = new HashSet<>();
      Deque<Digest> todo = new ArrayDeque<>(tags.get(repo).values());
      while (!todo.isEmpty()) {
        Digest digest = todo.pop();
        if (!live.add(digest)) {
          continue;
        }
        Pushed pushed = manifests.get(repo).get(digest);
        if (pushed != null) {
          todo.addAll(pushed.children);
        }
        todo.addAll(referrers.get(repo).getOrDefault(digest, List.of()));
      }
      return live;
    }

    /**
     * Pulls everything the model needs, byte for byte: each tag, each live manifest by digest and
     * every blob of it, and the referrers API of every live manifest.
     *
     * @return how many manifests and blobs were pulled and verified
     */
    long verifyEverythingKept() throws IOException, InterruptedException {
      long verified = 0;
      for (RepositoryName repo : REPOSITORIES) {
        for (Map.Entry<Tag, Digest> tag : tags.get(repo).entrySet()) {
          pullManifest(repo, tag.getKey().value(), manifests.get(repo).get(tag.getValue()));
          verified++;
        }
        for (Digest digest : live(repo)) {
          Pushed pushed = manifests.get(repo).get(digest);
          assertThat(pushed).as("model of " + digest).isNotNull();
          pullManifest(repo, digest.toString(), pushed);
          verified++;
          for (Map.Entry<Digest, Bytes> blob : pushed.blobs.entrySet()) {
            HttpResponse<byte[]> r =
                send("GET", "/v2/" + repo + "/blobs/" + blob.getKey(), null, null);
            assertThat(r.statusCode())
                .as("blob " + blob.getKey() + " of " + digest + " in " + repo + ": " + text(r))
                .isEqualTo(200);
            assertThat(Digest.sha256(Bytes.of(r.body()))).isEqualTo(blob.getKey());
            assertThat(Bytes.of(r.body())).isEqualTo(blob.getValue());
            verified++;
          }
          List<Digest> expected = referrers.get(repo).getOrDefault(digest, List.of());
          if (!expected.isEmpty()) {
            HttpResponse<byte[]> r =
                send("GET", "/v2/" + repo + "/referrers/" + digest, null, null);
            assertThat(r.statusCode()).as("referrers of " + digest + ": " + text(r)).isEqualTo(200);
            Manifest listing = ManifestCodec.defaults().read(Bytes.of(r.body())).parse();
            assertThat(((ImageIndex) listing).manifests().stream().map(Descriptor::digest).toList())
                .as("referrers of " + digest + " in " + repo)
                .containsAll(expected);
          }
        }
      }
      return verified;
    }

    private void pullManifest(RepositoryName repo, String reference, Pushed expected)
        throws IOException, InterruptedException {
      HttpResponse<byte[]> r = send("GET", "/v2/" + repo + "/manifests/" + reference, null, null);
      String what = "GET of " + reference + " in " + repo + " (pusher " + id + ")";
      assertThat(r.statusCode()).as(what + ": " + text(r)).isEqualTo(200);
      assertThat(Bytes.of(r.body())).as(what).isEqualTo(expected.raw.bytes());
      assertThat(r.headers().firstValue("Docker-Content-Digest"))
          .as(what)
          .contains(expected.raw.digest().toString());
    }
  }

  /** A manifest a pusher pushed: its bytes, the blobs it needs, its children and subject. */
  private static final class Pushed {
    final RepositoryName repo;
    final RawManifest raw;
    final Map<Digest, Bytes> blobs;
    final List<Digest> children;
    final Optional<Digest> subject;
    Instant pushedAt = Instant.MIN;

    Pushed(
        RepositoryName repo,
        RawManifest raw,
        Map<Digest, Bytes> blobs,
        List<Digest> children,
        Optional<Digest> subject) {
      this.repo = repo;
      this.raw = raw;
      this.blobs = blobs;
      this.children = children;
      this.subject = subject;
    }
  }
}
