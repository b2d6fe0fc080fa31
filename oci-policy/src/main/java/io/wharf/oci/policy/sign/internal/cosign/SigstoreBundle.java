package io.wharf.oci.policy.sign.internal.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import io.wharf.oci.policy.sign.SignatureTrustException;
import io.wharf.oci.policy.sign.internal.Pem;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Sigstore bundle (v0.1, v0.2, v0.3): the verification material (a certificate or chain, or a
 * public-key hint; transparency-log entries) and the content, a message signature or a DSSE
 * envelope. Parsing checks shape and bounds only; {@link CosignSignatureVerifier} verifies.
 *
 * @param version the bundle version: {@code 0.1}, {@code 0.2} or {@code 0.3}
 * @param certificate the signing certificate, when keyless
 * @param chain the certificates after it (v0.1 and v0.2 chains), not trusted by themselves
 * @param entries the transparency-log entries
 * @param messageSignature the message signature, when the content is one
 * @param envelope the DSSE envelope, when the content is one
 */
record SigstoreBundle(
    String version,
    Optional<X509Certificate> certificate,
    List<X509Certificate> chain,
    List<LogEntry> entries,
    Optional<MessageSignature> messageSignature,
    Optional<Envelope> envelope) {

  /** The media types of the versions read. */
  static final List<String> MEDIA_TYPES =
      List.of(
          "application/vnd.dev.sigstore.bundle+json;version=0.1",
          "application/vnd.dev.sigstore.bundle+json;version=0.2",
          "application/vnd.dev.sigstore.bundle+json;version=0.3",
          "application/vnd.dev.sigstore.bundle.v0.3+json");

  SigstoreBundle {
    chain = List.copyOf(chain);
    entries = List.copyOf(entries);
  }

  /**
   * A signature over an artifact, given by its digest.
   *
   * @param algorithm the digest's algorithm, as the bundle names it ({@code SHA2_256})
   * @param digest the artifact's digest
   * @param signature the signature
   */
  record MessageSignature(String algorithm, byte[] digest, byte[] signature) {}

  /**
   * A DSSE envelope.
   *
   * @param payloadType the payload's type ({@code application/vnd.in-toto+json})
   * @param payload the payload
   * @param signatures its signatures
   */
  record Envelope(String payloadType, byte[] payload, List<byte[]> signatures) {
    Envelope {
      signatures = List.copyOf(signatures);
    }

    /** DSSE's pre-authentication encoding of the payload: what each signature is over. */
    byte[] pae() {
      byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
      byte[] head =
          ("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ")
              .getBytes(StandardCharsets.UTF_8);
      byte[] out = new byte[head.length + payload.length];
      System.arraycopy(head, 0, out, 0, head.length);
      System.arraycopy(payload, 0, out, head.length, payload.length);
      return out;
    }
  }

  /** Reads a bundle; any deviation from the format is a {@link Failure}. */
  static SigstoreBundle parse(byte[] json) throws Failure {
    String what = "the bundle";
    JsonNode root = BoundedJson.object(what, json, CosignLimits.MAX_BUNDLE_BYTES);
    String mediaType = BoundedJson.text(root, what, "mediaType");
    if (!MEDIA_TYPES.contains(mediaType)) {
      throw new Failure(
          what + " is of media type '" + mediaType + "', not a Sigstore bundle v0.1 to v0.3");
    }
    String version = mediaType.endsWith("0.1") ? "0.1" : mediaType.endsWith("0.2") ? "0.2" : "0.3";
    JsonNode material = BoundedJson.object(root, what, "verificationMaterial");
    String m = what + "'s verificationMaterial";
    Optional<X509Certificate> certificate = Optional.empty();
    List<X509Certificate> chain = new ArrayList<>();
    Optional<JsonNode> single = BoundedJson.optionalObject(material, m, "certificate");
    Optional<JsonNode> chainNode = BoundedJson.optionalObject(material, m, "x509CertificateChain");
    if (single.isPresent()) {
      certificate =
          Optional.of(
              certificate(BoundedJson.base64(single.get(), m + ".certificate", "rawBytes")));
    } else if (chainNode.isPresent()) {
      JsonNode certs =
          BoundedJson.array(
              chainNode.get(), m + ".x509CertificateChain", "certificates", CosignLimits.MAX_CHAIN);
      for (int i = 0; i < certs.size(); i++) {
        JsonNode c = certs.get(i);
        if (!c.isObject()) {
          throw new Failure(m + ": certificate " + i + " is not an object");
        }
        chain.add(certificate(BoundedJson.base64(c, m + " certificate " + i, "rawBytes")));
      }
      if (chain.isEmpty()) {
        throw new Failure(m + " has an empty certificate chain");
      }
      certificate = Optional.of(chain.remove(0));
    } else if (BoundedJson.optionalObject(material, m, "publicKey").isEmpty()) {
      throw new Failure(m + " has no certificate, chain or public key");
    }
    List<LogEntry> entries = new ArrayList<>();
    if (material.has("tlogEntries")) {
      JsonNode tlog = BoundedJson.array(material, m, "tlogEntries", CosignLimits.MAX_TLOG_ENTRIES);
      for (int i = 0; i < tlog.size(); i++) {
        entries.add(LogEntry.fromBundle(tlog.get(i), "tlog entry " + i));
      }
    }
    Optional<JsonNode> message = BoundedJson.optionalObject(root, what, "messageSignature");
    Optional<JsonNode> dsse = BoundedJson.optionalObject(root, what, "dsseEnvelope");
    if (message.isPresent() == dsse.isPresent()) {
      throw new Failure(what + " has not exactly one of messageSignature and dsseEnvelope");
    }
    if (message.isPresent()) {
      String s = what + "'s messageSignature";
      JsonNode digest = BoundedJson.object(message.get(), s, "messageDigest");
      return new SigstoreBundle(
          version,
          certificate,
          chain,
          entries,
          Optional.of(
              new MessageSignature(
                  BoundedJson.text(digest, s + ".messageDigest", "algorithm"),
                  BoundedJson.base64(digest, s + ".messageDigest", "digest"),
                  BoundedJson.base64(message.get(), s, "signature"))),
          Optional.empty());
    }
    String s = what + "'s dsseEnvelope";
    JsonNode sigs = BoundedJson.array(dsse.get(), s, "signatures", CosignLimits.MAX_LIST);
    List<byte[]> signatures = new ArrayList<>();
    for (int i = 0; i < sigs.size(); i++) {
      if (!sigs.get(i).isObject()) {
        throw new Failure(s + ": signature " + i + " is not an object");
      }
      signatures.add(BoundedJson.base64(sigs.get(i), s + " signature " + i, "sig"));
    }
    if (signatures.isEmpty()) {
      throw new Failure(s + " has no signature");
    }
    return new SigstoreBundle(
        version,
        certificate,
        chain,
        entries,
        Optional.empty(),
        Optional.of(
            new Envelope(
                BoundedJson.text(dsse.get(), s, "payloadType"),
                BoundedJson.base64(dsse.get(), s, "payload"),
                signatures)));
  }

  private static X509Certificate certificate(byte[] der) throws Failure {
    try {
      List<X509Certificate> certs = Pem.certificates("the bundle's certificate", der);
      if (certs.size() != 1) {
        throw new Failure("the bundle's certificate is not one certificate");
      }
      return certs.get(0);
    } catch (SignatureTrustException e) {
      throw new Failure("the bundle's certificate does not parse");
    }
  }
}
