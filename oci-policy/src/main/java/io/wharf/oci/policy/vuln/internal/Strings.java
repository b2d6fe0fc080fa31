package io.wharf.oci.policy.vuln.internal;

/** Text helpers for messages about a stranger's report. */
final class Strings {

  private static final int SHOWN = 80;

  private Strings() {}

  /** {@code text} cut to 80 characters, control characters escaped: safe in one log line. */
  static String abbreviate(String text) {
    String cut = text.length() > SHOWN ? text.substring(0, SHOWN) + "…" : text;
    StringBuilder b = new StringBuilder(cut.length());
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
