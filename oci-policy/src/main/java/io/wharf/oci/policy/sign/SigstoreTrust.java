package io.wharf.oci.policy.sign;

import io.wharf.oci.policy.sign.internal.cosign.TrustRoot;
import java.util.List;
import java.util.Objects;

/**
 * What keyless and transparency-log checks trust: Fulcio certificate authorities, Rekor log keys
 * (and certificate-transparency log keys, when the root has them), read from a Sigstore {@code
 * trusted_root.json} or given as PEM files. Immutable.
 */
public final class SigstoreTrust {

  private final TrustRoot root;

  private SigstoreTrust(TrustRoot root) {
    this.root = root;
  }

  /**
   * The trust of a Sigstore trusted root ({@code application/vnd.dev.sigstore.trustedroot+json}):
   * its {@code certificateAuthorities} (Fulcio, each valid for its {@code validFor} window), {@code
   * tlogs} (Rekor keys by log id, each valid for its window), {@code ctlogs} and {@code
   * timestampAuthorities}. At most 1 MiB, 64 entries of each kind, chains of at most 10.
   *
   * @param source how errors name it
   * @throws SignatureTrustException when it is malformed
   */
  public static SigstoreTrust fromTrustedRoot(String source, byte[] json)
      throws SignatureTrustException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(json, "json");
    return new SigstoreTrust(TrustRoot.fromTrustedRoot(source, json));
  }

  /**
   * The trust of Fulcio root certificates and Rekor public keys given as PEM (as containers/image's
   * {@code policy.json} names them: {@code fulcio.caPath}, {@code rekorPublicKeyPath}), valid at
   * any time. Self-signed certificates are anchors, the others intermediates; a log's id is the
   * SHA-256 of its key's DER SubjectPublicKeyInfo.
   *
   * @throws SignatureTrustException when one does not parse
   */
  public static SigstoreTrust of(List<String> fulcioRootsPem, List<String> rekorKeysPem)
      throws SignatureTrustException {
    return new SigstoreTrust(TrustRoot.of(List.copyOf(fulcioRootsPem), List.copyOf(rekorKeysPem)));
  }

  /** The trust material, for the verifiers of this package. */
  TrustRoot root() {
    return root;
  }

  @Override
  public String toString() {
    return "Sigstore trust (" + root + ")";
  }
}
