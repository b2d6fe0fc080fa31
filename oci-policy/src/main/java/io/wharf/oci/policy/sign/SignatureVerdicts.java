package io.wharf.oci.policy.sign;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import java.io.IOException;
import java.util.Objects;

/**
 * Where the verdicts of signature rules are kept between pulls: a registry remembers them per
 * repository, manifest, policy revision and rule, and forgets a manifest's when a signature of it
 * arrives or goes. Verifying is the expensive part of a pull with a signature rule; the verdict
 * depends on the manifest's digest, its repository (cosign's reference check, Notation's scopes),
 * the signatures stored for it and the policy, not on the tag it was pulled by. Implementations are
 * thread-safe.
 */
@FunctionalInterface
public interface SignatureVerdicts {

  /**
   * What a verdict is kept under.
   *
   * @param repository the repository pulled from
   * @param manifest the manifest judged (an index, or one of its children)
   * @param revision the revision of the policy set that judged it
   * @param rule the name of the rule that judged it
   */
  record Key(RepositoryName repository, Digest manifest, long revision, String rule) {
    /** Checks that no part is missing. */
    public Key {
      Objects.requireNonNull(repository, "repository");
      Objects.requireNonNull(manifest, "manifest");
      Objects.requireNonNull(rule, "rule");
    }
  }

  /** Computes a verdict: finds and verifies the signatures. */
  @FunctionalInterface
  interface Computation {
    /**
     * The verdict.
     *
     * @throws IOException when the facts cannot be read
     */
    SignatureVerdict compute() throws IOException;
  }

  /**
   * The verdict kept under {@code key}, or the one {@code computation} makes (kept, unless the
   * manifest's signatures changed meanwhile).
   *
   * @throws IOException when {@code computation} fails; nothing is kept then
   */
  SignatureVerdict verdict(Key key, Computation computation) throws IOException;

  /** Keeps nothing: every pull verifies. */
  static SignatureVerdicts none() {
    return (key, computation) -> computation.compute();
  }
}
