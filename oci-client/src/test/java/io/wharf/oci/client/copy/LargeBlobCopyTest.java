package io.wharf.oci.client.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.Digests;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.layout.OciLayout;
import io.wharf.oci.model.layout.OciLayoutWriter;
import io.wharf.oci.model.ref.Tag;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 256 MiB layer copied layout -> layout directory -> layout archive in a JVM of 128 MiB heap
 * (oci-client's Surefire argLine): a copier that buffered a blob could not do it.
 */
class LargeBlobCopyTest {

  private static final long SIZE = 256L * 1024 * 1024;

  @TempDir Path temp;

  @Test
  void aBlobLargerThanTheHeapStreamsThrough() throws Exception {
    assertThat(Runtime.getRuntime().maxMemory()).isLessThan(SIZE);
    Path layer = temp.resolve("layer");
    Digest digest;
    try (OutputStream out = Files.newOutputStream(layer)) {
      Digests.DigestingOutputStream d =
          Digests.digesting(out, io.wharf.oci.model.DigestAlgorithm.SHA256);
      byte[] chunk = new byte[1 << 20];
      Random random = new Random(42);
      for (long done = 0; done < SIZE; done += chunk.length) {
        random.nextBytes(chunk);
        d.write(chunk);
      }
      digest = d.digest();
    }
    Path source = temp.resolve("source");
    Bytes config = Bytes.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
    try (OciLayoutWriter w = OciLayoutWriter.toDirectory(source);
        InputStream in = Files.newInputStream(layer)) {
      Descriptor l = w.writeBlob(in, Descriptor.of(MediaType.OCI_LAYER_TAR_GZIP, digest, SIZE));
      Descriptor c = w.writeBlob(MediaType.OCI_IMAGE_CONFIG, config);
      RawManifest m = ManifestCodec.defaults().encode(ImageManifest.of(c, List.of(l)));
      w.add(w.writeManifest(m), Tag.of("big"));
    }
    Files.delete(layer);

    Path directory = temp.resolve("copy");
    Path archive = temp.resolve("copy.tar");
    Copier copier = Copier.builder().build();
    try (ImageSource s = ImageSource.layout(source, Optional.of("big"));
        ImageDestination d =
            ImageDestination.layoutDirectory(directory, Optional.of(Tag.of("big")))) {
      assertThat(copier.copy(CopyRequest.of(s, d)).bytesCopied()).isEqualTo(SIZE + config.size());
    }
    try (ImageSource s = ImageSource.layout(directory, Optional.of("big"));
        ImageDestination d = ImageDestination.layoutArchive(archive, Optional.of(Tag.of("big")))) {
      copier.copy(CopyRequest.of(s, d));
    }
    try (OciLayout copied = OciLayout.open(archive)) {
      assertThat(copied.blobSize(digest)).hasValue(SIZE);
      assertThat(copied.verify().problems()).isEmpty();
    }
  }
}
