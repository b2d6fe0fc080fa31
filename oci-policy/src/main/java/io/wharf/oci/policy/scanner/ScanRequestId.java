package io.wharf.oci.policy.scanner;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The identifier an adapter gives a scan request ({@code ScanRequestId}: a string whose format the
 * API does not impose; a UUID in practice). It goes into the report's URL path, so it is 1 to
 * {@value #MAX_LENGTH} characters that a path segment carries as they are: letters, digits and
 * {@code -._~!$&'()*+,;=:@}.
 *
 * @param value the identifier
 */
public record ScanRequestId(String value) {

  /** The longest identifier accepted. */
  public static final int MAX_LENGTH = 256;

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:@]+");

  /**
   * Validates.
   *
   * @throws IllegalArgumentException when the value is empty, too long, or has a character a path
   *     segment cannot carry as it is
   */
  public ScanRequestId {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty() || value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "a scan request id has 1 to " + MAX_LENGTH + " characters, not " + value.length());
    }
    if (!SEGMENT.matcher(value).matches() || value.equals(".") || value.equals("..")) {
      throw new IllegalArgumentException(
          "a scan request id has only letters, digits and -._~!$&'()*+,;=:@");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
