package io.wharf.oci.policy.sign.internal.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.policy.sign.SignatureTrustException;
import io.wharf.oci.policy.sign.internal.Pem;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What Sigstore checks trust, read once: Fulcio certificate authorities (a root and its
 * intermediates, with the time they were valid for), Rekor transparency-log keys (by log id, the
 * SHA-256 of the key's DER SubjectPublicKeyInfo), certificate-transparency log keys and timestamp
 * authorities. Immutable.
 */
public final class TrustRoot {

  /** The media type prefix of a trusted root document. */
  static final String MEDIA_TYPE = "application/vnd.dev.sigstore.trustedroot+json";

  /**
   * A certificate authority.
   *
   * @param anchor its root (or the certificate the chain ends at)
   * @param intermediates the certificates between the anchor and a leaf
   * @param start when it began to issue
   * @param end when it stopped, if it did
   */
  record Authority(
      X509Certificate anchor,
      List<X509Certificate> intermediates,
      Instant start,
      Optional<Instant> end) {
    Authority {
      intermediates = List.copyOf(intermediates);
    }

    boolean validAt(Instant at) {
      return !at.isBefore(start) && end.map(e -> !at.isAfter(e)).orElse(true);
    }
  }

  /**
   * A transparency log's key.
   *
   * @param logId the log id, hex
   * @param key the key that signs its entries and checkpoints
   * @param start when the key began to sign
   * @param end when it stopped, if it did
   */
  record Log(String logId, PublicKey key, Instant start, Optional<Instant> end) {
    boolean validAt(Instant at) {
      return !at.isBefore(start) && end.map(e -> !at.isAfter(e)).orElse(true);
    }
  }

  private final List<Authority> fulcio;
  private final List<Log> rekor;
  private final List<Log> ctlogs;
  private final List<Authority> timestampAuthorities;

  private TrustRoot(
      List<Authority> fulcio, List<Log> rekor, List<Log> ctlogs, List<Authority> tsas) {
    this.fulcio = List.copyOf(fulcio);
    this.rekor = List.copyOf(rekor);
    this.ctlogs = List.copyOf(ctlogs);
    this.timestampAuthorities = List.copyOf(tsas);
  }

  /** The Fulcio authorities. */
  List<Authority> fulcio() {
    return fulcio;
  }

  /** The Rekor logs. */
  List<Log> rekor() {
    return rekor;
  }

  /** The certificate-transparency logs (read, not yet used to check embedded SCTs). */
  List<Log> ctlogs() {
    return ctlogs;
  }

  /** The timestamp authorities (read, not yet used). */
  List<Authority> timestampAuthorities() {
    return timestampAuthorities;
  }

  /** The Rekor log whose id is {@code logIdHex}, if trusted. */
  Optional<Log> rekorLog(String logIdHex) {
    return rekor.stream().filter(l -> l.logId.equalsIgnoreCase(logIdHex)).findFirst();
  }

  /** How many of each kind it holds, for messages. */
  @Override
  public String toString() {
    return fulcio.size()
        + " Fulcio authorities, "
        + rekor.size()
        + " Rekor logs, "
        + ctlogs.size()
        + " CT logs, "
        + timestampAuthorities.size()
        + " timestamp authorities";
  }

  /**
   * Reads a Sigstore {@code trusted_root.json} (media type {@value #MEDIA_TYPE}, version 0.1 or
   * 0.2): {@code certificateAuthorities}, {@code tlogs}, {@code ctlogs}, {@code
   * timestampAuthorities}, each with its {@code validFor}.
   *
   * @throws SignatureTrustException naming {@code source} when it is malformed
   */
  public static TrustRoot fromTrustedRoot(String source, byte[] json)
      throws SignatureTrustException {
    try {
      JsonNode root =
          BoundedJson.object("the trusted root", json, CosignLimits.MAX_TRUSTED_ROOT_BYTES);
      String mediaType = BoundedJson.text(root, "the trusted root", "mediaType");
      if (!mediaType.startsWith(MEDIA_TYPE)) {
        throw new Failure("mediaType is not " + MEDIA_TYPE);
      }
      List<Authority> cas = authorities(source, root, "certificateAuthorities");
      List<Log> tlogs = logs(source, root, "tlogs");
      List<Log> ctlogs = root.has("ctlogs") ? logs(source, root, "ctlogs") : List.of();
      List<Authority> tsas =
          root.has("timestampAuthorities")
              ? authorities(source, root, "timestampAuthorities")
              : List.of();
      if (cas.isEmpty() && tlogs.isEmpty()) {
        throw new Failure("it has neither certificate authorities nor transparency logs");
      }
      return new TrustRoot(cas, tlogs, ctlogs, tsas);
    } catch (Failure e) {
      throw new SignatureTrustException(source + ": " + e.getMessage());
    }
  }

  /**
   * The trust of Fulcio certificates (roots and intermediates, PEM) and Rekor public keys (PEM),
   * valid at any time. Self-signed certificates are the anchors; the others are intermediates (when
   * none is self-signed, every certificate is an anchor).
   *
   * @throws SignatureTrustException when one does not parse
   */
  public static TrustRoot of(List<String> fulcioPems, List<String> rekorPems)
      throws SignatureTrustException {
    List<X509Certificate> all = new ArrayList<>();
    for (int i = 0; i < fulcioPems.size(); i++) {
      all.addAll(Pem.certificates("Fulcio certificate " + (i + 1), fulcioPems.get(i)));
    }
    if (all.size() > CosignLimits.MAX_AUTHORITIES) {
      throw new SignatureTrustException(
          "more than " + CosignLimits.MAX_AUTHORITIES + " Fulcio certificates");
    }
    List<X509Certificate> roots =
        all.stream()
            .filter(c -> c.getSubjectX500Principal().equals(c.getIssuerX500Principal()))
            .toList();
    List<Authority> authorities = new ArrayList<>();
    if (roots.isEmpty()) {
      for (X509Certificate c : all) {
        authorities.add(new Authority(c, List.of(), Instant.MIN, Optional.empty()));
      }
    } else {
      List<X509Certificate> intermediates = all.stream().filter(c -> !roots.contains(c)).toList();
      for (X509Certificate root : roots) {
        authorities.add(new Authority(root, intermediates, Instant.MIN, Optional.empty()));
      }
    }
    List<Log> logs = new ArrayList<>();
    for (int i = 0; i < rekorPems.size(); i++) {
      PublicKey key = Pem.publicKey("Rekor key " + (i + 1), rekorPems.get(i));
      logs.add(new Log(logId(key), key, Instant.MIN, Optional.empty()));
    }
    return new TrustRoot(authorities, logs, List.of(), List.of());
  }

  /** The log id of {@code key}: the SHA-256 of its DER SubjectPublicKeyInfo, hex. */
  static String logId(PublicKey key) {
    return Digest.sha256(Bytes.of(key.getEncoded())).encoded();
  }

  /** The SHA-256 of {@code bytes}. */
  static byte[] sha256(byte[] bytes) {
    return Digest.sha256(Bytes.of(bytes)).hashBytes();
  }

  private static List<Authority> authorities(String source, JsonNode root, String field)
      throws Failure, SignatureTrustException {
    List<Authority> out = new ArrayList<>();
    List<JsonNode> items = objects(root, field);
    for (int i = 0; i < items.size(); i++) {
      String what = field + "[" + i + "]";
      JsonNode item = items.get(i);
      JsonNode chain = BoundedJson.object(item, what, "certChain");
      JsonNode certs =
          BoundedJson.array(chain, what + ".certChain", "certificates", CosignLimits.MAX_CHAIN);
      List<X509Certificate> list = new ArrayList<>();
      for (int j = 0; j < certs.size(); j++) {
        JsonNode cert = certs.get(j);
        if (!cert.isObject()) {
          throw new Failure(what + ".certChain.certificates[" + j + "] is not an object");
        }
        byte[] der =
            BoundedJson.base64(cert, what + ".certChain.certificates[" + j + "]", "rawBytes");
        List<X509Certificate> parsed = Pem.certificates(source + " " + what, der);
        if (parsed.size() != 1) {
          throw new Failure(what + ".certChain.certificates[" + j + "] is not one certificate");
        }
        list.add(parsed.get(0));
      }
      if (list.isEmpty()) {
        throw new Failure(what + " has no certificate");
      }
      Window window = validFor(item, what);
      out.add(
          new Authority(
              list.get(list.size() - 1),
              list.subList(0, list.size() - 1),
              window.start,
              window.end));
    }
    return out;
  }

  private static List<Log> logs(String source, JsonNode root, String field)
      throws Failure, SignatureTrustException {
    List<Log> out = new ArrayList<>();
    List<JsonNode> items = objects(root, field);
    for (int i = 0; i < items.size(); i++) {
      String what = field + "[" + i + "]";
      JsonNode item = items.get(i);
      JsonNode publicKey = BoundedJson.object(item, what, "publicKey");
      byte[] der = BoundedJson.base64(publicKey, what + ".publicKey", "rawBytes");
      PublicKey key = Pem.publicKey(source + " " + what, der);
      JsonNode logIdNode = BoundedJson.object(item, what, "logId");
      byte[] keyId = BoundedJson.base64(logIdNode, what + ".logId", "keyId");
      Window window = validFor(publicKey, what + ".publicKey");
      out.add(new Log(HexFormat.of().formatHex(keyId), key, window.start, window.end));
    }
    return out;
  }

  /** The objects of array {@code field} of the trusted root, at most {@code MAX_AUTHORITIES}. */
  private static List<JsonNode> objects(JsonNode root, String field) throws Failure {
    JsonNode items =
        BoundedJson.array(root, "the trusted root", field, CosignLimits.MAX_AUTHORITIES);
    List<JsonNode> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (!items.get(i).isObject()) {
        throw new Failure(field + "[" + i + "] is not an object");
      }
      out.add(items.get(i));
    }
    return out;
  }

  private record Window(Instant start, Optional<Instant> end) {}

  private static Window validFor(JsonNode item, String what) throws Failure {
    Optional<JsonNode> validFor = BoundedJson.optionalObject(item, what, "validFor");
    if (validFor.isEmpty()) {
      return new Window(Instant.MIN, Optional.empty());
    }
    Optional<String> start = BoundedJson.optionalText(validFor.get(), what + ".validFor", "start");
    Optional<String> end = BoundedJson.optionalText(validFor.get(), what + ".validFor", "end");
    return new Window(
        start.isPresent() ? time(what + ".validFor.start", start.get()) : Instant.MIN,
        end.isPresent() ? Optional.of(time(what + ".validFor.end", end.get())) : Optional.empty());
  }

  private static Instant time(String what, String text) throws Failure {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new Failure(what + " is not an RFC 3339 time");
    }
  }
}
