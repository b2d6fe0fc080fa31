package io.wharf.oci.client.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A second HTTP server that plays an object store or CDN a registry redirects blob downloads to: it
 * serves stored bytes by path (GET and HEAD, with single {@code Range: bytes=a-b} requests) and
 * records every request's headers, so a test can assert that the registry's {@code Authorization}
 * never reached it.
 *
 * <p>{@link #frontFor(String)} puts a {@link FaultProxy} in front of a registry that answers each
 * authorised blob GET with {@code 307 Temporary Redirect} to this server, as distribution does with
 * a storage driver that supports redirects (S3, GCS). Authorised means the registry answers a
 * {@code HEAD} of the blob with the client's own {@code Authorization} header with 200; otherwise
 * the GET goes to the registry, which answers its 401 or 404 itself. The first redirect of a digest
 * copies the blob from the registry into this server's temporary folder.
 *
 * <pre>{@code
 * try (RedirectingServer cdn = RedirectingServer.start();
 *     FaultProxy front = cdn.frontFor(registry.host())) {
 *   // push and pull through front.baseUri(): blob GETs come back as 307 to cdn.baseUri()
 *   assertThat(cdn.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
 * }
 * }</pre>
 */
public final class RedirectingServer implements AutoCloseable {

  /** A request this server received: method, target (path and query) and header fields. */
  public record RecordedRequest(String method, String target, Map<String, List<String>> headers) {
    public RecordedRequest {
      TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      headers = java.util.Collections.unmodifiableMap(copy);
    }

    /** The first value of header {@code name} (case-insensitive), if present. */
    public Optional<String> header(String name) {
      List<String> v = headers.get(name);
      return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }
  }

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  private final HttpServer server;
  private final ExecutorService executor;
  private final Path dir;
  private final Map<String, Path> content = new ConcurrentHashMap<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final List<FaultProxy> fronts = new CopyOnWriteArrayList<>();
  private final AtomicInteger files = new AtomicInteger();
  private final AtomicInteger redirects = new AtomicInteger();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private RedirectingServer() throws IOException {
    this.dir = Files.createTempDirectory("redirect-target-");
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    this.executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "redirecting-server");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a server on a free loopback port, with a temporary folder for its content. */
  public static RedirectingServer start() throws IOException {
    return new RedirectingServer();
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI baseUri() {
    return URI.create(
        "http://"
            + server.getAddress().getAddress().getHostAddress()
            + ":"
            + server.getAddress().getPort());
  }

  /** The URI of {@code path} (which starts with {@code /}) on this server. */
  public URI uri(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with /: " + path);
    }
    return URI.create(baseUri() + path);
  }

  /** Serves {@code bytes} at {@code path} from now on; returns its URI. */
  public URI put(String path, byte[] bytes) throws IOException {
    Path file = dir.resolve("content-" + files.incrementAndGet());
    Files.write(file, bytes);
    content.put(uri(path).getPath(), file);
    return uri(path);
  }

  /** Serves a copy of {@code file} at {@code path} from now on; returns its URI. */
  public URI put(String path, Path file) throws IOException {
    Path copy = dir.resolve("content-" + files.incrementAndGet());
    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
    content.put(uri(path).getPath(), copy);
    return uri(path);
  }

  /** Every request received, in order. */
  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** How many redirects the fronts sent. */
  public int redirects() {
    return redirects.get();
  }

  /**
   * Starts a proxy in front of the registry at {@code registryHost} ({@code host:port}) whose
   * authorised blob GETs are redirected here. Close it, or this server closes it on {@link
   * #close()}.
   */
  public FaultProxy frontFor(String registryHost) throws IOException {
    FaultProxy front = FaultProxy.start(registryHost);
    URI registry = URI.create("http://" + registryHost);
    front.intercept(
        head -> head.method().equals("GET") && head.isBlobRead(), head -> redirect(registry, head));
    fronts.add(front);
    return front;
  }

  private Optional<CannedResponse> redirect(URI registry, RequestHead head) throws IOException {
    String path = head.path();
    String digest = path.substring(path.lastIndexOf('/') + 1);
    URI blob = URI.create(registry + path);
    try {
      HttpRequest.Builder check =
          HttpRequest.newBuilder(blob)
              .method("HEAD", HttpRequest.BodyPublishers.noBody())
              .timeout(Duration.ofSeconds(30));
      head.header("authorization").ifPresent(a -> check.header("Authorization", a));
      HttpResponse<Void> checked = http.send(check.build(), HttpResponse.BodyHandlers.discarding());
      if (checked.statusCode() != 200) {
        return Optional.empty(); // the registry answers it
      }
      String target = "/blobs/" + digest;
      if (!content.containsKey(target)) {
        HttpRequest.Builder get = HttpRequest.newBuilder(blob).timeout(Duration.ofMinutes(5));
        head.header("authorization").ifPresent(a -> get.header("Authorization", a));
        Path file = dir.resolve("content-" + files.incrementAndGet());
        HttpResponse<Path> fetched = http.send(get.build(), HttpResponse.BodyHandlers.ofFile(file));
        if (fetched.statusCode() != 200) {
          Files.deleteIfExists(file);
          return Optional.empty();
        }
        content.putIfAbsent(target, file);
      }
      redirects.incrementAndGet();
      return Optional.of(
          CannedResponse.redirect(uri(target).toString())
              .withHeader("Docker-Content-Digest", digest));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + blob, e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream body = exchange.getRequestBody()) {
      body.readNBytes(64 * 1024); // bounded: the GETs and HEADs served here have no body
      requests.add(
          new RecordedRequest(
              exchange.getRequestMethod(),
              exchange.getRequestURI().toString(),
              exchange.getRequestHeaders()));
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      Path file = content.get(exchange.getRequestURI().getPath());
      if (file == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      long size = Files.size(file);
      long from = 0;
      long to = size - 1;
      int status = 200;
      String range = exchange.getRequestHeaders().getFirst("Range");
      if (range != null) {
        Matcher m = RANGE.matcher(range.trim().toLowerCase(Locale.ROOT));
        boolean ok = m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty());
        if (ok) {
          if (m.group(1).isEmpty()) { // suffix: the last N bytes
            from = Math.max(0, size - Long.parseLong(m.group(2)));
          } else {
            from = Long.parseLong(m.group(1));
            if (!m.group(2).isEmpty()) {
              to = Math.min(to, Long.parseLong(m.group(2)));
            }
          }
          ok = from < size && from <= to;
        }
        if (!ok) {
          exchange.getResponseHeaders().set("Content-Range", "bytes */" + size);
          exchange.sendResponseHeaders(416, -1);
          return;
        }
        status = 206;
        exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + size);
      }
      long length = to - from + 1;
      exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
      exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
      if (method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
      if (length == 0) {
        return;
      }
      try (InputStream in = Files.newInputStream(file);
          OutputStream out = exchange.getResponseBody()) {
        in.skipNBytes(from);
        byte[] buf = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, left));
          if (n < 0) {
            break;
          }
          out.write(buf, 0, n);
          left -= n;
        }
      }
    }
  }

  /** Closes the fronts, stops the server, and deletes the content. */
  @Override
  public void close() throws IOException {
    fronts.forEach(FaultProxy::close);
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Override
  public String toString() {
    return "RedirectingServer " + baseUri() + " " + Objects.toString(content.keySet());
  }
}
