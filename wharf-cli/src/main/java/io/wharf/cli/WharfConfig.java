package io.wharf.cli;

import io.wharf.oci.auth.ProjectSpec;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The settings of a {@code wharf.yaml} file; every key is optional, and a key that is absent leaves
 * the default (or a command-line flag) in force. Unknown keys, wrong types and bad values are
 * refused with a message that names the file and the key.
 *
 * <pre>
 * listen: 127.0.0.1:5000     # host:port; [::1]:5000 for IPv6; port 0 picks a free port
 * data: ./wharf-data         # relative to the folder of the config file
 * deletes: true              # whether clients may delete manifests, tags and blobs
 * uploadExpiry: 10m          # idle upload sessions are removed after this (ms, s, m, h, d)
 * maxManifestBytes: 4MiB     # the largest manifest accepted (a number of bytes, KiB or MiB)
 * maxUploadsPerClient: 256   # upload sessions one client address may hold open (else 429)
 * maxUploadsPerRepository: 512  # upload sessions open in one repository (else 429)
 * maxBodies: 128             # request bodies received at once (else 429); below 192
 * maxBodiesPerClient: 16     # request bodies received at once from one client address (else 429)
 * minBodyRate: 1KiB          # bytes per second a request body must keep up (else cut, 400)
 * auth: {...}                # who may log in and how: see {@link AuthConfig}
 * projects: [...]            # projects, members and roles applied at start: see {@link ProjectSpec} (read by ProjectSeed)
 * policies: {...}            # the policy documents in force: see {@link PolicyConfig}
 * scanner: {...}             # a scanner adapter that scans pushed images: see {@link ScannerConfig}
 * lifecycle: {...}           # garbage collection, upload purge, their endpoint: see {@link LifecycleConfig}
 * </pre>
 *
 * @param listen {@code listen}
 * @param data {@code data}, resolved against the config file's folder
 * @param deletes {@code deletes}
 * @param uploadExpiry {@code uploadExpiry}
 * @param maxManifestBytes {@code maxManifestBytes}
 * @param maxUploadsPerClient {@code maxUploadsPerClient}
 * @param maxUploadsPerRepository {@code maxUploadsPerRepository}
 * @param maxBodies {@code maxBodies}
 * @param maxBodiesPerClient {@code maxBodiesPerClient}
 * @param minBodyRate {@code minBodyRate}, bytes per second
 * @param auth {@code auth}
 * @param projects {@code projects}
 * @param policies {@code policies}
 * @param scanner {@code scanner}
 * @param lifecycle {@code lifecycle}
 */
public record WharfConfig(
    Optional<ListenAddress> listen,
    Optional<Path> data,
    Optional<Boolean> deletes,
    Optional<Duration> uploadExpiry,
    Optional<Integer> maxManifestBytes,
    Optional<Integer> maxUploadsPerClient,
    Optional<Integer> maxUploadsPerRepository,
    Optional<Integer> maxBodies,
    Optional<Integer> maxBodiesPerClient,
    Optional<Integer> minBodyRate,
    Optional<AuthConfig> auth,
    Optional<List<ProjectSpec>> projects,
    Optional<PolicyConfig> policies,
    Optional<ScannerConfig> scanner,
    Optional<LifecycleConfig> lifecycle) {

  /** The keys a config file may have, in the order they are documented. */
  public static final List<String> KEYS =
      List.of(
          "listen",
          "data",
          "deletes",
          "uploadExpiry",
          "maxManifestBytes",
          "maxUploadsPerClient",
          "maxUploadsPerRepository",
          "maxBodies",
          "maxBodiesPerClient",
          "minBodyRate",
          "auth",
          "projects",
          "policies",
          "scanner",
          "lifecycle");

  static final int MAX_FILE_BYTES = 1 << 20;
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(B|KiB|MiB)?", Pattern.CASE_INSENSITIVE);

  /** Checks for nulls. */
  public WharfConfig {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(deletes, "deletes");
    Objects.requireNonNull(uploadExpiry, "uploadExpiry");
    Objects.requireNonNull(maxManifestBytes, "maxManifestBytes");
    Objects.requireNonNull(maxUploadsPerClient, "maxUploadsPerClient");
    Objects.requireNonNull(maxUploadsPerRepository, "maxUploadsPerRepository");
    Objects.requireNonNull(maxBodies, "maxBodies");
    Objects.requireNonNull(maxBodiesPerClient, "maxBodiesPerClient");
    Objects.requireNonNull(minBodyRate, "minBodyRate");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(projects, "projects");
    Objects.requireNonNull(policies, "policies");
    Objects.requireNonNull(scanner, "scanner");
    Objects.requireNonNull(lifecycle, "lifecycle");
  }

  /** A config that sets nothing. */
  public static WharfConfig empty() {
    return new Builder().build();
  }

  /**
   * Reads and validates {@code file}.
   *
   * @throws ConfigException when the file is missing, unreadable, not YAML, or holds an unknown key
   *     or a bad value
   */
  public static WharfConfig read(Path file) throws ConfigException {
    String text = ConfigNode.readText(file, MAX_FILE_BYTES);
    Path base = file.toAbsolutePath().getParent();
    return parse(
        text,
        file.toString(),
        base == null ? Path.of("") : base,
        Optional.of(file.toAbsolutePath()));
  }

  /**
   * Parses and validates YAML {@code text}.
   *
   * @param source the file name, for messages
   * @param baseDirectory what a relative {@code data} is resolved against
   * @throws ConfigException when the text is not YAML, or holds an unknown key or a bad value
   */
  public static WharfConfig parse(String text, String source, Path baseDirectory)
      throws ConfigException {
    return parse(text, source, baseDirectory, Optional.empty());
  }

  /** As {@link #parse(String, String, Path)}, the text being that of {@code file}, if any. */
  private static WharfConfig parse(
      String text, String source, Path baseDirectory, Optional<Path> file) throws ConfigException {
    Object document;
    try {
      document = new Yaml(new SafeConstructor(ConfigNode.loaderOptions())).load(text);
    } catch (YAMLException e) {
      throw new ConfigException(source + ": not valid YAML: " + e.getMessage(), e);
    }
    if (document == null) {
      return empty();
    }
    if (!(document instanceof Map<?, ?> map)) {
      throw new ConfigException(
          source
              + ": expected keys and values (for example 'listen: 127.0.0.1:5000'), found "
              + kind(document));
    }
    Builder config = new Builder();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String key) || !KEYS.contains(key)) {
        throw new ConfigException(
            source
                + ": unknown key '"
                + e.getKey()
                + "' (known keys: "
                + String.join(", ", KEYS)
                + ")");
      }
      Object value = e.getValue();
      if (value == null) {
        throw new ConfigException(source + ": " + key + " has no value");
      }
      if (key.equals("auth")) {
        config.auth =
            Optional.of(
                AuthConfig.parse(
                    ConfigNode.of(source, "auth", value, baseDirectory, AuthConfig.KEYS)));
        continue;
      }
      if (key.equals("projects")) {
        config.projects = Optional.of(ProjectSeed.parse(source, value, baseDirectory));
        continue;
      }
      if (key.equals("scanner")) {
        config.scanner = Optional.of(ScannerConfig.parse(source, value, baseDirectory));
        continue;
      }
      if (key.equals("lifecycle")) {
        config.lifecycle = Optional.of(LifecycleConfig.parse(source, text));
        continue;
      }
      if (key.equals("policies")) {
        PolicyConfig policies = PolicyConfig.parse(source, text, value, baseDirectory);
        config.policies = Optional.of(file.isPresent() ? policies.from(file.get()) : policies);
        continue;
      }
      try {
        config.set(key, value, baseDirectory);
      } catch (IllegalArgumentException ex) {
        throw new ConfigException(source + ": " + key + ": " + ex.getMessage(), ex);
      }
    }
    return config.build();
  }

  /** Collects the keys of a document, one at a time. */
  private static final class Builder {
    private Optional<ListenAddress> listen = Optional.empty();
    private Optional<Path> data = Optional.empty();
    private Optional<Boolean> deletes = Optional.empty();
    private Optional<Duration> uploadExpiry = Optional.empty();
    private Optional<Integer> maxManifestBytes = Optional.empty();
    private Optional<Integer> maxUploadsPerClient = Optional.empty();
    private Optional<Integer> maxUploadsPerRepository = Optional.empty();
    private Optional<Integer> maxBodies = Optional.empty();
    private Optional<Integer> maxBodiesPerClient = Optional.empty();
    private Optional<Integer> minBodyRate = Optional.empty();
    private Optional<AuthConfig> auth = Optional.empty();
    private Optional<List<ProjectSpec>> projects = Optional.empty();
    private Optional<PolicyConfig> policies = Optional.empty();
    private Optional<ScannerConfig> scanner = Optional.empty();
    private Optional<LifecycleConfig> lifecycle = Optional.empty();

    void set(String key, Object value, Path base) {
      switch (key) {
        case "listen" ->
            listen =
                Optional.of(ListenAddress.parse(string(value, "host:port, e.g. 127.0.0.1:5000")));
        case "data" -> data = Optional.of(folder(value, base));
        case "deletes" -> {
          if (!(value instanceof Boolean b)) {
            throw new IllegalArgumentException("expected true or false, found " + kind(value));
          }
          deletes = Optional.of(b);
        }
        case "uploadExpiry" -> {
          if (value instanceof Number) {
            throw new IllegalArgumentException(
                "'" + value + "' has no unit; write for example 24h, 30m or 90s");
          }
          uploadExpiry = Optional.of(Durations.parse(string(value, "a duration, e.g. 24h")));
        }
        case "maxManifestBytes" -> maxManifestBytes = Optional.of(parseSize(value));
        case "maxUploadsPerClient" -> maxUploadsPerClient = Optional.of(count(value, 256));
        case "maxUploadsPerRepository" -> maxUploadsPerRepository = Optional.of(count(value, 512));
        case "maxBodies" -> {
          int n = count(value, 128);
          if (n >= HttpLimits.MAX_BODIES_BOUND) {
            throw new IllegalArgumentException(
                "'" + n + "' must be below " + HttpLimits.MAX_BODIES_BOUND);
          }
          maxBodies = Optional.of(n);
        }
        case "maxBodiesPerClient" -> maxBodiesPerClient = Optional.of(count(value, 16));
        case "minBodyRate" -> minBodyRate = Optional.of(parseSize(value));
        default -> throw new IllegalStateException(key);
      }
    }

    WharfConfig build() {
      return new WharfConfig(
          listen,
          data,
          deletes,
          uploadExpiry,
          maxManifestBytes,
          maxUploadsPerClient,
          maxUploadsPerRepository,
          maxBodies,
          maxBodiesPerClient,
          minBodyRate,
          auth,
          projects,
          policies,
          scanner,
          lifecycle);
    }
  }

  private static Path folder(Object value, Path base) {
    String folder = string(value, "a folder, e.g. ./wharf-data");
    if (folder.isBlank()) {
      throw new IllegalArgumentException("the folder name is empty");
    }
    try {
      return base.resolve(folder).normalize();
    } catch (InvalidPathException ex) {
      throw new IllegalArgumentException("'" + folder + "' is not a valid path");
    }
  }

  /**
   * A positive number of bytes: an integer, or a string with a unit {@code B}, {@code KiB} or
   * {@code MiB}; at most 2 GiB - 1.
   */
  static int parseSize(Object value) {
    long bytes;
    if (value instanceof Integer || value instanceof Long) {
      bytes = ((Number) value).longValue();
    } else if (value instanceof String s) {
      Matcher m = SIZE.matcher(s.strip());
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "'" + s + "' is not a size (for example 4194304, 4MiB or 512KiB)");
      }
      String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
      long multiplier =
          switch (unit) {
            case "kib" -> 1024L;
            case "mib" -> 1024L * 1024;
            default -> 1L;
          };
      try {
        bytes = Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
      } catch (ArithmeticException | NumberFormatException e) {
        bytes = Long.MAX_VALUE;
      }
    } else {
      throw new IllegalArgumentException(
          "expected a number of bytes (for example 4194304 or 4MiB), found " + kind(value));
    }
    if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "'" + value + "' is not between 1 byte and " + Integer.MAX_VALUE + " bytes");
    }
    return (int) bytes;
  }

  /** A positive whole number, e.g. a number of upload sessions; {@code example} for messages. */
  private static int count(Object value, int example) {
    if (!(value instanceof Integer n)) {
      throw new IllegalArgumentException(
          "expected a whole number (for example " + example + "), found " + kind(value));
    }
    if (n <= 0) {
      throw new IllegalArgumentException("'" + n + "' must be at least 1");
    }
    return n;
  }

  /** {@code settings} with every key this config sets. */
  public ServerSettings applyTo(ServerSettings settings) {
    ServerSettings s = settings;
    if (listen.isPresent()) {
      s = s.withListen(listen.get());
    }
    if (data.isPresent()) {
      s = s.withData(data.get());
    }
    if (deletes.isPresent()) {
      s = s.withDeletes(deletes.get());
    }
    if (uploadExpiry.isPresent()) {
      s = s.withUploadExpiry(uploadExpiry.get());
    }
    if (maxManifestBytes.isPresent()) {
      s = s.withMaxManifestBytes(maxManifestBytes.get());
    }
    if (maxUploadsPerClient.isPresent()) {
      s = s.withMaxUploadsPerClient(maxUploadsPerClient.get());
    }
    if (maxUploadsPerRepository.isPresent()) {
      s = s.withMaxUploadsPerRepository(maxUploadsPerRepository.get());
    }
    HttpLimits http = s.http();
    if (maxBodies.isPresent()) {
      http = http.withMaxBodies(maxBodies.get());
    }
    if (maxBodiesPerClient.isPresent()) {
      http = http.withMaxBodiesPerClient(maxBodiesPerClient.get());
    }
    if (minBodyRate.isPresent()) {
      http = http.withMinBodyRate(minBodyRate.get());
    }
    s = s.withHttp(http);
    if (auth.isPresent()) {
      s = s.withAuth(auth);
    }
    if (projects.isPresent()) {
      s = s.withProjects(projects.get());
    }
    if (policies.isPresent()) {
      s = s.withPolicies(policies.get());
    }
    if (scanner.isPresent()) {
      s = s.withScanner(scanner);
    }
    if (lifecycle.isPresent()) {
      s = s.withLifecycle(lifecycle.get());
    }
    return s;
  }

  private static String string(Object value, String expected) {
    if (value instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException("expected " + expected + ", found " + kind(value));
  }

  private static String kind(Object value) {
    return ConfigNode.kind(value);
  }
}
