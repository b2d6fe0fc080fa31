package io.wharf.oci.policy.sign.internal.cosign;

/** The one piece of RFC 8785 (JSON canonicalization) the SET needs: strings. */
final class CanonicalJson {

  private CanonicalJson() {}

  /**
   * {@code s} as an RFC 8785 JSON string: quotes and backslashes escaped, the control characters
   * backspace, tab, newline, form feed and carriage return by their short forms and the others as
   * six-character hex escapes; everything else as it is.
   */
  static String string(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\f':
          out.append("\\f");
          break;
        case '\r':
          out.append("\\r");
          break;
        default:
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    return out.append('"').toString();
  }
}
