package io.wharf.oci.auth;

import java.nio.charset.CharacterCodingException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads an htpasswd file: one {@code user:hash} a line, bcrypt hashes only, {@code #} comments and
 * blank lines skipped, {@code \n} or {@code \r\n} line ends. Everything else is a {@link
 * HtpasswdFormatException} naming the line.
 */
final class HtpasswdParser {

  /** The largest file read (16 MiB): more than a million users. */
  static final long MAX_FILE_SIZE = 16L * 1024 * 1024;

  /** The longest line (a 256-character user name, a colon and a hash fit many times over). */
  static final int MAX_LINE_LENGTH = 1024;

  /** The longest user name, as for an {@code Identity}. */
  static final int MAX_USER_LENGTH = 256;

  private HtpasswdParser() {}

  /**
   * The users and their hashes in {@code content}, in file order.
   *
   * @throws HtpasswdFormatException when the content is not a file Wharf accepts
   */
  static Map<String, String> parse(byte[] content) {
    if (content.length > MAX_FILE_SIZE) {
      throw new HtpasswdFormatException(
          0, "the file has " + content.length + " bytes, more than " + MAX_FILE_SIZE);
    }
    String text;
    try {
      text = Identities.strictUtf8(content);
    } catch (CharacterCodingException e) {
      throw new HtpasswdFormatException(0, "the file is not UTF-8");
    }
    Map<String, String> users = new LinkedHashMap<>();
    Map<String, Integer> lineOf = new HashMap<>();
    int start = 0;
    int number = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      number++;
      String line = text.substring(start, end);
      start = end + 1;
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      parseLine(line, number, users, lineOf);
    }
    return Collections.unmodifiableMap(users);
  }

  private static void parseLine(
      String line, int number, Map<String, String> users, Map<String, Integer> lineOf) {
    if (line.length() > MAX_LINE_LENGTH) {
      throw new HtpasswdFormatException(
          number, "the line is longer than " + MAX_LINE_LENGTH + " characters");
    }
    if (line.isBlank() || line.startsWith("#")) {
      return;
    }
    int colon = line.indexOf(':');
    if (colon < 0) {
      throw new HtpasswdFormatException(number, "no ':' separates the user from the hash");
    }
    String user = line.substring(0, colon);
    String hash = line.substring(colon + 1);
    if (user.isEmpty() || user.length() > MAX_USER_LENGTH) {
      throw new HtpasswdFormatException(
          number, "a user name has 1 to " + MAX_USER_LENGTH + " characters");
    }
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      if (c < 0x20 || c == 0x7f || Character.isWhitespace(c)) {
        throw new HtpasswdFormatException(
            number, "the user name has a control or white-space character");
      }
    }
    if (!Bcrypt.isHash(hash)) {
      throw new HtpasswdFormatException(
          number,
          "the password is "
              + Bcrypt.describe(hash)
              + "; only bcrypt is accepted ($2y$, as htpasswd -B writes it)");
    }
    Integer earlier = lineOf.putIfAbsent(user, number);
    if (earlier != null) {
      throw new HtpasswdFormatException(number, "the user of line " + earlier + " again");
    }
    users.put(user, hash);
  }
}
