package io.wharf.oci.auth;

import io.wharf.oci.server.Identity;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The identities the verifiers make, with the attributes every part of access control reads: {@code
 * kind} ({@code user} or {@code robot}) and {@code source} (where the identity came from).
 */
final class Identities {

  /** The attribute naming the kind of caller. */
  static final String KIND = "kind";

  /** The attribute naming the identity source. */
  static final String SOURCE = "source";

  private Identities() {}

  /**
   * Whether {@code name} can name an identity or a group: 1 to 256 characters, none a control
   * character (the rule of {@code Identity} and {@code Principal}).
   */
  static boolean isValidName(String name) {
    return isBounded(name, 256);
  }

  /** Whether {@code s} has 1 to {@code max} characters, none a control character. */
  static boolean isBounded(String s, int max) {
    if (s.isEmpty() || s.length() > max) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code bytes} as UTF-8, refusing malformed input instead of replacing it (a stranger's bytes
   * must not turn into another name).
   *
   * @throws java.nio.charset.CharacterCodingException when they are not UTF-8
   */
  static String strictUtf8(byte[] bytes) throws java.nio.charset.CharacterCodingException {
    return java.nio.charset.StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
        .decode(java.nio.ByteBuffer.wrap(bytes))
        .toString();
  }

  /** A user {@code name} from {@code source}, in {@code groups}. */
  static Identity user(String name, String source, Set<String> groups) {
    return new Identity(
        Optional.of(name), groups, Map.of(KIND, "user", SOURCE, source), Optional.empty());
  }

  /** A user {@code name} from {@code source}, in {@code groups}, with more attributes. */
  static Identity user(
      String name, String source, Set<String> groups, Map<String, String> attributes) {
    Map<String, String> all = new java.util.HashMap<>(attributes);
    all.put(KIND, "user");
    all.put(SOURCE, source);
    return new Identity(Optional.of(name), groups, all, Optional.empty());
  }

  /** The robot account logging in as {@code loginName}. */
  static Identity robot(String loginName) {
    return new Identity(
        Optional.of(loginName), Set.of(), Map.of(KIND, "robot", SOURCE, "robot"), Optional.empty());
  }
}
