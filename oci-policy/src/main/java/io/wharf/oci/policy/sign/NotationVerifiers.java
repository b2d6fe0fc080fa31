package io.wharf.oci.policy.sign;

import io.wharf.oci.policy.sign.internal.notation.TrustPolicyVerifier;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/** Verifiers of Notary Project (Notation) signatures. */
public final class NotationVerifiers {

  private NotationVerifiers() {}

  /**
   * A verifier that applies a Notation trust policy document ({@code trustpolicy.json}, version
   * 1.0): the statement whose {@code registryScopes} match the subject's {@code
   * registry/repository} (or {@code *}) chooses the verification level (strict, permissive, audit,
   * skip), the trust stores and the trusted identities; JWS and COSE envelopes are verified, their
   * chains validated against the trust stores.
   *
   * @param name how reasons name it ({@code notation trust policy e2e})
   * @param trustPolicyJson the document, as Notation reads it
   * @param trustStores certificates by {@code type:name} ({@code ca:e2e}, {@code
   *     signingAuthority:acme}, {@code tsa:globalsign}), as the document's {@code trustStores} name
   *     them
   * @throws SignatureTrustException when the document is malformed or names a store not given
   */
  public static SignatureVerifier trustPolicy(
      String name, byte[] trustPolicyJson, Map<String, List<X509Certificate>> trustStores)
      throws SignatureTrustException {
    return TrustPolicyVerifier.create(name, trustPolicyJson, trustStores);
  }
}
