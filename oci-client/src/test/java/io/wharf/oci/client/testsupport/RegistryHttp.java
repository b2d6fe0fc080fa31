package io.wharf.oci.client.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The harness tests' own few registry calls, with the JDK HttpClient (HTTP/1.1, no redirects). */
final class RegistryHttp {

  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private RegistryHttp() {}

  static HttpResponse<String> get(URI uri, Optional<String> authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
    authorization.ifPresent(a -> b.header("Authorization", a));
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String bearer(String token) {
    return "Bearer " + token;
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** The auth-params of a {@code WWW-Authenticate} challenge, with {@code scheme} as a key too. */
  static Map<String, String> challenge(HttpResponse<?> response) {
    String header =
        response
            .headers()
            .firstValue("WWW-Authenticate")
            .orElseThrow(() -> new AssertionError("no WWW-Authenticate in " + response));
    Map<String, String> params = new LinkedHashMap<>();
    params.put("scheme", header.substring(0, header.indexOf(' ')));
    Matcher m = PARAM.matcher(header);
    while (m.find()) {
      params.put(m.group(1), m.group(2));
    }
    return params;
  }

  static String sha256(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Pushes {@code blob} to {@code repo}: POST (end-4a) then a monolithic PUT with the digest
   * (end-6); returns the status of the step that failed, or of the PUT (201 when pushed).
   */
  static int pushBlob(URI base, String repo, byte[] blob, Optional<String> authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder post =
        HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/blobs/uploads/"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(30));
    authorization.ifPresent(a -> post.header("Authorization", a));
    HttpResponse<String> started = CLIENT.send(post.build(), HttpResponse.BodyHandlers.ofString());
    if (started.statusCode() != 202) {
      return started.statusCode();
    }
    URI location = base.resolve(started.headers().firstValue("Location").orElseThrow());
    String sep = location.getRawQuery() == null ? "?" : "&";
    HttpRequest.Builder put =
        HttpRequest.newBuilder(URI.create(location + sep + "digest=" + sha256(blob)))
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(blob))
            .timeout(Duration.ofSeconds(60));
    authorization.ifPresent(a -> put.header("Authorization", a));
    return CLIENT.send(put.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
