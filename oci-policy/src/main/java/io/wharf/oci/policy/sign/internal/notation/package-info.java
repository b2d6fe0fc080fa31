/**
 * Not exported: how Notary Project (Notation) signatures are read and verified. JWS and COSE_Sign1
 * envelopes are parsed under bounds ({@link io.wharf.oci.policy.sign.internal.notation.Envelopes}),
 * their certificate chains validated with JCA PKIX ({@link
 * io.wharf.oci.policy.sign.internal.notation.CertificateChains}), RFC 3161 timestamps read with
 * Bouncy Castle ({@link io.wharf.oci.policy.sign.internal.notation.Timestamps}), and a trust policy
 * document ({@link io.wharf.oci.policy.sign.internal.notation.TrustPolicy}) applied by {@link
 * io.wharf.oci.policy.sign.internal.notation.TrustPolicyVerifier}.
 */
@NullMarked
package io.wharf.oci.policy.sign.internal.notation;

import org.jspecify.annotations.NullMarked;
