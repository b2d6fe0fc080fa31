package io.wharf.oci.policy.sign.internal.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.ReferenceParser;

/**
 * cosign's simple-signing payload, {@code {"critical":{"identity":{"docker-reference":…},
 * "image":{"docker-manifest-digest":…},"type":"cosign container image signature"}, "optional":…}}:
 * what a {@code .sig} layer says was signed.
 *
 * @param dockerReference the repository (and perhaps tag) the signer named
 * @param manifestDigest the manifest digest it signed
 */
record SimpleSigningPayload(String dockerReference, Digest manifestDigest) {

  /** The value of {@code critical.type} cosign and containers/image require. */
  static final String TYPE = "cosign container image signature";

  /** Reads {@code bytes}; any deviation from the format is a {@link Failure}. */
  static SimpleSigningPayload parse(byte[] bytes) throws Failure {
    JsonNode root = BoundedJson.object("the payload", bytes, CosignLimits.MAX_PAYLOAD_BYTES);
    JsonNode critical = BoundedJson.object(root, "the payload", "critical");
    String type = BoundedJson.text(critical, "the payload's critical", "type");
    if (!TYPE.equals(type)) {
      throw new Failure("the payload's critical.type is not '" + TYPE + "'");
    }
    JsonNode image = BoundedJson.object(critical, "the payload's critical", "image");
    String digest =
        BoundedJson.text(image, "the payload's critical.image", "docker-manifest-digest");
    JsonNode identity = BoundedJson.object(critical, "the payload's critical", "identity");
    String reference =
        BoundedJson.text(identity, "the payload's critical.identity", "docker-reference");
    try {
      return new SimpleSigningPayload(reference, Digest.parse(digest));
    } catch (InvalidContentException e) {
      throw new Failure("the payload's docker-manifest-digest is not a digest");
    }
  }

  /**
   * Whether the payload's reference names {@code registry/repository} (a tag or digest after it is
   * ignored; with an unknown {@code registry}, any registry). Both are read by Docker's rules, so
   * {@code index.docker.io/library/nginx}, as cosign writes it, names {@code docker.io/nginx}.
   */
  boolean names(String registry, String repository) {
    if (!registry.isEmpty()) {
      try {
        Reference signed = ReferenceParser.docker().parse(dockerReference);
        Reference pulled = ReferenceParser.docker().parse(registry + "/" + repository);
        return signed.registry().equals(pulled.registry())
            && signed.repository().equals(pulled.repository());
      } catch (RuntimeException e) {
        return false; // not a reference: it names nothing
      }
    }
    String name = dockerReference;
    int at = name.indexOf('@');
    if (at >= 0) {
      name = name.substring(0, at);
    }
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      name = name.substring(0, colon);
    }
    int slash = name.indexOf('/');
    if (slash > 0) {
      String first = name.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        name = name.substring(slash + 1);
      }
    }
    return name.equals(repository);
  }
}
