package io.wharf.oci.model;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A content digest, {@code algorithm ":" encoded}, as image-spec descriptor.md defines it:
 *
 * <pre>
 * digest                ::= algorithm ":" encoded
 * algorithm             ::= algorithm-component (algorithm-separator algorithm-component)*
 * algorithm-component   ::= [a-z0-9]+
 * algorithm-separator   ::= [+._-]
 * encoded               ::= [a-zA-Z0-9=_-]+
 * </pre>
 *
 * For the registered algorithms ({@link DigestAlgorithm}) the encoded part must also be lower-case
 * hex of the algorithm's length. Other algorithms are accepted by the grammar but cannot be
 * verified; {@link #algorithmKind()} is empty for them. A digest is at most {@value #MAX_LENGTH}
 * characters long.
 *
 * @param algorithm the algorithm identifier, e.g. {@code sha256}
 * @param encoded the encoded hash, e.g. 64 lower-case hex characters for sha256
 */
public record Digest(String algorithm, String encoded) implements Comparable<Digest> {

  /** The longest digest accepted, in characters: a bound on what strangers may send. */
  public static final int MAX_LENGTH = 256;

  private static final Pattern ALGORITHM = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*");
  private static final Pattern ENCODED = Pattern.compile("[a-zA-Z0-9=_-]+");
  private static final HexFormat HEX = HexFormat.of();

  /** Validates both parts; see the class documentation for the grammar. */
  public Digest {
    if (algorithm.length() + 1 + encoded.length() > MAX_LENGTH) {
      throw invalid("digest is longer than " + MAX_LENGTH + " characters");
    }
    // A registered algorithm's identifier matches the grammar, and so does lower-case hex: the
    // regular expressions are for the others (garbage collection parses millions of digests).
    Optional<DigestAlgorithm> registered = DigestAlgorithm.lookup(algorithm);
    if (registered.isEmpty() && !ALGORITHM.matcher(algorithm).matches()) {
      throw invalid("digest algorithm '" + abbreviate(algorithm) + "' does not match the grammar");
    }
    if (registered.isEmpty() && !ENCODED.matcher(encoded).matches()) {
      throw invalid("encoded part of the " + algorithm + " digest does not match the grammar");
    }
    if (registered.isPresent() && !registered.get().isValidEncoded(encoded)) {
      throw invalid(
          algorithm
              + " digest must be "
              + registered.get().hexLength()
              + " lower-case hex characters, got '"
              + abbreviate(encoded)
              + "'");
    }
  }

  /**
   * Parses {@code algorithm:encoded}.
   *
   * @throws InvalidContentException with {@link ErrorCode#DIGEST_INVALID} when the text is not a
   *     digest
   */
  public static Digest parse(String text) {
    if (text.length() > MAX_LENGTH) {
      throw invalid("digest is longer than " + MAX_LENGTH + " characters");
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw invalid("digest '" + abbreviate(text) + "' has no ':' between algorithm and hash");
    }
    return new Digest(text.substring(0, colon), text.substring(colon + 1));
  }

  /** The digest of a finished hash, e.g. from {@link Digester#digest()}. */
  public static Digest of(DigestAlgorithm algorithm, byte[] hash) {
    return new Digest(algorithm.id(), HEX.formatHex(hash));
  }

  /** The digest of {@code content} with {@code algorithm}. */
  public static Digest of(DigestAlgorithm algorithm, Bytes content) {
    var md = algorithm.newMessageDigest();
    md.update(content.asReadOnlyBuffer());
    return of(algorithm, md.digest());
  }

  /** The sha256 digest of {@code content}. */
  public static Digest sha256(Bytes content) {
    return of(DigestAlgorithm.SHA256, content);
  }

  /** The sha256 digest of everything {@code in} yields, streamed. The caller closes {@code in}. */
  public static Digest sha256(InputStream in) throws IOException {
    Digester digester = Digester.of(DigestAlgorithm.SHA256);
    byte[] buffer = new byte[64 * 1024];
    for (int n; (n = in.read(buffer)) != -1; ) {
      digester.update(buffer, 0, n);
    }
    return digester.digest();
  }

  /** The registered algorithm, or empty when this digest uses one Wharf cannot verify. */
  public Optional<DigestAlgorithm> algorithmKind() {
    return DigestAlgorithm.lookup(algorithm);
  }

  /**
   * The registered algorithm.
   *
   * @throws InvalidContentException with {@link ErrorCode#DIGEST_INVALID} when the algorithm is not
   *     one Wharf can verify
   */
  public DigestAlgorithm requireAlgorithm() {
    return algorithmKind()
        .orElseThrow(() -> invalid("unsupported digest algorithm '" + algorithm + "'"));
  }

  /** The encoded hash as bytes; only for registered algorithms. */
  public byte[] hashBytes() {
    requireAlgorithm();
    return HEX.parseHex(encoded);
  }

  @Override
  public int compareTo(Digest other) {
    int c = algorithm.compareTo(other.algorithm);
    return c != 0 ? c : encoded.compareTo(other.encoded);
  }

  /** {@code algorithm:encoded}, the form used on the wire and in JSON. */
  @Override
  public String toString() {
    return algorithm + ':' + encoded;
  }

  private static InvalidContentException invalid(String message) {
    return new InvalidContentException(ErrorCode.DIGEST_INVALID, message);
  }

  static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
