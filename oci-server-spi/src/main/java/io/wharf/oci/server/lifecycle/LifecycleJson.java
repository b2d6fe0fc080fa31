package io.wharf.oci.server.lifecycle;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.storage.lifecycle.GcItem;
import io.wharf.oci.storage.lifecycle.GcReport;
import io.wharf.oci.storage.lifecycle.GcRequest;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The JSON of lifecycle runs, one shape wherever it is written: the {@link LifecycleEndpoint}'s
 * answers and {@code wharf gc --json}. A garbage collection report is one object:
 *
 * <pre>{@code
 * {"summary":"garbage collection (dry run, full) would delete ...",
 *  "dryRun":true,"full":true,"startedAt":"2025-01-02T03:04:05Z","finishedAt":"2025-01-02T03:04:06Z",
 *  "gracePeriod":"PT24H","repositories":3,"manifestsDeleted":0,"linksRemoved":1,"blobsDeleted":1,
 *  "bytesReclaimed":1234,"keptYoung":0,
 *  "items":[{"kind":"blob","digest":"sha256:...","size":1234,"reason":"no repository links it"},
 *           {"kind":"link","repository":"team/app","digest":"sha256:...","size":1234,
 *            "reason":"no manifest of the repository refers to it"}],
 *  "itemsTruncated":false}
 * }</pre>
 *
 * Times are ISO-8601 instants, the grace period an ISO-8601 duration, sizes bytes; {@code kind} is
 * {@code manifest}, {@code link} or {@code blob}, and {@code repository} is left out for a blob.
 * Fields may be added; none will change meaning. Written by Jackson's generator, never pieced
 * together.
 */
public final class LifecycleJson {

  /** The longest JSON text {@link #readGcReport} reads: 64 MiB of characters. */
  public static final int MAX_CHARS = 64 << 20;

  /** The most items {@link #readGcReport} reads. */
  public static final int MAX_ITEMS = 1_000_000;

  private static final ObjectMapper MAPPER =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(16)
                      .maxStringLength(1 << 20)
                      .maxNumberLength(32)
                      .build())
              .build());

  private LifecycleJson() {}

  /** {@code report} as JSON, ending with a line break. */
  public static String gcReport(GcReport report) {
    return write(g -> gcReport(g, report));
  }

  /** {@code run} as JSON: {@code job}, {@code id}, {@code trigger}, times, {@code summary}. */
  public static String jobRun(JobRun run) {
    return write(g -> jobRun(g, run));
  }

  /**
   * The jobs as JSON: {@code {"jobs":[{"name":"gc","schedule":"0 3 * * *","nextRun":...,
   * "runningSince":...,"lastRun":{...}}]}}, absent fields left out.
   */
  public static String jobs(List<JobStatus> jobs) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("jobs");
          for (JobStatus job : jobs) {
            g.writeStartObject();
            g.writeStringField("name", job.name());
            if (job.schedule().isPresent()) {
              g.writeStringField("schedule", job.schedule().get().expression());
            }
            if (job.nextRun().isPresent()) {
              g.writeStringField("nextRun", job.nextRun().get().toString());
            }
            if (job.runningSince().isPresent()) {
              g.writeStringField("runningSince", job.runningSince().get().toString());
            }
            if (job.lastRun().isPresent()) {
              g.writeFieldName("lastRun");
              jobRun(g, job.lastRun().get());
            }
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  @FunctionalInterface
  private interface Writing {
    void to(JsonGenerator g) throws IOException;
  }

  private static String write(Writing writing) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      writing.to(g);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write JSON in memory", e);
    }
    return out.append('\n').toString();
  }

  private static void jobRun(JsonGenerator g, JobRun run) throws IOException {
    g.writeStartObject();
    g.writeStringField("job", run.job());
    g.writeStringField("id", run.id());
    g.writeStringField("trigger", run.trigger().name().toLowerCase(Locale.ROOT));
    g.writeStringField("actor", run.actor().toString());
    g.writeStringField("startedAt", run.startedAt().toString());
    g.writeStringField("finishedAt", run.finishedAt().toString());
    g.writeBooleanField("succeeded", run.succeeded());
    g.writeStringField("summary", run.summary());
    g.writeEndObject();
  }

  private static void gcReport(JsonGenerator g, GcReport r) throws IOException {
    g.writeStartObject();
    g.writeStringField("summary", r.summary());
    g.writeBooleanField("dryRun", r.request().dryRun());
    g.writeBooleanField("full", r.request().full());
    g.writeStringField("startedAt", r.startedAt().toString());
    g.writeStringField("finishedAt", r.finishedAt().toString());
    g.writeStringField("gracePeriod", r.gracePeriod().toString());
    g.writeNumberField("repositories", r.repositories());
    g.writeNumberField("manifestsDeleted", r.manifestsDeleted());
    g.writeNumberField("linksRemoved", r.linksRemoved());
    g.writeNumberField("blobsDeleted", r.blobsDeleted());
    g.writeNumberField("bytesReclaimed", r.bytesReclaimed());
    g.writeNumberField("keptYoung", r.keptYoung());
    g.writeArrayFieldStart("items");
    for (GcItem item : r.items()) {
      g.writeStartObject();
      g.writeStringField("kind", item.kind().name().toLowerCase(Locale.ROOT));
      if (item.repository().isPresent()) {
        g.writeStringField("repository", item.repository().get().value());
      }
      g.writeStringField("digest", item.digest().toString());
      g.writeNumberField("size", item.size());
      g.writeStringField("reason", item.reason());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeBooleanField("itemsTruncated", r.itemsTruncated());
    g.writeEndObject();
  }

  /**
   * Reads a report written by {@link #gcReport(GcReport)} (by this or another Wharf: fields it does
   * not know are ignored, {@code summary} is made again from the rest).
   *
   * @throws InvalidReportException when {@code json} is not such a report: not JSON, longer than
   *     {@link #MAX_CHARS}, a field missing or of the wrong kind, a negative count, more than
   *     {@link #MAX_ITEMS} items; the message names the field
   */
  public static GcReport readGcReport(String json) {
    if (json.length() > MAX_CHARS) {
      throw new InvalidReportException("a report is at most " + MAX_CHARS + " characters");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidReportException(
          "not JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidReportException("a report is a JSON object");
    }
    JsonNode items = root.get("items");
    if (items == null || !items.isArray()) {
      throw new InvalidReportException("items: expected an array");
    }
    if (items.size() > MAX_ITEMS) {
      throw new InvalidReportException("items: more than " + MAX_ITEMS);
    }
    List<GcItem> list = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      list.add(item(items.get(i), "items[" + i + "]"));
    }
    Instant started = instant(root, "startedAt");
    Instant finished = instant(root, "finishedAt");
    Duration grace;
    String graceText = text(root, "gracePeriod");
    try {
      grace = Duration.parse(graceText);
    } catch (DateTimeParseException e) {
      throw new InvalidReportException("gracePeriod: not an ISO-8601 duration: " + graceText);
    }
    if (grace.isNegative()) {
      throw new InvalidReportException("gracePeriod: negative");
    }
    return new GcReport(
        new GcRequest(bool(root, "dryRun"), bool(root, "full")),
        started,
        finished,
        grace,
        count(root, "repositories"),
        count(root, "manifestsDeleted"),
        count(root, "linksRemoved"),
        count(root, "blobsDeleted"),
        count(root, "bytesReclaimed"),
        count(root, "keptYoung"),
        list,
        bool(root, "itemsTruncated"));
  }

  private static GcItem item(JsonNode node, String at) {
    if (node == null || !node.isObject()) {
      throw new InvalidReportException(at + ": expected an object");
    }
    String kindText = text(node, at, "kind");
    GcItem.Kind kind = null;
    for (GcItem.Kind k : GcItem.Kind.values()) {
      if (k.name().toLowerCase(Locale.ROOT).equals(kindText)) {
        kind = k;
      }
    }
    if (kind == null) {
      throw new InvalidReportException(
          at + ".kind: expected manifest, link or blob, found '" + shown(kindText) + "'");
    }
    Optional<RepositoryName> repository = Optional.empty();
    if (node.has("repository")) {
      String name = text(node, at, "repository");
      try {
        repository = Optional.of(new RepositoryName(name));
      } catch (RuntimeException e) {
        throw new InvalidReportException(
            at + ".repository: not a repository name: '" + shown(name) + "'", e);
      }
    }
    String digestText = text(node, at, "digest");
    Digest digest;
    try {
      digest = Digest.parse(digestText);
    } catch (RuntimeException e) {
      throw new InvalidReportException(
          at + ".digest: not a digest: '" + shown(digestText) + "'", e);
    }
    return new GcItem(kind, repository, digest, count(node, at, "size"), text(node, at, "reason"));
  }

  private static JsonNode field(JsonNode node, String at, String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      throw new InvalidReportException(path(at, name) + ": missing");
    }
    return value;
  }

  private static String path(String at, String name) {
    return at.isEmpty() ? name : at + "." + name;
  }

  private static String text(JsonNode node, String name) {
    return text(node, "", name);
  }

  private static String text(JsonNode node, String at, String name) {
    JsonNode value = field(node, at, name);
    if (!value.isTextual()) {
      throw new InvalidReportException(path(at, name) + ": expected a string");
    }
    return value.textValue();
  }

  private static boolean bool(JsonNode node, String name) {
    JsonNode value = field(node, "", name);
    if (!value.isBoolean()) {
      throw new InvalidReportException(name + ": expected true or false");
    }
    return value.booleanValue();
  }

  private static long count(JsonNode node, String name) {
    return count(node, "", name);
  }

  private static long count(JsonNode node, String at, String name) {
    JsonNode value = field(node, at, name);
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
      throw new InvalidReportException(path(at, name) + ": expected a whole number, at least 0");
    }
    return value.longValue();
  }

  private static Instant instant(JsonNode node, String name) {
    String text = text(node, name);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidReportException(name + ": not an ISO-8601 instant: '" + shown(text) + "'");
    }
  }

  /** A stranger's text in a message: at most 100 characters, no control characters. */
  static String shown(String text) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < text.length() && s.length() < 100; i++) {
      char c = text.charAt(i);
      s.append(Character.isISOControl(c) ? '?' : c);
    }
    return text.length() > 100 ? s + "..." : s.toString();
  }
}
