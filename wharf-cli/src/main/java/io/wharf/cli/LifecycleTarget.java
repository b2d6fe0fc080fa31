package io.wharf.cli;

import io.wharf.oci.client.auth.Credential;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.error.ErrorResponse;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.server.lifecycle.InvalidReportException;
import io.wharf.oci.storage.local.LocalStorage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * What {@code wharf gc} and {@code wharf retention} share: the data folder they open (the registry
 * stopped) and the lifecycle endpoint of a running registry they call instead.
 */
final class LifecycleTarget {

  /** The largest answer read from the endpoint. */
  static final int MAX_ANSWER_BYTES = 64 << 20;

  private LifecycleTarget() {}

  /** Why a command cannot go on, with its exit status. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    Failure(String message, int status) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /**
   * {@code dir}, absolute, when it is a Wharf data folder.
   *
   * @throws Failure (status 2) when there is no folder or it has no metadata file
   */
  static Path dataFolder(Path dir) throws Failure {
    Path folder = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(folder)) {
      throw new Failure("no data folder at " + folder, 2);
    }
    if (!Files.isRegularFile(LocalStorage.metadataFile(folder))) {
      throw new Failure(
          folder + " is not a Wharf data folder (it has no " + LocalStorage.METADATA_FILE + ")", 2);
    }
    return folder;
  }

  /** The failure to open or work on {@code dir}, pointing at {@code --registry}. */
  static Failure cannot(String what, Path dir, IOException e) {
    return new Failure(
        "cannot "
            + what
            + " "
            + dir
            + ": "
            + (e.getMessage() == null ? e.toString() : e.getMessage())
            + " (is 'wharf serve' running on it? then use --registry URL)",
        1);
  }

  /**
   * POSTs to {@code pathAndQuery} of the registry at {@code base} as the {@code creds} option or
   * the docker config's credentials say, and answers the body of a {@code 200}.
   *
   * @throws Failure (status 1) when the registry could not be reached or answered otherwise (with
   *     the error body's first error)
   */
  static String post(Cli.Args args, Cli.Option creds, URI base, String pathAndQuery)
      throws Failure, Cli.UsageError {
    URI target = base.resolve(pathAndQuery);
    HttpRequest.Builder http =
        HttpRequest.newBuilder(target)
            .POST(HttpRequest.BodyPublishers.noBody())
            .header("Accept", "application/json")
            .header("User-Agent", "wharf/" + Wharf.version());
    try {
      Optional<String> authorization = authorization(args, creds, base);
      authorization.ifPresent(a -> http.header("Authorization", a));
    } catch (IllegalArgumentException e) {
      throw new Cli.UsageError("Invalid value for option '--creds': " + e.getMessage());
    } catch (IOException e) {
      throw new Failure("cannot read the credentials: " + e.getMessage(), 1);
    }
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    int status;
    Bytes body;
    try {
      HttpResponse<InputStream> response =
          client.send(http.build(), HttpResponse.BodyHandlers.ofInputStream());
      status = response.statusCode();
      try (InputStream in = response.body()) {
        body = Bytes.readAtMost(in, MAX_ANSWER_BYTES);
      }
    } catch (IOException e) {
      throw new Failure(
          target + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure(target + ": interrupted", 1);
    }
    if (status != 200) {
      String reason =
          ErrorResponse.parse(body)
              .flatMap(r -> r.errors().stream().findFirst())
              .map(e -> e.code() + ": " + e.message())
              .orElse("no error body");
      throw new Failure(target + ": " + status + " " + Cli.shown(reason), 1);
    }
    return body.utf8();
  }

  /**
   * The report the registry at {@code registry} answers a POST to {@code pathAndQuery} with, read
   * by {@code read} ({@link #post}).
   *
   * @throws Failure (status 1) as {@link #post} does, or when the answer is not a report
   */
  static <R> R report(
      Cli.Args args,
      Cli.Option creds,
      String registry,
      String pathAndQuery,
      Function<String, R> read)
      throws Failure, Cli.UsageError {
    URI base = registryUrl(registry);
    String body = post(args, creds, base, pathAndQuery);
    try {
      return read.apply(body);
    } catch (InvalidReportException e) {
      throw new Failure(
          base.resolve(pathAndQuery) + ": the answer is not a report: " + e.getMessage(), 1);
    }
  }

  /** {@code http://host:port} or {@code https://...}, without a path of its own. */
  static URI registryUrl(String text) throws Cli.UsageError {
    try {
      URI uri = new URI(text.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw badUrl(text);
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new Cli.UsageError(
            "Invalid value for option '--registry': a registry URL has no query or fragment");
      }
      return new URI(scheme, null, uri.getHost(), uri.getPort(), "/", null, null);
    } catch (URISyntaxException e) {
      throw badUrl(text);
    }
  }

  private static Cli.UsageError badUrl(String text) {
    return new Cli.UsageError(
        "Invalid value for option '--registry': expected http://HOST:PORT or https://HOST,"
            + " found '"
            + Cli.shown(text)
            + "'");
  }

  /** Basic credentials: {@code creds}, else the docker config's for the registry's host. */
  private static Optional<String> authorization(Cli.Args args, Cli.Option creds, URI base)
      throws IOException, Cli.UsageError {
    Credential credential;
    Optional<String> given = args.value(creds);
    if (given.isPresent()) {
      credential = ClientOptions.basic(given.get());
    } else {
      String host = base.getPort() < 0 ? base.getHost() : base.getHost() + ":" + base.getPort();
      credential = ClientOptions.from(args).configured().credentialFor(new RegistryHost(host));
    }
    if (credential instanceof Credential.Basic basic) {
      String pair = basic.username() + ":" + basic.password();
      return Optional.of(
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    return Optional.empty();
  }
}
