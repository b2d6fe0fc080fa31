package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.testing.Concurrently;
import io.wharf.oci.server.RegistryConformanceContract.Reply;
import io.wharf.oci.storage.ManifestRecord;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.Page;
import io.wharf.oci.storage.PageRequest;
import io.wharf.oci.storage.ProjectUsage;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many threads push images that share layers into several repositories of one project, delete
 * manifests and unlink blobs, against a quota that refuses some of the pushes; a watcher reads the
 * project's usage all the while. The usage never goes past the quota, and at the end it equals a
 * recount made here from the repositories' content.
 */
class QuotaConcurrencyTest {

  private static final int THREADS = 8;
  private static final int OPERATIONS = 40;
  private static final List<String> REPOSITORIES = List.of("team/a", "team/b", "team/c", "team");
  private static final long BYTES = 24 * 1024;
  private static final long ARTIFACTS = 12;

  /** Layers shared by the images: 1 to 3 KiB each. */
  private static final List<Bytes> LAYERS = new ArrayList<>();

  static {
    Random random = new Random(42);
    for (int i = 0; i < 10; i++) {
      byte[] b = new byte[1024 + random.nextInt(2048)];
      random.nextBytes(b);
      LAYERS.add(Bytes.of(b));
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard; the work takes seconds
  void usageStaysExactAndWithinTheQuotaUnderConcurrentPushesAndDeletes() throws Exception {
    RegistryStorage storage = RegistryStorage.inMemory();
    Registry registry =
        Registry.builder(storage)
            .quotas(Quotas.of(Map.of("team", Quota.of(BYTES, ARTIFACTS))))
            .build();
    Calls calls = new Calls(registry);
    MetadataStore metadata = storage.metadata();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    List<String> pushed = new CopyOnWriteArrayList<>(); // "repo@digest"
    AtomicBoolean done = new AtomicBoolean();
    List<String> overshoots = new CopyOnWriteArrayList<>();

    Callable<Integer> watcher =
        () -> {
          int reads = 0;
          while (!done.get()) {
            ProjectUsage u = metadata.projectUsage("team");
            reads++;
            if (u.bytes() > BYTES || u.artifacts() > ARTIFACTS) {
              overshoots.add(u.toString());
            }
          }
          return reads;
        };
    List<Callable<Integer>> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      workers.add(
          () -> {
            Random random = new Random(thread);
            for (int op = 0; op < OPERATIONS; op++) {
              String repo = REPOSITORIES.get(random.nextInt(REPOSITORIES.size()));
              int kind = random.nextInt(10);
              if (kind < 6) {
                push(calls, repo, thread * 1000 + op, random, statuses, pushed);
              } else if (kind < 8 && !pushed.isEmpty()) {
                String target = pushed.get(random.nextInt(pushed.size()));
                String[] parts = target.split("@");
                count(
                    statuses,
                    calls.call(HttpMethod.DELETE, "/v2/" + parts[0] + "/manifests/" + parts[1]),
                    202,
                    404);
              } else {
                Digest layer = Digest.sha256(LAYERS.get(random.nextInt(LAYERS.size())));
                // 409 when a manifest of the repository still uses it.
                count(
                    statuses,
                    calls.call(HttpMethod.DELETE, "/v2/" + repo + "/blobs/" + layer),
                    202,
                    404,
                    409);
              }
            }
            return OPERATIONS;
          });
    }
    // The watcher stops when the workers are done: run them, then flip the flag.
    List<Callable<Integer>> workersThenStop = new ArrayList<>();
    AtomicInteger remaining = new AtomicInteger(THREADS);
    for (Callable<Integer> w : workers) {
      workersThenStop.add(
          () -> {
            try {
              return w.call();
            } finally {
              if (remaining.decrementAndGet() == 0) {
                done.set(true);
              }
            }
          });
    }
    workersThenStop.add(watcher);
    List<Integer> results = Concurrently.all(workersThenStop);

    assertThat(overshoots).as("usage observed past the quota").isEmpty();
    assertThat(results.get(THREADS)).as("usage reads of the watcher").isPositive();
    assertThat(statuses.get(201)).as("some pushes passed").isNotNull();
    assertThat(statuses.get(403)).as("the quota refused some pushes").isNotNull();
    assertThat(statuses.keySet()).isSubsetOf(201, 202, 400, 403, 404, 409);

    ProjectUsage recount = recount(storage);
    assertThat(metadata.projectUsage("team")).isEqualTo(recount);
    assertThat(recount.bytes()).isLessThanOrEqualTo(BYTES);
    assertThat(recount.artifacts()).isLessThanOrEqualTo(ARTIFACTS);
  }

  /** Pushes an image of a config of its own and two shared layers; counts every answer. */
  private static void push(
      Calls calls,
      String repo,
      int seed,
      Random random,
      Map<Integer, AtomicInteger> statuses,
      List<String> pushed)
      throws IOException {
    Bytes config = Bytes.utf8("{\"seed\":" + seed + "}");
    List<Descriptor> layers = new ArrayList<>();
    for (Bytes layer : new java.util.LinkedHashSet<>(List.of(pick(random), pick(random)))) {
      layers.add(blob(calls, repo, MediaType.OCI_LAYER_TAR, layer, statuses));
    }
    Descriptor configDescriptor = blob(calls, repo, MediaType.OCI_IMAGE_CONFIG, config, statuses);
    RawManifest m = ManifestCodec.defaults().encode(ImageManifest.of(configDescriptor, layers));
    // 400 MANIFEST_BLOB_UNKNOWN when a blob was refused or unlinked meanwhile.
    Reply r = calls.putManifest(repo, "t" + seed, m);
    count(statuses, r, 201, 400, 403);
    if (r.status() == 201) {
      pushed.add(repo + "@" + m.digest());
    }
  }

  private static Bytes pick(Random random) {
    return LAYERS.get(random.nextInt(LAYERS.size()));
  }

  private static Descriptor blob(
      Calls calls, String repo, MediaType type, Bytes content, Map<Integer, AtomicInteger> statuses)
      throws IOException {
    Digest d = Digest.sha256(content);
    Reply r =
        calls.call(
            HttpMethod.POST,
            "/v2/" + repo + "/blobs/uploads/?digest=" + d,
            Headers.builder().set("Content-Length", Long.toString(content.size())).build(),
            content);
    count(statuses, r, 201, 403);
    return Descriptor.of(type, d, content.size());
  }

  private static void count(Map<Integer, AtomicInteger> statuses, Reply r, Integer... allowed) {
    assertThat(r.status()).as(r.body().utf8()).isIn((Object[]) allowed);
    statuses.computeIfAbsent(r.status(), k -> new AtomicInteger()).incrementAndGet();
  }

  /**
   * The project's usage from its repositories' content, read repository by repository: each
   * distinct manifest or linked blob once (sizes from the manifest records and the blob store), and
   * every manifest of every repository as one artifact.
   */
  private static ProjectUsage recount(RegistryStorage storage) throws IOException {
    Map<Digest, Long> sizes = new HashMap<>();
    long artifacts = 0;
    for (String name : REPOSITORIES) {
      RepositoryName repo = RepositoryName.of(name);
      for (ManifestRecord m : storage.metadata().manifestRecords(repo)) {
        sizes.put(m.digest(), m.size());
        artifacts++;
      }
      PageRequest request = PageRequest.first(100);
      while (true) {
        Page<Digest> page = storage.metadata().blobLinks(repo, request);
        for (Digest d : page.items()) {
          sizes.put(d, storage.blobs().stat(d).orElseThrow().size());
        }
        if (page.next().isEmpty()) {
          break;
        }
        request = PageRequest.after(page.next().get(), 100);
      }
    }
    for (Digest d : sizes.keySet()) {
      assertThat(storage.metadata().projectHolds("team", d)).as("%s", d).isTrue();
    }
    return new ProjectUsage(sizes.values().stream().mapToLong(Long::longValue).sum(), artifacts);
  }
}
