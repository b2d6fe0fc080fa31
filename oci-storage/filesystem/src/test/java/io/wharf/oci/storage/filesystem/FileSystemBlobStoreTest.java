package io.wharf.oci.storage.filesystem;

import static io.wharf.oci.model.testing.OciGenerators.booleans;
import static io.wharf.oci.model.testing.OciGenerators.byteArrays;
import static io.wharf.oci.model.testing.OciGenerators.ints;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static io.wharf.oci.model.testing.OciGenerators.oneOf;
import static io.wharf.oci.model.testing.OciGenerators.pick;
import static io.wharf.oci.model.testing.OciGenerators.strings;
import static io.wharf.oci.model.testing.OciGenerators.unchecked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.error.OciException;
import io.wharf.oci.model.testing.Concurrently;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.BlobUpload;
import io.wharf.oci.storage.ByteRange;
import io.wharf.oci.storage.StorageFeature;
import io.wharf.oci.storage.StoredBlob;
import io.wharf.oci.storage.UploadId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

class FileSystemBlobStoreTest {

  /**
   * Shrink steps a falsified property may take. Each step opens a store, so this bounds a failing
   * run to seconds (QuickTheories' default is 100 steps for each try).
   */
  private static final int STORE_SHRINK_CYCLES = 1000;

  @TempDir Path temp;
  private Path data;
  private FileSystemBlobStore store;

  @BeforeEach
  void openStore() throws IOException {
    data = temp.resolve("data");
    store = FileSystemBlobStore.open(data);
  }

  @AfterEach
  void closeStore() throws IOException {
    store.close();
  }

  // ------------------------------------------------------------------------------ round trips

  @Test
  void blobsRoundTripAndLiveAtTheirContentAddress() throws IOException {
    byte[] content = random(100_000, 1);
    Digest digest = sha256(content);

    BlobInfo info = store.put(new ByteArrayInputStream(content), digest);

    assertThat(info).isEqualTo(new BlobInfo(digest, content.length));
    assertThat(store.stat(digest)).contains(info);
    try (InputStream in = store.open(digest)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    Path file =
        data.resolve("blobs/sha256")
            .resolve(digest.encoded().substring(0, 2))
            .resolve(digest.encoded());
    assertThat(file).isRegularFile().hasBinaryContent(content);
    assertThat(uploadFolders()).isEmpty();
    try (Stream<Digest> listed = store.list()) {
      assertThat(listed).containsExactly(digest);
    }

    assertThat(store.delete(digest)).isTrue();
    assertThat(store.delete(digest)).isFalse();
    assertThat(store.stat(digest)).isEmpty();
    assertThatThrownBy(() -> store.open(digest))
        .isInstanceOf(NotFoundException.class)
        .extracting(e -> ((OciException) e).code())
        .isEqualTo(ErrorCode.BLOB_UNKNOWN);
    assertThatThrownBy(() -> store.open(digest, new ByteRange(0, 1)))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void sha512AndEmptyBlobsRoundTrip() throws IOException {
    byte[] content = random(5000, 2);
    Digest digest = Digest.of(DigestAlgorithm.SHA512, Bytes.of(content));
    store.put(new ByteArrayInputStream(content), digest);
    Digest empty = sha256(new byte[0]);
    store.put(InputStream.nullInputStream(), empty);

    try (InputStream in = store.open(digest)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    assertThat(store.stat(empty)).contains(new BlobInfo(empty, 0));
    try (InputStream in = store.open(empty)) {
      assertThat(in.readAllBytes()).isEmpty();
    }
    try (Stream<Digest> listed = store.list()) {
      assertThat(listed).containsExactlyInAnyOrder(digest, empty);
    }
    assertThat(store.features())
        .containsExactlyInAnyOrder(
            StorageFeature.RANGE_READS,
            StorageFeature.RESUMABLE_UPLOADS,
            StorageFeature.ENUMERATION,
            StorageFeature.SHA512);
  }

  @Test
  void chunkedUploadReportsOffsetAndDigestAndRefusesOutOfOrderChunks() throws IOException {
    byte[] content = random(300_000, 3);
    try (BlobUpload upload = store.newUpload()) {
      assertThat(upload.algorithm()).isEqualTo(DigestAlgorithm.SHA256);
      assertThat(upload.offset()).isZero();
      assertThat(upload.currentDigest()).isEqualTo(sha256(new byte[0]));

      assertThat(upload.write(0, slice(content, 0, 100_000))).isEqualTo(100_000);
      assertThat(upload.offset()).isEqualTo(100_000);
      assertThat(upload.currentDigest())
          .isEqualTo(sha256(java.util.Arrays.copyOf(content, 100_000)));

      assertThatThrownBy(() -> upload.write(99_999, slice(content, 99_999, 10)))
          .isInstanceOf(InvalidContentException.class)
          .satisfies(e -> assertThat(((OciException) e).httpStatus()).isEqualTo(416));
      assertThat(upload.offset()).isEqualTo(100_000);

      upload.write(100_000, slice(content, 100_000, content.length - 100_000));
      assertThatThrownBy(() -> upload.commit(sha256(content), content.length + 1))
          .extracting(e -> ((OciException) e).code())
          .isEqualTo(ErrorCode.SIZE_INVALID);
      assertThat(upload.commit(sha256(content), content.length))
          .isEqualTo(new BlobInfo(sha256(content), content.length));

      assertThatThrownBy(() -> upload.write(slice(content, 0, 1)))
          .extracting(e -> ((OciException) e).code())
          .isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN);
      assertThatThrownBy(() -> upload.commit(sha256(content)))
          .extracting(e -> ((OciException) e).code())
          .isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN);
      assertThat(store.resumeUpload(upload.id())).isEmpty();
    }
    try (InputStream in = store.open(sha256(content))) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    assertThat(uploadFolders()).isEmpty();
  }

  @Test
  void cancelRemovesTheUpload() throws IOException {
    BlobUpload upload = store.newUpload();
    upload.write(new ByteArrayInputStream(random(10, 4)));
    upload.cancel();
    upload.cancel();

    assertThat(store.resumeUpload(upload.id())).isEmpty();
    assertThat(uploadFolders()).isEmpty();
    assertThatThrownBy(() -> upload.write(InputStream.nullInputStream()))
        .extracting(e -> ((OciException) e).code())
        .isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN);
  }

  // ---------------------------------------------------------------------------------- ranges

  @Test
  void rangesReadExactlyTheirBytes() throws IOException {
    byte[] content = random(200_000, 5);
    Digest digest = sha256(content);
    store.put(new ByteArrayInputStream(content), digest);

    for (long[] r :
        new long[][] {
          {0, 1}, {0, 200_000}, {199_999, 1}, {65_535, 70_000}, {123, 0}, {200_000, 0}
        }) {
      ByteRange range = new ByteRange(r[0], r[1]);
      try (InputStream in = store.open(digest, range)) {
        assertThat(in.available()).isEqualTo((int) r[1]);
        assertThat(in.readAllBytes())
            .as("%s", range)
            .isEqualTo(java.util.Arrays.copyOfRange(content, (int) r[0], (int) (r[0] + r[1])));
        assertThat(in.read()).isEqualTo(-1);
      }
    }
    try (InputStream in = store.open(digest, ByteRange.parse("bytes=-10", content.length))) {
      assertThat(in.skip(4)).isEqualTo(4);
      assertThat(in.read()).isEqualTo(content[content.length - 6] & 0xff);
      assertThat(in.skip(100)).isEqualTo(5);
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThatThrownBy(() -> store.open(digest, new ByteRange(199_990, 11)))
        .isInstanceOf(InvalidContentException.class)
        .extracting(e -> ((OciException) e).code())
        .isEqualTo(ErrorCode.RANGE_INVALID);
  }

  @Test
  void readersKeepReadingABlobDeletedUnderThem() throws IOException {
    byte[] content = random(500_000, 6);
    Digest digest = sha256(content);
    store.put(new ByteArrayInputStream(content), digest);

    try (InputStream whole = store.open(digest);
        InputStream range = store.open(digest, new ByteRange(1000, 400_000))) {
      byte[] head = whole.readNBytes(10);
      assertThat(store.delete(digest)).isTrue();
      assertThat(store.stat(digest)).isEmpty();

      byte[] rest = whole.readAllBytes();
      assertThat(head.length + rest.length).isEqualTo(content.length);
      assertThat(range.readAllBytes())
          .isEqualTo(java.util.Arrays.copyOfRange(content, 1000, 401_000));
    }
  }

  // ------------------------------------------------------------------------- resume, reopen

  @Test
  void uploadResumesInANewStoreOnTheSameFolder() throws IOException {
    byte[] content = random(1_000_000, 7);
    Digest digest = Digest.of(DigestAlgorithm.SHA512, Bytes.of(content));
    UploadId id;
    Instant started;
    try (BlobUpload upload = store.newUpload(DigestAlgorithm.SHA512)) {
      id = upload.id();
      started = upload.startedAt();
      upload.write(slice(content, 0, 400_000));
    }
    store.close();

    store = FileSystemBlobStore.open(data);
    BlobUpload resumed = store.resumeUpload(id).orElseThrow();
    assertThat(resumed.id()).isEqualTo(id);
    assertThat(resumed.algorithm()).isEqualTo(DigestAlgorithm.SHA512);
    assertThat(resumed.startedAt()).isEqualTo(started);
    assertThat(resumed.offset()).isEqualTo(400_000);
    assertThat(resumed.currentDigest())
        .isEqualTo(
            Digest.of(DigestAlgorithm.SHA512, Bytes.of(java.util.Arrays.copyOf(content, 400_000))));

    resumed.write(400_000, slice(content, 400_000, 600_000));
    resumed.close();
    // Resumed again in the same process: the digest state is kept, not re-hashed.
    BlobUpload again = store.resumeUpload(id).orElseThrow();
    assertThat(again.offset()).isEqualTo(content.length);
    assertThat(again.commit(digest)).isEqualTo(new BlobInfo(digest, content.length));

    try (InputStream in = store.open(digest)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    assertThat(store.resumeUpload(id)).isEmpty();
  }

  @Test
  void afterACrashTheUploadHoldsWhatReachedItsDataFileAndIsHashedFromIt() throws IOException {
    byte[] content = random(300_000, 30);
    Digest digest = Digest.sha256(new ByteArrayInputStream(content));
    UploadId id;
    try (BlobUpload upload = store.newUpload(DigestAlgorithm.SHA256, "repository=r")) {
      id = upload.id();
      upload.write(slice(content, 0, 100_000));
    }
    store.close();
    // A process killed in the middle of a chunk: 50,000 more bytes had reached the file.
    Files.write(
        data.resolve("uploads").resolve(id.value()).resolve("data"),
        java.util.Arrays.copyOfRange(content, 100_000, 150_000),
        java.nio.file.StandardOpenOption.APPEND);

    store = FileSystemBlobStore.open(data);
    assertThat(store.uploads()).singleElement().extracting(u -> u.offset()).isEqualTo(150_000L);
    BlobUpload resumed = store.resumeUpload(id).orElseThrow();
    assertThat(resumed.offset()).isEqualTo(150_000);
    assertThat(resumed.label()).isEqualTo("repository=r");
    resumed.write(150_000, slice(content, 150_000, 150_000));
    assertThat(resumed.commit(digest)).isEqualTo(new BlobInfo(digest, content.length));
  }

  @Test
  void uploadsAreDatedWithTheStoresClockWhenTheyAreWritten() throws IOException {
    store.close();
    MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    store = FileSystemBlobStore.builder(data).clock(clock).durable(false).open();
    BlobUpload upload = store.newUpload();
    assertThat(store.uploads().get(0).updatedAt()).isEqualTo(clock.instant());
    clock.advance(Duration.ofMinutes(7));
    upload.write(new ByteArrayInputStream(random(10, 31)));
    store.close();
    store = FileSystemBlobStore.builder(data).clock(clock).durable(false).open();
    assertThat(store.uploads())
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.startedAt()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
              assertThat(u.updatedAt()).isEqualTo(Instant.parse("2025-01-01T00:07:00Z"));
            });
  }

  @Test
  void cancelWhileAWriteWaitsForItsStreamRemovesTheFilesAtOnce() throws Exception {
    BlobUpload upload = store.newUpload();
    upload.write(new ByteArrayInputStream(random(1000, 32)));
    io.wharf.oci.storage.tck.StalledStream body =
        new io.wharf.oci.storage.tck.StalledStream(random(10, 33), random(10, 34));
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try {
      Future<Long> written = writer.submit(() -> upload.write(body));
      body.awaitStalled();
      upload.cancel();
      assertThat(uploadFolders()).isEmpty();
      body.release();
      assertThatThrownBy(written::get).hasCauseInstanceOf(NotFoundException.class);
      assertThat(uploadFolders()).isEmpty();
    } finally {
      writer.shutdownNow();
    }
  }

  @Test
  void aFailingChunkKeepsExactlyTheBytesThatArrived() throws IOException {
    byte[] content = random(150_000, 8);
    BlobUpload upload = store.newUpload();
    InputStream failing =
        new InputStream() {
          private final InputStream in = slice(content, 0, 100_000);

          @Override
          public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, Math.min(len, 7_000));
            if (n < 0) {
              throw new IOException("client went away");
            }
            return n;
          }
        };

    assertThatThrownBy(() -> upload.write(failing)).hasMessage("client went away");

    assertThat(upload.offset()).isEqualTo(100_000);
    assertThat(Files.size(data.resolve("uploads").resolve(upload.id().value()).resolve("data")))
        .isEqualTo(100_000);
    upload.write(100_000, slice(content, 100_000, 50_000));
    upload.commit(sha256(content));
    try (InputStream in = store.open(sha256(content))) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void aWrongDigestPublishesNothingAndKeepsTheUpload() throws IOException {
    byte[] content = random(70_000, 9);
    Digest wrong = sha256("something else".getBytes(StandardCharsets.UTF_8));
    BlobUpload upload = store.newUpload();
    upload.write(new ByteArrayInputStream(content));

    assertThatThrownBy(() -> upload.commit(wrong))
        .isInstanceOf(InvalidContentException.class)
        .extracting(e -> ((OciException) e).code())
        .isEqualTo(ErrorCode.DIGEST_INVALID);
    assertThatThrownBy(
            () -> upload.commit(Digest.of(DigestAlgorithm.SHA512, Bytes.of(new byte[70_000]))))
        .extracting(e -> ((OciException) e).code())
        .isEqualTo(ErrorCode.DIGEST_INVALID);
    assertThatThrownBy(() -> store.put(new ByteArrayInputStream(content), wrong))
        .extracting(e -> ((OciException) e).code())
        .isEqualTo(ErrorCode.DIGEST_INVALID);

    assertThat(store.stat(wrong)).isEmpty();
    assertThat(store.stat(sha256(content))).isEmpty();
    try (Stream<Digest> listed = store.list()) {
      assertThat(listed).isEmpty();
    }
    assertThat(filesUnder(data.resolve("blobs"))).isEmpty();
    assertThat(uploadFolders()).containsExactly(upload.id().value());

    BlobUpload resumed = store.resumeUpload(upload.id()).orElseThrow();
    assertThat(resumed.offset()).isEqualTo(content.length);
    resumed.commit(sha256(content));
    assertThat(store.stat(sha256(content))).isPresent();
  }

  @Test
  void committingAStoredBlobAgainOnlyRemovesTheStagedBytes() throws IOException {
    byte[] content = random(1000, 10);
    Digest digest = sha256(content);
    store.put(new ByteArrayInputStream(content), digest);
    Path blob =
        data.resolve("blobs/sha256")
            .resolve(digest.encoded().substring(0, 2))
            .resolve(digest.encoded());
    Object inode =
        Files.readAttributes(blob, java.nio.file.attribute.BasicFileAttributes.class).fileKey();

    assertThat(store.put(new ByteArrayInputStream(content), digest))
        .isEqualTo(new BlobInfo(digest, content.length));

    assertThat(
            Files.readAttributes(blob, java.nio.file.attribute.BasicFileAttributes.class).fileKey())
        .isEqualTo(inode);
    assertThat(uploadFolders()).isEmpty();
  }

  @Test
  void purgeRemovesUploadsStartedBeforeTheCutoff() throws IOException {
    store.close();
    MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    store = FileSystemBlobStore.builder(data).clock(clock).durable(false).open();
    BlobUpload old = store.newUpload();
    old.write(new ByteArrayInputStream(random(10, 11)));
    clock.advance(Duration.ofHours(2));
    BlobUpload recent = store.newUpload();
    store.close();
    // Also from a fresh store, which reads the start times from disk.
    store = FileSystemBlobStore.builder(data).clock(clock).durable(false).open();
    BlobUpload resumedRecent = store.resumeUpload(recent.id()).orElseThrow();

    assertThat(store.purgeUploads(Instant.parse("2025-01-01T01:00:00Z"))).isEqualTo(1);

    assertThat(store.resumeUpload(old.id())).isEmpty();
    assertThat(uploadFolders()).containsExactly(recent.id().value());
    assertThat(store.purgeUploads(clock.instant().plusSeconds(1))).isEqualTo(1);
    assertThatThrownBy(() -> resumedRecent.write(InputStream.nullInputStream()))
        .extracting(e -> ((OciException) e).code())
        .isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN);
    assertThat(uploadFolders()).isEmpty();
  }

  // ----------------------------------------------------------------------- crash leftovers

  @Test
  void leftoversOfCrashesAreRemovedWhenAStoreOpens() throws IOException {
    BlobUpload kept = store.newUpload();
    kept.write(new ByteArrayInputStream(random(1234, 12)));
    BlobUpload committedHalfWay = store.newUpload();
    BlobUpload startedHalfWay = store.newUpload();
    BlobUpload tornByPowerLoss = store.newUpload();
    BlobUpload garbled = store.newUpload();
    store.close();
    Path uploads = data.resolve("uploads");
    // A crash after a commit's rename: info stays, data is gone.
    Files.delete(uploads.resolve(committedHalfWay.id().value()).resolve("data"));
    // A crash in newUpload: data but no info yet, and a temporary info file.
    Files.delete(uploads.resolve(startedHalfWay.id().value()).resolve("info"));
    Files.writeString(uploads.resolve(startedHalfWay.id().value()).resolve("info.tmp"), "algo");
    // A power failure after newUpload: info was never forced, and is empty or torn.
    Files.write(uploads.resolve(tornByPowerLoss.id().value()).resolve("info"), new byte[0]);
    Files.writeString(uploads.resolve(garbled.id().value()).resolve("info"), "algorithm=sha2");
    // A temporary info file next to a complete upload, and things that are not uploads.
    Files.writeString(uploads.resolve(kept.id().value()).resolve("info.tmp"), "algo");
    Files.writeString(uploads.resolve("README"), "not ours");
    Files.createDirectory(uploads.resolve("Foreign"));

    store = FileSystemBlobStore.open(data);

    assertThat(uploadFolders()).containsExactlyInAnyOrder(kept.id().value(), "README", "Foreign");
    assertThat(uploads.resolve(kept.id().value()).resolve("info.tmp")).doesNotExist();
    assertThat(store.resumeUpload(committedHalfWay.id())).isEmpty();
    assertThat(store.resumeUpload(startedHalfWay.id())).isEmpty();
    assertThat(store.resumeUpload(tornByPowerLoss.id())).isEmpty();
    assertThat(store.resumeUpload(garbled.id())).isEmpty();
    BlobUpload resumed = store.resumeUpload(kept.id()).orElseThrow();
    assertThat(resumed.offset()).isEqualTo(1234);
  }

  @Test
  void oneStoreAtATimeOwnsAFolder() throws IOException {
    assertThatThrownBy(() -> FileSystemBlobStore.open(data))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("already open");
    store.close();
    store.close();
    assertThatThrownBy(() -> store.stat(sha256(new byte[0])))
        .isInstanceOf(IllegalStateException.class);
    store = FileSystemBlobStore.open(data);
    assertThat(store.isDurable()).isTrue();
    assertThat(store.dataDirectory()).isEqualTo(data.toAbsolutePath());
  }

  @Test
  void enumerationSkipsFilesThatAreNotBlobs() throws IOException {
    List<Digest> stored = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      byte[] content = random(i, 100 + i);
      stored.add(store.put(new ByteArrayInputStream(content), sha256(content)).digest());
    }
    Path shard = data.resolve("blobs/sha256/ab");
    Files.createDirectories(shard);
    Files.writeString(shard.resolve("ab-not-a-digest"), "x");
    Files.writeString(shard.resolve("cd" + "0".repeat(62)), "wrong shard");
    Files.createDirectories(data.resolve("blobs/md5/00"));
    Files.writeString(data.resolve("blobs/md5/00/00"), "x");
    Files.createDirectories(data.resolve("blobs/sha256/XY"));

    try (Stream<Digest> listed = store.list()) {
      assertThat(listed).containsExactlyInAnyOrderElementsOf(stored);
    }
    try (Stream<Digest> listed = store.list()) {
      assertThat(listed.limit(3)).hasSize(3);
    }
  }

  @Test
  void inventorySkipsWhatIsNotABlobAndGcDeletesNothingButBlobFiles() throws IOException {
    byte[] content = random(300, 41);
    Digest digest = store.put(new ByteArrayInputStream(content), sha256(content)).digest();
    Path outside = temp.resolve("precious");
    Files.writeString(outside, "not the store's");
    Files.setLastModifiedTime(outside, FileTime.from(Instant.EPOCH));
    byte[] linkedContent = random(10, 42);
    Digest linked = sha256(linkedContent);
    Path link = data.resolve("blobs/sha256/" + linked.encoded().substring(0, 2));
    Files.createDirectories(link);
    link = link.resolve(linked.encoded());
    Files.createSymbolicLink(link, outside);
    Files.writeString(data.resolve("blobs/sha256/ab-not-a-shard"), "x");

    try (Stream<StoredBlob> all = store.inventory()) {
      assertThat(all).extracting(StoredBlob::digest).containsExactly(digest);
    }
    assertThat(store.deleteIfWrittenBefore(linked, Instant.MAX)).isFalse();
    assertThat(link).exists();
    assertThat(outside).hasContent("not the store's");
    assertThat(store.deleteIfWrittenBefore(digest, Instant.MAX)).isTrue();
    assertThat(data.resolve("blobs/sha256")).isDirectory();
  }

  @Test
  void aCommitRacingACollectionOfItsDigestAlwaysLeavesTheBlob() throws Exception {
    Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
    MutableClock clock = new MutableClock(t0);
    byte[] content = random(2000, 43);
    Digest digest = sha256(content);
    try (FileSystemBlobStore dated =
        FileSystemBlobStore.builder(temp.resolve("dated")).durable(false).clock(clock).open()) {
      for (int round = 0; round < 200; round++) {
        clock.set(t0);
        dated.put(new ByteArrayInputStream(content), digest); // old
        clock.set(t0.plusSeconds(3600));
        Concurrently.all(
            List.of(
                () -> dated.put(new ByteArrayInputStream(content), digest), // uploaded again
                () -> dated.deleteIfWrittenBefore(digest, t0.plusSeconds(1800))));
        assertThat(dated.stat(digest)).as("round %s", round).isPresent();
      }
    }
  }

  // ----------------------------------------------------------------------------- path safety

  @Test
  void digestsOfUnregisteredAlgorithmsAreRefusedBeforeTheFileSystem() throws IOException {
    Set<Path> before = filesUnder(temp);
    for (String text :
        new String[] {
          "md5:d41d8cd98f00b204e9800998ecf8427e", "sha256.x:abc", "a.b:x-y_z=", "x:--"
        }) {
      Digest digest = Digest.parse(text);
      for (Callable<?> call :
          List.<Callable<?>>of(
              () -> store.stat(digest),
              () -> store.open(digest),
              () -> store.open(digest, new ByteRange(0, 0)),
              () -> store.delete(digest),
              () -> store.put(InputStream.nullInputStream(), digest))) {
        assertThatThrownBy(call::call)
            .as(text)
            .isInstanceOf(InvalidContentException.class)
            .extracting(e -> ((OciException) e).code())
            .isEqualTo(ErrorCode.DIGEST_INVALID);
      }
    }
    assertThat(filesUnder(temp)).isEqualTo(before);
  }

  @Test
  void noUploadIdReachesOutsideTheDataFolder() {
    qt().withExamples(300)
        .withShrinkCycles(STORE_SHRINK_CYCLES)
        .forAll(uploadIds())
        .checkAssert(text -> unchecked(() -> resumeAndPurgeStayInside(text)));
  }

  private static void resumeAndPurgeStayInside(String text) throws IOException {
    Path parent = Files.createTempDirectory("wharf-fs-ids");
    try (FileSystemBlobStore fresh =
        FileSystemBlobStore.builder(parent.resolve("data")).durable(false).open()) {
      Set<Path> before = filesUnder(parent);
      UploadId id = new UploadId(text);
      assertThat(fresh.resumeUpload(id)).isEmpty();
      assertThat(fresh.purgeUploads(Instant.MAX)).isZero();
      assertThat(filesUnder(parent)).isEqualTo(before);
      for (Path file : filesUnder(parent)) {
        assertThat(file.toAbsolutePath().normalize()).startsWith(parent.toAbsolutePath());
      }
    } finally {
      deleteTree(parent);
    }
  }

  /**
   * Upload ids: short ones of a few characters ({@code -_aA0}), long ones of every character an id
   * may hold, and names the store itself uses.
   */
  private static Gen<String> uploadIds() {
    return oneOf(
        strings("-_aA0", 1, 8),
        strings("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", 1, 128),
        pick("-", "_", "--", "lock", "data", "info", "blobs", "uploads", "CON", "nul"));
  }

  // ----------------------------------------------------------------------------- concurrency

  @Test
  void manyThreadsPushingTheSameBlobAllSucceed() throws Exception {
    byte[] content = random(256 * 1024, 13);
    Digest digest = sha256(content);
    int threads = 32;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<BlobInfo>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return store.put(new ByteArrayInputStream(content), digest);
                }));
      }
      start.countDown();
      for (Future<BlobInfo> result : results) {
        assertThat(result.get(60, TimeUnit.SECONDS))
            .isEqualTo(new BlobInfo(digest, content.length));
      }
    } finally {
      pool.shutdownNow();
    }
    try (InputStream in = store.open(digest)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    try (Stream<Digest> listed = store.list()) {
      assertThat(listed).containsExactly(digest);
    }
    assertThat(uploadFolders()).isEmpty();
  }

  @Test
  void differentBlobsArePushedInParallel() throws Exception {
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<byte[]> contents = new ArrayList<>();
    try {
      List<Future<BlobInfo>> results = new ArrayList<>();
      for (int i = 0; i < threads * 4; i++) {
        byte[] content = random(10_000 + i, 200 + i);
        contents.add(content);
        results.add(
            pool.submit(
                () -> {
                  BlobUpload upload = store.newUpload();
                  for (int at = 0; at < content.length; at += 3000) {
                    upload.write(at, slice(content, at, Math.min(3000, content.length - at)));
                  }
                  return upload.commit(sha256(content));
                }));
      }
      for (Future<BlobInfo> result : results) {
        result.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (byte[] content : contents) {
      try (InputStream in = store.open(sha256(content))) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }
    }
    assertThat(uploadFolders()).isEmpty();
  }

  // ------------------------------------------------------------------------------ properties

  @Test
  void anyChunkingYieldsTheDigestOfTheWhole() {
    qt().withExamples(200)
        .withShrinkCycles(STORE_SHRINK_CYCLES)
        .forAll(byteArrays(0, 20_000), lists(ints(0, 20_000), 0, 12), booleans(), booleans())
        .checkAssert(
            (content, cuts, sha512, reopenHalfWay) ->
                unchecked(() -> uploadInChunks(content, cuts, sha512, reopenHalfWay)));
  }

  private static void uploadInChunks(
      byte[] content, List<Integer> cuts, boolean sha512, boolean reopenHalfWay)
      throws IOException {
    DigestAlgorithm algorithm = sha512 ? DigestAlgorithm.SHA512 : DigestAlgorithm.SHA256;
    Digest expected = Digest.of(algorithm, Bytes.of(content));
    List<Integer> bounds =
        Stream.concat(
                cuts.stream().map(c -> Math.min(c, content.length)), Stream.of(0, content.length))
            .distinct()
            .sorted()
            .collect(Collectors.toList());
    Path dir = Files.createTempDirectory("wharf-fs-chunks");
    FileSystemBlobStore fresh = FileSystemBlobStore.builder(dir).durable(false).open();
    try {
      UploadId id = fresh.newUpload(algorithm).id();
      for (int i = 0; i + 1 < bounds.size(); i++) {
        if (reopenHalfWay && i == bounds.size() / 2) {
          fresh.close();
          fresh = FileSystemBlobStore.builder(dir).durable(false).open();
        }
        BlobUpload upload = fresh.resumeUpload(id).orElseThrow();
        int from = bounds.get(i);
        int to = bounds.get(i + 1);
        assertThat(upload.write(from, slice(content, from, to - from))).isEqualTo(to - from);
      }
      BlobUpload upload = fresh.resumeUpload(id).orElseThrow();
      assertThat(upload.offset()).isEqualTo(content.length);
      assertThat(upload.currentDigest()).isEqualTo(expected);
      assertThat(upload.commit(expected)).isEqualTo(new BlobInfo(expected, content.length));
      try (InputStream in = fresh.open(expected)) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }
    } finally {
      fresh.close();
      deleteTree(dir);
    }
  }

  // --------------------------------------------------------------------------------- helpers

  private List<String> uploadFolders() throws IOException {
    try (Stream<Path> entries = Files.list(data.resolve("uploads"))) {
      return entries.map(p -> p.getFileName().toString()).collect(Collectors.toList());
    }
  }

  private static Set<Path> filesUnder(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths.filter(p -> !Files.isDirectory(p)).collect(Collectors.toSet());
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  private static InputStream slice(byte[] content, int offset, int length) {
    return new ByteArrayInputStream(content, offset, length);
  }

  private static Digest sha256(byte[] content) {
    return Digest.sha256(Bytes.of(content));
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
