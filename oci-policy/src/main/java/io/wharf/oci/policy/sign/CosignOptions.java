package io.wharf.oci.policy.sign;

/**
 * How strictly cosign signatures are checked, beyond the signature and the manifest digest.
 *
 * @param requireReference whether the payload's {@code critical.identity.docker-reference} must
 *     name the repository the manifest is pulled from (cosign writes the reference it signed; a
 *     signature copied to another repository then no longer counts)
 * @param requireTransparencyLog whether a key-based signature must carry a transparency-log entry
 *     (a Rekor bundle or inclusion proof) verified against the trusted root's log keys; keyless
 *     signatures always must
 */
public record CosignOptions(boolean requireReference, boolean requireTransparencyLog) {

  /** The defaults: the digest is checked, the reference and the log are not required. */
  public static CosignOptions defaults() {
    return new CosignOptions(false, false);
  }
}
