package io.wharf.oci.client.internal;

import java.net.URI;
import java.util.Locale;

/** URI helpers: origins, and the redacted form that goes into messages and logs. */
public final class Urls {

  private Urls() {}

  /** Whether both URIs have the same scheme, host and port (default ports filled in). */
  public static boolean sameOrigin(URI a, URI b) {
    return a.getScheme() != null
        && b.getScheme() != null
        && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost() != null
        && b.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  /** The port, or the scheme's default. */
  public static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /**
   * The URI without user info and without its query: queries of presigned object-store URLs and
   * token endpoints carry secrets, and no message or log line may show them.
   */
  public static String redact(URI uri) {
    StringBuilder b = new StringBuilder();
    if (uri.getScheme() != null) {
      b.append(uri.getScheme().toLowerCase(Locale.ROOT)).append("://");
    }
    if (uri.getHost() != null) {
      b.append(uri.getHost());
    }
    if (uri.getPort() >= 0) {
      b.append(':').append(uri.getPort());
    }
    if (uri.getRawPath() != null) {
      b.append(uri.getRawPath());
    }
    if (uri.getRawQuery() != null) {
      b.append("?…");
    }
    return b.toString();
  }
}
