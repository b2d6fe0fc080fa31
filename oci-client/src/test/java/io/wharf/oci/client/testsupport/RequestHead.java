package io.wharf.oci.client.testsupport;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The request line and header fields of one HTTP/1.1 request as {@link FaultProxy} read it from a
 * client. Header names are case-insensitive; {@link #headers()} keeps them lower-cased, in order.
 *
 * @param method the method, e.g. {@code GET}
 * @param target the request target as sent, e.g. {@code /v2/a/blobs/sha256:...?x=y}
 * @param version e.g. {@code HTTP/1.1}
 * @param headers lower-cased names to their values, in the order received
 */
public record RequestHead(
    String method, String target, String version, Map<String, List<String>> headers) {

  public RequestHead {
    TreeMap<String, List<String>> copy = new TreeMap<>();
    headers.forEach((k, v) -> copy.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    headers = java.util.Collections.unmodifiableMap(copy);
  }

  /** The target without its query. */
  public String path() {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  /** The first value of header {@code name}, if present. */
  public Optional<String> header(String name) {
    List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /** True if the method is {@code method} and the path matches the regular expression. */
  public boolean is(String method, String pathRegex) {
    return this.method.equals(method) && path().matches(pathRegex);
  }

  /** A blob GET or HEAD, {@code /v2/<name>/blobs/<digest>} (not an upload). */
  public boolean isBlobRead() {
    return (method.equals("GET") || method.equals("HEAD"))
        && path().matches("/v2/.+/blobs/[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");
  }

  /** An upload request, {@code /v2/<name>/blobs/uploads/...} (POST, PATCH, PUT, GET, DELETE). */
  public boolean isBlobUpload() {
    return path().matches("/v2/.+/blobs/uploads/.*");
  }

  @Override
  public String toString() {
    return method + " " + target + " " + version;
  }
}
