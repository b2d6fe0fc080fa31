package io.wharf.oci.policy.sign.internal.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A Rekor transparency-log entry as a signature carries it: the entry's canonical body, when and
 * where the log integrated it, the log's signed entry timestamp (SET, its promise to include the
 * entry) and, in newer bundles, an inclusion proof with a signed checkpoint.
 *
 * @param body the canonicalized entry body (JSON)
 * @param integratedTime when the log integrated it, in seconds since the epoch
 * @param logIndex its index in the log
 * @param logId the log's id, hex
 * @param signedEntryTimestamp the SET, if carried
 * @param proof the inclusion proof, if carried
 */
record LogEntry(
    byte[] body,
    long integratedTime,
    long logIndex,
    String logId,
    Optional<byte[]> signedEntryTimestamp,
    Optional<InclusionProof> proof) {

  /**
   * An inclusion proof (RFC 6962/9162) of the entry in a tree of {@code treeSize} leaves whose root
   * is {@code rootHash}, with the log's checkpoint (a signed note) naming that root.
   */
  record InclusionProof(
      long logIndex, long treeSize, byte[] rootHash, List<byte[]> hashes, String checkpoint) {
    InclusionProof {
      hashes = List.copyOf(hashes);
    }
  }

  /**
   * Reads cosign's {@code dev.sigstore.cosign/bundle} annotation: {@code {"SignedEntryTimestamp":
   * …, "Payload": {"body": …, "integratedTime": …, "logIndex": …, "logID": …}}}.
   */
  static LogEntry fromCosignBundle(String json) throws Failure {
    JsonNode root =
        BoundedJson.object(
            "the Rekor bundle",
            json.getBytes(StandardCharsets.UTF_8),
            CosignLimits.MAX_ANNOTATION_BYTES);
    byte[] set = BoundedJson.base64(root, "the Rekor bundle", "SignedEntryTimestamp");
    JsonNode payload = BoundedJson.object(root, "the Rekor bundle", "Payload");
    String what = "the Rekor bundle's Payload";
    byte[] body = BoundedJson.base64(payload, what, "body");
    long integratedTime = BoundedJson.integer(payload, what, "integratedTime");
    long logIndex = BoundedJson.integer(payload, what, "logIndex");
    String logId = BoundedJson.text(payload, what, "logID");
    if (!logId.matches("[0-9a-fA-F]{64}")) {
      throw new Failure(what + ": logID is not a SHA-256 in hex");
    }
    return new LogEntry(body, integratedTime, logIndex, logId, Optional.of(set), Optional.empty());
  }

  /** Reads one of a Sigstore bundle's {@code verificationMaterial.tlogEntries}. */
  static LogEntry fromBundle(JsonNode entry, String what) throws Failure {
    if (!entry.isObject()) {
      throw new Failure(what + " is not an object");
    }
    long logIndex = BoundedJson.integer(entry, what, "logIndex");
    JsonNode logIdNode = BoundedJson.object(entry, what, "logId");
    byte[] keyId = BoundedJson.base64(logIdNode, what + ".logId", "keyId");
    if (keyId.length != 32) {
      throw new Failure(what + ".logId.keyId is not a SHA-256");
    }
    long integratedTime = BoundedJson.integer(entry, what, "integratedTime");
    byte[] body = BoundedJson.base64(entry, what, "canonicalizedBody");
    Optional<byte[]> set = Optional.empty();
    Optional<JsonNode> promise = BoundedJson.optionalObject(entry, what, "inclusionPromise");
    if (promise.isPresent()) {
      set =
          Optional.of(
              BoundedJson.base64(
                  promise.get(), what + ".inclusionPromise", "signedEntryTimestamp"));
    }
    Optional<InclusionProof> proof = Optional.empty();
    Optional<JsonNode> proofNode = BoundedJson.optionalObject(entry, what, "inclusionProof");
    if (proofNode.isPresent()) {
      String p = what + ".inclusionProof";
      JsonNode node = proofNode.get();
      JsonNode hashes = BoundedJson.array(node, p, "hashes", CosignLimits.MAX_PROOF_HASHES);
      List<byte[]> list = new java.util.ArrayList<>();
      for (int i = 0; i < hashes.size(); i++) {
        if (!hashes.get(i).isTextual()) {
          throw new Failure(p + ".hashes[" + i + "] is not a string");
        }
        list.add(BoundedJson.decode(p + ".hashes[" + i + "]", hashes.get(i).textValue()));
      }
      JsonNode checkpoint = BoundedJson.object(node, p, "checkpoint");
      proof =
          Optional.of(
              new InclusionProof(
                  BoundedJson.integer(node, p, "logIndex"),
                  BoundedJson.integer(node, p, "treeSize"),
                  BoundedJson.base64(node, p, "rootHash"),
                  list,
                  BoundedJson.text(checkpoint, p + ".checkpoint", "envelope")));
    }
    return new LogEntry(
        body, integratedTime, logIndex, HexFormat.of().formatHex(keyId), set, proof);
  }

  /**
   * What the log signed in the SET: the canonical JSON (RFC 8785: keys sorted, no whitespace) of
   * {@code {body, integratedTime, logID, logIndex}}, the body in standard base64.
   */
  byte[] signedEntryTimestampPayload() {
    return ("{\"body\":"
            + CanonicalJson.string(Base64.getEncoder().encodeToString(body))
            + ",\"integratedTime\":"
            + integratedTime
            + ",\"logID\":"
            + CanonicalJson.string(logId)
            + ",\"logIndex\":"
            + logIndex
            + "}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
