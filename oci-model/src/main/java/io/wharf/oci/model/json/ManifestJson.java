package io.wharf.oci.model.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.Platform;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** Decoding and canonical encoding of manifests, indexes and descriptors. */
public final class ManifestJson {

  private static final ErrorCode CODE = ErrorCode.MANIFEST_INVALID;

  /**
   * The keys of a manifest or index: image-spec's {@code Manifest} and {@code Index}, Docker's
   * schema 2 manifest and manifest list, in one set because clients guess the kind from {@code
   * manifests}, {@code config} and {@code layers}.
   */
  static final Keys MANIFEST_KEYS =
      Keys.of(
          "schemaVersion",
          "mediaType",
          "artifactType",
          "config",
          "layers",
          "manifests",
          "subject",
          "annotations");

  /** The keys of image-spec's {@code Descriptor} (and Docker's). */
  static final Keys DESCRIPTOR_KEYS =
      Keys.of(
          "mediaType", "digest", "size", "urls", "annotations", "data", "platform", "artifactType");

  /** The keys of image-spec's {@code Platform} (and Docker's {@code PlatformSpec}). */
  static final Keys PLATFORM_KEYS =
      Keys.of("architecture", "os", "os.version", "os.features", "variant", "features");

  private ManifestJson() {}

  /** A decoded manifest. */
  public record Decoded(Manifest manifest) {}

  /**
   * Decodes and validates a manifest.
   *
   * @param declared the declared media type (Content-Type), or null
   */
  public static Decoded decode(Bytes bytes, @Nullable MediaType declared) {
    JsonNode root = Json.read(bytes, "manifest", CODE);
    Fields f = Fields.of(root, "", CODE, MANIFEST_KEYS);

    Optional<MediaType> bodyType = f.optString("mediaType").map(s -> mediaType(f, "mediaType", s));
    if (declared != null && isGeneric(declared)) {
      declared = null;
    }
    if (bodyType.isPresent() && bodyType.get().isSchema1()
        || declared != null && declared.isSchema1()) {
      throw schema1();
    }
    if (bodyType.isPresent()
        && bodyType.get().isManifest()
        && !bodyType.get().value().equals(bodyType.get().essence())) {
      // Go clients compare the field with the exact string: they could not read this manifest.
      throw f.error(
          "mediaType",
          "must be exactly \""
              + bodyType.get().essence()
              + "\", not "
              + Json.quoted(bodyType.get().value()));
    }
    if (!f.has("schemaVersion")) {
      throw f.error("schemaVersion", "is required");
    }
    int schemaVersion;
    try {
      schemaVersion = f.integer("schemaVersion");
    } catch (InvalidContentException e) {
      throw f.error("schemaVersion", "must be the integer 2");
    }
    if (schemaVersion == 1) {
      throw schema1();
    }
    if (schemaVersion != 2) {
      throw f.error("schemaVersion", "unsupported version " + schemaVersion + ", expected 2");
    }
    if (declared != null && bodyType.isPresent() && !bodyType.get().is(declared)) {
      throw new InvalidContentException(
          CODE,
          "declared media type "
              + declared
              + " does not match the manifest's mediaType "
              + bodyType.get());
    }
    boolean looksLikeIndex = f.has("manifests");
    boolean looksLikeManifest = f.has("config") || f.has("layers");
    if (looksLikeIndex && looksLikeManifest) {
      throw new InvalidContentException(
          CODE, "manifest has both 'manifests' and 'config'/'layers': it is ambiguous");
    }
    MediaType type =
        bodyType.orElse(
            declared != null
                ? declared
                : looksLikeIndex
                    ? MediaType.OCI_IMAGE_INDEX
                    : looksLikeManifest ? MediaType.OCI_IMAGE_MANIFEST : null);
    if (type == null) {
      throw new InvalidContentException(
          CODE, "manifest has no mediaType and neither 'manifests' nor 'config': not a manifest");
    }
    if (type.isIndex()) {
      if (looksLikeManifest) {
        throw new InvalidContentException(CODE, type + " must not have 'config' or 'layers'");
      }
      return new Decoded(index(f, schemaVersion, type));
    }
    if (type.isImageManifest()) {
      if (looksLikeIndex) {
        throw new InvalidContentException(CODE, type + " must not have 'manifests'");
      }
      return new Decoded(imageManifest(f, schemaVersion, type));
    }
    throw new InvalidContentException(
        CODE, "unsupported manifest media type " + type + ": not an image manifest or index");
  }

  private static boolean isGeneric(MediaType type) {
    return type.is(MediaType.JSON) || type.is(MediaType.OCTET_STREAM);
  }

  private static InvalidContentException schema1() {
    return new InvalidContentException(
        CODE,
        "Docker schema 1 manifests are not supported: convert the image to Docker schema 2 or OCI"
            + " (e.g. skopeo copy --format v2s2)");
  }

  private static ImageManifest imageManifest(Fields f, int schemaVersion, MediaType type) {
    Descriptor config = descriptor(f.object("config", DESCRIPTOR_KEYS));
    if (!f.has("layers")) {
      throw f.error("layers", "is required");
    }
    List<Descriptor> layers = f.objects("layers", DESCRIPTOR_KEYS, ManifestJson::descriptor);
    return wrap(
        () ->
            new ImageManifest(
                schemaVersion,
                type,
                f.optString("artifactType").map(s -> mediaType(f, "artifactType", s)),
                config,
                layers,
                f.optObject("subject", DESCRIPTOR_KEYS).map(ManifestJson::descriptor),
                f.stringMap("annotations")));
  }

  private static ImageIndex index(Fields f, int schemaVersion, MediaType type) {
    List<Descriptor> manifests = f.objects("manifests", DESCRIPTOR_KEYS, ManifestJson::descriptor);
    return wrap(
        () ->
            new ImageIndex(
                schemaVersion,
                type,
                f.optString("artifactType").map(s -> mediaType(f, "artifactType", s)),
                manifests,
                f.optObject("subject", DESCRIPTOR_KEYS).map(ManifestJson::descriptor),
                f.stringMap("annotations")));
  }

  /** Decodes one descriptor object; errors name its path. */
  public static Descriptor descriptor(Fields f) {
    MediaType mediaType = mediaType(f, "mediaType", f.string("mediaType"));
    Digest digest = digest(f, "digest", f.string("digest"));
    long size = f.size("size");
    List<String> urls = f.strings("urls");
    Optional<Bytes> data =
        f.optString("data")
            .map(
                s -> {
                  // Go reads []byte as standard base64 with padding; Java's decoder would also
                  // take it without.
                  try {
                    if (s.length() % 4 == 0) {
                      return Bytes.of(Base64.getDecoder().decode(s));
                    }
                  } catch (IllegalArgumentException e) {
                    // refused below
                  }
                  throw f.error("data", "is not valid base64 with padding");
                });
    Optional<Platform> platform =
        f.optObject("platform", PLATFORM_KEYS).map(ManifestJson::platform);
    Optional<MediaType> artifactType =
        f.optString("artifactType").map(s -> mediaType(f, "artifactType", s));
    return wrapAt(
        f.path(),
        () ->
            new Descriptor(
                mediaType,
                digest,
                size,
                urls,
                f.stringMap("annotations"),
                data,
                platform,
                artifactType));
  }

  /** Decodes a platform object. */
  public static Platform platform(Fields f) {
    String architecture = f.string("architecture");
    String os = f.string("os");
    return wrapAt(
        f.path(),
        () ->
            new Platform(
                architecture,
                os,
                f.optString("os.version"),
                f.strings("os.features"),
                f.optString("variant"),
                f.strings("features")));
  }

  private static MediaType mediaType(Fields f, String name, String value) {
    try {
      return new MediaType(value);
    } catch (InvalidContentException e) {
      throw f.error(name, e.getMessage());
    }
  }

  private static Digest digest(Fields f, String name, String value) {
    try {
      return Digest.parse(value);
    } catch (InvalidContentException e) {
      throw new InvalidContentException(CODE, f.pathOf(name) + ": " + e.getMessage());
    }
  }

  private interface Construct<T> {
    T get();
  }

  private static <T> T wrap(Construct<T> construct) {
    try {
      return construct.get();
    } catch (InvalidContentException e) {
      throw e.code() == CODE ? e : new InvalidContentException(CODE, e.getMessage());
    }
  }

  /** Decodes a standalone descriptor. */
  public static Descriptor decodeDescriptor(Bytes bytes) {
    return descriptor(Fields.of(Json.read(bytes, "descriptor", CODE), "", CODE, DESCRIPTOR_KEYS));
  }

  private static <T> T wrapAt(String path, Construct<T> construct) {
    try {
      return construct.get();
    } catch (InvalidContentException e) {
      String message = String.valueOf(e.getMessage());
      boolean hasPath = path.isEmpty() || message.startsWith(path + ".");
      throw new InvalidContentException(CODE, hasPath ? message : path + ": " + message);
    }
  }

  /** Canonical bytes of {@code manifest}. */
  public static Bytes encode(Manifest manifest) {
    return Json.write(g -> writeManifest(g, manifest));
  }

  /** Canonical bytes of one descriptor. */
  public static Bytes encode(Descriptor descriptor) {
    return Json.write(g -> writeDescriptor(g, descriptor));
  }

  private static void writeManifest(JsonGenerator g, Manifest manifest) throws IOException {
    g.writeStartObject();
    g.writeNumberField("schemaVersion", manifest.schemaVersion());
    g.writeStringField("mediaType", manifest.mediaType().value());
    if (manifest.artifactType().isPresent()) {
      g.writeStringField("artifactType", manifest.artifactType().get().value());
    }
    if (manifest instanceof ImageManifest m) {
      g.writeFieldName("config");
      writeDescriptor(g, m.config());
      writeDescriptors(g, "layers", m.layers());
    } else if (manifest instanceof ImageIndex i) {
      writeDescriptors(g, "manifests", i.manifests());
    }
    if (manifest.subject().isPresent()) {
      g.writeFieldName("subject");
      writeDescriptor(g, manifest.subject().get());
    }
    writeStringMap(g, "annotations", manifest.annotations());
    g.writeEndObject();
  }

  private static void writeDescriptors(JsonGenerator g, String name, List<Descriptor> list)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (Descriptor d : list) {
      writeDescriptor(g, d);
    }
    g.writeEndArray();
  }

  private static void writeDescriptor(JsonGenerator g, Descriptor d) throws IOException {
    g.writeStartObject();
    g.writeStringField("mediaType", d.mediaType().value());
    g.writeStringField("digest", d.digest().toString());
    g.writeNumberField("size", d.size());
    if (!d.urls().isEmpty()) {
      g.writeArrayFieldStart("urls");
      for (String url : d.urls()) {
        g.writeString(url);
      }
      g.writeEndArray();
    }
    writeStringMap(g, "annotations", d.annotations());
    if (d.data().isPresent()) {
      g.writeStringField("data", Base64.getEncoder().encodeToString(d.data().get().toByteArray()));
    }
    if (d.platform().isPresent()) {
      Platform p = d.platform().get();
      g.writeObjectFieldStart("platform");
      g.writeStringField("architecture", p.architecture());
      g.writeStringField("os", p.os());
      if (p.osVersion().isPresent()) {
        g.writeStringField("os.version", p.osVersion().get());
      }
      writeStrings(g, "os.features", p.osFeatures());
      if (p.variant().isPresent()) {
        g.writeStringField("variant", p.variant().get());
      }
      writeStrings(g, "features", p.features());
      g.writeEndObject();
    }
    if (d.artifactType().isPresent()) {
      g.writeStringField("artifactType", d.artifactType().get().value());
    }
    g.writeEndObject();
  }

  static void writeStrings(JsonGenerator g, String name, List<String> values) throws IOException {
    if (values.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  static void writeStringMap(JsonGenerator g, String name, Map<String, String> map)
      throws IOException {
    if (map.isEmpty()) {
      return;
    }
    g.writeObjectFieldStart(name);
    for (var e : new TreeMap<>(map).entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }
}
