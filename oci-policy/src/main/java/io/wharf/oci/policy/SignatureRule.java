package io.wharf.oci.policy;

import io.wharf.oci.policy.sign.SignatureFormat;
import io.wharf.oci.policy.sign.SignatureVerifier;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A signature requirement (on pull): the manifest is served only when one of the verifiers finds
 * one valid signature over it.
 *
 * <p>Two rules are equal when they trust the same material ({@link #trust()}), so that a policy
 * read twice from the same files has the same content and revision; the verifiers themselves have
 * no equality.
 *
 * @param verifiers the trust it accepts, any one of them (keys, keyless identities, a Notation
 *     trust policy); empty only for a refusal
 * @param index how an image index is judged
 * @param trust what the verifiers trust, in words and digests of their material, one entry per
 *     verifier ({@code key cosign.pub sha256:…}): what equality and a policy's revision go by
 * @param refusal when present, the rule denies every pull with this message and reads nothing (a
 *     containers {@code policy.json} {@code reject}, or a requirement Wharf cannot check, such as
 *     GPG {@code signedBy}: failing closed)
 */
public record SignatureRule(
    List<SignatureVerifier> verifiers,
    IndexSignatures index,
    List<String> trust,
    Optional<String> refusal) {

  /** Validates and copies: verifiers (or a refusal), one trust entry per verifier. */
  public SignatureRule {
    verifiers = List.copyOf(verifiers);
    Objects.requireNonNull(index, "index");
    trust = List.copyOf(trust);
    Objects.requireNonNull(refusal, "refusal");
    if (refusal.isPresent()) {
      if (!verifiers.isEmpty()) {
        throw new IllegalArgumentException("a refusal has no verifiers");
      }
      String message = refusal.get();
      if (message.isBlank() || message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0) {
        throw new IllegalArgumentException("a refusal says why, on one line");
      }
    } else if (verifiers.isEmpty()) {
      throw new IllegalArgumentException("a signature rule has at least one verifier");
    }
    if (trust.size() != verifiers.size()) {
      throw new IllegalArgumentException("one trust entry per verifier");
    }
  }

  /**
   * A rule accepting a signature by any of {@code verifiers}, judging an index as {@code index};
   * the trust is described by the verifiers' names.
   */
  public static SignatureRule of(List<SignatureVerifier> verifiers, IndexSignatures index) {
    List<String> names = new ArrayList<>(verifiers.size());
    for (SignatureVerifier verifier : verifiers) {
      names.add(verifier.name());
    }
    return new SignatureRule(verifiers, index, names, Optional.empty());
  }

  /** A rule that denies every pull with {@code message} (one line). */
  public static SignatureRule refuse(String message) {
    return new SignatureRule(List.of(), IndexSignatures.SELF, List.of(), Optional.of(message));
  }

  /** The verifiers' names, in order, as reasons name them ({@code key cosign.pub}). */
  public List<String> names() {
    List<String> names = new ArrayList<>(verifiers.size());
    for (SignatureVerifier verifier : verifiers) {
      names.add(verifier.name());
    }
    return names;
  }

  /** The signature formats any of the verifiers reads. */
  public Set<SignatureFormat> formats() {
    Set<SignatureFormat> formats = EnumSet.noneOf(SignatureFormat.class);
    for (SignatureVerifier verifier : verifiers) {
      formats.addAll(verifier.formats());
    }
    return formats;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SignatureRule that
        && index == that.index
        && trust.equals(that.trust)
        && refusal.equals(that.refusal);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, trust, refusal);
  }

  @Override
  public String toString() {
    return refusal
        .map(r -> "SignatureRule[refusal=" + r + "]")
        .orElseGet(() -> "SignatureRule[trust=" + trust + ", index=" + index + "]");
  }
}
