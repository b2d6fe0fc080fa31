package io.wharf.oci.client.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code Link} header of paged listings (RFC 8288), as the distribution-spec uses it: {@code
 * <url>; rel="next"}. Only {@code rel="next"} is looked for.
 */
public final class LinkHeader {

  /** The longest header value parsed; a longer one is ignored. */
  public static final int MAX_LENGTH = 8 * 1024;

  private LinkHeader() {}

  /**
   * The target of the first {@code rel="next"} link among {@code values}, as written (not yet
   * resolved); empty when there is none or the header is malformed.
   */
  public static Optional<String> next(List<String> values) {
    for (String value : values) {
      if (value.length() > MAX_LENGTH) {
        continue;
      }
      int pos = 0;
      while (pos < value.length()) {
        int open = value.indexOf('<', pos);
        if (open < 0) {
          break;
        }
        int close = value.indexOf('>', open + 1);
        if (close < 0) {
          break;
        }
        String target = value.substring(open + 1, close).trim();
        int end = nextLinkStart(value, close + 1);
        String params = value.substring(close + 1, end);
        if (hasRelNext(params)) {
          return target.isEmpty() ? Optional.empty() : Optional.of(target);
        }
        pos = end;
      }
    }
    return Optional.empty();
  }

  /**
   * Resolves the next link against the request's URI and checks it stays on the same origin
   * (scheme, host, port), so that a registry cannot send the client, with its credentials, to
   * another host.
   *
   * @throws java.io.IOException when the link is not a URI or points elsewhere
   */
  public static URI resolveSameOrigin(URI base, String link) throws java.io.IOException {
    URI resolved;
    try {
      resolved = base.resolve(new URI(link));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new java.io.IOException("Link header target is not a URI");
    }
    if (!Urls.sameOrigin(base, resolved)) {
      throw new java.io.IOException(
          "Link header points to another origin: " + Urls.redact(resolved));
    }
    return resolved;
  }

  /** The end of this link's parameters: the next ',' outside quotes, or the end. */
  private static int nextLinkStart(String value, int from) {
    boolean quoted = false;
    for (int i = from; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\\' && quoted) {
        i++;
      } else if (c == ',' && !quoted) {
        return i + 1;
      }
    }
    return value.length();
  }

  private static boolean hasRelNext(String params) {
    for (String param : params.split(";")) {
      String p = param.trim();
      int eq = p.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String name = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String v = p.substring(eq + 1).trim();
      if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
        v = v.substring(1, v.length() - 1);
      }
      if (name.equals("rel")) {
        for (String rel : v.toLowerCase(Locale.ROOT).split("\\s+")) {
          if (rel.equals("next")) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
