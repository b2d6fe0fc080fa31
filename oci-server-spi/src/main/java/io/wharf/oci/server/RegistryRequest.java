package io.wharf.oci.server;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request as the engine sees it, whatever the transport: method, path (decoded), raw query,
 * headers, the body stream (which the engine reads at most once and the transport closes) and the
 * client's address.
 *
 * @param method the method
 * @param path the path, e.g. {@code /v2/library/ubuntu/manifests/latest}
 * @param rawQuery the query string without {@code ?}, still encoded; empty when there is none
 * @param headers the headers
 * @param body the body
 * @param clientAddress the address of the client, as the transport saw it, when it knows it
 */
public record RegistryRequest(
    HttpMethod method,
    String path,
    String rawQuery,
    Headers headers,
    InputStream body,
    Optional<InetSocketAddress> clientAddress) {

  /** A request whose client address is unknown (a test calling the engine directly). */
  public RegistryRequest(
      HttpMethod method, String path, String rawQuery, Headers headers, InputStream body) {
    this(method, path, rawQuery, headers, body, Optional.empty());
  }

  /** The longest query string parsed; longer ones are refused by the engine. */
  public static final int MAX_QUERY_LENGTH = 8192;

  /** The query parameters, decoded, in order; a name may repeat ({@code tag=a&tag=b}). */
  public Map<String, List<String>> query() {
    Map<String, List<String>> result = new LinkedHashMap<>();
    if (rawQuery.isEmpty()) {
      return result;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      result.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return result;
  }

  /** The first value of query parameter {@code name}. */
  public Optional<String> queryParam(String name) {
    List<String> values = query().get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** Every value of query parameter {@code name}. */
  public List<String> queryParams(String name) {
    return query().getOrDefault(name, List.of());
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
