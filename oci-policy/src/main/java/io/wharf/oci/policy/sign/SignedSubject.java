package io.wharf.oci.policy.sign;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.util.Objects;
import java.util.Optional;

/**
 * What a signature must be over: a manifest of a repository, as a client asked for it.
 *
 * @param registry the registry's name as clients write it in references ({@code
 *     registry.example.com}, {@code 127.0.0.1:5000}); empty when unknown. Notation's trust policy
 *     scopes and cosign's {@code docker-reference} name it.
 * @param repository the repository
 * @param tag the tag the client asked for; empty for a pull by digest
 * @param descriptor the manifest's media type, digest and size
 */
public record SignedSubject(
    String registry, RepositoryName repository, Optional<Tag> tag, Descriptor descriptor) {

  /** Checks that no part is missing. */
  public SignedSubject {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(descriptor, "descriptor");
  }

  /**
   * The reference as a client wrote it: {@code registry/repository:tag}, or {@code
   * registry/repository@digest} for a pull by digest (without {@code registry/} when it is empty).
   */
  public String reference() {
    String name = registry.isEmpty() ? repository.value() : registry + "/" + repository.value();
    return tag.map(t -> name + ":" + t.value()).orElseGet(() -> name + "@" + descriptor.digest());
  }
}
