package io.wharf.oci.model.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageConfig;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Decoding and canonical encoding of image configurations. */
public final class ConfigJson {

  private static final ErrorCode CODE = ErrorCode.MANIFEST_INVALID;

  /** The keys of image-spec's {@code Image}. */
  private static final Keys CONFIG_KEYS =
      Keys.of(
          "created",
          "author",
          "architecture",
          "variant",
          "os",
          "os.version",
          "os.features",
          "config",
          "rootfs",
          "history");

  /** The keys of image-spec's {@code ImageConfig} that Wharf reads. */
  private static final Keys CONTAINER_CONFIG_KEYS =
      Keys.of(
          "User",
          "ExposedPorts",
          "Env",
          "Entrypoint",
          "Cmd",
          "Volumes",
          "WorkingDir",
          "Labels",
          "StopSignal",
          "ArgsEscaped");

  /** The keys of image-spec's {@code RootFS}. */
  private static final Keys ROOTFS_KEYS = Keys.of("type", "diff_ids");

  /** The keys of image-spec's {@code History}. */
  private static final Keys HISTORY_KEYS =
      Keys.of("created", "created_by", "author", "comment", "empty_layer");

  /**
   * RFC 3339 as Go's {@code time.Time} reads it and {@link OffsetDateTime} too: seconds required,
   * upper-case {@code T} and {@code Z}, an offset of hours and minutes, at most nanoseconds.
   */
  private static final Pattern RFC_3339 =
      Pattern.compile(
          "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})");

  private ConfigJson() {}

  /** Decodes and validates a configuration. */
  public static ImageConfig decode(Bytes bytes) {
    Fields f = Fields.of(Json.read(bytes, "image config", CODE), "", CODE, CONFIG_KEYS);
    Optional<String> created = timestamp(f, "created");
    String architecture = f.string("architecture");
    String os = f.string("os");
    Fields rootfs = f.object("rootfs", ROOTFS_KEYS);
    String type = rootfs.string("type");
    if (!type.equals("layers")) {
      throw rootfs.error("type", "must be \"layers\", got \"" + type + "\"");
    }
    List<String> diffIdTexts = rootfs.strings("diff_ids");
    if (!rootfs.has("diff_ids")) {
      throw rootfs.error("diff_ids", "is required");
    }
    List<Digest> diffIds = new ArrayList<>(diffIdTexts.size());
    for (int i = 0; i < diffIdTexts.size(); i++) {
      try {
        diffIds.add(Digest.parse(diffIdTexts.get(i)));
      } catch (InvalidContentException e) {
        throw new InvalidContentException(CODE, "rootfs.diff_ids[" + i + "]: " + e.getMessage());
      }
    }
    List<ImageConfig.History> history =
        f.has("history")
            ? f.objects(
                "history",
                HISTORY_KEYS,
                h ->
                    new ImageConfig.History(
                        timestamp(h, "created"),
                        h.optString("created_by"),
                        h.optString("author"),
                        h.optString("comment"),
                        h.optBoolean("empty_layer").orElse(false)))
            : List.of();
    return new ImageConfig(
        created,
        f.optString("author"),
        architecture,
        os,
        f.optString("os.version"),
        f.strings("os.features"),
        f.optString("variant"),
        f.optObject("config", CONTAINER_CONFIG_KEYS).map(ConfigJson::containerConfig),
        new ImageConfig.RootFs(type, diffIds),
        history);
  }

  private static Optional<String> timestamp(Fields f, String name) {
    Optional<String> value = f.optString(name);
    value.ifPresent(
        s -> {
          try {
            if (!RFC_3339.matcher(s).matches()) {
              throw new DateTimeParseException("not RFC 3339 as Go reads it", s, 0);
            }
            OffsetDateTime.parse(s);
          } catch (DateTimeParseException e) {
            throw f.error(name, "must be an RFC 3339 date-time, got \"" + s + "\"");
          }
        });
    return value;
  }

  private static ImageConfig.ContainerConfig containerConfig(Fields c) {
    return new ImageConfig.ContainerConfig(
        c.optString("User"),
        keys(c, "ExposedPorts"),
        c.strings("Env"),
        c.has("Entrypoint") ? Optional.of(c.strings("Entrypoint")) : Optional.empty(),
        c.has("Cmd") ? Optional.of(c.strings("Cmd")) : Optional.empty(),
        keys(c, "Volumes"),
        c.optString("WorkingDir"),
        c.stringMap("Labels"),
        c.optString("StopSignal"),
        c.optBoolean("ArgsEscaped"));
  }

  private static Set<String> keys(Fields c, String name) {
    Optional<JsonNode> node = c.node(name);
    if (node.isEmpty()) {
      return Set.of();
    }
    if (!node.get().isObject()) {
      throw c.error(name, "must be an object whose keys are the values");
    }
    Set<String> keys = new LinkedHashSet<>();
    for (var e : node.get().properties()) {
      if (!e.getValue().isObject()) {
        throw new InvalidContentException(
            CODE, c.pathOf(name) + "." + e.getKey() + ": must be an empty object");
      }
      keys.add(e.getKey());
    }
    return keys;
  }

  /** Canonical bytes of {@code config}, in the field order of image-spec's Go struct. */
  public static Bytes encode(ImageConfig config) {
    return Json.write(g -> write(g, config));
  }

  private static void write(JsonGenerator g, ImageConfig c) throws IOException {
    g.writeStartObject();
    optional(g, "created", c.created());
    optional(g, "author", c.author());
    g.writeStringField("architecture", c.architecture());
    optional(g, "variant", c.variant());
    g.writeStringField("os", c.os());
    optional(g, "os.version", c.osVersion());
    ManifestJson.writeStrings(g, "os.features", c.osFeatures());
    if (c.config().isPresent()) {
      ImageConfig.ContainerConfig cc = c.config().get();
      g.writeObjectFieldStart("config");
      optional(g, "User", cc.user());
      writeKeys(g, "ExposedPorts", cc.exposedPorts());
      ManifestJson.writeStrings(g, "Env", cc.env());
      if (cc.entrypoint().isPresent()) {
        writeList(g, "Entrypoint", cc.entrypoint().get());
      }
      if (cc.cmd().isPresent()) {
        writeList(g, "Cmd", cc.cmd().get());
      }
      writeKeys(g, "Volumes", cc.volumes());
      optional(g, "WorkingDir", cc.workingDir());
      ManifestJson.writeStringMap(g, "Labels", cc.labels());
      optional(g, "StopSignal", cc.stopSignal());
      if (cc.argsEscaped().isPresent()) {
        g.writeBooleanField("ArgsEscaped", cc.argsEscaped().get());
      }
      g.writeEndObject();
    }
    g.writeObjectFieldStart("rootfs");
    g.writeStringField("type", c.rootfs().type());
    g.writeArrayFieldStart("diff_ids");
    for (Digest d : c.rootfs().diffIds()) {
      g.writeString(d.toString());
    }
    g.writeEndArray();
    g.writeEndObject();
    if (!c.history().isEmpty()) {
      g.writeArrayFieldStart("history");
      for (ImageConfig.History h : c.history()) {
        g.writeStartObject();
        optional(g, "created", h.created());
        optional(g, "created_by", h.createdBy());
        optional(g, "author", h.author());
        optional(g, "comment", h.comment());
        if (h.emptyLayer()) {
          g.writeBooleanField("empty_layer", true);
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void optional(JsonGenerator g, String name, Optional<String> value)
      throws IOException {
    if (value.isPresent()) {
      g.writeStringField(name, value.get());
    }
  }

  private static void writeList(JsonGenerator g, String name, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  private static void writeKeys(JsonGenerator g, String name, Set<String> keys) throws IOException {
    if (keys.isEmpty()) {
      return;
    }
    g.writeObjectFieldStart(name);
    for (String k : keys) {
      g.writeObjectFieldStart(k);
      g.writeEndObject();
    }
    g.writeEndObject();
  }
}
