package io.wharf.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Digest;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.BlobUpload;
import io.wharf.oci.storage.filesystem.FileSystemBlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The content generator behind the blob benchmarks, on a few MiB: no benchmark runs here. */
class BlobContentTest {

  private static final long MIB = 1L << 20;

  @Test
  void blocksDiffer() {
    BlobContent content = new BlobContent(4 * MIB);
    byte[] first = content.block(0).clone();
    byte[] second = content.block(1).clone();
    assertThat(Arrays.equals(first, second)).isFalse();
    assertThat(content.block(0)).isEqualTo(first);
  }

  @Test
  void chunksStreamTheSameBytesAsTheBlocks(@TempDir Path dir) throws IOException {
    BlobContent content = new BlobContent(5 * MIB);
    Digest expected = content.sha256();
    try (FileSystemBlobStore store = FileSystemBlobStore.builder(dir).durable(false).open()) {
      BlobInfo info;
      try (BlobUpload upload = store.newUpload()) {
        for (long block = 0; block < content.blocks(); block += 2) {
          try (InputStream chunk = content.chunk(block, 2)) {
            upload.write(chunk);
          }
        }
        info = upload.commit(expected);
      }
      assertThat(info.size()).isEqualTo(5 * MIB);
      try (InputStream in = store.open(expected)) {
        assertThat(Digest.sha256(in)).isEqualTo(expected);
      }
    }
  }

  @Test
  void sizeIsWholeMebibytes() {
    assertThatThrownBy(() -> new BlobContent(MIB + 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BlobContent(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
