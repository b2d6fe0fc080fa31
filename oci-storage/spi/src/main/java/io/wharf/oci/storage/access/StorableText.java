package io.wharf.oci.storage.access;

/**
 * The text every store can keep exactly: no U+0000 (PostgreSQL's {@code TEXT} refuses it) and no
 * unpaired surrogate (it has no UTF-8 encoding, so a database would keep a replacement character
 * and a later lookup would match a different name).
 */
final class StorableText {

  private StorableText() {}

  /**
   * Checks {@code text}.
   *
   * @param what what the text is, for the message (never the text itself, which may be secret)
   * @throws IllegalArgumentException when a store could not keep it exactly
   */
  static String check(String text, String what) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        throw new IllegalArgumentException(what + " has no U+0000 character");
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(what + " has no unpaired surrogate character");
      }
    }
    return text;
  }
}
