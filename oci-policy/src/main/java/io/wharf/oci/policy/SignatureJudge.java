package io.wharf.oci.policy;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.sign.SignatureArtifact;
import io.wharf.oci.policy.sign.SignatureCheck;
import io.wharf.oci.policy.sign.SignatureFormat;
import io.wharf.oci.policy.sign.SignatureVerdict;
import io.wharf.oci.policy.sign.SignatureVerdicts;
import io.wharf.oci.policy.sign.SignatureVerifier;
import io.wharf.oci.policy.sign.Signatures;
import io.wharf.oci.policy.sign.SignedSubject;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Judges one pull against the signature rules that apply to it: for each rule, the manifest (or,
 * for an index under {@link IndexSignatures#CHILDREN}, each child) must have one signature that one
 * of the rule's verifiers verifies. Verdicts go through {@link SignatureVerdicts}, so a registry
 * verifies once per manifest, rule and policy revision. One instance per pull.
 */
final class SignatureJudge {

  /** The most failed signatures listed per rule and image; the rest are counted. */
  static final int MAX_FAILURES = 10;

  /** The most indexes looked at for a child pulled by digest, per level. */
  static final int MAX_PARENTS = 8;

  /** How far up a child pulled by digest looks for a signed index (an index of indexes: 2). */
  static final int MAX_DEPTH = 2;

  private final String registry;
  private final RepositoryName repository;
  private final Optional<Tag> tag;
  private final PolicyContext facts;
  private final SignatureVerdicts verdicts;
  private final long revision;
  private final Instant now;
  private final List<Reason> reasons = new ArrayList<>();
  private List<IndexImages.Image> children;
  private List<String> childProblems;

  SignatureJudge(
      String registry,
      RepositoryName repository,
      Optional<Tag> tag,
      PolicyContext facts,
      SignatureVerdicts verdicts,
      long revision,
      Instant now) {
    this.registry = registry;
    this.repository = repository;
    this.tag = tag;
    this.facts = facts;
    this.verdicts = verdicts;
    this.revision = revision;
    this.now = now;
  }

  Decision judge(List<Rule> rules, RawManifest manifest) throws IOException {
    for (Rule rule : rules) {
      SignatureRule requirement = rule.signatures().orElseThrow();
      if (requirement.refusal().isPresent()) {
        reasons.add(new Reason(rule.name(), requirement.refusal().get()));
        continue;
      }
      if (manifest.mediaType().isIndex() && requirement.index() == IndexSignatures.CHILDREN) {
        if (children == null) {
          childProblems = new ArrayList<>(0);
          children = IndexImages.children(manifest, facts, childProblems);
        }
        for (String problem : childProblems) {
          reasons.add(new Reason(rule.name(), problem));
        }
        for (IndexImages.Image child : children) {
          judge(rule, requirement, child.descriptor(), Optional.empty(), child.label());
        }
      } else {
        judge(rule, requirement, manifest.descriptor(), tag, "");
      }
    }
    return reasons.isEmpty() ? Decision.allow() : Decision.deny(reasons);
  }

  private void judge(
      Rule rule, SignatureRule requirement, Descriptor image, Optional<Tag> pulledTag, String label)
      throws IOException {
    SignatureVerdicts.Key key =
        new SignatureVerdicts.Key(repository, image.digest(), revision, rule.name());
    SignatureVerdict verdict =
        verdicts.verdict(
            key,
            () -> verify(requirement, new SignedSubject(registry, repository, pulledTag, image)));
    if (!verdict.verified()
        && requirement.index() == IndexSignatures.SELF
        && pulledTag.isEmpty()
        && label.isEmpty()
        && signedIndexLists(rule, requirement, image.digest(), MAX_DEPTH)) {
      return; // a platform's manifest of a signed index, fetched by digest as clients do
    }
    for (String reason : verdict.reasons()) {
      reasons.add(new Reason(rule.name(), label + reason));
    }
  }

  /**
   * Whether an index of the repository that lists {@code child} (or, up to {@code depth} levels, an
   * index that lists such an index) has a signature the rule accepts.
   */
  private boolean signedIndexLists(
      Rule rule, SignatureRule requirement, io.wharf.oci.model.Digest child, int depth)
      throws IOException {
    List<io.wharf.oci.model.Digest> parents = facts.indexesOf(child);
    for (int i = 0; i < parents.size() && i < MAX_PARENTS; i++) {
      io.wharf.oci.model.Digest parent = parents.get(i);
      Optional<RawManifest> index = facts.manifest(parent);
      if (index.isEmpty()) {
        continue;
      }
      Descriptor descriptor = index.get().descriptor();
      SignatureVerdict verdict =
          verdicts.verdict(
              new SignatureVerdicts.Key(repository, parent, revision, rule.name()),
              () ->
                  verify(
                      requirement,
                      new SignedSubject(registry, repository, Optional.empty(), descriptor)));
      if (verdict.verified()
          || (depth > 1 && signedIndexLists(rule, requirement, parent, depth - 1))) {
        return true;
      }
    }
    return false;
  }

  /** Finds the signatures of {@code subject} and verifies them until one is valid. */
  SignatureVerdict verify(SignatureRule requirement, SignedSubject subject) throws IOException {
    Signatures found = Signatures.find(facts, subject.descriptor().digest(), requirement.formats());
    List<String> failures = new ArrayList<>();
    if (found.artifacts().isEmpty()) {
      failures.add(
          "no signature by " + PullJudge.Text.clip(String.join(" or ", requirement.names()), 1000));
      failures.addAll(found.skipped());
      return SignatureVerdict.failed(failures);
    }
    int failed = 0;
    for (SignatureArtifact artifact : found.artifacts()) {
      for (SignatureVerifier verifier : requirement.verifiers()) {
        if (!verifier.formats().contains(artifact.format())) {
          continue;
        }
        List<SignatureCheck> checks = checks(verifier, subject, artifact);
        for (SignatureCheck check : checks) {
          if (check.verified()) {
            return SignatureVerdict.verified(check.warnings());
          }
          if (++failed <= MAX_FAILURES) {
            failures.add(failure(artifact, check.signer(), check.message()));
          }
        }
        if (checks.isEmpty() && ++failed <= MAX_FAILURES) {
          failures.add(
              failure(artifact, verifier.name(), "the signature manifest holds no signature"));
        }
      }
    }
    if (failed > MAX_FAILURES) {
      int more = failed - MAX_FAILURES;
      failures.add("and " + more + " more failed signature" + (more == 1 ? "" : "s"));
    }
    failures.addAll(found.skipped());
    return SignatureVerdict.failed(failures);
  }

  private List<SignatureCheck> checks(
      SignatureVerifier verifier, SignedSubject subject, SignatureArtifact artifact)
      throws IOException {
    try {
      return verifier.verify(subject, artifact, facts, now);
    } catch (RuntimeException e) {
      // A verifier promises failed checks for bad input; if one breaks, fail closed with a reason.
      return List.of(
          SignatureCheck.failed(
              verifier.name(), "the verifier failed on it (" + e.getClass().getSimpleName() + ")"));
    }
  }

  private static String failure(SignatureArtifact artifact, String signer, String message) {
    return "signature "
        + PullJudge.Text.shortDigest(artifact.digest())
        + " ("
        + formatName(artifact.format())
        + ", by "
        + PullJudge.Text.clip(signer, 200)
        + "): "
        + PullJudge.Text.clip(message, 300);
  }

  /** How reasons name a format. */
  static String formatName(SignatureFormat format) {
    switch (format) {
      case COSIGN:
        return "cosign";
      case SIGSTORE_BUNDLE:
        return "sigstore bundle";
      default:
        return "notation";
    }
  }
}
