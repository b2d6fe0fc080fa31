package io.wharf.oci.policy.sign.internal.notation;

import com.fasterxml.jackson.databind.JsonNode;
import io.wharf.oci.model.Descriptor;

/**
 * What a Notation signature is over: the {@code targetArtifact} descriptor of its payload ({@code
 * application/vnd.cncf.notary.payload.v1+json}), compared as Notation compares descriptors: media
 * type, digest and size.
 */
record TargetArtifact(String mediaType, String digest, long size) {

  /** The payload's content type. */
  static final String PAYLOAD_TYPE = "application/vnd.cncf.notary.payload.v1+json";

  /**
   * The target artifact of {@code payload}.
   *
   * @throws BadSignatureException when the payload is not {@code {"targetArtifact": descriptor}}
   */
  static TargetArtifact of(byte[] payload) throws BadSignatureException {
    JsonNode root = Json.read("the payload", payload);
    JsonNode target = root.path("targetArtifact");
    if (!target.isObject()) {
      throw new BadSignatureException("the payload has no targetArtifact object");
    }
    JsonNode mediaType = target.path("mediaType");
    JsonNode digest = target.path("digest");
    JsonNode size = target.path("size");
    if (!mediaType.isTextual()
        || !digest.isTextual()
        || !size.isIntegralNumber()
        || !size.canConvertToLong()
        || size.asLong() < 0) {
      throw new BadSignatureException(
          "the payload's targetArtifact lacks a mediaType, digest or size");
    }
    return new TargetArtifact(mediaType.asText(), digest.asText(), size.asLong());
  }

  /** Whether it names {@code descriptor}. */
  boolean matches(Descriptor descriptor) {
    return size == descriptor.size()
        && digest.equals(descriptor.digest().toString())
        && mediaType.equals(descriptor.mediaType().value());
  }

  @Override
  public String toString() {
    return Envelopes.clip(digest) + " (" + Envelopes.clip(mediaType) + ", " + size + " bytes)";
  }
}
