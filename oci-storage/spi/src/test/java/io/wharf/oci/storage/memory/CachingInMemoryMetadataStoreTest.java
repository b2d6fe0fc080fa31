package io.wharf.oci.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.model.testing.Await;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.CachingMetadataStore;
import io.wharf.oci.storage.ManifestPut;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.MetadataStoreContract;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The TCK over {@link CachingMetadataStore}, and what the cache adds: hot reads answered from
 * memory, every write seen by the reads after it, and bounded memory.
 */
class CachingInMemoryMetadataStoreTest extends MetadataStoreContract {

  private static final RepositoryName REPO = new RepositoryName("cache/test");
  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

  @Override
  protected MetadataStore newStore() {
    return CachingMetadataStore.wrap(new InMemoryMetadataStore());
  }

  /** A backend that counts the calls of each method. */
  private static final class Counting {
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final MetadataStore store;

    Counting() {
      MetadataStore backend = new InMemoryMetadataStore();
      InvocationHandler handler =
          (proxy, method, args) -> {
            calls.computeIfAbsent(method.getName(), n -> new AtomicInteger()).incrementAndGet();
            try {
              return method.invoke(backend, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          };
      store =
          (MetadataStore)
              Proxy.newProxyInstance(
                  MetadataStore.class.getClassLoader(),
                  new Class<?>[] {MetadataStore.class},
                  handler);
    }

    int calls(String method) {
      AtomicInteger n = calls.get(method);
      return n == null ? 0 : n.get();
    }
  }

  @Test
  void hotReadsReachTheBackendOnce() throws Exception {
    Counting backend = new Counting();
    MetadataStore store = CachingMetadataStore.wrap(backend.store);
    RawManifest m = image("hot");
    push(store, REPO, ManifestPut.of(m, Set.of(new Tag("v1")), AT));
    Digest layer = m.descriptor().digest();
    store.linkBlob(REPO, new BlobInfo(layer, 3));
    for (int i = 0; i < 5; i++) {
      assertThat(store.resolveTag(REPO, new Tag("v1"))).contains(m.digest());
      assertThat(store.getManifest(REPO, m.digest())).contains(m);
      assertThat(store.isBlobLinked(REPO, layer)).isTrue();
    }
    assertThat(backend.calls("resolveTag")).isEqualTo(1);
    assertThat(backend.calls("getManifest")).isEqualTo(1);
    assertThat(backend.calls("isBlobLinked")).isEqualTo(1);
  }

  /**
   * A garbage collection's deletes forget only what they removed: the repository's tags and
   * manifests that stay are still answered from memory, and what went is asked of the backend.
   */
  @Test
  void collectingGarbageForgetsOnlyWhatItRemoved() throws Exception {
    Counting backend = new Counting();
    MetadataStore store = CachingMetadataStore.wrap(backend.store);
    RawManifest kept = image("kept");
    RawManifest untagged = image("untagged");
    push(store, REPO, ManifestPut.of(kept, Set.of(new Tag("v1")), AT));
    push(store, REPO, ManifestPut.of(untagged, Set.of(), AT));
    Digest stray = image("stray").digest();
    store.linkBlob(REPO, new BlobInfo(stray, 5));
    Digest layer = kept.descriptor().digest();
    store.linkBlob(REPO, new BlobInfo(layer, 3));
    Runnable reads =
        () -> {
          try {
            assertThat(store.resolveTag(REPO, new Tag("v1"))).contains(kept.digest());
            assertThat(store.getManifest(REPO, kept.digest())).contains(kept);
            assertThat(store.isBlobLinked(REPO, layer)).isTrue();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };
    reads.run();
    assertThat(store.getManifest(REPO, untagged.digest())).contains(untagged);
    assertThat(store.isBlobLinked(REPO, stray)).isTrue();
    Instant cutoff = Instant.now().plusSeconds(3600);

    // Deletes that remove nothing (the manifest is tagged) change nothing.
    assertThat(store.lifecycle().collectManifest(REPO, kept.digest(), cutoff)).isFalse();
    assertThat(store.lifecycle().collectManifest(REPO, untagged.digest(), cutoff)).isTrue();
    assertThat(store.lifecycle().collectLinks(REPO, List.of(stray), cutoff)).containsExactly(stray);

    assertThat(store.getManifest(REPO, untagged.digest())).isEmpty();
    assertThat(store.isBlobLinked(REPO, stray)).isFalse();
    reads.run();
    assertThat(backend.calls("resolveTag")).isEqualTo(1);
    assertThat(backend.calls("getManifest")).isEqualTo(3); // kept, untagged, untagged gone
    assertThat(backend.calls("isBlobLinked")).isEqualTo(3); // layer, stray, stray gone
  }

  /** A conditional delete that fails has an unknown outcome: the repository is forgotten. */
  @Test
  void aFailedCollectionForgetsTheRepository() throws Exception {
    Counting counting = new Counting();
    MetadataStore backend =
        (MetadataStore)
            Proxy.newProxyInstance(
                MetadataStore.class.getClassLoader(),
                new Class<?>[] {MetadataStore.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("lifecycle")) {
                    return failingLifecycle();
                  }
                  try {
                    return method.invoke(counting.store, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    MetadataStore store = CachingMetadataStore.wrap(backend);
    RawManifest m = image("failing");
    push(store, REPO, ManifestPut.of(m, Set.of(new Tag("v1")), AT));
    assertThat(store.resolveTag(REPO, new Tag("v1"))).contains(m.digest());
    assertThatThrownBy(() -> store.lifecycle().collectManifest(REPO, m.digest(), AT))
        .isInstanceOf(java.io.IOException.class);
    assertThat(store.resolveTag(REPO, new Tag("v1"))).contains(m.digest());
    assertThat(counting.calls("resolveTag")).isEqualTo(2);
  }

  private static io.wharf.oci.storage.LifecycleStore failingLifecycle() {
    return (io.wharf.oci.storage.LifecycleStore)
        Proxy.newProxyInstance(
            MetadataStore.class.getClassLoader(),
            new Class<?>[] {io.wharf.oci.storage.LifecycleStore.class},
            (proxy, method, args) -> {
              throw new java.io.IOException("the disk is gone");
            });
  }

  /**
   * Readers keep reading untagged manifests while they are collected one after the other: once a
   * collection has returned, the manifest it removed is never answered again, whatever the readers
   * had put into memory meanwhile.
   */
  @Test
  void collectedManifestsAreNeverAnsweredFromMemory() throws Exception {
    MetadataStore store = newStore();
    List<RawManifest> manifests = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      RawManifest m = image("collected-" + i);
      manifests.add(m);
      push(store, REPO, ManifestPut.of(m, Set.of(), AT));
    }
    push(store, REPO, ManifestPut.of(image("tagged"), Set.of(new Tag("v1")), AT));
    AtomicInteger current = new AtomicInteger();
    Instant cutoff = Instant.now().plusSeconds(3600);
    whileReading(
        3,
        () -> {
          store.getManifest(REPO, manifests.get(current.get()).digest());
          store.resolveTag(REPO, new Tag("v1"));
        },
        () -> {
          for (int i = 0; i < manifests.size(); i++) {
            current.set(i);
            Digest digest = manifests.get(i).digest();
            assertThat(store.getManifest(REPO, digest)).isPresent();
            assertThat(store.lifecycle().collectManifest(REPO, digest, cutoff)).isTrue();
            assertThat(store.getManifest(REPO, digest)).isEmpty();
          }
        });
  }

  /** A backend whose manifest reads wait for {@code release} once they have begun. */
  private static MetadataStore slowManifestReads(
      MetadataStore backend, AtomicInteger reads, CountDownLatch begun, CountDownLatch release) {
    return (MetadataStore)
        Proxy.newProxyInstance(
            MetadataStore.class.getClassLoader(),
            new Class<?>[] {MetadataStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getManifest")) {
                reads.incrementAndGet();
                begun.countDown();
                release.await();
              }
              try {
                return method.invoke(backend, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void requestsMissingTogetherWaitForOneBackendReadAndAreAllKeptInTheBudget() throws Exception {
    InMemoryMetadataStore backend = new InMemoryMetadataStore();
    RawManifest m = image("herd");
    push(backend, REPO, ManifestPut.of(m, Set.of(), AT));
    AtomicInteger reads = new AtomicInteger();
    CountDownLatch begun = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // Room for two copies: before, 16 requests missing together counted 16 and emptied the cache.
    MetadataStore store =
        CachingMetadataStore.wrap(slowManifestReads(backend, reads, begun, release), 2L * m.size());
    int requests = 16;
    ExecutorService pool = Executors.newFixedThreadPool(requests);
    try {
      List<Future<Optional<RawManifest>>> answers = new ArrayList<>();
      answers.add(pool.submit(() -> store.getManifest(REPO, m.digest())));
      assertThat(begun.await(30, TimeUnit.SECONDS)).isTrue();
      List<Thread> waiting = new ArrayList<>();
      for (int i = 1; i < requests; i++) {
        answers.add(
            pool.submit(
                () -> {
                  synchronized (waiting) {
                    waiting.add(Thread.currentThread());
                  }
                  return store.getManifest(REPO, m.digest());
                }));
      }
      // Every other request is parked on the first one's read before it is released.
      Await.until(
          "the other requests wait for the first one's read",
          () -> {
            synchronized (waiting) {
              return waiting.size() == requests - 1
                  && waiting.stream().allMatch(t -> t.getState() == Thread.State.WAITING);
            }
          });
      release.countDown();
      for (Future<Optional<RawManifest>> a : answers) {
        assertThat(a.get(30, TimeUnit.SECONDS)).contains(m);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(reads).hasValue(1);
    assertThat(store.getManifest(REPO, m.digest())).contains(m);
    assertThat(reads).as("kept: the budget counted it once").hasValue(1);
  }

  @Test
  void aRequestAfterAWriteDoesNotWaitForAReadThatBeganBeforeIt() throws Exception {
    InMemoryMetadataStore backend = new InMemoryMetadataStore();
    RawManifest m = image("before");
    push(backend, REPO, ManifestPut.of(m, Set.of(), AT));
    AtomicInteger reads = new AtomicInteger();
    CountDownLatch begun = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MetadataStore store =
        CachingMetadataStore.wrap(slowManifestReads(backend, reads, begun, release));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Optional<RawManifest>> early = pool.submit(() -> store.getManifest(REPO, m.digest()));
      assertThat(begun.await(30, TimeUnit.SECONDS)).isTrue();
      store.deleteManifest(REPO, m.digest());
      release.countDown();
      // Issued after the delete committed: its own backend read, which finds nothing.
      assertThat(store.getManifest(REPO, m.digest())).isEmpty();
      assertThat(reads).hasValue(2);
      early.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void negativeAnswersAreNotKept() throws Exception {
    Counting backend = new Counting();
    MetadataStore store = CachingMetadataStore.wrap(backend.store);
    assertThat(store.resolveTag(REPO, new Tag("v1"))).isEmpty();
    assertThat(store.resolveTag(REPO, new Tag("v1"))).isEmpty();
    assertThat(backend.calls("resolveTag")).isEqualTo(2);
  }

  @Test
  void everyWriteIsSeenByTheNextRead() throws Exception {
    MetadataStore store = newStore();
    RawManifest a = image("a");
    RawManifest b = image("b");
    Tag tag = new Tag("moving");
    push(store, REPO, ManifestPut.of(a, Set.of(tag), AT));
    assertThat(store.resolveTag(REPO, tag)).contains(a.digest());
    push(store, REPO, ManifestPut.of(b, Set.of(tag), AT));
    assertThat(store.resolveTag(REPO, tag)).contains(b.digest());
    store.deleteTag(REPO, tag);
    assertThat(store.resolveTag(REPO, tag)).isEmpty();

    assertThat(store.getManifest(REPO, a.digest())).contains(a);
    store.deleteManifest(REPO, a.digest());
    assertThat(store.getManifest(REPO, a.digest())).isEmpty();

    Digest blob = Digest.sha256(io.wharf.oci.model.Bytes.of(new byte[] {1, 2, 3}));
    store.linkBlob(REPO, new BlobInfo(blob, 3));
    assertThat(store.isBlobLinked(REPO, blob)).isTrue();
    store.unlinkBlob(REPO, blob);
    assertThat(store.isBlobLinked(REPO, blob)).isFalse();
  }

  @Test
  void noManifestBudgetMeansNoManifestsKept() throws Exception {
    Counting backend = new Counting();
    MetadataStore store = CachingMetadataStore.wrap(backend.store, 0);
    RawManifest m = image("budget");
    push(store, REPO, ManifestPut.of(m, Set.of(), AT));
    store.getManifest(REPO, m.digest());
    store.getManifest(REPO, m.digest());
    assertThat(backend.calls("getManifest")).isEqualTo(2);
  }

  @Test
  void aBudgetSmallerThanTwoManifestsKeepsOne() throws Exception {
    Counting backend = new Counting();
    RawManifest a = image("one");
    RawManifest b = image("two");
    MetadataStore store =
        CachingMetadataStore.wrap(backend.store, Math.max(a.size(), b.size()) + 1);
    push(store, REPO, ManifestPut.of(a, Set.of(), AT));
    push(store, REPO, ManifestPut.of(b, Set.of(), AT));
    store.getManifest(REPO, a.digest()); // kept
    store.getManifest(REPO, a.digest()); // from memory
    store.getManifest(REPO, b.digest()); // over budget: everything dropped, b not kept
    store.getManifest(REPO, b.digest()); // kept now
    store.getManifest(REPO, b.digest()); // from memory
    store.getManifest(REPO, a.digest()); // over budget again
    assertThat(backend.calls("getManifest")).isEqualTo(4);
  }

  /**
   * Writers move their own tag while readers fill the cache from the same repository: a writer's
   * read after its write always sees that write, however reads and writes interleave.
   */
  @Test
  void concurrentReadsNeverKeepWhatAWriteReplaced() throws Exception {
    MetadataStore store = newStore();
    List<RawManifest> manifests = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      manifests.add(image("race-" + i));
    }
    int writers = 4;
    whileReading(
        4,
        () -> {
          for (int w = 0; w < writers; w++) {
            store.resolveTag(REPO, new Tag("w" + w));
          }
        },
        () -> {
          ExecutorService pool = Executors.newFixedThreadPool(writers);
          try {
            List<Future<?>> written = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
              Tag tag = new Tag("w" + w);
              written.add(
                  pool.submit(
                      () -> {
                        for (int i = 0; i < 2_000; i++) {
                          RawManifest m =
                              manifests.get(ThreadLocalRandom.current().nextInt(manifests.size()));
                          push(store, REPO, ManifestPut.of(m, Set.of(tag), AT));
                          assertThat(store.resolveTag(REPO, tag)).contains(m.digest());
                        }
                        return null;
                      }));
            }
            for (Future<?> f : written) {
              f.get();
            }
          } finally {
            pool.shutdownNow();
          }
        });
  }

  /** What a test runs: a read or the work, which may throw anything. */
  private interface Step {
    void run() throws Exception;
  }

  /**
   * Runs {@code work} while {@code readers} threads repeat {@code read}; then stops them and fails
   * with what any of them failed with.
   */
  private static void whileReading(int readers, Step read, Step work) throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(readers);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int r = 0; r < readers; r++) {
        running.add(
            pool.submit(
                () -> {
                  while (!done.get()) {
                    read.run();
                  }
                  return null;
                }));
      }
      work.run();
      done.set(true);
      for (Future<?> f : running) {
        f.get();
      }
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
  }
}
