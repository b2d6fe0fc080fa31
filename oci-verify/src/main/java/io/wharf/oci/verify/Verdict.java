package io.wharf.oci.verify;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.policy.Decision;
import io.wharf.oci.policy.Reason;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ImageVerifier} concluded about one image.
 *
 * @param reference the reference as it was asked for (its registry the name clients use, not the
 *     address it was read from)
 * @param digest the digest the reference resolved to: the manifest (or index) judged
 * @param mediaType the manifest's media type
 * @param decision allowed, or denied with every reason
 */
public record Verdict(Reference reference, Digest digest, MediaType mediaType, Decision decision) {

  /** Checks that no part is missing. */
  public Verdict {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(decision, "decision");
  }

  /** Whether the image may be pulled (deployed). */
  public boolean allowed() {
    return decision.allowed();
  }

  /** Why not, each with the rule that said it; empty when allowed. */
  public List<Reason> reasons() {
    return decision.reasons();
  }

  /** The reference pinned to what was judged: {@code registry/repository[:tag]@digest}. */
  public Reference pinned() {
    return reference.withDigest(digest);
  }
}
