package io.wharf.oci.server;

import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.util.Objects;
import java.util.Set;

/**
 * What an {@link AdmissionGate} judges: a manifest about to be stored ({@link Action#PUSH}), served
 * ({@link Action#PULL}) or deleted ({@link Action#DELETE}), with the request and a read-only view
 * of the repository.
 *
 * @param action {@link Action#PUSH}, {@link Action#PULL} or {@link Action#DELETE}
 * @param request the request: who asks ({@link RequestContext#identity()}), from where, its id
 * @param manifest the manifest and its exact bytes; for a push it is valid and every blob and child
 *     manifest it references is present in the repository
 * @param tags for a push, the tags it sets; for a pull by tag, that tag; for a delete, the tags
 *     that go with it (the tag deleted, or every tag of a manifest deleted by digest)
 * @param content the repository's content, as it is before this operation
 */
public record Admission(
    Action action,
    RequestContext request,
    RawManifest manifest,
    Set<Tag> tags,
    ContentView content) {

  /** Validates and copies. */
  public Admission {
    if (action != Action.PUSH && action != Action.PULL && action != Action.DELETE) {
      throw new IllegalArgumentException("admission is for push, pull and delete, not " + action);
    }
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(manifest, "manifest");
    tags = Set.copyOf(tags);
    Objects.requireNonNull(content, "content");
  }

  /** The repository. */
  public RepositoryName repository() {
    return content.repository();
  }
}
