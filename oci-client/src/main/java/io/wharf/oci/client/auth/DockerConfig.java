package io.wharf.oci.client.auth;

import io.wharf.oci.client.internal.Json;
import io.wharf.oci.model.ref.RegistryHost;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Credentials as {@code docker login} stores them in {@code ~/.docker/config.json} (or {@code
 * $DOCKER_CONFIG/config.json}), including the legacy {@code ~/.dockercfg} shape without the {@code
 * auths} wrapper.
 *
 * <p>For a registry, the first of these that applies gives the credential:
 *
 * <ol>
 *   <li>{@code credHelpers[host]}: the program {@code docker-credential-<name> get}, run with the
 *       server URL on its standard input, answering {@code {"Username","Secret"}} (a user name of
 *       {@code <token>} means the secret is an identity token);
 *   <li>{@code auths[host]} with {@code identitytoken}, or {@code auth} (base64 of {@code
 *       user:password}), or {@code username} and {@code password};
 *   <li>{@code credsStore}: the same helper protocol as credHelpers, for every registry;
 *   <li>otherwise anonymous.
 * </ol>
 *
 * Keys of {@code auths} and {@code credHelpers} are normalised as docker does: a scheme and a path
 * are dropped ({@code https://index.docker.io/v1/} is {@code index.docker.io}), and Docker Hub's
 * names ({@code docker.io}, {@code index.docker.io}, {@code registry-1.docker.io}) are one
 * registry, an exact key winning over an alias. Immutable and thread-safe.
 */
public final class DockerConfig implements CredentialProvider {

  /** The largest config file read. */
  public static final int MAX_BYTES = 1024 * 1024;

  private static final int MAX_HELPER_OUTPUT = 64 * 1024;
  private static final Duration HELPER_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern HELPER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final String HUB_SERVER_URL = "https://index.docker.io/v1/";
  private static final List<String> HUB_ALIASES =
      List.of("docker.io", "index.docker.io", "registry-1.docker.io");

  private final Map<String, Entry> auths;
  private final Map<String, String> credHelpers;
  private final Optional<String> credsStore;
  private final List<Path> helperDirectories;

  private record Entry(String key, Credential credential) {}

  private DockerConfig(
      Map<String, Entry> auths,
      Map<String, String> credHelpers,
      Optional<String> credsStore,
      List<Path> helperDirectories) {
    this.auths = auths;
    this.credHelpers = credHelpers;
    this.credsStore = credsStore;
    this.helperDirectories = helperDirectories;
  }

  /**
   * The current user's config: {@code $DOCKER_CONFIG/config.json}, else {@code
   * ~/.docker/config.json}; an empty config when the file does not exist.
   */
  public static DockerConfig load() throws IOException {
    String dir = System.getenv("DOCKER_CONFIG");
    Path file =
        dir != null && !dir.isEmpty()
            ? Path.of(dir, "config.json")
            : Path.of(System.getProperty("user.home"), ".docker", "config.json");
    return load(file);
  }

  /** The config in {@code file}; an empty config when the file does not exist. */
  public static DockerConfig load(Path file) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (NoSuchFileException e) {
      return empty();
    }
    if (bytes.length > MAX_BYTES) {
      throw new IOException(file + " is larger than " + MAX_BYTES + " bytes");
    }
    try {
      return parse(bytes);
    } catch (IOException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /** A config with no credentials. */
  public static DockerConfig empty() {
    return new DockerConfig(Map.of(), Map.of(), Optional.empty(), List.of());
  }

  /**
   * Parses the JSON of a config file.
   *
   * @throws IOException when it is not a JSON object of the expected shape
   */
  public static DockerConfig parse(byte[] json) throws IOException {
    Map<String, Object> root = Json.readObject(json, "docker config");
    Object authsNode = root.get("auths");
    Map<String, Object> authEntries;
    if (authsNode != null) {
      authEntries = Json.asObject(authsNode, "auths");
    } else {
      // ~/.dockercfg: the entries are the top level.
      authEntries = new LinkedHashMap<>();
      for (var e : root.entrySet()) {
        if (e.getValue() instanceof Map<?, ?> && !isKnownTopLevel(e.getKey())) {
          authEntries.put(e.getKey(), e.getValue());
        }
      }
    }
    Map<String, Entry> auths = new LinkedHashMap<>();
    for (var e : authEntries.entrySet()) {
      Map<String, Object> entry = Json.asObject(e.getValue(), "auths." + e.getKey());
      Credential credential = entryCredential(e.getKey(), entry);
      String host = normaliseKey(e.getKey());
      Entry previous = auths.get(host);
      // An exact key ("example.org") wins over a URL form ("https://example.org/v1/").
      if (previous == null || isUrlForm(previous.key()) && !isUrlForm(e.getKey())) {
        auths.put(host, new Entry(e.getKey(), credential));
      }
    }
    Map<String, String> helpers = new LinkedHashMap<>();
    Object helpersNode = root.get("credHelpers");
    if (helpersNode != null) {
      for (var e : Json.asObject(helpersNode, "credHelpers").entrySet()) {
        helpers.put(
            normaliseKey(e.getKey()),
            helperName(Json.asString(e.getValue(), "credHelpers." + e.getKey())));
      }
    }
    Object store = root.get("credsStore");
    Optional<String> credsStore =
        store == null || Json.asString(store, "credsStore").isEmpty()
            ? Optional.empty()
            : Optional.of(helperName(Json.asString(store, "credsStore")));
    return new DockerConfig(Map.copyOf(auths), Map.copyOf(helpers), credsStore, List.of());
  }

  /**
   * A copy that looks for {@code docker-credential-*} programs in {@code directory} before the
   * {@code PATH}.
   */
  public DockerConfig withHelperDirectory(Path directory) {
    List<Path> dirs = new ArrayList<>();
    dirs.add(directory);
    dirs.addAll(helperDirectories);
    return new DockerConfig(auths, credHelpers, credsStore, List.copyOf(dirs));
  }

  @Override
  public Credential credentialFor(RegistryHost registry) throws IOException {
    String host = registry.value();
    Optional<String> helper = lookup(credHelpers, host);
    if (helper.isPresent()) {
      return runHelper(helper.get(), serverUrl(host));
    }
    Optional<Entry> entry = lookup(auths, host);
    if (entry.isPresent() && !(entry.get().credential() instanceof Credential.Anonymous)) {
      return entry.get().credential();
    }
    if (credsStore.isPresent()) {
      return runHelper(credsStore.get(), serverUrl(host));
    }
    return Credential.anonymous();
  }

  @Override
  public String toString() {
    return "DockerConfig[auths="
        + auths.keySet()
        + ", credHelpers="
        + credHelpers
        + ", credsStore="
        + credsStore.orElse("")
        + "]";
  }

  private static <V> Optional<V> lookup(Map<String, V> map, String host) {
    V exact = map.get(host);
    if (exact != null) {
      return Optional.of(exact);
    }
    if (isHub(host)) {
      for (String alias : HUB_ALIASES) {
        V v = map.get(alias);
        if (v != null) {
          return Optional.of(v);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isHub(String host) {
    return HUB_ALIASES.contains(host);
  }

  private static String serverUrl(String host) {
    return isHub(host) ? HUB_SERVER_URL : host;
  }

  private static boolean isKnownTopLevel(String key) {
    return key.equals("credHelpers")
        || key.equals("proxies")
        || key.equals("plugins")
        || key.equals("HttpHeaders")
        || key.equals("aliases");
  }

  private static boolean isUrlForm(String key) {
    return key.contains("://") || key.indexOf('/') >= 0;
  }

  /** {@code https://host:port/v1/} -> {@code host:port}, as docker's {@code ConvertToHostname}. */
  static String normaliseKey(String key) {
    String k = key;
    if (k.startsWith("http://")) {
      k = k.substring("http://".length());
    } else if (k.startsWith("https://")) {
      k = k.substring("https://".length());
    }
    int slash = k.indexOf('/');
    return slash >= 0 ? k.substring(0, slash) : k;
  }

  private static Credential entryCredential(String key, Map<String, Object> entry)
      throws IOException {
    String identityToken = optionalString(entry, "identitytoken", key);
    if (!identityToken.isEmpty()) {
      return Credential.identityToken(identityToken);
    }
    String auth = optionalString(entry, "auth", key);
    if (!auth.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IOException("auths." + key + ".auth is not base64");
      }
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw new IOException("auths." + key + ".auth is not base64 of user:password");
      }
      return Credential.basic(decoded.substring(0, colon), decoded.substring(colon + 1));
    }
    String username = optionalString(entry, "username", key);
    String password = optionalString(entry, "password", key);
    if (!username.isEmpty() && !password.isEmpty()) {
      return Credential.basic(username, password);
    }
    return Credential.anonymous();
  }

  private static String optionalString(Map<String, Object> entry, String field, String key)
      throws IOException {
    Object v = entry.get(field);
    return v == null ? "" : Json.asString(v, "auths." + key + "." + field);
  }

  private static String helperName(String name) throws IOException {
    if (!HELPER_NAME.matcher(name).matches()) {
      throw new IOException("credential helper name '" + name + "' is not a plain program name");
    }
    return name;
  }

  private Path findHelper(String program) throws IOException {
    List<Path> dirs = new ArrayList<>(helperDirectories);
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(java.io.File.pathSeparator)) {
        // Relative entries ("." or "bin") would run a helper from the working directory, an
        // untrusted checkout perhaps; Go's exec.LookPath, which docker uses, refuses them too.
        if (!d.isEmpty() && Path.of(d).isAbsolute()) {
          dirs.add(Path.of(d));
        }
      }
    }
    for (Path dir : dirs) {
      Path candidate = dir.resolve(program);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IOException("credential helper " + program + " is not installed (not on the PATH)");
  }

  private Credential runHelper(String name, String serverUrl) throws IOException {
    String program = "docker-credential-" + name;
    Path executable = findHelper(program);
    Process process =
        new ProcessBuilder(executable.toString(), "get")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      CompletableFuture<byte[]> stdout = readAsync(process.getInputStream());
      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write(serverUrl.getBytes(StandardCharsets.UTF_8));
      }
      if (!process.waitFor(HELPER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException(program + " did not answer in " + HELPER_TIMEOUT.toSeconds() + " s");
      }
      byte[] out = stdout.get(HELPER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (process.exitValue() != 0) {
        String said = new String(out, StandardCharsets.UTF_8);
        if (said.toLowerCase(java.util.Locale.ROOT).contains("credentials not found")) {
          return Credential.anonymous();
        }
        // The helper's own words are not echoed: they could contain anything.
        throw new IOException(
            program + " get failed for " + serverUrl + " with exit code " + process.exitValue());
      }
      return helperCredential(out, program);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(program + " interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(program + " output could not be read", e);
    } finally {
      process.destroyForcibly();
    }
  }

  /** Parses a helper's answer, {@code {"ServerURL","Username","Secret"}}. */
  static Credential helperCredential(byte[] json, String program) throws IOException {
    Map<String, Object> answer = Json.readObject(json, program + " output");
    String username =
        answer.get("Username") == null ? "" : Json.asString(answer.get("Username"), "Username");
    String secret =
        answer.get("Secret") == null ? "" : Json.asString(answer.get("Secret"), "Secret");
    if (secret.isEmpty()) {
      return Credential.anonymous();
    }
    if (username.isEmpty() || username.equals("<token>")) {
      return Credential.identityToken(secret);
    }
    return Credential.basic(username, secret);
  }

  private static CompletableFuture<byte[]> readAsync(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            for (int n; (n = in.read(chunk)) != -1; ) {
              if (buffer.size() < MAX_HELPER_OUTPUT) {
                buffer.write(chunk, 0, Math.min(n, MAX_HELPER_OUTPUT - buffer.size()));
              }
            }
            return buffer.toByteArray();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
