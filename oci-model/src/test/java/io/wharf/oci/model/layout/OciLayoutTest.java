package io.wharf.oci.model.layout;

import static io.wharf.oci.model.layout.LayoutFiles.GGCR;
import static io.wharf.oci.model.layout.LayoutFiles.REGCLIENT;
import static io.wharf.oci.model.layout.LayoutFiles.assertSameTree;
import static io.wharf.oci.model.layout.LayoutFiles.fixture;
import static io.wharf.oci.model.testing.OciGenerators.booleans;
import static io.wharf.oci.model.testing.OciGenerators.byteArrays;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static io.wharf.oci.model.testing.OciGenerators.pick;
import static io.wharf.oci.model.testing.OciGenerators.unchecked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.Annotations;
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
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.OciException;
import io.wharf.oci.model.ref.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Reading the fixture layouts, writing them back byte for byte, and writing new layouts. */
class OciLayoutTest {

  // ggcr-test_index/index.json
  private static final Digest GGCR_1 =
      Digest.parse("sha256:eebff607b1628d67459b0596643fc07de70d702eccf030f0bc7bb6fc2b278650");
  private static final Digest GGCR_2 =
      Digest.parse("sha256:32589985702551b6c56033bb3334432a0a513bf9d6aceda0f67c42b003850720");
  private static final Digest GGCR_3 =
      Digest.parse("sha256:05f95b26ed10668b7183c1e2da98610e91372fa9f510046d4ce5812addad86b5");
  private static final Digest GGCR_4 =
      Digest.parse("sha256:2b29a2b8dea3af91ea7d0154be1da0c92d55ddd098540930fc8d3db7de377fdb");

  // regclient-testrepo/index.json and the v2 index
  private static final Digest RC_V2 =
      Digest.parse("sha256:dfae8f425735a5e3a72e40d6609e03079995511d48157c74d54801ff4430491e");
  private static final Digest RC_V2_AMD64 =
      Digest.parse("sha256:ee378b79279b57eb5ac1f3b892c9ad2a9be9d9ccabe1a29a9cbaed8cad182358");
  private static final Digest RC_V2_ARM64 =
      Digest.parse("sha256:6bed79d0800a0d3a1d0e0e8105a6a5f7f7758ce09e160a8f142574c418302467");
  private static final Digest RC_V2_ARMV7 =
      Digest.parse("sha256:36ed7f4ec4545a40ca043f60d76653ef3d2a76f58a051c0f3a256aaab26fb847");
  private static final Digest RC_A1 =
      Digest.parse("sha256:0484e93c23cddf24a8400547119558312023295af241d4cd1eaf1b27145c5026");
  private static final Digest RC_V1 =
      Digest.parse("sha256:7ceb9b6bcc274697d0c38be6214b50cec79d601bc61708747d3f6cb772f6c6fa");

  @TempDir Path tmp;

  // ---------------------------------------------------------------- reading the fixtures

  @Test
  void regclientLayoutOpensAndVerifies() throws IOException {
    try (OciLayout layout = OciLayout.open(fixture(REGCLIENT))) {
      OciLayout.Check check = layout.verify();
      assertThat(check.problems()).isEmpty();
      assertThat(check.isValid()).isTrue();
      assertThat(check.blobsVerified()).isEqualTo(91);
      assertThat(check.descriptorsReachable()).isEqualTo(91);
      assertThat(layout.blobs()).hasSize(91);
      assertThat(layout.manifests()).hasSize(26);
      assertThat(layout.layoutHeader()).isEqualTo(fileBytes(fixture(REGCLIENT), "oci-layout"));
      assertThat(layout.rawIndex().bytes()).isEqualTo(fileBytes(fixture(REGCLIENT), "index.json"));
    }
  }

  @Test
  void regclientTagsFindTheirDescriptors() throws IOException {
    try (OciLayout layout = OciLayout.open(fixture(REGCLIENT))) {
      Descriptor v2 = layout.find("v2").orElseThrow();
      assertThat(v2.digest()).isEqualTo(RC_V2);
      assertThat(v2.size()).isEqualTo(934);
      assertThat(v2.mediaType()).isEqualTo(MediaType.OCI_IMAGE_INDEX);

      Descriptor v1 = layout.find("v1").orElseThrow();
      assertThat(v1.digest()).isEqualTo(RC_V1);
      assertThat(v1.size()).isEqualTo(1262);

      Descriptor a1 = layout.find("a1").orElseThrow();
      assertThat(a1.digest()).isEqualTo(RC_A1);
      assertThat(a1.mediaType()).isEqualTo(MediaType.OCI_IMAGE_MANIFEST);

      // A tag that is only a prefix of others, and one that is absent.
      assertThat(layout.find("a")).isEmpty();
      assertThat(layout.find("v4")).isEmpty();
      // Two entries carry no ref name at all.
      assertThat(layout.manifests().stream().filter(d -> d.annotations().isEmpty())).hasSize(2);
    }
  }

  @Test
  void regclientManifestsAreTheExactBytesAndTheirChildrenAreReachable() throws IOException {
    Path root = fixture(REGCLIENT);
    try (OciLayout layout = OciLayout.open(root)) {
      Descriptor v2 = layout.find("v2").orElseThrow();
      RawManifest raw = layout.readManifest(v2);
      assertThat(raw.digest()).isEqualTo(RC_V2);
      assertThat(Digest.sha256(raw.bytes())).isEqualTo(RC_V2);
      assertThat(raw.bytes()).isEqualTo(fileBytes(root, OciLayout.blobPath(RC_V2)));

      ImageIndex index = (ImageIndex) raw.parse();
      assertThat(index.manifests())
          .extracting(Descriptor::digest)
          .containsExactly(RC_V2_AMD64, RC_V2_ARM64, RC_V2_ARMV7);
      assertThat(index.manifestFor(Platform.of("linux", "arm", "v7")).orElseThrow().digest())
          .isEqualTo(RC_V2_ARMV7);
      Descriptor arm64 = index.manifestFor(Platform.of("linux", "arm64")).orElseThrow();
      assertThat(arm64.digest()).isEqualTo(RC_V2_ARM64);
      ImageManifest child = (ImageManifest) layout.readManifest(arm64).parse();
      for (Descriptor d : child.references()) {
        try (InputStream in = layout.openBlob(d)) {
          assertThat(in.readAllBytes()).hasSize((int) d.size());
        }
      }

      // The artifact a1 refers to the v2 index as its subject.
      ImageManifest a1 =
          (ImageManifest) layout.readManifest(layout.find("a1").orElseThrow()).parse();
      assertThat(a1.artifactType()).contains(new MediaType("application/example.sbom"));
      assertThat(a1.subject().orElseThrow().digest()).isEqualTo(RC_V2);

      // Every manifest reachable from index.json reads as the exact bytes of its blob.
      Set<Digest> manifests = new HashSet<>();
      Deque<Descriptor> todo = new ArrayDeque<>(layout.manifests());
      while (!todo.isEmpty()) {
        Descriptor d = todo.pop();
        if (!d.mediaType().isManifest() || !manifests.add(d.digest())) {
          continue;
        }
        RawManifest m = layout.readManifest(d);
        assertThat(Digest.sha256(m.bytes())).isEqualTo(d.digest());
        assertThat(m.bytes()).isEqualTo(fileBytes(root, OciLayout.blobPath(d.digest())));
        todo.addAll(m.parse().references());
      }
      assertThat(manifests).hasSizeGreaterThan(20);
    }
  }

  @Test
  void ggcrLayoutOpensFindsItsRefsAndVerifiesEveryBlob() throws IOException {
    Path root = fixture(GGCR);
    try (OciLayout layout = OciLayout.open(root)) {
      assertThat(layout.manifests()).hasSize(4);
      assertThat(layout.find("1").orElseThrow())
          .satisfies(d -> assertThat(d.digest()).isEqualTo(GGCR_1))
          .satisfies(d -> assertThat(d.size()).isEqualTo(423))
          .satisfies(d -> assertThat(d.mediaType()).isEqualTo(MediaType.OCI_IMAGE_MANIFEST));
      assertThat(layout.find("2").orElseThrow())
          .satisfies(d -> assertThat(d.digest()).isEqualTo(GGCR_2))
          .satisfies(d -> assertThat(d.mediaType()).isEqualTo(MediaType.OCI_DESCRIPTOR));
      assertThat(layout.find("3").orElseThrow().digest()).isEqualTo(GGCR_3);
      assertThat(layout.find("4").orElseThrow())
          .satisfies(d -> assertThat(d.digest()).isEqualTo(GGCR_4))
          .satisfies(d -> assertThat(d.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST_LIST));
      assertThat(layout.find("5")).isEmpty();
      assertThat(layout.blobs()).hasSize(8);

      OciLayout.Check check = layout.verify();
      // Every blob has the digest its name says...
      assertThat(check.blobsVerified()).isEqualTo(8);
      // ...but ref "1" (and the children of "3" and "4") is an OCI manifest descriptor of a Docker
      // v2 manifest: go-containerregistry's fixture is sloppy there, and the check says so.
      assertThat(check.problems())
          .singleElement()
          .asString()
          .contains(GGCR_1.toString())
          .contains("declared media type " + MediaType.OCI_IMAGE_MANIFEST)
          .contains(MediaType.DOCKER_MANIFEST_V2.value());
    }
  }

  @Test
  void ggcrNestedIndexesReachTheirChild() throws IOException {
    Path root = fixture(GGCR);
    try (OciLayout layout = OciLayout.open(root)) {
      for (String ref : List.of("3", "4")) {
        Descriptor d = layout.find(ref).orElseThrow();
        RawManifest raw = layout.readManifest(d);
        assertThat(Digest.sha256(raw.bytes())).isEqualTo(d.digest());
        assertThat(raw.bytes()).isEqualTo(fileBytes(root, OciLayout.blobPath(d.digest())));
        ImageIndex index = (ImageIndex) raw.parse();
        assertThat(index.mediaType()).isEqualTo(d.mediaType());
        Descriptor child = index.manifests().get(0);
        assertThat(child.digest()).isEqualTo(GGCR_1);
        try (InputStream in = layout.openBlob(child)) {
          assertThat(Digest.sha256(in)).isEqualTo(GGCR_1);
        }
        // The child's bytes are a Docker v2 manifest behind an OCI descriptor: refused, typed.
        assertThatThrownBy(() -> layout.readManifest(child))
            .isInstanceOf(InvalidContentException.class)
            .extracting(e -> ((OciException) e).code())
            .isEqualTo(ErrorCode.MANIFEST_INVALID);
      }
      // "2" is a descriptor-typed blob, not a manifest, but its bytes are still verified.
      Descriptor two = layout.find("2").orElseThrow();
      try (InputStream in = layout.openBlob(two)) {
        assertThat(in.readAllBytes())
            .isEqualTo(fileBytes(root, OciLayout.blobPath(GGCR_2)).toByteArray());
      }
    }
  }

  // ---------------------------------------------------------------- writing them back

  @ParameterizedTest
  @ValueSource(strings = {GGCR, REGCLIENT})
  void copiesToADirectoryByteForByte(String name) throws IOException {
    Path copy = tmp.resolve("copy");
    try (OciLayout layout = OciLayout.open(fixture(name));
        OciLayoutWriter writer = OciLayoutWriter.toDirectory(copy)) {
      layout.copyTo(writer);
    }
    assertSameTree(fixture(name), copy);
    try (OciLayout copied = OciLayout.open(copy);
        OciLayout original = OciLayout.open(fixture(name))) {
      assertThat(copied.verify()).isEqualTo(original.verify());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {GGCR, REGCLIENT})
  void copiesThroughATarByteForByte(String name) throws IOException {
    Path tar = tmp.resolve("layout.tar");
    try (OciLayout layout = OciLayout.open(fixture(name));
        OciLayoutWriter writer = OciLayoutWriter.toArchive(tar)) {
      layout.copyTo(writer);
    }
    assertThat(Files.size(tar) % 512).isZero();
    Path root = fixture(name);
    try (OciLayout fromTar = OciLayout.open(tar);
        OciLayout original = OciLayout.open(root)) {
      assertThat(fromTar.verify()).isEqualTo(original.verify());
      assertThat(fromTar.verify().blobsVerified()).isEqualTo(original.blobs().size());
      assertThat(fromTar.layoutHeader()).isEqualTo(fileBytes(root, "oci-layout"));
      assertThat(fromTar.rawIndex().bytes()).isEqualTo(fileBytes(root, "index.json"));
      assertThat(fromTar.blobs()).isEqualTo(original.blobs());
      for (Digest digest : original.blobs()) {
        try (InputStream in = fromTar.openBlobUnverified(digest)) {
          assertThat(in.readAllBytes())
              .as("blob %s", digest)
              .isEqualTo(fileBytes(root, OciLayout.blobPath(digest)).toByteArray());
        }
      }
      // And back out of the tar into a directory: the fixture again.
      Path copy = tmp.resolve("copy");
      try (OciLayoutWriter writer = OciLayoutWriter.toDirectory(copy)) {
        fromTar.copyTo(writer);
      }
      assertSameTree(root, copy);
    }
  }

  // ---------------------------------------------------------------- new layouts

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void writesANewImageLayout(boolean archive) throws IOException {
    Path target = tmp.resolve(archive ? "image.tar" : "image");
    Bytes config =
        Bytes.utf8(
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[]}}");
    Bytes layer = Bytes.of(new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7});
    RawManifest manifest;
    try (OciLayoutWriter writer =
        archive ? OciLayoutWriter.toArchive(target) : OciLayoutWriter.toDirectory(target)) {
      Descriptor configDescriptor = writer.writeBlob(MediaType.OCI_IMAGE_CONFIG, config);
      Descriptor layerDescriptor = writer.writeBlob(MediaType.OCI_LAYER_TAR_GZIP, layer);
      manifest =
          ManifestCodec.defaults()
              .encode(ImageManifest.of(configDescriptor, List.of(layerDescriptor)));
      Descriptor written = writer.writeManifest(manifest);
      assertThat(written).isEqualTo(manifest.descriptor());
      writer.add(written, Tag.of("v1"));
    }

    try (OciLayout layout = OciLayout.open(target)) {
      assertThat(layout.layoutHeader().utf8()).isEqualTo("{\"imageLayoutVersion\":\"1.0.0\"}");
      Descriptor v1 = layout.find("v1").orElseThrow();
      assertThat(v1.digest()).isEqualTo(manifest.digest());
      assertThat(v1.size()).isEqualTo(manifest.size());
      assertThat(v1.mediaType()).isEqualTo(MediaType.OCI_IMAGE_MANIFEST);
      assertThat(v1.annotations()).containsExactly(Map.entry(Annotations.REF_NAME, "v1"));
      assertThat(layout.readManifest(v1).bytes()).isEqualTo(manifest.bytes());
      ImageManifest read = (ImageManifest) layout.readManifest(v1).parse();
      try (InputStream in = layout.openBlob(read.config())) {
        assertThat(Bytes.of(in.readAllBytes())).isEqualTo(config);
      }
      try (InputStream in = layout.openBlob(read.layers().get(0))) {
        assertThat(Bytes.of(in.readAllBytes())).isEqualTo(layer);
      }
      OciLayout.Check check = layout.verify();
      assertThat(check.problems()).isEmpty();
      assertThat(check.blobsVerified()).isEqualTo(3);
      assertThat(check.descriptorsReachable()).isEqualTo(3);
    }
  }

  @Test
  void aDirectoryLayoutGrowsAndATagMoves() throws IOException {
    Path dir = tmp.resolve("layout");
    Descriptor first;
    try (OciLayoutWriter writer = OciLayoutWriter.toDirectory(dir)) {
      first = writer.writeManifest(artifact(writer, "one"));
      writer.add(first, Tag.of("latest"));
      writer.add(first, Tag.of("v1"));
    }
    Descriptor second;
    try (OciLayoutWriter writer = OciLayoutWriter.toDirectory(dir)) {
      second = writer.writeManifest(artifact(writer, "two"));
      writer.add(second, Tag.of("latest"));
    }
    try (OciLayout layout = OciLayout.open(dir)) {
      assertThat(layout.find("v1").orElseThrow().digest()).isEqualTo(first.digest());
      assertThat(layout.find("latest").orElseThrow().digest()).isEqualTo(second.digest());
      assertThat(layout.manifests()).hasSize(2);
      OciLayout.Check check = layout.verify();
      assertThat(check.problems()).isEmpty();
      // two manifests, two layers, one shared empty config
      assertThat(check.blobsVerified()).isEqualTo(5);
    }
  }

  @Test
  void aVerifiedStreamIsWrittenOnlyWhenItsVerdictIsGood() throws IOException {
    Path dir = tmp.resolve("verified");
    byte[] good = "the blob".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] bad = "the blub".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Digest digest = Digest.of(DigestAlgorithm.SHA256, Bytes.of(good));
    Descriptor d = Descriptor.of(MediaType.OCTET_STREAM, digest, good.length);
    Path blob = dir.resolve("blobs/sha256").resolve(digest.encoded());
    try (OciLayoutWriter writer = OciLayoutWriter.toDirectory(dir)) {
      InputStream tampered =
          io.wharf.oci.model.Digests.verifying(
              new java.io.ByteArrayInputStream(bad), digest, good.length);
      assertThatThrownBy(() -> writer.writeVerifiedBlob(tampered, d))
          .isInstanceOfSatisfying(
              InvalidContentException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.DIGEST_INVALID));
      assertThat(blob).doesNotExist();
      // A stream that ends early is refused by the writer's own byte count.
      InputStream shortStream = new java.io.ByteArrayInputStream(good, 0, good.length - 1);
      assertThatThrownBy(() -> writer.writeVerifiedBlob(shortStream, d))
          .isInstanceOfSatisfying(
              InvalidContentException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.SIZE_INVALID));
      assertThat(blob).doesNotExist();
      writer.writeVerifiedBlob(
          io.wharf.oci.model.Digests.verifying(
              new java.io.ByteArrayInputStream(good), digest, good.length),
          d);
      assertThat(Files.readAllBytes(blob)).isEqualTo(good);
    }
    try (OciLayout dirLayout = OciLayout.open(dir)) {
      assertThat(dirLayout.blobs()).contains(digest);
    }
  }

  private static RawManifest artifact(OciLayoutWriter writer, String content) throws IOException {
    writer.writeBlob(MediaType.OCI_EMPTY_JSON, Bytes.utf8("{}"));
    Descriptor layer = writer.writeBlob(new MediaType("text/plain"), Bytes.utf8(content));
    return ManifestCodec.defaults()
        .encode(ImageManifest.artifact(new MediaType("application/example"), List.of(layer)));
  }

  @Test
  void randomBlobsRoundTripThroughDirectoriesAndTars() {
    qt().withExamples(40)
        .withShrinkCycles(1000) // each step writes a layout: a failure takes seconds, not minutes
        .forAll(blobLists(), booleans())
        .checkAssert((blobs, archive) -> unchecked(() -> roundTrip(blobs, archive)));
  }

  private static void roundTrip(List<byte[]> blobs, boolean archive) throws IOException {
    Path work = Files.createTempDirectory("wharf-layout-property");
    try {
      Path target = work.resolve(archive ? "layout.tar" : "layout");
      Set<Digest> distinct = new LinkedHashSet<>();
      try (OciLayoutWriter writer =
          archive ? OciLayoutWriter.toArchive(target) : OciLayoutWriter.toDirectory(target)) {
        for (byte[] blob : blobs) {
          Descriptor d = writer.writeBlob(MediaType.OCTET_STREAM, Bytes.of(blob));
          writer.add(d);
          distinct.add(d.digest());
        }
      }
      try (OciLayout layout = OciLayout.open(target)) {
        assertThat(layout.blobs()).isEqualTo(new TreeSet<>(distinct));
        assertThat(layout.manifests()).hasSize(blobs.size());
        for (int i = 0; i < blobs.size(); i++) {
          Descriptor d = layout.manifests().get(i);
          assertThat(d.digest())
              .isEqualTo(Digest.of(DigestAlgorithm.SHA256, Bytes.of(blobs.get(i))));
          try (InputStream in = layout.openBlob(d)) {
            assertThat(in.readAllBytes()).isEqualTo(blobs.get(i));
          }
        }
        OciLayout.Check check = layout.verify();
        assertThat(check.problems()).isEmpty();
        assertThat(check.blobsVerified()).isEqualTo(distinct.size());
        assertThat(check.descriptorsReachable()).isEqualTo(distinct.size());
      }
    } finally {
      LayoutFiles.deleteTree(work);
    }
  }

  private static Gen<List<byte[]>> blobLists() {
    Gen<byte[]> small = byteArrays(0, 1100);
    // Block-boundary sizes (0, 511, 512, 513, 1024) are where tar padding goes wrong.
    Gen<byte[]> edge = pick(0, 1, 511, 512, 513, 1023, 1024, 1025).flatMap(n -> byteArrays(n, n));
    return lists(Generate.frequency(Pair.of(3, small), Pair.of(1, edge)), 0, 8);
  }

  // ---------------------------------------------------------------- helpers

  static Bytes fileBytes(Path root, String relative) throws IOException {
    return Bytes.of(Files.readAllBytes(root.resolve(relative)));
  }
}
