package io.wharf.oci.storage.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.CheckedBlobStore;
import io.wharf.oci.storage.CheckedMetadataStore;
import io.wharf.oci.storage.ManifestPut;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.StorageCheck;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStorageTest {

  static final RepositoryName REPO = new RepositoryName("library/app");
  static final Tag TAG = new Tag("v1");

  @TempDir Path dir;

  @Test
  void keepsBlobsAndMetadataInOneFolderAcrossRestarts() throws IOException {
    Path data = dir.resolve("data");
    RawManifest manifest;
    try (RegistryStorage storage = LocalStorage.open(data)) {
      manifest = push(storage);
    }
    assertThat(LocalStorage.metadataFile(data)).isRegularFile();
    assertThat(LocalStorage.blobDirectory(data).resolve("blobs")).isDirectory();

    try (RegistryStorage storage = LocalStorage.open(data)) {
      assertThat(storage.metadata().resolveTag(REPO, TAG)).contains(manifest.digest());
      assertThat(storage.metadata().getManifest(REPO, manifest.digest())).contains(manifest);
      for (Descriptor ref : manifest.parse().references()) {
        try (InputStream in = storage.blobs().open(ref.digest())) {
          assertThat(Digest.sha256(Bytes.of(in.readAllBytes()))).isEqualTo(ref.digest());
        }
      }
      assertThat(StorageCheck.check(storage).isClean()).isTrue();
    }
  }

  @Test
  void wrapsBothStoresInTheCheckingDecorators() throws IOException {
    try (RegistryStorage storage = LocalStorage.open(dir)) {
      assertThat(storage.blobs()).isInstanceOf(CheckedBlobStore.class);
      assertThat(storage.metadata()).isInstanceOf(CheckedMetadataStore.class);
    }
  }

  @Test
  void aFolderOpensOnceAtATime() throws IOException {
    RegistryStorage storage = LocalStorage.open(dir);
    try {
      assertThatThrownBy(() -> LocalStorage.open(dir))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("already open");
    } finally {
      storage.close();
    }
    // Closing released the lock, and the failed attempt left nothing open.
    LocalStorage.open(dir).close();
  }

  @Test
  void closingClosesBothStores() throws IOException {
    RegistryStorage storage = LocalStorage.builder(dir).durable(false).open();
    storage.close();
    assertThatThrownBy(() -> storage.blobs().stat(Digest.sha256(Bytes.of(new byte[0]))))
        .isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> storage.metadata().repositoryExists(REPO))
        .hasMessageContaining("closed");
  }

  @Test
  void aDatabaseThatCannotOpenReleasesTheFolder() throws IOException {
    Files.createDirectories(LocalStorage.metadataFile(dir)); // a folder where the file should be
    assertThatThrownBy(() -> LocalStorage.open(dir)).isInstanceOf(IOException.class);
    Files.delete(LocalStorage.metadataFile(dir));
    LocalStorage.open(dir).close();
  }

  @Test
  void nonDurableStorageWorksTheSame() throws IOException {
    try (RegistryStorage storage = LocalStorage.builder(dir).durable(false).open()) {
      RawManifest manifest = push(storage);
      assertThat(storage.metadata().resolveTag(REPO, TAG)).contains(manifest.digest());
    }
  }

  /** Pushes a config, a layer and an image manifest tagged {@link #TAG}, as a registry would. */
  static RawManifest push(RegistryStorage storage) throws IOException {
    Descriptor config = blob(storage, MediaType.OCI_IMAGE_CONFIG, "{\"architecture\":\"amd64\"}");
    Descriptor layer = blob(storage, MediaType.OCI_LAYER_TAR_GZIP, "layer bytes");
    RawManifest manifest =
        ManifestCodec.defaults().encode(ImageManifest.of(config, List.of(layer)));
    storage.metadata().putManifest(REPO, ManifestPut.of(manifest, Set.of(TAG), Instant.now()));
    return manifest;
  }

  private static Descriptor blob(RegistryStorage storage, MediaType type, String text)
      throws IOException {
    byte[] bytes = text.getBytes(UTF_8);
    Digest digest = Digest.sha256(Bytes.of(bytes));
    BlobInfo info = storage.blobs().put(new ByteArrayInputStream(bytes), digest);
    storage.metadata().linkBlob(REPO, info);
    assertThat(storage.blobs().stat(digest)).isEqualTo(Optional.of(info));
    return Descriptor.of(type, digest, bytes.length);
  }
}
