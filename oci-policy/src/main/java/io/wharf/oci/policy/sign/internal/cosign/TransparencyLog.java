package io.wharf.oci.policy.sign.internal.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import io.wharf.oci.policy.sign.SignatureTrustException;
import io.wharf.oci.policy.sign.internal.Pem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Checks a Rekor entry offline: the log is one the trust knows (by log id) and its key was valid
 * when the entry was integrated; the signed entry timestamp verifies over the canonical entry; the
 * inclusion proof (RFC 9162 §2.1.3.2) leads from the entry to the root its checkpoint names, and
 * the checkpoint (a signed note) verifies with the log's key; and the entry's body records this
 * very signature: the same signature bytes, payload hash and key or certificate.
 */
final class TransparencyLog {

  /** How far in the future an integrated time may be (clock skew). */
  private static final Duration SKEW = Duration.ofMinutes(5);

  /** The most signature lines of a checkpoint looked at. */
  private static final int MAX_NOTE_SIGNATURES = 8;

  /**
   * What an entry's body must record.
   *
   * @param payloadHash the SHA-256 of what was signed (the simple-signing payload, the artifact,
   *     the DSSE payload)
   * @param signatures the signatures (one, except for DSSE)
   * @param key the public key that signed, when key-based
   * @param certificate the certificate that signed, when keyless
   */
  record Expected(
      byte[] payloadHash,
      List<byte[]> signatures,
      Optional<PublicKey> key,
      Optional<X509Certificate> certificate) {
    Expected {
      signatures = List.copyOf(signatures);
    }
  }

  private TransparencyLog() {}

  /**
   * Verifies {@code entry} against {@code trust} and what it must record.
   *
   * @return when the log integrated the entry, if its signed entry timestamp vouches for that time
   *     (an inclusion proof alone does not)
   * @throws Failure when it does not verify
   */
  static Optional<Instant> verify(LogEntry entry, TrustRoot trust, Expected expected, Instant now)
      throws Failure {
    TrustRoot.Log log =
        trust
            .rekorLog(entry.logId())
            .orElseThrow(
                () ->
                    new Failure(
                        "the transparency-log entry is from a log the trusted root does not know"
                            + " (log id "
                            + entry.logId()
                            + ")"));
    Instant integrated = Instant.ofEpochSecond(entry.integratedTime());
    if (!log.validAt(integrated)) {
      throw new Failure("the transparency log's key was not valid when the entry was integrated");
    }
    if (integrated.isAfter(now.plus(SKEW))) {
      throw new Failure("the transparency-log entry was integrated in the future");
    }
    if (entry.signedEntryTimestamp().isEmpty() && entry.proof().isEmpty()) {
      throw new Failure(
          "the transparency-log entry has neither a signed entry timestamp nor an inclusion proof");
    }
    if (entry.signedEntryTimestamp().isPresent()
        && !KeySignatures.verifies(
            log.key(), entry.signedEntryTimestampPayload(), entry.signedEntryTimestamp().get())) {
      throw new Failure("the transparency log's signed entry timestamp does not verify");
    }
    if (entry.proof().isPresent()) {
      verifyInclusion(entry, entry.proof().get(), log);
    }
    matchBody(entry.body(), expected);
    return entry.signedEntryTimestamp().isPresent() ? Optional.of(integrated) : Optional.empty();
  }

  private static void verifyInclusion(
      LogEntry entry, LogEntry.InclusionProof proof, TrustRoot.Log log) throws Failure {
    if (proof.logIndex() >= proof.treeSize()) {
      throw new Failure("the inclusion proof's index is outside its tree");
    }
    byte[] leaf = hash((byte) 0, entry.body(), new byte[0]);
    long fn = proof.logIndex();
    long sn = proof.treeSize() - 1;
    byte[] r = leaf;
    for (byte[] p : proof.hashes()) {
      if (sn == 0) {
        throw new Failure("the inclusion proof is longer than its tree is deep");
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = hash((byte) 1, p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        r = hash((byte) 1, r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0 || !MessageDigest.isEqual(r, proof.rootHash())) {
      throw new Failure("the inclusion proof does not lead to the tree's root hash");
    }
    Checkpoint checkpoint = Checkpoint.parse(proof.checkpoint());
    if (checkpoint.size != proof.treeSize()
        || !MessageDigest.isEqual(checkpoint.rootHash, proof.rootHash())) {
      throw new Failure("the checkpoint names another tree than the inclusion proof");
    }
    if (!checkpoint.signedBy(log.key())) {
      throw new Failure("the checkpoint is not signed by the transparency log");
    }
  }

  /** A signed note: origin, tree size, root hash, then signature lines after a blank line. */
  private record Checkpoint(long size, byte[] rootHash, byte[] text, List<byte[]> signatures) {

    static Checkpoint parse(String envelope) throws Failure {
      int blank = envelope.indexOf("\n\n");
      if (blank < 0) {
        throw new Failure("the checkpoint is not a signed note");
      }
      String body = envelope.substring(0, blank + 1);
      String[] lines = body.split("\n", 4);
      if (lines.length < 3) {
        throw new Failure("the checkpoint does not name a tree size and root hash");
      }
      long size;
      byte[] root;
      try {
        size = Long.parseLong(lines[1]);
        root = Base64.getDecoder().decode(lines[2]);
      } catch (IllegalArgumentException e) {
        throw new Failure("the checkpoint's tree size or root hash does not parse");
      }
      List<byte[]> signatures = new ArrayList<>();
      for (String line : envelope.substring(blank + 2).split("\n")) {
        if (signatures.size() == MAX_NOTE_SIGNATURES) {
          break;
        }
        if (!line.startsWith("\u2014 ")) {
          continue;
        }
        int space = line.lastIndexOf(' ');
        try {
          byte[] sig = Base64.getDecoder().decode(line.substring(space + 1));
          if (sig.length > 4) {
            signatures.add(Arrays.copyOfRange(sig, 4, sig.length));
          }
        } catch (IllegalArgumentException e) {
          // not a signature line of ours
        }
      }
      return new Checkpoint(size, root, body.getBytes(StandardCharsets.UTF_8), signatures);
    }

    boolean signedBy(PublicKey key) {
      for (byte[] sig : signatures) {
        if (KeySignatures.verifies(key, text, sig)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Checks that {@code body} (hashedrekord or dsse, v0.0.1) records what is expected. */
  private static void matchBody(byte[] body, Expected expected) throws Failure {
    String what = "the transparency-log entry";
    JsonNode root = BoundedJson.object(what, body, CosignLimits.MAX_BUNDLE_BYTES);
    String kind = BoundedJson.text(root, what, "kind");
    String apiVersion = BoundedJson.text(root, what, "apiVersion");
    if (!"0.0.1".equals(apiVersion)) {
      throw new Failure(what + " is of " + kind + " version " + apiVersion + ", not 0.0.1");
    }
    JsonNode spec = BoundedJson.object(root, what, "spec");
    String hex = HexFormat.of().formatHex(expected.payloadHash());
    if ("hashedrekord".equals(kind)) {
      JsonNode hash =
          BoundedJson.object(BoundedJson.object(spec, what, "data"), what + " data", "hash");
      if (!"sha256".equals(BoundedJson.text(hash, what, "algorithm"))
          || !hex.equalsIgnoreCase(BoundedJson.text(hash, what, "value"))) {
        throw new Failure(what + " is for other content than this signature's");
      }
      JsonNode signature = BoundedJson.object(spec, what, "signature");
      byte[] content = BoundedJson.base64(signature, what + " signature", "content");
      if (expected.signatures().size() != 1
          || !Arrays.equals(content, expected.signatures().get(0))) {
        throw new Failure(what + " records another signature");
      }
      JsonNode publicKey = BoundedJson.object(signature, what + " signature", "publicKey");
      matchVerifier(BoundedJson.base64(publicKey, what + " public key", "content"), expected);
    } else if ("dsse".equals(kind)) {
      JsonNode payloadHash = BoundedJson.object(spec, what, "payloadHash");
      if (!"sha256".equals(BoundedJson.text(payloadHash, what, "algorithm"))
          || !hex.equalsIgnoreCase(BoundedJson.text(payloadHash, what, "value"))) {
        throw new Failure(what + " is for another DSSE payload");
      }
      JsonNode signatures = BoundedJson.array(spec, what, "signatures", CosignLimits.MAX_LIST);
      if (signatures.size() != expected.signatures().size()) {
        throw new Failure(what + " records other DSSE signatures");
      }
      for (JsonNode s : signatures) {
        if (!s.isObject()) {
          throw new Failure(what + ": a DSSE signature is not an object");
        }
        byte[] sig = BoundedJson.base64(s, what + " signature", "signature");
        if (expected.signatures().stream().noneMatch(e -> Arrays.equals(e, sig))) {
          throw new Failure(what + " records other DSSE signatures");
        }
        matchVerifier(BoundedJson.base64(s, what + " signature", "verifier"), expected);
      }
    } else {
      throw new Failure(what + " is of kind '" + kind + "', not hashedrekord or dsse");
    }
  }

  private static void matchVerifier(byte[] pem, Expected expected) throws Failure {
    String text = new String(pem, StandardCharsets.US_ASCII);
    try {
      if (expected.certificate().isPresent()) {
        List<X509Certificate> certs = Pem.certificates("the entry's certificate", pem);
        if (!certs.get(0).equals(expected.certificate().get())) {
          throw new Failure("the transparency-log entry records another certificate");
        }
      } else if (expected.key().isPresent()) {
        PublicKey key =
            text.contains("CERTIFICATE")
                ? Pem.certificates("the entry's certificate", pem).get(0).getPublicKey()
                : Pem.publicKey("the entry's public key", text);
        if (!Arrays.equals(key.getEncoded(), expected.key().get().getEncoded())) {
          throw new Failure("the transparency-log entry records another public key");
        }
      }
    } catch (SignatureTrustException e) {
      throw new Failure("the transparency-log entry's key or certificate does not parse");
    }
  }

  private static byte[] hash(byte prefix, byte[] a, byte[] b) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(prefix);
      sha256.update(a);
      sha256.update(b);
      return sha256.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
