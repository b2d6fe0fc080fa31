package io.wharf.oci.policy.sign.internal.notation;

import com.fasterxml.jackson.databind.JsonNode;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.policy.sign.internal.notation.Envelope.SigningScheme;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads Notation's two envelope formats under bounds and checks their headers as the Notary Project
 * signature specification says: a supported algorithm, the payload content type, a signing scheme,
 * a signing time, and a {@code crit} list that names the signing scheme (and the expiry and
 * authentic signing time when present) and nothing Wharf does not understand.
 */
final class Envelopes {

  /** The media type of a JWS envelope. */
  static final String JWS = "application/jose+json";

  /** The media type of a COSE_Sign1 envelope. */
  static final String COSE = "application/cose";

  /**
   * The largest envelope read: one with a timestamp and a chain of a few certificates is ~10 KB.
   */
  static final int MAX_BYTES = 64 * 1024;

  /** The longest certificate chain accepted, leaf included. */
  static final int MAX_CHAIN = 10;

  static final String SIGNING_SCHEME = "io.cncf.notary.signingScheme";
  static final String SIGNING_TIME = "io.cncf.notary.signingTime";
  static final String EXPIRY = "io.cncf.notary.expiry";
  static final String AUTHENTIC_SIGNING_TIME = "io.cncf.notary.authenticSigningTime";
  static final String VERIFICATION_PLUGIN = "io.cncf.notary.verificationPlugin";
  static final String PLUGIN_MIN_VERSION = "io.cncf.notary.verificationPluginMinVersion";
  static final String TIMESTAMP = "io.cncf.notary.timestampSignature";

  private static final Set<String> UNDERSTOOD_CRITICAL =
      Set.of(SIGNING_SCHEME, EXPIRY, AUTHENTIC_SIGNING_TIME);

  private static final long COSE_TAG = 18;
  private static final long EPOCH_TAG = 1;
  private static final long COSE_ALG = 1;
  private static final long COSE_CRIT = 2;
  private static final long COSE_CONTENT_TYPE = 3;
  private static final long COSE_X5CHAIN = 33;

  private Envelopes() {}

  /**
   * The envelope of media type {@code mediaType} in {@code bytes}.
   *
   * @throws BadSignatureException when the media type is neither format's, or the envelope breaks a
   *     bound or a rule
   */
  static Envelope parse(String mediaType, byte[] bytes) throws BadSignatureException {
    if (bytes.length > MAX_BYTES) {
      throw new BadSignatureException("the envelope is larger than " + MAX_BYTES + " bytes");
    }
    if (mediaType.equals(JWS)) {
      return jws(bytes);
    }
    if (mediaType.equals(COSE)) {
      return cose(bytes);
    }
    throw new BadSignatureException(
        "the envelope's media type is " + clip(mediaType) + ", not " + JWS + " or " + COSE);
  }

  /** A JWS envelope in JSON serialisation ({@code payload, protected, header, signature}). */
  static Envelope jws(byte[] bytes) throws BadSignatureException {
    JsonNode root = Json.read("the JWS envelope", bytes);
    String payloadText = text(root, "payload", "the JWS envelope");
    String protectedText = text(root, "protected", "the JWS envelope");
    String signatureText = text(root, "signature", "the JWS envelope");
    JsonNode header = root.path("header");
    if (!header.isObject()) {
      throw new BadSignatureException("the JWS envelope has no unprotected header object");
    }
    JsonNode protectedHeader =
        Json.read("the JWS protected header", base64Url("protected", protectedText));
    if (!protectedHeader.isObject()) {
      throw new BadSignatureException("the JWS protected header is not a JSON object");
    }
    Headers h = new Headers();
    String alg = text(protectedHeader, "alg", "the protected header");
    h.algorithm =
        SignatureAlgorithm.ofJws(alg)
            .orElseThrow(
                () -> new BadSignatureException("unsupported signature algorithm " + clip(alg)));
    h.contentType = text(protectedHeader, "cty", "the protected header");
    JsonNode crit = protectedHeader.path("crit");
    if (!crit.isArray()) {
      throw new BadSignatureException("the protected header has no crit list");
    }
    for (JsonNode name : crit) {
      if (!name.isTextual()) {
        throw new BadSignatureException("the crit list holds a value that is not a header name");
      }
      h.critical.add(name.asText());
    }
    for (Iterator<String> it = protectedHeader.fieldNames(); it.hasNext(); ) {
      h.present.add(it.next());
    }
    h.scheme = optionalText(protectedHeader, SIGNING_SCHEME);
    h.signingTime = rfc3339(protectedHeader, SIGNING_TIME);
    h.expiry = rfc3339(protectedHeader, EXPIRY);
    h.authenticSigningTime = rfc3339(protectedHeader, AUTHENTIC_SIGNING_TIME);
    h.plugin = optionalText(protectedHeader, VERIFICATION_PLUGIN);
    JsonNode x5c = header.path("x5c");
    if (!x5c.isArray()) {
      throw new BadSignatureException("the JWS envelope has no x5c certificate chain");
    }
    if (x5c.size() > MAX_CHAIN) {
      throw new BadSignatureException("the certificate chain is longer than " + MAX_CHAIN);
    }
    for (JsonNode cert : x5c) {
      if (!cert.isTextual()) {
        throw new BadSignatureException("the x5c chain holds a value that is not base64");
      }
      h.chain.add(base64("x5c", cert.asText()));
    }
    JsonNode timestamp = header.path(TIMESTAMP);
    if (!timestamp.isMissingNode()) {
      if (!timestamp.isTextual()) {
        throw new BadSignatureException(TIMESTAMP + " is not base64");
      }
      h.timestamp = Optional.of(base64(TIMESTAMP, timestamp.asText()));
    }
    h.payload = base64Url("payload", payloadText);
    h.signed = (protectedText + "." + payloadText).getBytes(StandardCharsets.US_ASCII);
    h.signature = base64Url("signature", signatureText);
    return h.envelope("JWS");
  }

  /** A COSE_Sign1 envelope (CBOR tag 18). */
  static Envelope cose(byte[] bytes) throws BadSignatureException {
    Object item = Cbor.decode(bytes);
    if (!(item instanceof Cbor.Tagged tagged)
        || tagged.tag() != COSE_TAG
        || !(tagged.value() instanceof List<?> message)
        || message.size() != 4) {
      throw new BadSignatureException("not a COSE_Sign1 message (a 4-element array, CBOR tag 18)");
    }
    byte[] protectedBytes = bytes(message.get(0), "the protected header");
    Object decoded = protectedBytes.length == 0 ? Map.of() : Cbor.decode(protectedBytes);
    if (!(decoded instanceof Map<?, ?> protectedHeader)) {
      throw new BadSignatureException("the COSE protected header is not a map");
    }
    if (!(message.get(1) instanceof Map<?, ?> unprotected)) {
      throw new BadSignatureException("the COSE unprotected header is not a map");
    }
    Headers h = new Headers();
    Object alg = protectedHeader.get(COSE_ALG);
    if (!(alg instanceof Long id)) {
      throw new BadSignatureException("the protected header has no integer algorithm (label 1)");
    }
    h.algorithm =
        SignatureAlgorithm.ofCose(id)
            .orElseThrow(() -> new BadSignatureException("unsupported COSE algorithm " + id));
    Object contentType = protectedHeader.get(COSE_CONTENT_TYPE);
    if (!(contentType instanceof String cty)) {
      throw new BadSignatureException("the protected header has no text content type (label 3)");
    }
    h.contentType = cty;
    if (!(protectedHeader.get(COSE_CRIT) instanceof List<?> crit)) {
      throw new BadSignatureException("the protected header has no crit list (label 2)");
    }
    for (Object label : crit) {
      if (label instanceof String name) {
        h.critical.add(name);
      } else {
        h.critical.add("label " + Cbor.describe(label));
      }
    }
    for (Object key : protectedHeader.keySet()) {
      if (key instanceof String name) {
        h.present.add(name);
      }
    }
    h.scheme = optionalCoseText(protectedHeader, SIGNING_SCHEME);
    h.signingTime = epoch(protectedHeader, SIGNING_TIME);
    h.expiry = epoch(protectedHeader, EXPIRY);
    h.authenticSigningTime = epoch(protectedHeader, AUTHENTIC_SIGNING_TIME);
    h.plugin = optionalCoseText(protectedHeader, VERIFICATION_PLUGIN);
    Object x5chain = unprotected.get(COSE_X5CHAIN);
    if (x5chain instanceof Bytes one) {
      h.chain.add(one.toByteArray());
    } else if (x5chain instanceof List<?> many) {
      if (many.size() > MAX_CHAIN) {
        throw new BadSignatureException("the certificate chain is longer than " + MAX_CHAIN);
      }
      for (Object cert : many) {
        h.chain.add(bytes(cert, "a certificate of x5chain"));
      }
    } else {
      throw new BadSignatureException("the COSE envelope has no x5chain (label 33)");
    }
    Object timestamp = unprotected.get(TIMESTAMP);
    if (timestamp != null) {
      h.timestamp = Optional.of(bytes(timestamp, TIMESTAMP));
    }
    if (!(message.get(2) instanceof Bytes payload)) {
      throw new BadSignatureException("the COSE payload is detached or not a byte string");
    }
    h.payload = payload.toByteArray();
    h.signed = Cbor.sigStructure(protectedBytes, h.payload);
    h.signature = bytes(message.get(3), "the signature");
    return h.envelope("COSE");
  }

  /** The headers of either format, checked alike. */
  private static final class Headers {
    SignatureAlgorithm algorithm = SignatureAlgorithm.PS256;
    String contentType = "";
    final List<String> critical = new ArrayList<>();
    final Set<String> present = new HashSet<>();
    Optional<String> scheme = Optional.empty();
    Optional<Instant> signingTime = Optional.empty();
    Optional<Instant> expiry = Optional.empty();
    Optional<Instant> authenticSigningTime = Optional.empty();
    Optional<String> plugin = Optional.empty();
    final List<byte[]> chain = new ArrayList<>();
    Optional<byte[]> timestamp = Optional.empty();
    byte[] payload = new byte[0];
    byte[] signed = new byte[0];
    byte[] signature = new byte[0];

    Envelope envelope(String format) throws BadSignatureException {
      if (!contentType.equals(TargetArtifact.PAYLOAD_TYPE)) {
        throw new BadSignatureException(
            "the payload content type is "
                + clip(contentType)
                + ", not "
                + TargetArtifact.PAYLOAD_TYPE);
      }
      String schemeText =
          scheme.orElseThrow(() -> new BadSignatureException("no " + SIGNING_SCHEME + " header"));
      SigningScheme signingScheme =
          SigningScheme.of(schemeText)
              .orElseThrow(
                  () -> new BadSignatureException("unknown signing scheme " + clip(schemeText)));
      Instant signedAt =
          signingTime.orElseThrow(
              () -> new BadSignatureException("no " + SIGNING_TIME + " header"));
      if (plugin.isPresent()) {
        throw new BadSignatureException(
            "the signature requires verification plugin "
                + clip(plugin.get())
                + ", which Wharf does not run");
      }
      for (String name : critical) {
        if (!UNDERSTOOD_CRITICAL.contains(name)) {
          throw new BadSignatureException(
              "the critical header " + clip(name) + " is not understood");
        }
        if (!present.contains(name)) {
          throw new BadSignatureException("the critical header " + clip(name) + " is missing");
        }
      }
      requireCritical(SIGNING_SCHEME);
      if (expiry.isPresent()) {
        requireCritical(EXPIRY);
      }
      if (signingScheme == SigningScheme.SIGNING_AUTHORITY) {
        if (authenticSigningTime.isEmpty()) {
          throw new BadSignatureException(
              "a notary.x509.signingAuthority signature has no " + AUTHENTIC_SIGNING_TIME);
        }
        requireCritical(AUTHENTIC_SIGNING_TIME);
      } else if (authenticSigningTime.isPresent()) {
        throw new BadSignatureException(
            "a notary.x509 signature carries " + AUTHENTIC_SIGNING_TIME);
      }
      if (chain.isEmpty()) {
        throw new BadSignatureException("the certificate chain is empty");
      }
      return new Envelope(
          format,
          algorithm,
          signingScheme,
          signedAt,
          expiry,
          authenticSigningTime,
          certificates(chain),
          TargetArtifact.of(payload),
          signed,
          signature,
          timestamp);
    }

    private void requireCritical(String name) throws BadSignatureException {
      if (!critical.contains(name)) {
        throw new BadSignatureException(name + " is not marked critical");
      }
    }
  }

  /** The certificates of a chain, each DER, leaf first; a certificate twice is a loop. */
  static List<X509Certificate> certificates(List<byte[]> ders) throws BadSignatureException {
    List<X509Certificate> chain = new ArrayList<>(ders.size());
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (byte[] der : ders) {
        Der.checkShape("certificate " + (chain.size() + 1) + " of the chain", der);
        X509Certificate cert =
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        if (chain.contains(cert)) {
          throw new BadSignatureException(
              "the certificate chain holds a certificate twice (a loop)");
        }
        chain.add(cert);
      }
    } catch (CertificateException | RuntimeException e) {
      throw new BadSignatureException(
          "certificate " + (chain.size() + 1) + " of the chain is not an X.509 certificate");
    }
    return chain;
  }

  private static String text(JsonNode node, String field, String where)
      throws BadSignatureException {
    JsonNode value = node.path(field);
    if (!value.isTextual()) {
      throw new BadSignatureException(where + " has no " + field + " text");
    }
    return value.asText();
  }

  private static Optional<String> optionalText(JsonNode node, String field)
      throws BadSignatureException {
    JsonNode value = node.path(field);
    if (value.isMissingNode()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new BadSignatureException(field + " is not text");
    }
    return Optional.of(value.asText());
  }

  private static Optional<String> optionalCoseText(Map<?, ?> map, String label)
      throws BadSignatureException {
    Object value = map.get(label);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String text)) {
      throw new BadSignatureException(label + " is not text");
    }
    return Optional.of(text);
  }

  private static Optional<Instant> epoch(Map<?, ?> map, String label) throws BadSignatureException {
    Object value = map.get(label);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Cbor.Tagged tagged)
        || tagged.tag() != EPOCH_TAG
        || !(tagged.value() instanceof Long seconds)) {
      throw new BadSignatureException(label + " is not an epoch time (CBOR tag 1)");
    }
    try {
      return Optional.of(Instant.ofEpochSecond(seconds));
    } catch (DateTimeException e) {
      throw new BadSignatureException(label + " is out of range");
    }
  }

  private static Optional<Instant> rfc3339(JsonNode node, String field)
      throws BadSignatureException {
    Optional<String> text = optionalText(node, field);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(text.get()).toInstant());
    } catch (DateTimeException e) {
      throw new BadSignatureException(field + " is not an RFC 3339 time: " + clip(text.get()));
    }
  }

  private static byte[] bytes(Object item, String what) throws BadSignatureException {
    if (!(item instanceof Bytes b)) {
      throw new BadSignatureException(what + " is not a byte string");
    }
    return b.toByteArray();
  }

  private static byte[] base64Url(String what, String text) throws BadSignatureException {
    try {
      return Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new BadSignatureException(what + " is not base64url");
    }
  }

  private static byte[] base64(String what, String text) throws BadSignatureException {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new BadSignatureException(what + " is not base64");
    }
  }

  /**
   * The constant of {@code values} whose {@code toString()} (its name on the wire) is {@code text}.
   */
  static <E extends Enum<E>> Optional<E> named(E[] values, String text) {
    for (E value : values) {
      if (value.toString().equals(text)) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }

  /** {@code text} cut to 80 characters and one line, for messages about strangers' input. */
  static String clip(String text) {
    String line = text.replaceAll("[\\p{Cntrl}]", "?");
    return line.length() <= 80 ? line : line.substring(0, 80) + "...";
  }
}
