package io.wharf.oci.policy.sign;

import io.wharf.oci.model.MediaType;
import java.util.Optional;

/** How a signature is stored in a registry: the three formats Wharf verifies. */
public enum SignatureFormat {
  /**
   * cosign's simple signing: a manifest whose layers are simple-signing payloads ({@code
   * application/vnd.dev.cosign.simplesigning.v1+json}) with the signature, certificate, chain and
   * Rekor bundle in their annotations; found by the {@code sha256-<hex>.sig} tag or as a referrer
   * of artifact type {@code application/vnd.dev.cosign.artifact.sig.v1+json}.
   */
  COSIGN("application/vnd.dev.cosign.artifact.sig.v1+json"),

  /**
   * A Sigstore bundle (cosign 3 and {@code cosign sign --new-bundle-format}): a referrer whose
   * artifact type is {@code application/vnd.dev.sigstore.bundle.v0.3+json} (or the older {@code
   * application/vnd.dev.sigstore.bundle+json;version=0.x}) and whose layer is the bundle (message
   * signature or DSSE envelope).
   */
  SIGSTORE_BUNDLE(
      "application/vnd.dev.sigstore.bundle.v0.3+json", "application/vnd.dev.sigstore.bundle+json"),

  /**
   * A Notary Project signature: a referrer of artifact type {@code
   * application/vnd.cncf.notary.signature} whose layer is a JWS ({@code application/jose+json}) or
   * COSE ({@code application/cose}) envelope.
   */
  NOTATION("application/vnd.cncf.notary.signature");

  private final MediaType artifactType;
  private final String[] essences;

  SignatureFormat(String artifactType, String... older) {
    this.artifactType = MediaType.parse(artifactType);
    this.essences = new String[older.length + 1];
    this.essences[0] = this.artifactType.essence();
    for (int i = 0; i < older.length; i++) {
      this.essences[i + 1] = MediaType.parse(older[i]).essence();
    }
  }

  /** The artifact type a referrer of this format has. */
  public MediaType artifactType() {
    return artifactType;
  }

  /**
   * The format whose artifact type, or an older name of it, is {@code artifactType} (parameters
   * ignored), if any.
   */
  public static Optional<SignatureFormat> ofArtifactType(MediaType artifactType) {
    String essence = artifactType.essence();
    for (SignatureFormat format : values()) {
      for (String known : format.essences) {
        if (known.equals(essence)) {
          return Optional.of(format);
        }
      }
    }
    return Optional.empty();
  }
}
