package io.wharf.oci.model.ref;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.util.regex.Pattern;

/**
 * A tag, distribution-spec's {@code <reference>} when not a digest: {@code
 * [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}, so at most 128 characters.
 *
 * @param value the tag, e.g. {@code latest}
 */
public record Tag(String value) implements Comparable<Tag> {

  /** The longest tag. */
  public static final int MAX_LENGTH = 128;

  private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

  /** {@code latest}, the tag Docker assumes when none is given. */
  public static final Tag LATEST = new Tag("latest");

  /** Validates the grammar. */
  public Tag {
    if (value.length() > MAX_LENGTH) {
      throw new InvalidContentException(
          ErrorCode.TAG_INVALID,
          "tag '" + value.substring(0, 20) + "...' is longer than " + MAX_LENGTH + " characters");
    }
    if (!TAG.matcher(value).matches()) {
      throw new InvalidContentException(
          ErrorCode.TAG_INVALID,
          "tag '"
              + value
              + "' must start with a letter, digit or '_' and contain only letters, digits, '.',"
              + " '_' and '-'");
    }
  }

  /** Parses a tag; the same as the constructor. */
  public static Tag of(String value) {
    return new Tag(value);
  }

  @Override
  public int compareTo(Tag other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
