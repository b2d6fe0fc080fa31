package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.memory.InMemoryBlobStore;
import io.wharf.oci.storage.memory.InMemoryMetadataStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BlobLinksTest {

  private final InMemoryBlobStore blobs = new InMemoryBlobStore();
  private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
  private final RepositoryName repo = RepositoryName.of("team/app");
  private final byte[] bytes = "layer".getBytes(StandardCharsets.UTF_8);
  private final Digest digest = Digest.sha256(io.wharf.oci.model.Bytes.of(bytes));

  @Test
  void linksABlobThatIsStored() throws Exception {
    BlobInfo info = blobs.put(new ByteArrayInputStream(bytes), digest);
    assertThat(BlobLinks.link(metadata, blobs, repo, info)).isTrue();
    assertThat(metadata.isBlobLinked(repo, digest)).isTrue();
  }

  @Test
  void undoesTheLinkWhenACollectionDeletedTheBytesMeanwhile() throws Exception {
    BlobInfo info = blobs.put(new ByteArrayInputStream(bytes), digest);
    // What a sweep between the commit (or the mount's look) and the link leaves.
    blobs.delete(digest);
    assertThat(BlobLinks.link(metadata, blobs, repo, info)).isFalse();
    assertThat(metadata.isBlobLinked(repo, digest)).isFalse();
  }
}
