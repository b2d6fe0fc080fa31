package io.wharf.oci.server.lifecycle;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.retention.RetentionCandidate;
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
import java.util.Set;
import java.util.TreeSet;

/**
 * The JSON of lifecycle runs, one shape wherever it is written: the {@link LifecycleEndpoint}'s
 * answers, {@code wharf gc --json} and {@code wharf retention --json}. A garbage collection report
 * is one object:
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
 *
 * <p>A retention report is one object too, an outcome per artifact judged ({@code pulledAt} left
 * out for an artifact never pulled; {@code followers}: the referrers and children deleted with it):
 *
 * <pre>{@code
 * {"summary":"retention (dry run) in 1 projects: would delete 1 of 3 artifacts ...",
 *  "dryRun":true,"startedAt":"2025-01-02T03:04:05Z","finishedAt":"2025-01-02T03:04:06Z",
 *  "projects":["library"],"deleted":1,
 *  "outcomes":[{"repository":"library/app","digest":"sha256:...","tags":["v1"],
 *               "pushedAt":"2025-01-01T00:00:00Z","pulledAt":"2025-01-01T10:00:00Z",
 *               "deleted":true,"reason":"no rule retains it","followers":["sha256:..."]}]}
 * }</pre>
 *
 * Fields may be added; none will change meaning. Written by Jackson's generator, never pieced
 * together.
 */
public final class LifecycleJson {

  /** The longest JSON text {@link #readGcReport} reads: 64 MiB of characters. */
  public static final int MAX_CHARS = 64 << 20;

  /**
   * The most items {@link #readGcReport} reads, and the most outcomes, and followers in all, that
   * {@link #readRetentionReport} reads.
   */
  public static final int MAX_ITEMS = 1_000_000;

  /** The most projects {@link #readRetentionReport} reads (as many as a policy set may name). */
  public static final int MAX_PROJECTS = 10_000;

  /** The longest project name {@link #readRetentionReport} reads. */
  static final int MAX_PROJECT_LENGTH = 255;

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

  /** {@code report} as JSON, ending with a line break. */
  public static String retentionReport(RetentionReport report) {
    return write(g -> retentionReport(g, report));
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

  private static void retentionReport(JsonGenerator g, RetentionReport r) throws IOException {
    g.writeStartObject();
    g.writeStringField("summary", r.summary());
    g.writeBooleanField("dryRun", r.dryRun());
    g.writeStringField("startedAt", r.startedAt().toString());
    g.writeStringField("finishedAt", r.finishedAt().toString());
    g.writeArrayFieldStart("projects");
    for (String project : new TreeSet<>(r.projects())) {
      g.writeString(project);
    }
    g.writeEndArray();
    g.writeNumberField("deleted", r.deleted().size());
    g.writeArrayFieldStart("outcomes");
    for (RetentionReport.Outcome o : r.outcomes()) {
      RetentionCandidate a = o.artifact();
      g.writeStartObject();
      g.writeStringField("repository", a.repository().value());
      g.writeStringField("digest", a.digest().toString());
      g.writeArrayFieldStart("tags");
      for (Tag tag : a.tags()) {
        g.writeString(tag.value());
      }
      g.writeEndArray();
      g.writeStringField("pushedAt", a.pushedAt().toString());
      if (a.pulledAt().isPresent()) {
        g.writeStringField("pulledAt", a.pulledAt().get().toString());
      }
      g.writeBooleanField("deleted", o.deleted());
      g.writeStringField("reason", o.reason());
      g.writeArrayFieldStart("followers");
      for (Digest follower : o.followers()) {
        g.writeString(follower.toString());
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * Reads a report written by {@link #retentionReport(RetentionReport)} (by this or another Wharf:
   * fields it does not know are ignored; {@code summary} and {@code deleted} are made again from
   * the rest).
   *
   * @throws InvalidReportException when {@code json} is not such a report: not JSON, longer than
   *     {@link #MAX_CHARS}, a field missing or of the wrong kind, a repository, digest, tag or time
   *     that does not parse, more than {@link #MAX_PROJECTS} projects or {@link #MAX_ITEMS}
   *     outcomes or followers; the message names the field
   */
  public static RetentionReport readRetentionReport(String json) {
    JsonNode root = root(json);
    List<String> projects = new ArrayList<>();
    JsonNode projectNodes = array(root, "", "projects", MAX_PROJECTS);
    for (int i = 0; i < projectNodes.size(); i++) {
      JsonNode p = projectNodes.get(i);
      String at = "projects[" + i + "]";
      if (!p.isTextual()
          || p.textValue().isEmpty()
          || p.textValue().length() > MAX_PROJECT_LENGTH) {
        throw new InvalidReportException(
            at + ": expected a project name of 1 to " + MAX_PROJECT_LENGTH + " characters");
      }
      projects.add(p.textValue());
    }
    JsonNode outcomeNodes = array(root, "", "outcomes", MAX_ITEMS);
    List<RetentionReport.Outcome> outcomes = new ArrayList<>(outcomeNodes.size());
    long followers = 0;
    for (int i = 0; i < outcomeNodes.size(); i++) {
      RetentionReport.Outcome o = outcome(outcomeNodes.get(i), "outcomes[" + i + "]");
      followers += o.followers().size();
      if (followers > MAX_ITEMS) {
        throw new InvalidReportException("outcomes: more than " + MAX_ITEMS + " followers in all");
      }
      outcomes.add(o);
    }
    return new RetentionReport(
        bool(root, "dryRun"),
        instant(root, "", "startedAt"),
        instant(root, "", "finishedAt"),
        Set.copyOf(projects),
        outcomes);
  }

  private static RetentionReport.Outcome outcome(JsonNode node, String at) {
    if (node == null || !node.isObject()) {
      throw new InvalidReportException(at + ": expected an object");
    }
    RepositoryName repository = repository(node, at);
    Digest digest = digest(text(node, at, "digest"), at + ".digest");
    List<Tag> tags = new ArrayList<>();
    JsonNode tagNodes = array(node, at, "tags", MAX_ITEMS);
    for (int i = 0; i < tagNodes.size(); i++) {
      String where = at + ".tags[" + i + "]";
      JsonNode t = tagNodes.get(i);
      if (!t.isTextual()) {
        throw new InvalidReportException(where + ": expected a string");
      }
      try {
        tags.add(Tag.of(t.textValue()));
      } catch (RuntimeException e) {
        throw new InvalidReportException(where + ": not a tag: '" + shown(t.textValue()) + "'", e);
      }
    }
    Optional<Instant> pulledAt =
        node.has("pulledAt") ? Optional.of(instant(node, at, "pulledAt")) : Optional.empty();
    RetentionCandidate artifact =
        new RetentionCandidate(repository, digest, tags, instant(node, at, "pushedAt"), pulledAt);
    JsonNode deleted = field(node, at, "deleted");
    if (!deleted.isBoolean()) {
      throw new InvalidReportException(at + ".deleted: expected true or false");
    }
    List<Digest> followers = new ArrayList<>();
    JsonNode followerNodes = array(node, at, "followers", MAX_ITEMS);
    for (int i = 0; i < followerNodes.size(); i++) {
      String where = at + ".followers[" + i + "]";
      JsonNode f = followerNodes.get(i);
      if (!f.isTextual()) {
        throw new InvalidReportException(where + ": expected a string");
      }
      followers.add(digest(f.textValue(), where));
    }
    return new RetentionReport.Outcome(
        artifact, deleted.booleanValue(), text(node, at, "reason"), followers);
  }

  /** The JSON object of a report of at most {@link #MAX_CHARS} characters. */
  private static JsonNode root(String json) {
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
    return root;
  }

  private static JsonNode array(JsonNode node, String at, String name, int max) {
    JsonNode value = node.get(name);
    if (value == null || !value.isArray()) {
      throw new InvalidReportException(path(at, name) + ": expected an array");
    }
    if (value.size() > max) {
      throw new InvalidReportException(path(at, name) + ": more than " + max);
    }
    return value;
  }

  private static RepositoryName repository(JsonNode node, String at) {
    String name = text(node, at, "repository");
    try {
      return new RepositoryName(name);
    } catch (RuntimeException e) {
      throw new InvalidReportException(
          at + ".repository: not a repository name: '" + shown(name) + "'", e);
    }
  }

  private static Digest digest(String text, String at) {
    try {
      return Digest.parse(text);
    } catch (RuntimeException e) {
      throw new InvalidReportException(at + ": not a digest: '" + shown(text) + "'", e);
    }
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
    JsonNode root = root(json);
    JsonNode items = array(root, "", "items", MAX_ITEMS);
    List<GcItem> list = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      list.add(item(items.get(i), "items[" + i + "]"));
    }
    Instant started = instant(root, "", "startedAt");
    Instant finished = instant(root, "", "finishedAt");
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
    Optional<RepositoryName> repository =
        node.has("repository") ? Optional.of(repository(node, at)) : Optional.empty();
    Digest digest = digest(text(node, at, "digest"), at + ".digest");
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

  private static Instant instant(JsonNode node, String at, String name) {
    String text = text(node, at, name);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidReportException(
          path(at, name) + ": not an ISO-8601 instant: '" + shown(text) + "'");
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
