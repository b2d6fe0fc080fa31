package io.wharf.oci.storage.tck;

import static io.wharf.oci.model.testing.OciGenerators.booleans;
import static io.wharf.oci.model.testing.OciGenerators.byteArrays;
import static io.wharf.oci.model.testing.OciGenerators.ints;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static io.wharf.oci.model.testing.OciGenerators.unchecked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.error.OciException;
import io.wharf.oci.model.testing.Concurrently;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.BlobUpload;
import io.wharf.oci.storage.ByteRange;
import io.wharf.oci.storage.CheckedBlobStore;
import io.wharf.oci.storage.StorageFeature;
import io.wharf.oci.storage.StoredBlob;
import io.wharf.oci.storage.UploadId;
import io.wharf.oci.storage.UploadInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link BlobStore} keeps, as its Javadoc and that of {@link BlobUpload} state
 * it.
 *
 * <p>To adopt it, a backend's test class extends this class and implements {@link #newStore()}:
 *
 * <pre>{@code
 * class FileBlobStoreTest extends BlobStoreContract {
 *   @TempDir Path dir;
 *   protected BlobStore newStore() { return new FileBlobStore(dir); }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link #newStore()} returns a fresh, empty store for each test; the contract closes it
 *       after the test. The property test calls it once per try and closes what it gets.
 *   <li>A backend that declares {@link StorageFeature#RESUMABLE_UPLOADS} overrides {@link
 *       #reopen(BlobStore)} to open the same storage again after it was closed; otherwise that test
 *       is skipped.
 *   <li>Tests of optional features ({@link StorageFeature}) are skipped unless {@link
 *       BlobStore#features()} declares them.
 * </ul>
 *
 * <p>Range checks past the end of a blob and digests of unregistered algorithms are the business of
 * {@link CheckedBlobStore}, which every backend runs in; those tests wrap the store in it.
 * Concurrent pushes must all succeed: pushing valid content is never an error, so the concurrency
 * test accepts no exception at all.
 */
public abstract class BlobStoreContract {

  /**
   * Shrink steps a falsified property may take. Each step opens a store, so this bounds a failing
   * run to seconds (QuickTheories' default is 100 steps for each try).
   */
  private static final int STORE_SHRINK_CYCLES = 1000;

  /** A fresh, empty store. The contract closes it. */
  protected abstract BlobStore newStore() throws Exception;

  /**
   * Opens the storage of {@code closed} again, as a process restart would. Backends with {@link
   * StorageFeature#RESUMABLE_UPLOADS} override it; by default the test that needs it is skipped.
   *
   * @param closed a store made by {@link #newStore()}, already closed
   */
  protected BlobStore reopen(BlobStore closed) throws Exception {
    return Assumptions.abort("this backend does not reopen its storage");
  }

  /**
   * A fresh, empty store that dates its commits with {@code clock}. Backends that take a clock
   * override it; by default the tests that need it are skipped. The test closes what it gets.
   */
  protected BlobStore newStore(Clock clock) throws Exception {
    return Assumptions.abort("this backend takes no clock");
  }

  /** Closes {@link #store} and opens its storage again, as a process restart would. */
  private void restart() throws Exception {
    BlobStore closed = store;
    store = null;
    closed.close();
    store = reopen(closed);
  }

  /** The store under test, made before each test by {@link #newStore()}. */
  protected BlobStore store;

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
  }

  @AfterEach
  void closeStore() throws IOException {
    if (store != null) {
      store.close();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Round trips

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 2, 4096, 65_537, 300_001})
  void writeThenReadRoundTripsTheBytes(int size) throws IOException {
    byte[] content = content(size, size);
    Digest digest = sha256(content);
    BlobInfo info;
    try (BlobUpload upload = store.newUpload()) {
      assertThat(upload.write(new ByteArrayInputStream(content))).isEqualTo(size);
      assertThat(upload.offset()).isEqualTo(size);
      assertThat(upload.currentDigest()).isEqualTo(digest);
      info = upload.commit(digest);
    }
    assertThat(info).isEqualTo(new BlobInfo(digest, size));
    assertThat(store.stat(digest)).contains(new BlobInfo(digest, size));
    assertThat(read(store, digest)).isEqualTo(content);
  }

  @Test
  void blobOfMoreThanOneMebibyteStreamedInSeveralChunksRoundTrips() throws IOException {
    byte[] content = content(1024 * 1024 + 512 * 1024 + 7, 42);
    Digest digest = sha256(content);
    int[] cuts = {0, 1, 300_000, 300_000, 1024 * 1024 + 3, content.length};
    try (BlobUpload upload = store.newUpload()) {
      for (int i = 1; i < cuts.length; i++) {
        byte[] chunk = Arrays.copyOfRange(content, cuts[i - 1], cuts[i]);
        // Short reads: the store must not assume that read() fills its buffer.
        assertThat(upload.write(cuts[i - 1], trickle(chunk))).isEqualTo(chunk.length);
        assertThat(upload.offset()).isEqualTo(cuts[i]);
        assertThat(upload.currentDigest())
            .isEqualTo(sha256(Arrays.copyOfRange(content, 0, cuts[i])));
      }
      assertThat(upload.commit(digest, content.length))
          .isEqualTo(new BlobInfo(digest, content.length));
    }
    assertThat(read(store, digest)).isEqualTo(content);
  }

  @Test
  void statIsEmptyForAnAbsentBlobAndGivesTheSizeOfACommittedOne() throws IOException {
    byte[] content = content(1234, 1);
    Digest digest = sha256(content);
    assertThat(store.stat(digest)).isEmpty();
    push(store, content);
    assertThat(store.stat(digest)).contains(new BlobInfo(digest, 1234));
    assertThat(store.stat(sha256(content(1234, 2)))).isEmpty();
  }

  @Test
  void rangedOpenReadsTheFirstByteTheLastByteTheMiddleAndTheWhole() throws IOException {
    byte[] content = content(1000, 3);
    Digest digest = push(store, content).digest();
    assertThat(read(store, digest, new ByteRange(0, 1))).containsExactly(content[0]);
    assertThat(read(store, digest, new ByteRange(999, 1))).containsExactly(content[999]);
    assertThat(read(store, digest, new ByteRange(100, 300)))
        .isEqualTo(Arrays.copyOfRange(content, 100, 400));
    assertThat(read(store, digest, ByteRange.all(1000))).isEqualTo(content);
    assertThat(read(store, digest, ByteRange.parse("bytes=-10", 1000)))
        .isEqualTo(Arrays.copyOfRange(content, 990, 1000));
    assertThat(read(store, digest, ByteRange.parse("bytes=500-", 1000)))
        .isEqualTo(Arrays.copyOfRange(content, 500, 1000));
  }

  @Test
  void transferToWritesTheRangeToAChannelAndLeavesItOpen() throws IOException {
    byte[] content = content(3 * 1024 * 1024 + 17, 9);
    Digest digest = push(store, content).digest();
    for (ByteRange range :
        List.of(
            ByteRange.all(content.length),
            new ByteRange(0, 1),
            new ByteRange(content.length - 1, 1),
            new ByteRange(1_000_000, 1_500_000))) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      java.nio.channels.WritableByteChannel channel = java.nio.channels.Channels.newChannel(out);
      assertThat(store.transferTo(digest, range, channel))
          .as("%s", range)
          .isEqualTo(range.length());
      assertThat(channel.isOpen()).isTrue();
      assertThat(out.toByteArray())
          .isEqualTo(
              Arrays.copyOfRange(
                  content, (int) range.offset(), (int) (range.offset() + range.length())));
    }
    Digest unknown = sha256(content(10, 10));
    assertThatThrownBy(
            () ->
                store.transferTo(
                    unknown,
                    ByteRange.all(10),
                    java.nio.channels.Channels.newChannel(new java.io.ByteArrayOutputStream())))
        .isInstanceOfSatisfying(
            io.wharf.oci.model.error.NotFoundException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UNKNOWN));
  }

  @Test
  void checkedStoreRefusesRangesPastTheEndWithRangeInvalid() throws IOException {
    BlobStore checked = CheckedBlobStore.wrap(store);
    byte[] content = content(1000, 4);
    Digest digest = push(checked, content).digest();
    for (ByteRange past :
        List.of(
            new ByteRange(990, 11),
            new ByteRange(1000, 1),
            new ByteRange(5000, 0),
            new ByteRange(0, 1001))) {
      assertThatThrownBy(() -> checked.open(digest, past).close())
          .as("%s", past)
          .isInstanceOfSatisfying(
              InvalidContentException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.RANGE_INVALID);
                assertThat(e.httpStatus()).isEqualTo(416);
              });
    }
    assertThat(read(checked, digest, new ByteRange(990, 10)))
        .isEqualTo(Arrays.copyOfRange(content, 990, 1000));
  }

  // ---------------------------------------------------------------------------------------------
  // Uploads

  @Test
  void newUploadIsEmptyAndDigestedWithSha256() throws IOException {
    try (BlobUpload a = store.newUpload();
        BlobUpload b = store.newUpload()) {
      assertThat(a.algorithm()).isEqualTo(DigestAlgorithm.SHA256);
      assertThat(a.offset()).isZero();
      assertThat(a.currentDigest()).isEqualTo(sha256(new byte[0]));
      assertThat(a.startedAt()).isNotNull();
      assertThat(a.id()).isNotEqualTo(b.id());
      assertThat(new UploadId(a.id().value())).isEqualTo(a.id());
    }
  }

  @Test
  void commitWithTheWrongDigestIsDigestInvalidAndPublishesNothing() throws IOException {
    byte[] content = content(5000, 5);
    Digest right = sha256(content);
    Digest wrong = sha256(content(5000, 6));
    try (BlobUpload upload = store.newUpload()) {
      upload.write(new ByteArrayInputStream(content));
      assertOci(
          () -> upload.commit(wrong), InvalidContentException.class, ErrorCode.DIGEST_INVALID);
      assertThat(store.stat(wrong)).isEmpty();
      assertThat(store.stat(right)).isEmpty();
      assertOci(() -> store.open(wrong), NotFoundException.class, ErrorCode.BLOB_UNKNOWN);
      // The session stays as it was, and can still be committed.
      assertThat(upload.offset()).isEqualTo(5000);
      assertThat(upload.currentDigest()).isEqualTo(right);
      BlobUpload resumed = store.resumeUpload(upload.id()).orElseThrow();
      assertThat(resumed.offset()).isEqualTo(5000);
      assertThat(resumed.currentDigest()).isEqualTo(right);
      assertThat(resumed.commit(right)).isEqualTo(new BlobInfo(right, 5000));
    }
    assertThat(read(store, right)).isEqualTo(content);
  }

  @Test
  void uploadRefusedForTheWrongDigestCanBeCancelled() throws IOException {
    byte[] content = content(100, 7);
    try (BlobUpload upload = store.newUpload()) {
      upload.write(new ByteArrayInputStream(content));
      assertOci(
          () -> upload.commit(sha256(new byte[1])),
          InvalidContentException.class,
          ErrorCode.DIGEST_INVALID);
      upload.cancel();
      assertThat(store.resumeUpload(upload.id())).isEmpty();
    }
    assertThat(store.stat(sha256(content))).isEmpty();
  }

  @Test
  void commitWithADigestOfAnotherAlgorithmVerifiesWithThatAlgorithm() throws IOException {
    // distribution-spec: a session started without digest-algorithm may end with a sha512 digest.
    assumeTrue(store.features().contains(StorageFeature.SHA512), "no SHA512");
    byte[] content = content(300_000, 8);
    Digest sha512 = Digest.of(DigestAlgorithm.SHA512, Bytes.of(content));
    for (BlobStore s : List.of(store, CheckedBlobStore.wrap(store))) {
      try (BlobUpload upload = s.newUpload()) {
        assertThat(upload.algorithm()).isEqualTo(DigestAlgorithm.SHA256);
        upload.write(new ByteArrayInputStream(content));
        assertThat(upload.commit(sha512)).isEqualTo(new BlobInfo(sha512, content.length));
      }
      assertThat(read(s, sha512)).isEqualTo(content);
      assertThat(s.stat(sha256(content))).isEmpty();
      assertThat(s.delete(sha512)).isTrue();
    }
  }

  @Test
  void commitWithAWrongOrUnverifiableDigestOfAnotherAlgorithmIsDigestInvalid() throws IOException {
    assumeTrue(store.features().contains(StorageFeature.SHA512), "no SHA512");
    byte[] content = content(100, 8);
    Digest wrong = Digest.of(DigestAlgorithm.SHA512, Bytes.of(new byte[100]));
    Digest blake3 = Digest.parse("blake3:abcd");
    for (BlobStore s : List.of(store, CheckedBlobStore.wrap(store))) {
      try (BlobUpload upload = s.newUpload()) {
        upload.write(new ByteArrayInputStream(content));
        assertOci(
            () -> upload.commit(wrong), InvalidContentException.class, ErrorCode.DIGEST_INVALID);
        assertOci(
            () -> upload.commit(blake3), InvalidContentException.class, ErrorCode.DIGEST_INVALID);
        assertThat(upload.offset()).isEqualTo(100);
        // The session is as it was: the right digest still commits.
        Digest right = Digest.of(DigestAlgorithm.SHA512, Bytes.of(content));
        assertThat(upload.commit(right).digest()).isEqualTo(right);
        assertThat(s.delete(right)).isTrue();
      }
    }
    assertThat(store.stat(wrong)).isEmpty();
    assertThat(store.stat(sha256(content))).isEmpty();
  }

  @Test
  void commitWithTheWrongSizeIsSizeInvalidAndPublishesNothing() throws IOException {
    byte[] content = content(100, 9);
    Digest digest = sha256(content);
    try (BlobUpload upload = store.newUpload()) {
      upload.write(new ByteArrayInputStream(content));
      assertOci(
          () -> upload.commit(digest, 101), InvalidContentException.class, ErrorCode.SIZE_INVALID);
      assertOci(
          () -> upload.commit(digest, 99), InvalidContentException.class, ErrorCode.SIZE_INVALID);
      assertThat(store.stat(digest)).isEmpty();
      assertThat(upload.offset()).isEqualTo(100);
      assertThat(upload.commit(digest, 100)).isEqualTo(new BlobInfo(digest, 100));
    }
    assertThat(read(store, digest)).isEqualTo(content);
  }

  @Test
  void writeAtTheWrongOffsetIsBlobUploadInvalid416AndChangesNothing() throws IOException {
    byte[] content = content(20, 10);
    for (BlobStore s : List.of(store, CheckedBlobStore.wrap(store))) {
      try (BlobUpload upload = s.newUpload()) {
        upload.write(0, new ByteArrayInputStream(content, 0, 10));
        Digest before = upload.currentDigest();
        for (long at : new long[] {0, 5, 9, 11, 1_000_000}) {
          CountingInputStream chunk = new CountingInputStream(content, 10, 10);
          assertThatThrownBy(() -> upload.write(at, chunk))
              .as("write at %d", at)
              .isInstanceOfSatisfying(
                  InvalidContentException.class,
                  e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_INVALID);
                    assertThat(e.httpStatus()).isEqualTo(416);
                  });
          assertThat(chunk.reads).as("reads of a refused chunk").isZero();
          assertThat(upload.offset()).isEqualTo(10);
          assertThat(upload.currentDigest()).isEqualTo(before);
        }
        assertThat(upload.write(10, new ByteArrayInputStream(content, 10, 10))).isEqualTo(10);
        assertThat(upload.commit(sha256(content))).isEqualTo(new BlobInfo(sha256(content), 20));
      }
    }
  }

  @Test
  void chunkFailingPartWayKeepsTheBytesReadBeforeTheFailure() throws IOException {
    byte[] content = content(3000, 11);
    try (BlobUpload upload = store.newUpload()) {
      InputStream failing =
          new InputStream() {
            private final InputStream first = new ByteArrayInputStream(content, 0, 1000);

            @Override
            public int read() throws IOException {
              int b = first.read();
              if (b < 0) {
                throw new IOException("client went away");
              }
              return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              int n = first.read(b, off, Math.min(len, 100));
              if (n < 0) {
                throw new IOException("client went away");
              }
              return n;
            }
          };
      assertThatThrownBy(() -> upload.write(failing)).isInstanceOf(IOException.class);
      assertThat(upload.offset()).isEqualTo(1000);
      assertThat(upload.currentDigest()).isEqualTo(sha256(Arrays.copyOf(content, 1000)));
      upload.write(1000, new ByteArrayInputStream(content, 1000, 2000));
      assertThat(upload.commit(sha256(content))).isEqualTo(new BlobInfo(sha256(content), 3000));
    }
    assertThat(read(store, sha256(content))).isEqualTo(content);
  }

  @Test
  void uncommittedUploadIsInvisible() throws IOException {
    byte[] content = content(500, 12);
    Digest digest = sha256(content);
    try (BlobUpload upload = store.newUpload()) {
      upload.write(new ByteArrayInputStream(content));
      assertThat(upload.currentDigest()).isEqualTo(digest);
      assertThat(store.stat(digest)).isEmpty();
      assertOci(() -> store.open(digest), NotFoundException.class, ErrorCode.BLOB_UNKNOWN);
      if (store.features().contains(StorageFeature.ENUMERATION)) {
        assertThat(list(store)).doesNotContain(digest);
      }
      upload.cancel();
    }
  }

  @Test
  void resumeUploadFindsTheSameOffsetDigestAndAlgorithm() throws IOException {
    byte[] content = content(10_000, 13);
    UploadId id;
    Instant startedAt;
    try (BlobUpload upload = store.newUpload()) {
      id = upload.id();
      startedAt = upload.startedAt();
      upload.write(new ByteArrayInputStream(content, 0, 4000));
    }
    // Closing the handle kept the session.
    try (BlobUpload resumed = store.resumeUpload(id).orElseThrow()) {
      assertThat(resumed.id()).isEqualTo(id);
      assertThat(resumed.algorithm()).isEqualTo(DigestAlgorithm.SHA256);
      assertThat(resumed.startedAt()).isCloseTo(startedAt, within(1, ChronoUnit.SECONDS));
      assertThat(resumed.offset()).isEqualTo(4000);
      assertThat(resumed.currentDigest()).isEqualTo(sha256(Arrays.copyOf(content, 4000)));
      resumed.write(4000, new ByteArrayInputStream(content, 4000, 6000));
    }
    try (BlobUpload resumed = store.resumeUpload(id).orElseThrow()) {
      assertThat(resumed.offset()).isEqualTo(10_000);
      assertThat(resumed.commit(sha256(content))).isEqualTo(new BlobInfo(sha256(content), 10_000));
    }
    assertThat(read(store, sha256(content))).isEqualTo(content);
  }

  @Test
  void resumeOfAnUnknownUploadIsEmpty() throws IOException {
    assertThat(store.resumeUpload(UploadId.random())).isEmpty();
    assertThat(store.resumeUpload(new UploadId("x"))).isEmpty();
  }

  @Test
  void cancelRemovesTheUpload() throws IOException {
    byte[] content = content(300, 14);
    Digest digest = sha256(content);
    try (BlobUpload upload = store.newUpload()) {
      upload.write(new ByteArrayInputStream(content));
      upload.cancel();
      assertThat(store.resumeUpload(upload.id())).isEmpty();
      // What is not there is BLOB_UPLOAD_UNKNOWN; above all, nothing gets published.
      assertOci(
          () -> upload.commit(digest), NotFoundException.class, ErrorCode.BLOB_UPLOAD_UNKNOWN);
    }
    assertThat(store.stat(digest)).isEmpty();
  }

  @Test
  void committedUploadEndsItsSession() throws IOException {
    byte[] content = content(300, 15);
    UploadId id;
    try (BlobUpload upload = store.newUpload()) {
      id = upload.id();
      upload.write(new ByteArrayInputStream(content));
      upload.commit(sha256(content));
    }
    assertThat(store.resumeUpload(id)).isEmpty();
    assertThat(store.purgeUploads(Instant.now().plusSeconds(60))).isZero();
  }

  @Test
  void committingABlobThatAlreadyExistsIsIdempotent() throws IOException {
    byte[] content = content(70_000, 16);
    BlobInfo first = push(store, content);
    try (InputStream reader = store.open(first.digest())) {
      byte[] head = reader.readNBytes(10);
      UploadId id;
      try (BlobUpload again = store.newUpload()) {
        id = again.id();
        again.write(new ByteArrayInputStream(content));
        assertThat(again.commit(first.digest())).isEqualTo(first);
      }
      assertThat(store.resumeUpload(id)).isEmpty();
      // A reader of the existing blob is not disturbed by the second commit.
      byte[] rest = reader.readAllBytes();
      assertThat(concat(head, rest)).isEqualTo(content);
    }
    assertThat(push(store, content)).isEqualTo(first);
    assertThat(store.stat(first.digest())).contains(first);
    assertThat(read(store, first.digest())).isEqualTo(content);
    if (store.features().contains(StorageFeature.ENUMERATION)) {
      assertThat(list(store)).containsExactly(first.digest());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Garbage collection: inventory and deleteIfWrittenBefore

  /** File systems keep modification times to a second on some platforms. */
  private static final java.time.Duration TIMESTAMP_SLACK = java.time.Duration.ofSeconds(2);

  @Test
  void inventoryListsEveryCommittedBlobWithItsSizeAndWriteTime() throws IOException {
    assumeTrue(store.features().contains(StorageFeature.ENUMERATION), "no enumeration");
    assertThat(inventory(store)).isEmpty();
    Instant before = Instant.now().minus(TIMESTAMP_SLACK);
    List<BlobInfo> committed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      committed.add(push(store, content(100 * i + 1, 40 + i)));
    }
    try (BlobUpload pending = store.newUpload()) {
      pending.write(new ByteArrayInputStream(content(10, 49))); // not a blob yet
    }
    Instant after = Instant.now().plus(TIMESTAMP_SLACK);
    List<StoredBlob> all = inventory(store);
    assertThat(all)
        .extracting(StoredBlob::digest, StoredBlob::size)
        .containsExactlyInAnyOrderElementsOf(
            committed.stream().map(b -> tuple(b.digest(), b.size())).toList());
    assertThat(all).allSatisfy(b -> assertThat(b.writtenAt()).isBetween(before, after));
    store.delete(committed.get(0).digest());
    assertThat(inventory(store)).hasSize(2);
  }

  @Test
  void deleteIfWrittenBeforeDeletesOnlyABlobWrittenBeforeTheCutoff() throws IOException {
    byte[] content = content(3000, 50);
    Instant before = Instant.now().minus(TIMESTAMP_SLACK);
    Digest digest = push(store, content).digest();
    Instant after = Instant.now().plus(TIMESTAMP_SLACK);
    assertThat(store.deleteIfWrittenBefore(digest, before.minusSeconds(3600))).isFalse();
    assertThat(read(store, digest)).isEqualTo(content);
    Digest absent = sha256(content(10, 51));
    assertThat(store.deleteIfWrittenBefore(absent, after.plusSeconds(3600))).isFalse();
    assertThat(store.deleteIfWrittenBefore(digest, after.plusSeconds(3600))).isTrue();
    assertThat(store.stat(digest)).isEmpty();
    assertThat(store.deleteIfWrittenBefore(digest, after.plusSeconds(3600))).isFalse();
    if (store.features().contains(StorageFeature.ENUMERATION)) {
      assertThat(list(store)).isEmpty();
    }
    assertThat(push(store, content).digest()).isEqualTo(digest); // and pushed again
    assertThat(read(store, digest)).isEqualTo(content);
  }

  @Test
  void aCommitOfAStoredDigestDatesItAgainSoThatItIsNotDeletedAsOld() throws Exception {
    java.time.Instant t0 = Instant.parse("2025-03-01T00:00:00Z");
    io.wharf.oci.model.testing.MutableClock clock = new io.wharf.oci.model.testing.MutableClock(t0);
    try (BlobStore dated = newStore(clock)) {
      byte[] content = content(5000, 52);
      Digest digest = push(dated, content).digest();
      if (dated.features().contains(StorageFeature.ENUMERATION)) {
        assertThat(inventory(dated)).extracting(StoredBlob::writtenAt).containsExactly(t0);
      }
      clock.set(t0.plusSeconds(3600));
      // Uploaded again during a collection that found it old: the commit dates it anew.
      assertThat(push(dated, content).digest()).isEqualTo(digest);
      assertThat(dated.deleteIfWrittenBefore(digest, t0.plusSeconds(1800))).isFalse();
      assertThat(read(dated, digest)).isEqualTo(content);
      if (dated.features().contains(StorageFeature.ENUMERATION)) {
        assertThat(inventory(dated))
            .extracting(StoredBlob::writtenAt)
            .containsExactly(t0.plusSeconds(3600));
      }
      assertThat(dated.deleteIfWrittenBefore(digest, t0.plusSeconds(3601))).isTrue();
      assertThat(dated.stat(digest)).isEmpty();
    }
  }

  @Test
  void theCheckedStoreSaysNoToDigestsItCannotVerifyAndForwardsTheRest() throws IOException {
    BlobStore checked = CheckedBlobStore.wrap(store);
    assertThat(checked.deleteIfWrittenBefore(Digest.parse("blake3:abcd"), Instant.MAX)).isFalse();
    Digest digest = push(store, content(10, 53)).digest();
    assertThat(checked.deleteIfWrittenBefore(digest, Instant.EPOCH)).isFalse();
    assertThatThrownBy(() -> checked.deleteIfWrittenBefore(digest, null))
        .isInstanceOf(NullPointerException.class);
    if (store.features().contains(StorageFeature.ENUMERATION)) {
      assertThat(inventory(checked)).extracting(StoredBlob::digest).containsExactly(digest);
    }
    assertThat(checked.deleteIfWrittenBefore(digest, Instant.now().plusSeconds(3600))).isTrue();
  }

  protected static List<StoredBlob> inventory(BlobStore s) throws IOException {
    try (Stream<StoredBlob> all = s.inventory()) {
      return all.toList();
    }
  }

  @Test
  void deletedBlobIsGoneAndCanBePushedAgain() throws IOException {
    byte[] content = content(2000, 17);
    Digest digest = push(store, content).digest();
    assertThat(store.delete(digest)).isTrue();
    assertThat(store.stat(digest)).isEmpty();
    assertOci(() -> store.open(digest), NotFoundException.class, ErrorCode.BLOB_UNKNOWN);
    assertThat(store.delete(digest)).isFalse();
    assertThat(push(store, content)).isEqualTo(new BlobInfo(digest, 2000));
    assertThat(read(store, digest)).isEqualTo(content);
  }

  @Test
  void readerThatOpenedABlobBeforeItWasDeletedMayFinish() throws IOException {
    byte[] content = content(200_000, 18);
    Digest digest = push(store, content).digest();
    try (InputStream reader = store.open(digest)) {
      byte[] head = reader.readNBytes(1000);
      assertThat(store.delete(digest)).isTrue();
      assertThat(concat(head, reader.readAllBytes())).isEqualTo(content);
    }
  }

  @Test
  void listContainsExactlyTheCommittedBlobs() throws IOException {
    assumeTrue(store.features().contains(StorageFeature.ENUMERATION), "no ENUMERATION");
    assertThat(list(store)).isEmpty();
    List<Digest> committed = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      committed.add(push(store, content(100 + i, 100 + i)).digest());
    }
    committed.add(push(store, new byte[0]).digest());
    try (BlobUpload open = store.newUpload();
        BlobUpload refused = store.newUpload()) {
      open.write(new ByteArrayInputStream(content(50, 1)));
      refused.write(new ByteArrayInputStream(content(60, 1)));
      assertOci(
          () -> refused.commit(sha256(new byte[0])),
          InvalidContentException.class,
          ErrorCode.DIGEST_INVALID);
      assertThat(list(store)).containsExactlyInAnyOrderElementsOf(committed);
    }
    store.delete(committed.remove(0));
    assertThat(list(store)).containsExactlyInAnyOrderElementsOf(committed);
  }

  @Test
  void purgeUploadsRemovesTheUploadsStartedBefore() throws IOException {
    byte[] kept = content(100, 19);
    Digest keptDigest = push(store, kept).digest();
    List<UploadId> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      try (BlobUpload upload = store.newUpload()) {
        upload.write(new ByteArrayInputStream(content(10 * i, i)));
        ids.add(upload.id());
      }
    }
    // No store dates its uploads before 1970: nothing is that old.
    assertThat(store.purgeUploads(Instant.EPOCH)).isZero();
    for (UploadId id : ids) {
      assertThat(store.resumeUpload(id)).as("%s", id).isPresent();
    }
    assertThat(store.purgeUploads(Instant.now().plusSeconds(60))).isEqualTo(3);
    for (UploadId id : ids) {
      assertThat(store.resumeUpload(id)).as("%s", id).isEmpty();
    }
    assertThat(read(store, keptDigest)).isEqualTo(kept);
  }

  @Test
  void sha512UploadsAreDigestedAndVerifiedWithSha512() throws IOException {
    assumeTrue(store.features().contains(StorageFeature.SHA512), "no SHA512");
    byte[] content = content(5000, 20);
    Digest digest = Digest.of(DigestAlgorithm.SHA512, Bytes.of(content));
    try (BlobUpload upload = store.newUpload(DigestAlgorithm.SHA512)) {
      assertThat(upload.algorithm()).isEqualTo(DigestAlgorithm.SHA512);
      upload.write(new ByteArrayInputStream(content, 0, 1000));
      upload.write(1000, new ByteArrayInputStream(content, 1000, 4000));
      assertThat(upload.currentDigest()).isEqualTo(digest);
      assertOci(
          () -> upload.commit(Digest.of(DigestAlgorithm.SHA512, Bytes.of(new byte[5000]))),
          InvalidContentException.class,
          ErrorCode.DIGEST_INVALID);
      assertOci(
          () -> upload.commit(sha256(new byte[5000])),
          InvalidContentException.class,
          ErrorCode.DIGEST_INVALID);
      assertThat(upload.commit(digest)).isEqualTo(new BlobInfo(digest, 5000));
    }
    assertThat(store.stat(digest)).contains(new BlobInfo(digest, 5000));
    assertThat(store.stat(sha256(content))).isEmpty();
    assertThat(read(store, digest)).isEqualTo(content);
    assertThat(read(store, digest, new ByteRange(4999, 1))).containsExactly(content[4999]);
    byte[] other = content(10, 21);
    Digest viaPut =
        store
            .put(
                new ByteArrayInputStream(other), Digest.of(DigestAlgorithm.SHA512, Bytes.of(other)))
            .digest();
    assertThat(read(store, viaPut)).isEqualTo(other);
  }

  @Test
  void putWritesAVerifiedBlob() throws IOException {
    byte[] content = content(3000, 22);
    Digest digest = sha256(content);
    assertThat(store.put(trickle(content), digest)).isEqualTo(new BlobInfo(digest, 3000));
    assertThat(read(store, digest)).isEqualTo(content);
  }

  @Test
  void putWithTheWrongDigestLeavesNeitherABlobNorAnUpload() throws IOException {
    byte[] content = content(3000, 23);
    Digest wrong = sha256(content(3000, 24));
    assertOci(
        () -> store.put(new ByteArrayInputStream(content), wrong),
        InvalidContentException.class,
        ErrorCode.DIGEST_INVALID);
    assertThat(store.stat(wrong)).isEmpty();
    assertThat(store.stat(sha256(content))).isEmpty();
    assertThat(store.purgeUploads(Instant.now().plusSeconds(60))).isZero();
  }

  @Test
  void uploadSurvivesClosingAndReopeningTheStore() throws Exception {
    assumeTrue(store.features().contains(StorageFeature.RESUMABLE_UPLOADS), "no RESUMABLE_UPLOADS");
    byte[] content = content(100_000, 25);
    UploadId id;
    try (BlobUpload upload = store.newUpload()) {
      id = upload.id();
      upload.write(new ByteArrayInputStream(content, 0, 40_000));
    }
    restart();
    try (BlobUpload resumed = store.resumeUpload(id).orElseThrow()) {
      assertThat(resumed.offset()).isEqualTo(40_000);
      assertThat(resumed.currentDigest()).isEqualTo(sha256(Arrays.copyOf(content, 40_000)));
      resumed.write(40_000, new ByteArrayInputStream(content, 40_000, 60_000));
      assertThat(resumed.commit(sha256(content))).isEqualTo(new BlobInfo(sha256(content), 100_000));
    }
    assertThat(read(store, sha256(content))).isEqualTo(content);
  }

  // ---------------------------------------------------------------------------------------------
  // Labels, listing, and a session used while a write waits for its stream

  @Test
  void labelIsKeptWithTheUploadAndReadBackOnResume() throws IOException {
    String label = "repository=team/app client=192.0.2.7 ünïcödé = and spaces";
    UploadId id;
    try (BlobUpload upload = store.newUpload(DigestAlgorithm.SHA256, label)) {
      id = upload.id();
      assertThat(upload.label()).isEqualTo(label);
      upload.write(new ByteArrayInputStream(content(10, 40)));
    }
    try (BlobUpload resumed = store.resumeUpload(id).orElseThrow()) {
      assertThat(resumed.label()).isEqualTo(label);
    }
    try (BlobUpload unlabelled = store.newUpload()) {
      assertThat(unlabelled.label()).isEmpty();
    }
  }

  @Test
  void checkedStoreRefusesLabelsAStoreCannotKeep() {
    BlobStore checked = CheckedBlobStore.wrap(store);
    for (String bad : List.of("line\nbreak", "nul\0", "x".repeat(1025))) {
      assertThatThrownBy(() -> checked.newUpload(DigestAlgorithm.SHA256, bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void uploadsListsTheOpenUploadsWithTheirLabelsAndOffsets() throws IOException {
    assertThat(store.uploads()).isEmpty();
    byte[] content = content(3000, 41);
    UploadId written;
    UploadId empty;
    try (BlobUpload upload = store.newUpload(DigestAlgorithm.SHA256, "a")) {
      written = upload.id();
      upload.write(new ByteArrayInputStream(content));
    }
    try (BlobUpload upload = store.newUpload(DigestAlgorithm.SHA256, "b")) {
      empty = upload.id();
    }
    try (BlobUpload committed = store.newUpload(DigestAlgorithm.SHA256, "c")) {
      committed.write(new ByteArrayInputStream(content));
      committed.commit(sha256(content));
    }
    try (BlobUpload cancelled = store.newUpload(DigestAlgorithm.SHA256, "d")) {
      cancelled.cancel();
    }
    List<UploadInfo> open = store.uploads();
    assertThat(open).extracting(UploadInfo::id).containsExactlyInAnyOrder(written, empty);
    UploadInfo a = open.stream().filter(u -> u.id().equals(written)).findFirst().orElseThrow();
    assertThat(a.label()).isEqualTo("a");
    assertThat(a.offset()).isEqualTo(3000);
    assertThat(a.updatedAt()).isAfterOrEqualTo(a.startedAt().truncatedTo(ChronoUnit.SECONDS));
    UploadInfo b = open.stream().filter(u -> u.id().equals(empty)).findFirst().orElseThrow();
    assertThat(b.label()).isEqualTo("b");
    assertThat(b.offset()).isZero();
  }

  @Test
  void labelsAndTheListOfUploadsSurviveClosingAndReopeningTheStore() throws Exception {
    assumeTrue(store.features().contains(StorageFeature.RESUMABLE_UPLOADS), "no RESUMABLE_UPLOADS");
    byte[] content = content(50_000, 42);
    UploadId id;
    try (BlobUpload upload = store.newUpload(DigestAlgorithm.SHA256, "repository=r client=c")) {
      id = upload.id();
      upload.write(new ByteArrayInputStream(content, 0, 20_000));
    }
    restart();
    assertThat(store.uploads())
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.id()).isEqualTo(id);
              assertThat(u.label()).isEqualTo("repository=r client=c");
              assertThat(u.offset()).isEqualTo(20_000);
            });
    try (BlobUpload resumed = store.resumeUpload(id).orElseThrow()) {
      assertThat(resumed.label()).isEqualTo("repository=r client=c");
      resumed.cancel();
    }
    assertThat(store.uploads()).isEmpty();
  }

  @Test
  void offsetAnswersAtOnceWhileAWriteWaitsForItsStream() throws Exception {
    byte[] content = content(2000, 43);
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (BlobUpload upload = store.newUpload()) {
      try {
        StalledStream body = stalledWrite(upload, content);
        Future<Long> written = writer.submit(() -> upload.write(body));
        body.awaitStalled();
        // The write holds the upload while it waits: offset and resume must not wait for it.
        assertThat(within30s(upload::offset)).isBetween(500L, 1500L);
        assertThat(within30s(() -> store.resumeUpload(upload.id()).orElseThrow().offset()))
            .isBetween(500L, 1500L);
        body.release();
        assertThat(written.get()).isEqualTo(1500L);
      } finally {
        writer.shutdownNow();
      }
      assertThat(upload.offset()).isEqualTo(2000);
      assertThat(upload.commit(sha256(content))).isEqualTo(new BlobInfo(sha256(content), 2000));
    }
  }

  @Test
  void cancelWhileAWriteWaitsEndsTheUploadAtOnceAndTheWriteFailsWithBlobUploadUnknown()
      throws Exception {
    byte[] content = content(2000, 44);
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (BlobUpload upload = store.newUpload()) {
      try {
        StalledStream body = stalledWrite(upload, content);
        Future<Long> written = writer.submit(() -> upload.write(body));
        body.awaitStalled();
        within30s(
            () -> {
              upload.cancel();
              return null;
            });
        assertThat(store.resumeUpload(upload.id())).isEmpty();
        assertThat(store.uploads()).isEmpty();
        body.release();
        assertThatThrownBy(written::get)
            .isInstanceOf(ExecutionException.class)
            .cause()
            .isInstanceOf(NotFoundException.class)
            .satisfies(
                e ->
                    assertThat(((OciException) e).code()).isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN));
      } finally {
        writer.shutdownNow();
      }
      assertOci(
          () -> upload.commit(sha256(content)),
          NotFoundException.class,
          ErrorCode.BLOB_UPLOAD_UNKNOWN);
    }
    assertThat(store.uploads()).isEmpty();
    assertThat(store.stat(sha256(content))).isEmpty();
  }

  /**
   * Writes bytes 0-499 of {@code content} to {@code upload}; the body returned yields 500-1499,
   * stalls until released, then yields the rest.
   */
  private static StalledStream stalledWrite(BlobUpload upload, byte[] content) throws IOException {
    upload.write(new ByteArrayInputStream(content, 0, 500));
    return new StalledStream(
        Arrays.copyOfRange(content, 500, 1500), Arrays.copyOfRange(content, 1500, content.length));
  }

  /**
   * {@code call}'s answer; it must come while another thread holds the upload. 30 s is no timing
   * assertion but a guard against a test that would otherwise hang on a lock forever.
   */
  private static <T> T within30s(Callable<T> call) throws Exception {
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      return caller.submit(call).get(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the call waited for the write in progress", e);
    } finally {
      caller.shutdownNow();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Unknown blobs

  @Test
  void openOfAnUnknownDigestIsBlobUnknown() throws IOException {
    Digest unknown = sha256(content(10, 26));
    assertOci(() -> store.open(unknown), NotFoundException.class, ErrorCode.BLOB_UNKNOWN);
    assertOci(
        () -> store.open(unknown, new ByteRange(0, 1)),
        NotFoundException.class,
        ErrorCode.BLOB_UNKNOWN);
    assertThat(store.stat(unknown)).isEmpty();
    assertThat(store.delete(unknown)).isFalse();
  }

  @Test
  void digestOfAnUnregisteredAlgorithmIsUnknownToTheCheckedStore() throws IOException {
    BlobStore checked = CheckedBlobStore.wrap(store);
    Digest blake3 = Digest.parse("blake3:abcd");
    assertThat(checked.stat(blake3)).isEmpty();
    assertOci(() -> checked.open(blake3), NotFoundException.class, ErrorCode.BLOB_UNKNOWN);
    assertOci(
        () -> checked.open(blake3, new ByteRange(0, 1)),
        NotFoundException.class,
        ErrorCode.BLOB_UNKNOWN);
    assertThat(checked.delete(blake3)).isFalse();
    assertThat(checked.redirect(blake3)).isEmpty();
  }

  @Test
  void redirectIsEmptyWithoutTheRedirectsFeature() throws IOException {
    assumeFalse(store.features().contains(StorageFeature.REDIRECTS), "has REDIRECTS");
    Digest digest = push(store, content(10, 27)).digest();
    assertThat(store.redirect(digest)).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Concurrency

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES) // a hang guard, far above the work's time
  void concurrentPushesOfTheSameBlobAndOfDifferentBlobsAllSucceed() throws Exception {
    byte[] shared = content(256 * 1024, 28);
    List<byte[]> distinct = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      distinct.add(content(32 * 1024 + i, 1000 + i));
    }
    List<byte[]> pushed = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      pushed.add(shared);
      pushed.add(distinct.get(i));
    }
    List<Callable<BlobInfo>> pushes = new ArrayList<>();
    for (byte[] content : pushed) {
      pushes.add(() -> pushInChunks(store, content, 3));
    }
    List<BlobInfo> results = Concurrently.all(pushes);
    for (int i = 0; i < results.size(); i++) {
      assertThat(results.get(i))
          .isEqualTo(new BlobInfo(sha256(pushed.get(i)), pushed.get(i).length));
    }
    assertThat(read(store, sha256(shared))).isEqualTo(shared);
    for (byte[] content : distinct) {
      assertThat(read(store, sha256(content))).isEqualTo(content);
    }
    if (store.features().contains(StorageFeature.ENUMERATION)) {
      assertThat(list(store)).hasSize(33);
    }
    assertThat(store.purgeUploads(Instant.now().plusSeconds(60))).isZero();
  }

  // ---------------------------------------------------------------------------------------------
  // Properties

  /**
   * A QuickTheories property: any way of cutting the same bytes into chunks gives the same blob.
   */
  @Test
  void anyChunkingGivesTheSameDigestAndContent() {
    qt().withExamples(60)
        .withShrinkCycles(STORE_SHRINK_CYCLES)
        .forAll(byteArrays(0, 3000), lists(ints(0, 700), 0, 12), booleans())
        .checkAssert(
            (content, chunkSizes, withOffsets) ->
                unchecked(() -> uploadInChunks(content, chunkSizes, withOffsets)));
  }

  private void uploadInChunks(byte[] content, List<Integer> chunkSizes, boolean withOffsets)
      throws Exception {
    try (BlobStore s = newStore()) {
      Digest digest = sha256(content);
      try (BlobUpload upload = s.newUpload()) {
        int at = 0;
        for (int size : chunkSizes) {
          int n = Math.min(size, content.length - at);
          InputStream chunk = new ByteArrayInputStream(content, at, n);
          assertThat(withOffsets ? upload.write(at, chunk) : upload.write(chunk)).isEqualTo(n);
          at += n;
        }
        upload.write(at, new ByteArrayInputStream(content, at, content.length - at));
        assertThat(upload.offset()).isEqualTo(content.length);
        assertThat(upload.currentDigest()).isEqualTo(digest);
        assertThat(upload.commit(digest)).isEqualTo(new BlobInfo(digest, content.length));
      }
      assertThat(read(s, digest)).isEqualTo(content);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** {@code size} pseudo-random bytes from {@code seed}. */
  protected static byte[] content(int size, long seed) {
    byte[] b = new byte[size];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < size; ) {
      long r = random.nextLong();
      for (int k = 0; k < 8 && i < size; k++, r >>>= 8) {
        b[i++] = (byte) r;
      }
    }
    return b;
  }

  protected static Digest sha256(byte[] content) {
    return Digest.sha256(Bytes.of(content));
  }

  /** Pushes {@code content} in one chunk and commits it. */
  protected static BlobInfo push(BlobStore s, byte[] content) throws IOException {
    return pushInChunks(s, content, 1);
  }

  /** Pushes {@code content} in {@code chunks} chunks at explicit offsets, checking size too. */
  protected static BlobInfo pushInChunks(BlobStore s, byte[] content, int chunks)
      throws IOException {
    try (BlobUpload upload = s.newUpload()) {
      int step = Math.max(1, content.length / chunks);
      for (int at = 0; at < content.length; at += step) {
        upload.write(
            at, new ByteArrayInputStream(content, at, Math.min(step, content.length - at)));
      }
      return upload.commit(sha256(content), content.length);
    }
  }

  protected static byte[] read(BlobStore s, Digest digest) throws IOException {
    try (InputStream in = s.open(digest)) {
      return in.readAllBytes();
    }
  }

  protected static byte[] read(BlobStore s, Digest digest, ByteRange range) throws IOException {
    try (InputStream in = s.open(digest, range)) {
      return in.readAllBytes();
    }
  }

  protected static List<Digest> list(BlobStore s) throws IOException {
    try (Stream<Digest> all = s.list()) {
      return all.collect(Collectors.toList());
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** A stream of {@code content} that yields at most 997 bytes per read. */
  protected static InputStream trickle(byte[] content) {
    return new ByteArrayInputStream(content) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 997));
      }
    };
  }

  /** Asserts that {@code call} throws {@code type} with {@code code}. */
  protected static void assertOci(
      ThrowingCallable call, Class<? extends OciException> type, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOf(type)
        .satisfies(e -> assertThat(((OciException) e).code()).isEqualTo(code));
  }

  /** Counts the read calls made on it. */
  private static final class CountingInputStream extends ByteArrayInputStream {
    int reads;

    CountingInputStream(byte[] buf, int offset, int length) {
      super(buf, offset, length);
    }

    @Override
    public synchronized int read() {
      reads++;
      return super.read();
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      reads++;
      return super.read(b, off, len);
    }

    @Override
    public synchronized long skip(long n) {
      reads++;
      return super.skip(n);
    }

    @Override
    public synchronized byte[] readAllBytes() {
      reads++;
      return super.readAllBytes();
    }

    @Override
    public synchronized long transferTo(java.io.OutputStream out) throws IOException {
      reads++;
      return super.transferTo(out);
    }
  }
}
