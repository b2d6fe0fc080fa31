package io.wharf.oci.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * bcrypt hashes as {@code htpasswd -B} writes them ({@code $2y$}, also {@code $2a$} and {@code
 * $2b$}), checked with Bouncy Castle's {@link OpenBSDBCrypt}. As everywhere bcrypt is used, only
 * the first 72 bytes of a password count.
 */
final class Bcrypt {

  /** {@code $2y$NN$} and 53 characters of bcrypt's base 64 (salt and hash). */
  private static final Pattern HASH =
      Pattern.compile("\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");

  /** The cost {@code htpasswd -B} uses by default. */
  static final int DEFAULT_COST = 5;

  private Bcrypt() {}

  /** Whether {@code hash} is a bcrypt hash this class checks. */
  static boolean isHash(String hash) {
    return HASH.matcher(hash).matches();
  }

  /** The cost (log2 of the rounds) of a hash that {@link #isHash} accepted. */
  static int cost(String hash) {
    return Integer.parseInt(hash.substring(4, 6));
  }

  /**
   * Whether {@code secret} matches {@code hash} (a hash {@link #isHash} accepted). Bouncy Castle
   * compares the computed and the stored hash in constant time.
   */
  static boolean matches(String hash, String secret) {
    return OpenBSDBCrypt.checkPassword(hash, secret.toCharArray());
  }

  /** A new hash of {@code password} at {@code cost}, with a random salt. */
  static String hash(CharSequence password, int cost) {
    if (cost < 4 || cost > 31) {
      throw new IllegalArgumentException("a bcrypt cost is 4 to 31");
    }
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    char[] chars = password.toString().toCharArray();
    return OpenBSDBCrypt.generate("2y", chars, salt, cost);
  }

  /**
   * A hash of a random password at the cost most of {@code hashes} have (the higher one on a tie,
   * {@link #DEFAULT_COST} when there are none): checked for users who do not exist, so that the
   * time an answer takes does not tell whether the user exists.
   */
  static String dummyFor(Collection<String> hashes) {
    Map<Integer, Integer> counts = new HashMap<>();
    for (String h : hashes) {
      counts.merge(cost(h), 1, Integer::sum);
    }
    int cost = DEFAULT_COST;
    int best = 0;
    for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
      if (e.getValue() > best || (e.getValue() == best && e.getKey() > cost)) {
        best = e.getValue();
        cost = e.getKey();
      }
    }
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    return hash(
        new String(java.util.Base64.getEncoder().encode(random), StandardCharsets.US_ASCII), cost);
  }

  /**
   * What kind of hash {@code hash} is, for an error message that names the kind and never the hash
   * (a plain-text "hash" would be a password).
   */
  static String describe(String hash) {
    if (hash.startsWith("$apr1$")) {
      return "an Apache MD5 hash ($apr1$)";
    }
    if (hash.startsWith("{SHA}")) {
      return "a SHA-1 hash ({SHA})";
    }
    if (hash.startsWith("$1$") || hash.startsWith("$5$") || hash.startsWith("$6$")) {
      return "a crypt(3) MD5 or SHA-2 hash";
    }
    if (hash.startsWith("$2")) {
      return "a malformed bcrypt hash";
    }
    return "a crypt(3) DES hash or plain text";
  }
}
