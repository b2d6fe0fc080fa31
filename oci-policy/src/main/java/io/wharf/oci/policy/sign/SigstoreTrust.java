package io.wharf.oci.policy.sign;

import java.util.List;

/**
 * What keyless and transparency-log checks trust: Fulcio certificate authorities, Rekor log keys
 * (and certificate-transparency log keys, when the root has them), read from a Sigstore {@code
 * trusted_root.json} or given as PEM files. Immutable.
 */
public final class SigstoreTrust {

  private SigstoreTrust() {}

  /**
   * The trust of a Sigstore trusted root ({@code application/vnd.dev.sigstore.trustedroot+json}).
   *
   * @param source how errors name it
   * @throws SignatureTrustException when it is malformed
   */
  public static SigstoreTrust fromTrustedRoot(String source, byte[] json)
      throws SignatureTrustException {
    throw new UnsupportedOperationException("TEMPORARY: built by the cosign part of issue 14");
  }

  /**
   * The trust of Fulcio root certificates and Rekor public keys given as PEM (as containers/image's
   * {@code policy.json} names them: {@code fulcio.caPath}, {@code rekorPublicKeyPath}).
   *
   * @throws SignatureTrustException when one does not parse
   */
  public static SigstoreTrust of(List<String> fulcioRootsPem, List<String> rekorKeysPem)
      throws SignatureTrustException {
    throw new UnsupportedOperationException("TEMPORARY: built by the cosign part of issue 14");
  }
}
