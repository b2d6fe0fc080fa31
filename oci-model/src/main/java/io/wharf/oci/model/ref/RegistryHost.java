package io.wharf.oci.model.ref;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.util.regex.Pattern;

/**
 * A registry's address in a reference: {@code host [":" port]}, where host is a domain name, an
 * IPv4 address or a bracketed IPv6 address. To be told apart from the first path component of a
 * repository, it must contain a {@code .} or a {@code :} or be {@code localhost} (as Docker and
 * CNCF distribution tell them apart).
 *
 * @param value the host and optional port, e.g. {@code ghcr.io} or {@code localhost:5000}
 */
public record RegistryHost(String value) {

  /** The longest host accepted. */
  public static final int MAX_LENGTH = 255;

  private static final String DOMAIN_COMPONENT =
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String DOMAIN_NAME = DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*";
  private static final String IPV6 = "\\[([a-fA-F0-9:.]+)(?:%[a-zA-Z0-9._~-]+)?\\]";
  private static final Pattern HOST =
      Pattern.compile("(" + DOMAIN_NAME + "|" + IPV6 + ")(?::([1-9][0-9]{0,4}))?");
  private static final Pattern HEX_GROUP = Pattern.compile("[a-fA-F0-9]{1,4}");
  private static final Pattern IPV4 =
      Pattern.compile(
          "(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
              + "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

  // After the patterns: static fields are initialised in order, and the constructor needs HOST.
  /** Docker Hub's canonical name. */
  public static final RegistryHost DOCKER_HUB = new RegistryHost("docker.io");

  /** Validates the grammar. */
  public RegistryHost {
    if (value.length() > MAX_LENGTH) {
      throw invalid("registry host is longer than " + MAX_LENGTH + " characters");
    }
    var m = HOST.matcher(value);
    if (!m.matches()) {
      throw invalid("registry host '" + value + "' is not host[:port]");
    }
    if (m.group(2) != null && !isIpv6(m.group(2))) {
      throw invalid("registry host '" + value + "' has a malformed IPv6 address");
    }
    if (m.group(3) != null && Integer.parseInt(m.group(3)) > 65535) {
      throw invalid("registry host '" + value + "' has a port above 65535");
    }
    if (!looksLikeHost(value)) {
      throw invalid(
          "registry host '"
              + value
              + "' must contain '.' or ':' or be 'localhost' to be told apart from a repository");
    }
  }

  /** RFC 4291 text form: up to eight hex groups, one "::", an IPv4 address at the end. */
  private static boolean isIpv6(String address) {
    String text = address;
    int groupsForIpv4 = 0;
    int lastColon = text.lastIndexOf(':');
    if (text.indexOf('.') >= 0) {
      if (!IPV4.matcher(text.substring(lastColon + 1)).matches()) {
        return false;
      }
      text = text.substring(0, lastColon + 1) + "0";
      groupsForIpv4 = 1;
    }
    int doubleColon = text.indexOf("::");
    if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
      return false;
    }
    String[] halves =
        doubleColon >= 0
            ? new String[] {text.substring(0, doubleColon), text.substring(doubleColon + 2)}
            : new String[] {text};
    int groups = 0;
    for (String half : halves) {
      if (half.isEmpty()) {
        continue;
      }
      for (String group : half.split(":", -1)) {
        if (!HEX_GROUP.matcher(group).matches()) {
          return false;
        }
        groups++;
      }
    }
    groups += groupsForIpv4;
    return doubleColon >= 0 ? groups <= 7 : groups == 8;
  }

  /** Whether the first component of a name is a registry host rather than a path component. */
  static boolean looksLikeHost(String component) {
    return component.indexOf('.') >= 0
        || component.indexOf(':') >= 0
        || component.startsWith("[")
        || component.equals("localhost");
  }

  /** The host without the port. */
  public String host() {
    int close = value.lastIndexOf(']');
    int colon = value.lastIndexOf(':');
    return colon > close ? value.substring(0, colon) : value;
  }

  /** Whether this is a loopback address ({@code localhost}, {@code 127.*}, {@code [::1]}). */
  public boolean isLoopback() {
    String h = host();
    return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]");
  }

  @Override
  public String toString() {
    return value;
  }

  private static InvalidContentException invalid(String message) {
    return new InvalidContentException(ErrorCode.NAME_INVALID, message);
  }
}
