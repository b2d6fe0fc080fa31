package io.wharf.oci.policy;

import java.util.Objects;

/**
 * One error of a policy document: where it is and what is wrong.
 *
 * @param source the document's name (its file, or what the caller named it)
 * @param line the line, 1-based (0 when the error has no place in a text, such as a conflict
 *     between documents built in code)
 * @param column the column, 1-based (0 as for {@code line})
 * @param path the field, e.g. {@code rules[2].vulnerabilities.severity}; empty for the document as
 *     a whole
 * @param message what is wrong and, where it helps, what would be right
 */
public record PolicyError(String source, int line, int column, String path, String message) {

  /** Validates. */
  public PolicyError {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("line and column are 0 (unknown) or more");
    }
  }

  /** {@code source:LINE:COL: PATH: message}, leaving out what is unknown or empty. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(source);
    if (line > 0) {
      text.append(':').append(line).append(':').append(column);
    }
    text.append(": ");
    if (!path.isEmpty()) {
      text.append(path).append(": ");
    }
    return text.append(message).toString();
  }
}
