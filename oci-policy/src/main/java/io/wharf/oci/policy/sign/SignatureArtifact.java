package io.wharf.oci.policy.sign;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.RawManifest;
import java.util.Objects;

/**
 * A signature manifest found for a signed manifest: cosign's {@code .sig} manifest, a Sigstore
 * bundle referrer or a Notation signature. Its layers hold the signatures; a verifier reads them
 * through the {@link io.wharf.oci.policy.PolicyContext} it is given, bounded.
 *
 * @param format how the signature is stored
 * @param manifest the signature manifest, exactly as stored
 * @param origin how it was found
 */
public record SignatureArtifact(SignatureFormat format, RawManifest manifest, Origin origin) {

  /** How a signature manifest was found. */
  public enum Origin {
    /** Through cosign's {@code sha256-<hex>.sig} tag. */
    TAG,
    /** Among the signed manifest's referrers. */
    REFERRER
  }

  /** Checks that no part is missing. */
  public SignatureArtifact {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(origin, "origin");
  }

  /** The signature manifest's digest. */
  public Digest digest() {
    return manifest.digest();
  }
}
