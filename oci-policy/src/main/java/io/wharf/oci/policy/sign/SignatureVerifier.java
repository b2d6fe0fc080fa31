package io.wharf.oci.policy.sign;

import io.wharf.oci.policy.PolicyContext;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Verifies signatures of one format against one trust: a public key, a set of keyless identities
 * under a Sigstore trusted root, a Notation trust policy. Immutable and thread-safe. A signature
 * requirement holds when one verifier it lists finds one valid signature.
 *
 * <p>Bad input is never an exception: a malformed, oversized or unknown signature, envelope, bundle
 * or certificate is a failed {@link SignatureCheck} that says why. Only failing to read the facts
 * is.
 */
public interface SignatureVerifier {

  /**
   * The trust, as reasons name it: {@code key cosign.pub}, {@code keyless mitr@redhat.com}, {@code
   * notation trust policy e2e}.
   */
  String name();

  /** The formats it verifies; it is handed only artifacts of these. */
  Set<SignatureFormat> formats();

  /**
   * Checks each signature that {@code artifact} holds over {@code subject}: one check per signature
   * (a cosign {@code .sig} manifest holds one per layer), in layer order.
   *
   * @param subject what the signatures must be over
   * @param artifact a signature manifest of one of {@link #formats()}
   * @param facts the repository, to read the artifact's layers from (bounded reads)
   * @param now the time to judge expiry by
   * @throws IOException only when the facts cannot be read
   */
  List<SignatureCheck> verify(
      SignedSubject subject, SignatureArtifact artifact, PolicyContext facts, Instant now)
      throws IOException;
}
