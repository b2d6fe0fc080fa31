package io.wharf.cli;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.Platform;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.layout.OciLayoutWriter;
import io.wharf.oci.model.ref.Tag;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

/**
 * Real images written as OCI layouts: tar layers compressed with gzip, a config whose {@code
 * diff_ids} are the digests of the uncompressed tars, manifests encoded by oci-model.
 */
final class TestImages {

  static final MediaType SIGNATURE_TYPE = MediaType.parse("application/vnd.example.signature.v1");

  private TestImages() {}

  /** A built image: its manifest and everything it references. */
  record Image(RawManifest manifest, Descriptor descriptor) {}

  /** Writes an image of {@code layers} layers for {@code platform}; seeded for distinct content. */
  static Image image(OciLayoutWriter out, Platform platform, int layers, long seed)
      throws IOException {
    return image(out, platform, layers, seed, Map.of());
  }

  /** As {@link #image(OciLayoutWriter, Platform, int, long)}, the manifest with annotations. */
  static Image image(
      OciLayoutWriter out,
      Platform platform,
      int layers,
      long seed,
      Map<String, String> annotations)
      throws IOException {
    Random random = new Random(seed);
    List<Descriptor> layerDescriptors = new ArrayList<>();
    List<Digest> diffIds = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      // Some compressible text and some random bytes, so layers have distinct, real sizes.
      byte[] noise = new byte[1024 + random.nextInt(64 * 1024)];
      random.nextBytes(noise);
      Bytes tar =
          tar(
              Map.of(
                  "layer-" + i + "/README.txt",
                  ("layer " + i + " of seed " + seed + "\n")
                      .repeat(50)
                      .getBytes(StandardCharsets.UTF_8),
                  "layer-" + i + "/noise.bin",
                  noise));
      diffIds.add(Digest.sha256(tar));
      layerDescriptors.add(out.writeBlob(MediaType.OCI_LAYER_TAR_GZIP, gzip(tar)));
    }
    String config =
        "{\"architecture\":\""
            + platform.architecture()
            + "\",\"os\":\""
            + platform.os()
            + "\",\"config\":{\"Env\":[\"PATH=/usr/bin\"],\"Labels\":{\"seed\":\""
            + seed
            + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
            + diffIds.stream().map(d -> "\"" + d + "\"").collect(Collectors.joining(","))
            + "]}}";
    Descriptor configDescriptor = out.writeBlob(MediaType.OCI_IMAGE_CONFIG, Bytes.utf8(config));
    RawManifest manifest =
        ManifestCodec.defaults()
            .encode(
                ImageManifest.of(configDescriptor, layerDescriptors).withAnnotations(annotations));
    return new Image(manifest, out.writeManifest(manifest));
  }

  /** Writes an index of one image per platform; returns its manifest and descriptor. */
  static Image index(OciLayoutWriter out, List<Platform> platforms, long seed) throws IOException {
    List<Descriptor> children = new ArrayList<>();
    for (int i = 0; i < platforms.size(); i++) {
      Image child = image(out, platforms.get(i), 2 + i, seed * 31 + i);
      children.add(child.descriptor().withPlatform(platforms.get(i)));
    }
    RawManifest index = ManifestCodec.defaults().encode(ImageIndex.of(children));
    return new Image(index, out.writeManifest(index));
  }

  /** Writes an artifact (a "signature" layer, empty config) whose subject is {@code subject}. */
  static Image artifact(OciLayoutWriter out, Descriptor subject, String text) throws IOException {
    out.writeBlob(MediaType.OCI_EMPTY_JSON, Bytes.utf8("{}"));
    Descriptor layer =
        out.writeBlob(
            MediaType.parse("application/vnd.example.signature.payload"), Bytes.utf8(text));
    RawManifest manifest =
        ManifestCodec.defaults()
            .encode(
                ImageManifest.artifact(SIGNATURE_TYPE, List.of(layer))
                    .withSubject(
                        Descriptor.of(subject.mediaType(), subject.digest(), subject.size()))
                    .withAnnotations(
                        Map.of("org.opencontainers.image.created", "2025-01-01T00:00:00Z")));
    return new Image(manifest, out.writeManifest(manifest));
  }

  /** Tags {@code image} in the layout's {@code index.json}. */
  static void tag(OciLayoutWriter out, Image image, String tag) {
    out.add(
        Descriptor.of(
            image.manifest().mediaType(), image.descriptor().digest(), image.descriptor().size()),
        Tag.of(tag));
  }

  /** Writes a layout with one multi-layer image tagged {@code tag}. */
  static Image multiLayerLayout(Path dir, String tag, long seed) throws IOException {
    try (OciLayoutWriter out = OciLayoutWriter.toDirectory(dir)) {
      Image image = image(out, Platform.of("linux", "amd64"), 4, seed);
      tag(out, image, tag);
      return image;
    }
  }

  /** A ustar archive of regular files (mode 0644, fixed times), in the map's iteration order. */
  static Bytes tar(Map<String, byte[]> files) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> f : new java.util.TreeMap<>(files).entrySet()) {
      byte[] header = new byte[512];
      put(header, 0, f.getKey(), 100);
      put(header, 100, "0000644", 8);
      put(header, 108, "0000000", 8);
      put(header, 116, "0000000", 8);
      put(header, 124, String.format("%011o", f.getValue().length), 12);
      put(header, 136, String.format("%011o", 1_700_000_000L), 12);
      for (int i = 148; i < 156; i++) {
        header[i] = ' ';
      }
      header[156] = '0';
      put(header, 257, "ustar", 6);
      put(header, 263, "00", 2);
      long sum = 0;
      for (byte b : header) {
        sum += b & 0xff;
      }
      put(header, 148, String.format("%06o", sum), 7);
      header[155] = ' ';
      out.write(header);
      out.write(f.getValue());
      int pad = (512 - f.getValue().length % 512) % 512;
      out.write(new byte[pad]);
    }
    out.write(new byte[1024]);
    return Bytes.of(out.toByteArray());
  }

  static Bytes gzip(Bytes content) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(buffer)) {
      content.writeTo(gz);
    }
    return Bytes.of(buffer.toByteArray());
  }

  private static void put(byte[] header, int offset, String value, int length) {
    byte[] b = value.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, header, offset, Math.min(b.length, length));
  }
}
