package io.wharf.cli;

import io.wharf.oci.server.lifecycle.InvalidScheduleException;
import io.wharf.oci.server.lifecycle.Lifecycle;
import io.wharf.oci.server.lifecycle.Schedule;
import io.wharf.oci.storage.lifecycle.GarbageCollector;
import io.wharf.oci.storage.lifecycle.UploadPurge;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The {@code lifecycle} section of {@code wharf.yaml}: when garbage collection, the purge of
 * abandoned uploads and retention run, and who may ask for runs over HTTP. Retention's rules are
 * not here: they are the {@code projects.NAME.retention} sections of the policy documents (the
 * {@code policies} section), so the job exists only with policies.
 *
 * <pre>
 * lifecycle:
 *   gc:
 *     schedule: "0 3 * * *"   # Unix cron, five fields, in the server's time zone; default: off
 *     gracePeriod: 24h         # content younger than this is never collected (default 24h)
 *     deleteUntagged: false    # collect untagged manifests nothing kept refers to (default false)
 *     fullEvery: 7             # every 7th scheduled run (and the first) is full (default 7)
 *     dutyCycle: 0.1           # share of the time a run works, pausing for requests (default 0.1)
 *   uploads:
 *     schedule: "0 * * * *"   # default: every hour; off turns it off
 *     ttl: 24h                 # uploads idle for longer are purged (default 24h)
 *   retention:
 *     schedule: "0 4 * * *"   # apply the retention rules; default: off (on request only)
 *   endpoint: admins           # admins (default with auth), loopback, off (default without auth)
 * </pre>
 *
 * Read from the YAML's nodes, so that every error names the file, line and column, and an unknown
 * key the closest known one.
 *
 * @param gcSchedule {@code gc.schedule}; empty: collections run only when asked
 * @param gracePeriod {@code gc.gracePeriod}
 * @param deleteUntagged {@code gc.deleteUntagged}
 * @param fullEvery {@code gc.fullEvery}
 * @param gcDutyCycle {@code gc.dutyCycle}, in (0, 1]
 * @param uploadSchedule {@code uploads.schedule}; empty: the purge runs only when asked
 * @param uploadTtl {@code uploads.ttl}
 * @param retentionSchedule {@code retention.schedule}; empty: retention runs only when asked
 * @param endpoint {@code endpoint}; empty: {@code admins} with access control, {@code off} without
 */
public record LifecycleConfig(
    Optional<Schedule> gcSchedule,
    Duration gracePeriod,
    boolean deleteUntagged,
    int fullEvery,
    double gcDutyCycle,
    Optional<Schedule> uploadSchedule,
    Duration uploadTtl,
    Optional<Schedule> retentionSchedule,
    Optional<EndpointMode> endpoint) {

  /** Who may use the lifecycle endpoint ({@code /_wharf/lifecycle}). */
  public enum EndpointMode {
    /** System administrators of the {@code auth} section, with Basic credentials. */
    ADMINS,
    /** Anyone connecting from this machine, without credentials: for a registry without auth. */
    LOOPBACK,
    /** Nobody: the endpoint is not served. */
    OFF
  }

  static final List<String> KEYS = List.of("gc", "uploads", "retention", "endpoint");
  static final List<String> GC_KEYS =
      List.of("schedule", "gracePeriod", "deleteUntagged", "fullEvery", "dutyCycle");
  static final List<String> UPLOAD_KEYS = List.of("schedule", "ttl");
  static final List<String> RETENTION_KEYS = List.of("schedule");

  /** Checks for nulls and ranges. */
  public LifecycleConfig {
    Objects.requireNonNull(gcSchedule, "gcSchedule");
    Objects.requireNonNull(gracePeriod, "gracePeriod");
    Objects.requireNonNull(uploadSchedule, "uploadSchedule");
    Objects.requireNonNull(uploadTtl, "uploadTtl");
    Objects.requireNonNull(retentionSchedule, "retentionSchedule");
    Objects.requireNonNull(endpoint, "endpoint");
    if (fullEvery < 1) {
      throw new IllegalArgumentException("fullEvery must be at least 1");
    }
    if (!(gcDutyCycle > 0 && gcDutyCycle <= 1)) {
      throw new IllegalArgumentException("gcDutyCycle must be in (0, 1]");
    }
  }

  /**
   * Collections only when asked, a grace period of 24 hours, untagged manifests kept, every 7th
   * scheduled run full, working a tenth of the time; uploads idle for 24 hours purged every hour;
   * retention only when asked; the endpoint as access control decides.
   */
  public static LifecycleConfig defaults() {
    return new LifecycleConfig(
        Optional.empty(),
        GarbageCollector.DEFAULT_GRACE_PERIOD,
        false,
        Lifecycle.DEFAULT_FULL_EVERY,
        Lifecycle.DEFAULT_GC_DUTY_CYCLE,
        Optional.of(Schedule.parse(Lifecycle.DEFAULT_UPLOAD_SCHEDULE)),
        UploadPurge.DEFAULT_TTL,
        Optional.empty(),
        Optional.empty());
  }

  /** This config with {@code endpoint} as the endpoint's mode. */
  public LifecycleConfig withEndpoint(EndpointMode endpoint) {
    return new LifecycleConfig(
        gcSchedule,
        gracePeriod,
        deleteUntagged,
        fullEvery,
        gcDutyCycle,
        uploadSchedule,
        uploadTtl,
        retentionSchedule,
        Optional.of(endpoint));
  }

  /**
   * The {@code lifecycle} section of the YAML document {@code text} (from file {@code source}),
   * over the defaults.
   *
   * @throws ConfigException naming {@code source}, line and column, and the key
   */
  static LifecycleConfig parse(String source, String text) throws ConfigException {
    Node root = ConfigNode.compose(source, text);
    LifecycleConfig d = defaults();
    if (root == null) {
      return d;
    }
    Reader r = new Reader(source);
    Node section = r.mapping(root, "", List.of()).get("lifecycle");
    if (section == null) {
      return d;
    }
    Map<String, Node> top = r.mapping(section, "lifecycle", KEYS);
    Optional<Schedule> gcSchedule = d.gcSchedule();
    Duration grace = d.gracePeriod();
    boolean untagged = d.deleteUntagged();
    int fullEvery = d.fullEvery();
    double dutyCycle = d.gcDutyCycle();
    Optional<Schedule> uploadSchedule = d.uploadSchedule();
    Duration ttl = d.uploadTtl();
    Optional<Schedule> retentionSchedule = d.retentionSchedule();
    Optional<EndpointMode> endpoint = Optional.empty();
    if (top.containsKey("gc")) {
      Map<String, Node> gc = r.mapping(top.get("gc"), "lifecycle.gc", GC_KEYS);
      if (gc.containsKey("schedule")) {
        gcSchedule = r.schedule(gc.get("schedule"), "lifecycle.gc.schedule");
      }
      if (gc.containsKey("gracePeriod")) {
        grace = r.duration(gc.get("gracePeriod"), "lifecycle.gc.gracePeriod");
      }
      if (gc.containsKey("deleteUntagged")) {
        untagged = r.bool(gc.get("deleteUntagged"), "lifecycle.gc.deleteUntagged");
      }
      if (gc.containsKey("fullEvery")) {
        fullEvery = r.count(gc.get("fullEvery"), "lifecycle.gc.fullEvery", 10_000);
      }
      if (gc.containsKey("dutyCycle")) {
        dutyCycle = r.share(gc.get("dutyCycle"), "lifecycle.gc.dutyCycle");
      }
    }
    if (top.containsKey("uploads")) {
      Map<String, Node> uploads = r.mapping(top.get("uploads"), "lifecycle.uploads", UPLOAD_KEYS);
      if (uploads.containsKey("schedule")) {
        uploadSchedule = r.schedule(uploads.get("schedule"), "lifecycle.uploads.schedule");
      }
      if (uploads.containsKey("ttl")) {
        ttl = r.duration(uploads.get("ttl"), "lifecycle.uploads.ttl");
      }
    }
    if (top.containsKey("retention")) {
      Map<String, Node> retention =
          r.mapping(top.get("retention"), "lifecycle.retention", RETENTION_KEYS);
      if (retention.containsKey("schedule")) {
        retentionSchedule = r.schedule(retention.get("schedule"), "lifecycle.retention.schedule");
      }
    }
    if (top.containsKey("endpoint")) {
      endpoint = Optional.of(r.endpoint(top.get("endpoint"), "lifecycle.endpoint"));
    }
    return new LifecycleConfig(
        gcSchedule,
        grace,
        untagged,
        fullEvery,
        dutyCycle,
        uploadSchedule,
        ttl,
        retentionSchedule,
        endpoint);
  }

  /** Reads nodes, with errors that place them. */
  private record Reader(String source) {

    ConfigException error(Node node, String path, String message) {
      var mark = node.getStartMark();
      return new ConfigException(
          source
              + ":"
              + (mark.getLine() + 1)
              + ":"
              + (mark.getColumn() + 1)
              + ": "
              + path
              + ": "
              + message);
    }

    /**
     * The keys of mapping {@code node} with their values; every key must be in {@code known}
     * (unless it is empty: the document's top, which {@link WharfConfig} checks).
     */
    Map<String, Node> mapping(Node node, String path, List<String> known) throws ConfigException {
      if (!(node instanceof MappingNode map)) {
        throw error(node, path.isEmpty() ? "the document" : path, "expected keys and values");
      }
      Map<String, Node> values = new LinkedHashMap<>();
      for (NodeTuple t : map.getValue()) {
        Node keyNode = t.getKeyNode();
        String key = keyNode instanceof ScalarNode s ? s.getValue() : "?";
        if (!known.isEmpty() && !known.contains(key)) {
          String hint =
              ConfigNode.closest(key, known)
                  .map(k -> "; did you mean '" + k + "'?")
                  .orElse(" (known keys: " + String.join(", ", known) + ")");
          throw error(keyNode, path + "." + key, "unknown key '" + key + "'" + hint);
        }
        Node value = t.getValueNode();
        if (!known.isEmpty() && value instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
          throw error(value, path + "." + key, "has no value");
        }
        values.put(key, value);
      }
      return values;
    }

    private String text(Node node, String path, String expected) throws ConfigException {
      if (!(node instanceof ScalarNode s)) {
        throw error(node, path, "expected " + expected + ", found a " + kind(node));
      }
      return s.getValue();
    }

    private static String kind(Node node) {
      return node instanceof MappingNode ? "mapping" : "list";
    }

    /** {@code off} (or {@code false}) for none, else a cron expression. */
    Optional<Schedule> schedule(Node node, String path) throws ConfigException {
      String value = text(node, path, "a cron expression such as \"0 3 * * *\", or off");
      if (node.getTag().equals(Tag.BOOL)) {
        if (List.of("off", "false", "no").contains(value.toLowerCase(java.util.Locale.ROOT))) {
          return Optional.empty();
        }
        throw error(node, path, "expected a cron expression such as \"0 3 * * *\", or off");
      }
      try {
        return Optional.of(Schedule.parse(value));
      } catch (InvalidScheduleException e) {
        throw error(node, path, e.getMessage());
      }
    }

    Duration duration(Node node, String path) throws ConfigException {
      String value = text(node, path, "a duration such as 24h");
      if (node.getTag().equals(Tag.INT) || node.getTag().equals(Tag.FLOAT)) {
        throw error(node, path, "'" + value + "' has no unit; write for example 24h, 30m or 90s");
      }
      try {
        return Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw error(node, path, e.getMessage());
      }
    }

    boolean bool(Node node, String path) throws ConfigException {
      String value = text(node, path, "true or false");
      if (!node.getTag().equals(Tag.BOOL)) {
        throw error(node, path, "expected true or false, found '" + value + "'");
      }
      return List.of("true", "yes", "on").contains(value.toLowerCase(java.util.Locale.ROOT));
    }

    int count(Node node, String path, int max) throws ConfigException {
      String value = text(node, path, "a whole number");
      try {
        int n = node.getTag().equals(Tag.INT) ? Integer.parseInt(value) : -1;
        if (n >= 1 && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // Out of range: said below.
      }
      throw error(
          node, path, "expected a whole number from 1 to " + max + ", found '" + value + "'");
    }

    /** A number above 0 and at most 1, such as 0.25. */
    double share(Node node, String path) throws ConfigException {
      String value = text(node, path, "a number above 0 and at most 1");
      if (node.getTag().equals(Tag.INT) || node.getTag().equals(Tag.FLOAT)) {
        try {
          double share = Double.parseDouble(value);
          if (share > 0 && share <= 1) {
            return share;
          }
        } catch (NumberFormatException e) {
          // Said below.
        }
      }
      throw error(
          node,
          path,
          "expected a number above 0 and at most 1 (0.1: a tenth of the time), found '"
              + Cli.shown(value)
              + "'");
    }

    EndpointMode endpoint(Node node, String path) throws ConfigException {
      String value = text(node, path, "admins, loopback or off");
      if (node.getTag().equals(Tag.BOOL)
          && List.of("off", "false", "no").contains(value.toLowerCase(java.util.Locale.ROOT))) {
        return EndpointMode.OFF;
      }
      for (EndpointMode mode : EndpointMode.values()) {
        if (mode.name().toLowerCase(java.util.Locale.ROOT).equals(value)) {
          return mode;
        }
      }
      List<String> known = List.of("admins", "loopback", "off");
      throw error(
          node,
          path,
          "expected admins, loopback or off, found '"
              + Cli.shown(value)
              + "'"
              + ConfigNode.closest(value, known)
                  .map(k -> "; did you mean '" + k + "'?")
                  .orElse(""));
    }
  }
}
