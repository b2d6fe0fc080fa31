package io.wharf.oci.model.ref;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.util.regex.Pattern;

/**
 * A repository name within a registry, distribution-spec's {@code <name>}: path components of lower
 * case letters and digits, separated inside by {@code .}, {@code _}, {@code __} or runs of {@code
 * -}, joined by {@code /}; at most {@value #MAX_LENGTH} characters.
 *
 * <pre>
 * [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*
 * </pre>
 *
 * @param value the name, e.g. {@code library/ubuntu}
 */
public record RepositoryName(String value) implements Comparable<RepositoryName> {

  /** The longest name accepted. */
  public static final int MAX_LENGTH = 255;

  private static final Pattern COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*");

  /** Validates the grammar; the message names the component that is wrong. */
  public RepositoryName {
    if (value.isEmpty()) {
      throw invalid("repository name is empty");
    }
    if (value.length() > MAX_LENGTH) {
      throw invalid("repository name is longer than " + MAX_LENGTH + " characters");
    }
    if (value.startsWith("/") || value.endsWith("/")) {
      throw invalid("repository name '" + value + "' must not start or end with '/'");
    }
    for (String component : value.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) {
        throw invalid("repository name '" + value + "': " + problem(component));
      }
    }
  }

  private static String problem(String component) {
    if (component.isEmpty()) {
      return "empty path component ('//')";
    }
    if (!component.equals(component.toLowerCase(java.util.Locale.ROOT))) {
      return "path component '" + component + "' must be lower case";
    }
    if (component.equals("..") || component.equals(".")) {
      return "path component '" + component + "' is not allowed";
    }
    return "path component '"
        + component
        + "' must be lower-case letters and digits separated by '.', '_', '__' or '-'";
  }

  /** Parses a name; the same as the constructor. */
  public static RepositoryName of(String value) {
    return new RepositoryName(value);
  }

  @Override
  public int compareTo(RepositoryName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }

  private static InvalidContentException invalid(String message) {
    return new InvalidContentException(ErrorCode.NAME_INVALID, message);
  }
}
