package io.wharf.oci.policy.retention;

import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.util.Optional;

/**
 * Which tags may never be removed: retention keeps an artifact carrying one of them, whatever its
 * rules say. {@link io.wharf.oci.policy.PolicySet} answers with its immutable rules.
 */
@FunctionalInterface
public interface ImmutableTags {

  /** The name of the rule that makes {@code tag} of {@code repository} immutable, if one does. */
  Optional<String> rule(RepositoryName repository, Tag tag);

  /** No tag is immutable. */
  static ImmutableTags none() {
    return (repository, tag) -> Optional.empty();
  }
}
