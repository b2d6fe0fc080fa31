package io.wharf.oci.client.copy;

import io.wharf.oci.client.BlobSource;
import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.Repository;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.Platform;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.Reference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Images, indexes and referrers pushed with the client's own primitives (pushBlob, putManifest), so
 * that the copy tests do not depend on the copier to set them up.
 */
final class TestImages {

  static final MediaType SIGNATURE = MediaType.parse("application/vnd.example.signature.v1");
  static final MediaType SBOM = MediaType.parse("application/vnd.example.sbom.v1");

  private TestImages() {}

  /** A manifest and every blob it references. */
  record Image(RawManifest manifest, List<Bytes> blobs) {
    Descriptor descriptor() {
      return manifest.descriptor();
    }
  }

  static Image image(long seed, int layers, Platform platform) {
    Random random = new Random(seed);
    List<Bytes> blobs = new ArrayList<>();
    List<Descriptor> layerDescriptors = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      byte[] b = new byte[1000 + random.nextInt(50_000)];
      random.nextBytes(b);
      Bytes layer = Bytes.of(b);
      blobs.add(layer);
      layerDescriptors.add(Descriptor.of(MediaType.OCI_LAYER_TAR_GZIP, layer));
    }
    Bytes config =
        Bytes.utf8(
            "{\"architecture\":\""
                + platform.architecture()
                + "\",\"os\":\""
                + platform.os()
                + "\",\"config\":{\"Labels\":{\"seed\":\""
                + seed
                + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
    blobs.add(0, config);
    RawManifest m =
        ManifestCodec.defaults()
            .encode(
                ImageManifest.of(
                    Descriptor.of(MediaType.OCI_IMAGE_CONFIG, config), layerDescriptors));
    return new Image(m, blobs);
  }

  /** An index of one image per platform; children[i] is the image for platforms[i]. */
  record Index(RawManifest manifest, List<Image> children) {}

  static Index index(long seed, List<Platform> platforms) {
    List<Image> children = new ArrayList<>();
    List<Descriptor> entries = new ArrayList<>();
    for (int i = 0; i < platforms.size(); i++) {
      Image child = image(seed * 31 + i, 2, platforms.get(i));
      children.add(child);
      entries.add(child.descriptor().withPlatform(platforms.get(i)));
    }
    return new Index(ManifestCodec.defaults().encode(ImageIndex.of(entries)), children);
  }

  /** An artifact of {@code type} whose subject is {@code subject}. */
  static Image referrer(Descriptor subject, MediaType type, String text) {
    Bytes payload = Bytes.utf8(text);
    RawManifest m =
        ManifestCodec.defaults()
            .encode(
                ImageManifest.artifact(
                        type,
                        List.of(
                            Descriptor.of(
                                MediaType.parse("application/vnd.example.payload"), payload)))
                    .withSubject(
                        Descriptor.of(subject.mediaType(), subject.digest(), subject.size()))
                    .withAnnotations(
                        Map.of("org.opencontainers.image.created", "2025-01-01T00:00:00Z")));
    return new Image(m, List.of(Bytes.utf8("{}"), payload));
  }

  static void push(RegistryClient client, Reference ref, Image image) throws IOException {
    Repository repo = Repository.of(ref);
    for (Bytes b : image.blobs()) {
      client.pushBlob(repo, io.wharf.oci.model.Digest.sha256(b), BlobSource.of(b));
    }
    client.putManifest(ref, image.manifest());
  }

  static void push(RegistryClient client, Reference ref, Index index) throws IOException {
    for (Image child : index.children()) {
      push(client, ref.atDigest(child.manifest().digest()), child);
    }
    client.putManifest(ref, index.manifest());
  }
}
