package io.wharf.oci.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
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
import io.wharf.oci.storage.memory.InMemoryBlobStore;
import io.wharf.oci.storage.memory.InMemoryMetadataStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class StorageCheckTest {

  private static final RepositoryName REPO = RepositoryName.of("team/app");
  private static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");

  /** Serves wrong bytes for the blobs named in {@code tampered}, as a failing disk would. */
  private static final class TamperingBlobStore implements BlobStore {
    final InMemoryBlobStore delegate = new InMemoryBlobStore();
    final Set<Digest> tampered = new HashSet<>();

    @Override
    public Optional<BlobInfo> stat(Digest digest) {
      return delegate.stat(digest);
    }

    @Override
    public InputStream open(Digest digest) throws IOException {
      if (tampered.contains(digest)) {
        byte[] bytes = delegate.open(digest).readAllBytes();
        bytes[0] ^= 1;
        return new ByteArrayInputStream(bytes);
      }
      return delegate.open(digest);
    }

    @Override
    public InputStream open(Digest digest, ByteRange range) {
      return delegate.open(digest, range);
    }

    @Override
    public BlobUpload newUpload(DigestAlgorithm algorithm, String label) {
      return delegate.newUpload(algorithm, label);
    }

    @Override
    public List<UploadInfo> uploads() {
      return delegate.uploads();
    }

    @Override
    public Optional<BlobUpload> resumeUpload(UploadId id) {
      return delegate.resumeUpload(id);
    }

    @Override
    public boolean delete(Digest digest) {
      return delegate.delete(digest);
    }

    @Override
    public Stream<Digest> list() {
      return delegate.list();
    }

    @Override
    public int purgeUploads(Instant startedBefore) {
      return delegate.purgeUploads(startedBefore);
    }
  }

  private final TamperingBlobStore blobs = new TamperingBlobStore();

  /**
   * Manifests the metadata store has lost, as a damaged database would: a store no longer lets a
   * manifest an index lists be deleted, so only damage can take one away.
   */
  private final Set<Digest> lost = new HashSet<>();

  private final RegistryStorage storage =
      new RegistryStorage(blobs, losing(new InMemoryMetadataStore())).checked();

  private MetadataStore losing(MetadataStore delegate) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getName().equals("statManifest") && lost.contains((Digest) args[1])) {
            return Optional.empty();
          }
          try {
            return method.invoke(delegate, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return (MetadataStore)
        Proxy.newProxyInstance(
            MetadataStore.class.getClassLoader(), new Class<?>[] {MetadataStore.class}, handler);
  }

  private Descriptor push(MediaType type, String content) throws IOException {
    Bytes bytes = Bytes.utf8(content);
    Descriptor d = Descriptor.of(type, bytes);
    BlobInfo info = storage.blobs().put(bytes.openStream(), d.digest());
    storage.metadata().linkBlob(REPO, info);
    return d;
  }

  private RawManifest image(String seed) throws IOException {
    Descriptor config = push(MediaType.OCI_IMAGE_CONFIG, "{\"seed\":\"" + seed + "\"}");
    Descriptor layer = push(MediaType.OCI_LAYER_TAR, "layer " + seed);
    RawManifest raw = ManifestCodec.defaults().encode(ImageManifest.of(config, List.of(layer)));
    storage.metadata().putManifest(REPO, ManifestPut.of(raw, Set.of(Tag.of(seed)), T0));
    return raw;
  }

  @Test
  void consistentStorageIsClean() throws IOException {
    RawManifest amd64 = image("amd64");
    RawManifest arm64 = image("arm64");
    RawManifest index =
        ManifestCodec.defaults()
            .encode(
                ImageIndex.of(
                    List.of(
                        amd64.descriptor().withPlatform(Platform.of("linux", "amd64")),
                        arm64.descriptor().withPlatform(Platform.of("linux", "arm64")))));
    storage.metadata().putManifest(REPO, ManifestPut.of(index, Set.of(Tag.LATEST), T0));
    StorageCheck.Report report = StorageCheck.check(storage);
    assertThat(report.problems()).isEmpty();
    assertThat(report.isClean()).isTrue();
    assertThat(report.blobsVerified()).isEqualTo(4);
    assertThat(report.manifestsChecked()).isEqualTo(3);
  }

  @Test
  void findsCorruptBlobsDanglingLinksAndMissingContentAndRepairsOnlyWhenAsked() throws IOException {
    RawManifest raw = image("v1");
    ImageManifest m = (ImageManifest) raw.parse();
    Digest layer = m.layers().get(0).digest();
    Digest config = m.config().digest();
    blobs.tampered.add(layer);
    storage.blobs().delete(config);
    BlobInfo ghost = new BlobInfo(Digest.sha256(Bytes.utf8("never stored")), 12);
    storage.metadata().linkBlob(REPO, ghost);
    RawManifest child = image("child");
    RawManifest index = ManifestCodec.defaults().encode(ImageIndex.of(List.of(child.descriptor())));
    storage.metadata().putManifest(REPO, ManifestPut.of(index, Set.of(), T0));
    lost.add(child.digest());

    StorageCheck.Report report = StorageCheck.check(storage);
    assertThat(report.problems())
        .extracting(StorageCheck.Problem::kind, StorageCheck.Problem::digest)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(StorageCheck.Kind.CORRUPT_BLOB, layer),
            org.assertj.core.groups.Tuple.tuple(StorageCheck.Kind.MISSING_BLOB, layer),
            org.assertj.core.groups.Tuple.tuple(StorageCheck.Kind.MISSING_BLOB, config),
            org.assertj.core.groups.Tuple.tuple(StorageCheck.Kind.MISSING_MANIFEST, child.digest()),
            org.assertj.core.groups.Tuple.tuple(StorageCheck.Kind.DANGLING_LINK, layer),
            org.assertj.core.groups.Tuple.tuple(StorageCheck.Kind.DANGLING_LINK, config),
            org.assertj.core.groups.Tuple.tuple(StorageCheck.Kind.DANGLING_LINK, ghost.digest()));
    assertThat(report.repairs()).isEmpty();
    // A check changes nothing.
    assertThat(storage.blobs().stat(layer)).isPresent();
    assertThat(storage.metadata().isBlobLinked(REPO, ghost.digest())).isTrue();

    StorageCheck.Report repaired = StorageCheck.repair(storage);
    assertThat(repaired.repairs())
        .containsExactlyInAnyOrder(
            "deleted corrupt blob " + layer,
            "unlinked missing blob " + ghost.digest() + " from " + REPO);
    assertThat(storage.blobs().stat(layer)).isEmpty();
    assertThat(storage.metadata().isBlobLinked(REPO, ghost.digest())).isFalse();
    // The manifest still needs its config and layer: their links stay, for a push to heal.
    assertThat(storage.metadata().isBlobLinked(REPO, config)).isTrue();
    assertThat(storage.metadata().isBlobLinked(REPO, layer)).isTrue();
    // What cannot be repaired is still reported.
    assertThat(StorageCheck.check(storage).problems())
        .extracting(StorageCheck.Problem::kind)
        .containsOnly(
            StorageCheck.Kind.MISSING_BLOB,
            StorageCheck.Kind.MISSING_MANIFEST,
            StorageCheck.Kind.DANGLING_LINK);
  }
}
