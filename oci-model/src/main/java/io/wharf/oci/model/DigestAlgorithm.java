package io.wharf.oci.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The digest algorithms registered by the OCI image-spec (descriptor.md, "Registered algorithms"):
 * the ones Wharf can verify. Digests with other algorithms parse, but cannot be verified.
 */
public enum DigestAlgorithm {
  /** {@code sha256}: 64 lower-case hex characters. The default. */
  SHA256("sha256", "SHA-256", 64),
  /** {@code sha512}: 128 lower-case hex characters. */
  SHA512("sha512", "SHA-512", 128);

  private final String id;
  private final String jcaName;
  private final int hexLength;

  DigestAlgorithm(String id, String jcaName, int hexLength) {
    this.id = id;
    this.jcaName = jcaName;
    this.hexLength = hexLength;
  }

  /** The identifier used in digests, e.g. {@code sha256}. */
  public String id() {
    return id;
  }

  /** The length of the hex-encoded hash. */
  public int hexLength() {
    return hexLength;
  }

  /** Whether {@code encoded} is a valid encoded part for this algorithm. */
  public boolean isValidEncoded(String encoded) {
    if (encoded.length() != hexLength) {
      return false;
    }
    // A loop, not a regular expression: garbage collection parses millions of digests.
    for (int i = 0; i < hexLength; i++) {
      char c = encoded.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }

  /** A fresh message digest for this algorithm. */
  public MessageDigest newMessageDigest() {
    try {
      return MessageDigest.getInstance(jcaName);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(jcaName + " is required of every Java platform", e);
    }
  }

  /** The registered algorithm with identifier {@code id}, if any. */
  public static Optional<DigestAlgorithm> lookup(String id) {
    for (DigestAlgorithm algorithm : values()) {
      if (algorithm.id.equals(id)) {
        return Optional.of(algorithm);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return id;
  }
}
