package io.wharf.oci.server;

import io.wharf.oci.model.Bytes;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/** Sends the conformance contract's requests over real HTTP with the JDK's client. */
final class HttpConformanceClient {

  /** Headers the JDK client sets itself and refuses from callers. */
  private static final Set<String> RESTRICTED = Set.of("content-length", "host", "connection");

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  RegistryConformanceContract.Reply send(
      URI base, HttpMethod method, String path, String query, Headers headers, Bytes body)
      throws IOException {
    URI uri = URI.create(base + path + (query.isEmpty() ? "" : "?" + query));
    HttpRequest.BodyPublisher publisher =
        body.isEmpty()
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body.toByteArray());
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method.name(), publisher);
    headers
        .asMap()
        .forEach(
            (name, values) -> {
              if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(v -> b.header(name, v));
              }
            });
    try {
      HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new RegistryConformanceContract.Reply(
          r.statusCode(), Headers.of(r.headers().map()), Bytes.of(r.body()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }
}
