package io.wharf.oci.client.testsupport;

import io.wharf.oci.model.testing.TestEnvironment;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code docker-registry} (CNCF distribution 2.8), started on a free loopback port for one
 * test: a generated {@code config.yml} in a fresh temporary folder, filesystem storage in that
 * folder, deletes enabled, log level {@code error} into {@code docker-registry.log}, and one of
 * three auth modes ({@link Auth}). {@link #start()} returns once {@code GET /v2/} answers 200 or
 * 401; {@link #close()} stops the process (SIGTERM, then SIGKILL after 10 s) and deletes the
 * folder.
 *
 * <pre>{@code
 * DockerRegistryProcess.requireAvailable();            // skipped, or failed under CI=true
 * try (TokenServer tokens = TokenServer.builder().user("alice", "pw", Grant.repository("*", "*")).start(dir);
 *     DockerRegistryProcess registry = DockerRegistryProcess.builder().auth(tokens.registryAuth()).start()) {
 *   URI base = registry.baseUri();                     // http://127.0.0.1:PORT
 * }
 * }</pre>
 */
public final class DockerRegistryProcess implements AutoCloseable {

  /** Where Debian's package installs the program; {@code PATH} is searched first. */
  public static final Path DEFAULT_EXECUTABLE = Path.of("/usr/bin/docker-registry");

  /** The registry's {@code auth} section. */
  public sealed interface Auth {

    /** No auth: every request is allowed. */
    static Auth none() {
      return new None();
    }

    /** {@code auth.htpasswd}: Basic auth against a bcrypt htpasswd file (copied before start). */
    static Auth htpasswd(Path file, String realm) {
      return new Htpasswd(file, realm);
    }

    /** {@code auth.token}: Bearer tokens signed by a certificate of {@code rootCertBundle}. */
    static Auth token(URI realm, String service, String issuer, Path rootCertBundle) {
      return new Token(realm, service, issuer, rootCertBundle);
    }

    /** No auth. */
    record None() implements Auth {}

    /**
     * Basic auth: distribution reads {@code file} (bcrypt entries only) and names {@code realm}.
     */
    record Htpasswd(Path file, String realm) implements Auth {
      public Htpasswd {
        Objects.requireNonNull(file);
        Objects.requireNonNull(realm);
      }
    }

    /** Token auth, as {@link TokenServer#registryAuth()} gives it. */
    record Token(URI realm, String service, String issuer, Path rootCertBundle) implements Auth {
      public Token {
        Objects.requireNonNull(realm);
        Objects.requireNonNull(service);
        Objects.requireNonNull(issuer);
        Objects.requireNonNull(rootCertBundle);
      }
    }
  }

  private final Process process;
  private final Path dir;
  private final Path log;
  private final int port;

  private DockerRegistryProcess(Process process, Path dir, Path log, int port) {
    this.process = process;
    this.dir = dir;
    this.log = log;
    this.port = port;
  }

  /** True if the program is installed (on {@code PATH} or at {@link #DEFAULT_EXECUTABLE}). */
  public static boolean isAvailable() {
    return findExecutable().isPresent();
  }

  /**
   * Returns normally if the program is installed; otherwise aborts the test (JUnit assumption), or
   * fails it when the environment has {@code CI=true}: a CI run must never pass by skipping.
   */
  public static void requireAvailable() {
    TestEnvironment.require(
        isAvailable(),
        "docker-registry is not installed (scripts/test-services.sh installs it: apt-get install"
            + " docker-registry)");
  }

  /** Starts a registry without auth. */
  public static DockerRegistryProcess start() throws IOException, InterruptedException {
    return builder().start();
  }

  /** Starts a registry with {@code auth}. */
  public static DockerRegistryProcess start(Auth auth) throws IOException, InterruptedException {
    return builder().auth(auth).start();
  }

  /** A builder: no auth, no extra headers. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configuration of a {@link DockerRegistryProcess}. */
  public static final class Builder {
    private Auth auth = Auth.none();
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private final List<String> extraYaml = new ArrayList<>();
    private Optional<Path> executable = Optional.empty();
    private Duration startTimeout = Duration.ofSeconds(30);

    private Builder() {}

    /** The auth mode; none by default. */
    public Builder auth(Auth auth) {
      this.auth = Objects.requireNonNull(auth);
      return this;
    }

    /**
     * Adds a value of a response header the registry sets on every response ({@code http.headers}).
     */
    public Builder httpHeader(String name, String value) {
      headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      return this;
    }

    /**
     * Appends YAML to the end of the generated config: whole top-level sections that it does not
     * already have (for example {@code notifications:} or {@code proxy:}; the generated ones are
     * {@code version}, {@code log}, {@code storage}, {@code http} and {@code auth}).
     */
    public Builder extraYaml(String yaml) {
      extraYaml.add(yaml);
      return this;
    }

    /** Another program than the one found on {@code PATH}. */
    public Builder executable(Path executable) {
      this.executable = Optional.of(executable);
      return this;
    }

    /** How long to wait for {@code GET /v2/}; 30 s by default. */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /**
     * Starts the registry and waits until it answers.
     *
     * @throws IllegalStateException if the program is missing, exits, or does not answer in time
     *     (with its log in the message)
     */
    public DockerRegistryProcess start() throws IOException, InterruptedException {
      Path exe =
          executable
              .or(DockerRegistryProcess::findExecutable)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "docker-registry is not installed: looked on PATH and at "
                              + DEFAULT_EXECUTABLE
                              + " (apt-get install docker-registry)"));
      if (!Files.isExecutable(exe)) {
        throw new IllegalStateException("not an executable program: " + exe);
      }
      // The free port is found before the registry binds it, so another process may take it in
      // between: then the registry exits with "address already in use" and we try another.
      for (int attempt = 1; ; attempt++) {
        Path dir = Files.createTempDirectory("docker-registry-");
        try {
          return startIn(exe, dir);
        } catch (IllegalStateException e) {
          deleteTree(dir);
          if (attempt >= 3 || !String.valueOf(e.getMessage()).contains("address already in use")) {
            throw e;
          }
        } catch (IOException | RuntimeException | InterruptedException e) {
          deleteTree(dir);
          throw e;
        }
      }
    }

    private DockerRegistryProcess startIn(Path exe, Path dir)
        throws IOException, InterruptedException {
      int port = freePort();
      Path config = dir.resolve("config.yml");
      Files.writeString(config, config(dir, port), StandardCharsets.UTF_8);
      Path log = dir.resolve("docker-registry.log");
      ProcessBuilder pb = new ProcessBuilder(exe.toString(), "serve", config.toString());
      pb.redirectErrorStream(true);
      pb.redirectOutput(log.toFile());
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      DockerRegistryProcess registry = new DockerRegistryProcess(pb.start(), dir, log, port);
      try {
        registry.awaitReady(startTimeout);
      } catch (IOException | InterruptedException | RuntimeException | Error e) {
        registry.stop();
        throw e;
      }
      return registry;
    }

    private String config(Path dir, int port) throws IOException {
      Path storage = Files.createDirectories(dir.resolve("storage"));
      StringBuilder y = new StringBuilder();
      y.append("version: 0.1\n");
      y.append("log:\n  level: error\n  accesslog:\n    disabled: true\n");
      y.append("storage:\n  filesystem:\n    rootdirectory: ").append(quote(storage)).append('\n');
      y.append("  delete:\n    enabled: true\n");
      y.append("  maintenance:\n    uploadpurging:\n      enabled: false\n");
      y.append("http:\n  addr: 127.0.0.1:").append(port).append('\n');
      y.append("  secret: wharf-test-secret\n");
      if (!headers.isEmpty()) {
        y.append("  headers:\n");
        headers.forEach(
            (name, values) -> {
              y.append("    ").append(quote(name)).append(":\n");
              values.forEach(v -> y.append("      - ").append(quote(v)).append('\n'));
            });
      }
      if (auth instanceof Auth.Htpasswd h) {
        // distribution creates a missing file with a random user: copy it so that cannot happen
        Path copy = dir.resolve("htpasswd");
        Files.copy(h.file(), copy);
        y.append("auth:\n  htpasswd:\n    realm: ").append(quote(h.realm())).append('\n');
        y.append("    path: ").append(quote(copy)).append('\n');
      } else if (auth instanceof Auth.Token t) {
        y.append("auth:\n  token:\n");
        y.append("    realm: ").append(quote(t.realm().toString())).append('\n');
        y.append("    service: ").append(quote(t.service())).append('\n');
        y.append("    issuer: ").append(quote(t.issuer())).append('\n');
        y.append("    rootcertbundle: ").append(quote(t.rootCertBundle())).append('\n');
      }
      extraYaml.forEach(e -> y.append(e.endsWith("\n") ? e : e + "\n"));
      return y.toString();
    }
  }

  /** {@code 127.0.0.1:PORT}. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /** The port it listens on (loopback). */
  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:PORT} (no trailing slash). */
  public URI baseUri() {
    return URI.create("http://" + host());
  }

  /** The folder holding the config, the storage and the log; deleted on close. */
  public Path directory() {
    return dir;
  }

  /** The log file (level error; the registry also writes its panics there). */
  public Path logFile() {
    return log;
  }

  /** The log so far, for diagnostics; empty if it cannot be read. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException | UncheckedIOException e) {
      return "";
    }
  }

  /** True while the process runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The operating system's process ID. */
  public long pid() {
    return process.pid();
  }

  private void awaitReady(Duration timeout) throws IOException, InterruptedException {
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "docker-registry exited with " + process.exitValue() + ": " + log());
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(baseUri().resolve("/v2/"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200 || r.statusCode() == 401) {
          return;
        }
      } catch (ConnectException e) {
        // not listening yet
      } catch (IOException e) {
        // starting: try again
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        "docker-registry did not answer GET /v2/ in " + timeout + ": " + log());
  }

  /** Stops the process (SIGTERM, SIGKILL after 10 s), waits for it, and deletes the folder. */
  @Override
  public void close() throws IOException {
    stop();
    deleteTree(dir);
  }

  private void stop() {
    process.destroy();
    boolean interrupted = false;
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      interrupted = true;
      process.destroyForcibly();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  static Optional<Path> findExecutable() {
    return TestEnvironment.findProgram("docker-registry")
        .or(
            () ->
                Files.isExecutable(DEFAULT_EXECUTABLE)
                    ? Optional.of(DEFAULT_EXECUTABLE)
                    : Optional.empty());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  /** A YAML double-quoted scalar. */
  private static String quote(Object value) {
    return "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
