package io.wharf.oci.client.copy;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.layout.OciLayout;
import io.wharf.oci.model.layout.OciLayoutWriter;
import io.wharf.oci.model.ref.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An OCI layout directory or tar archive as a copy's destination, written by {@link
 * OciLayoutWriter}: blob paths come from validated digests only, so nothing is written outside the
 * layout. Blobs come from the source's verified stream ({@link ImageSource#openBlob}), which checks
 * size and digest while the writer copies it; the writer keeps a blob only when that stream ends
 * without failing, and does not hash the bytes a second time.
 */
final class LayoutDestination implements ImageDestination {

  private final OciLayoutWriter writer;
  private final Path path;
  private final Optional<Tag> tag;
  private final @Nullable Path archiveTemp;
  private final Set<Digest> listed = new HashSet<>();
  private boolean committed;

  private LayoutDestination(
      OciLayoutWriter writer, Path path, Optional<Tag> tag, @Nullable Path archiveTemp) {
    this.writer = writer;
    this.path = path;
    this.tag = tag;
    this.archiveTemp = archiveTemp;
  }

  static LayoutDestination directory(Path directory, Optional<Tag> tag) throws IOException {
    LayoutDestination d =
        new LayoutDestination(OciLayoutWriter.toDirectory(directory), directory, tag, null);
    if (Files.exists(directory.resolve("index.json"))) {
      try (OciLayout existing = OciLayout.open(directory)) {
        for (Descriptor entry : existing.manifests()) {
          d.listed.add(entry.digest());
        }
      }
    }
    return d;
  }

  static LayoutDestination archive(Path file, Optional<Tag> tag) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempFile(parent, "." + file.getFileName() + "-", ".tmp");
    try {
      return new LayoutDestination(OciLayoutWriter.toArchive(temp), file, tag, temp);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  @Override
  public boolean hasBlob(Descriptor blob) throws IOException {
    if (archiveTemp != null) {
      return false; // a new archive: the copier writes each blob once
    }
    Path file =
        path.resolve("blobs").resolve(blob.digest().algorithm()).resolve(blob.digest().encoded());
    return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) == blob.size();
  }

  @Override
  public void writeBlob(Descriptor blob, BlobOpener content) throws IOException {
    try (InputStream in = content.open()) {
      // The copier's stream is the source's verified one (verifiesBlobs() is false): the writer
      // reads it to its end and keeps the blob only when it ends without failing, so each byte is
      // hashed once, by the source's stream.
      writer.writeVerifiedBlob(in, blob);
    }
  }

  @Override
  public boolean parallelWrites() {
    return archiveTemp == null;
  }

  @Override
  public synchronized void writeManifest(RawManifest manifest, ManifestRole role)
      throws IOException {
    Descriptor d = writer.writeManifest(manifest);
    switch (role) {
      case ROOT -> {
        if (tag.isPresent()) {
          writer.add(d, tag.get());
        } else if (listed.add(d.digest())) {
          writer.add(d);
        }
      }
      case REFERRER -> {
        // Listed untagged in index.json, where readers (oras, regclient, Wharf) look for referrers.
        if (listed.add(d.digest())) {
          writer.add(Referrers.descriptor(d, manifest.parse()));
        }
      }
      case CHILD -> {}
    }
  }

  @Override
  public synchronized void commit() throws IOException {
    writer.close();
    if (archiveTemp != null) {
      try {
        Files.move(
            archiveTemp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(archiveTemp, path, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    committed = true;
  }

  @Override
  public synchronized void close() throws IOException {
    if (committed) {
      return;
    }
    if (archiveTemp != null) {
      try {
        writer.close();
      } finally {
        Files.deleteIfExists(archiveTemp);
      }
    }
    // A directory keeps the verified blobs written so far; its index.json is left as it was.
  }

  @Override
  public String toString() {
    return (archiveTemp != null ? "oci-archive:" : "oci:")
        + path
        + tag.map(t -> ":" + t).orElse("");
  }
}
