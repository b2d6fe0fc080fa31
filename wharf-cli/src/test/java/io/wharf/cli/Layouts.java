package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.layout.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Compares what OCI layouts hold, byte for byte. */
final class Layouts {

  private Layouts() {}

  /**
   * Copies the class-path folder {@code resource} (say {@code /fixtures/notation/oci-layouts/x}, in
   * a folder or in a test-jar) to {@code target}, byte for byte.
   */
  static Path copyResource(String resource, Path target) throws IOException {
    java.net.URL url = Layouts.class.getResource(resource);
    assertThat(url).as(resource).isNotNull();
    try {
      java.net.URI uri = url.toURI();
      if (uri.getScheme().equals("jar")) {
        try (java.nio.file.FileSystem jar =
            java.nio.file.FileSystems.newFileSystem(uri, java.util.Map.of())) {
          copyTree(jar.getPath(resource), target);
        }
      } else {
        copyTree(Path.of(uri), target);
      }
    } catch (java.net.URISyntaxException e) {
      throw new IOException(e);
    }
    return target;
  }

  /** The descriptor {@code tag} names in the layout at {@code dir}. */
  static Descriptor find(Path dir, String tag) throws IOException {
    try (OciLayout layout = OciLayout.open(dir)) {
      return layout.find(tag).orElseThrow(() -> new AssertionError(dir + " has no tag " + tag));
    }
  }

  /**
   * Asserts that {@code tag} in {@code copy} is the same manifest as {@code tag} in {@code
   * original} (same digest, same bytes) and that every blob and child manifest reachable from it is
   * in both with identical bytes. The subject of an artifact is not followed. Returns the digests
   * compared.
   */
  static Set<Digest> assertSameContent(Path original, String originalTag, Path copy, String copyTag)
      throws IOException {
    Set<Digest> compared = new HashSet<>();
    try (OciLayout a = OciLayout.open(original);
        OciLayout b = OciLayout.open(copy)) {
      assertThat(b.verify().problems()).as("problems of the copied layout").isEmpty();
      Descriptor da = a.find(originalTag).orElseThrow();
      Descriptor db =
          b.find(copyTag).orElseThrow(() -> new AssertionError(copy + " lacks " + copyTag));
      assertThat(db.digest())
          .as("digest of %s after the round trip", originalTag)
          .isEqualTo(da.digest());
      assertThat(db.size()).isEqualTo(da.size());
      compare(a, b, da, compared);
    }
    return compared;
  }

  private static void compare(OciLayout a, OciLayout b, Descriptor d, Set<Digest> compared)
      throws IOException {
    if (!compared.add(d.digest())) {
      return;
    }
    RawManifest ma = a.readManifest(d);
    RawManifest mb = b.readManifest(d);
    assertThat(mb.bytes()).as("bytes of manifest %s", d.digest()).isEqualTo(ma.bytes());
    Manifest parsed = ma.parse();
    if (parsed instanceof ImageIndex index) {
      for (Descriptor child : index.manifests()) {
        compare(a, b, child, compared);
      }
    } else {
      for (Descriptor ref : parsed.references()) {
        if (compared.add(ref.digest())) {
          assertSameBlob(a, b, ref.digest());
        }
      }
    }
  }

  private static void assertSameBlob(OciLayout a, OciLayout b, Digest digest) throws IOException {
    assertThat(b.hasBlob(digest)).as("blob %s in the copy", digest).isTrue();
    try (InputStream ia = a.openBlobUnverified(digest);
        InputStream ib = b.openBlobUnverified(digest)) {
      assertThat(ib.readAllBytes()).as("bytes of blob %s", digest).isEqualTo(ia.readAllBytes());
    }
  }

  /**
   * Copies a directory tree (for fixtures that tests must not change), or one file; {@code from}
   * may be in another file system (a jar).
   */
  static void copyTree(Path from, Path to) throws IOException {
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(from)) {
      walk.sorted(Comparator.naturalOrder()).forEach(paths::add);
    }
    for (Path p : paths) {
      Path target = to.resolve(from.relativize(p).toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(target);
      } else {
        Files.copy(p, target);
      }
    }
  }
}
