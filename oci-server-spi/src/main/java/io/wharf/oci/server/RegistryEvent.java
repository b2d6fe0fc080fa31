package io.wharf.oci.server;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Something that happened in the registry, told to {@link RegistryEventListener}s after the fact:
 * what, who, where, the content, the result and the reasons, when, and the request's id (the same
 * as in the request's log line and {@code X-Request-Id}).
 *
 * @param kind what happened
 * @param time when (the registry's clock)
 * @param requestId the request's id
 * @param endpoint the endpoint of the request; empty for a request to a {@link ServiceHandler} (a
 *     token service's {@link Kind#LOGIN} or {@link Kind#TOKEN_ISSUED}) and for an event made
 *     outside a request ({@link Kind#LIFECYCLE_RUN})
 * @param actor who asked
 * @param clientAddress from where, as the transport saw it
 * @param repository the repository, when the request named one
 * @param digest the manifest's or blob's digest; for {@link Kind#TAG_MOVED} the new target
 * @param mediaType a manifest's media type
 * @param subject for {@link Kind#MANIFEST_PUSHED} and {@link Kind#MANIFEST_DELETED}, the subject of
 *     the manifest when it has one (it is a referrer: a signature, an SBOM, a scan report)
 * @param tags the tags pushed, pulled, moved or deleted
 * @param previousDigest for {@link Kind#TAG_MOVED}, what the tag pointed at before
 * @param sourceRepository for {@link Kind#BLOB_MOUNTED}, the repository mounted from
 * @param status the HTTP status the request was answered with (the result: 2xx, or 401/403)
 * @param reasons for {@link Kind#DENIED}, why; for {@link Kind#LIFECYCLE_RUN}, the job and its
 *     summary; for a {@link Kind#MANIFEST_DELETED} by a retention run (no endpoint, the run's id
 *     and actor), {@code "retention: "} with why, then {@code "with <digest>"} for each referrer or
 *     child deleted with it
 * @param scopes for {@link Kind#TOKEN_ISSUED}, the scopes the token grants ({@code
 *     repository:<name>:pull,push}, {@code registry:catalog:*}); otherwise empty
 */
public record RegistryEvent(
    Kind kind,
    Instant time,
    String requestId,
    Optional<Endpoint> endpoint,
    Identity actor,
    Optional<InetSocketAddress> clientAddress,
    Optional<RepositoryName> repository,
    Optional<Digest> digest,
    Optional<MediaType> mediaType,
    Optional<Digest> subject,
    Set<Tag> tags,
    Optional<Digest> previousDigest,
    Optional<RepositoryName> sourceRepository,
    int status,
    List<String> reasons,
    List<String> scopes) {

  /** What happened. */
  public enum Kind {
    /** A manifest was pushed (end-7a/7b); {@code tags} are the tags it was pushed with. */
    MANIFEST_PUSHED,
    /** A manifest was served by {@code GET} (end-3); {@code tags} holds the tag it was asked by. */
    MANIFEST_PULLED,
    /** A manifest was deleted by digest with the tags that pointed at it (end-9). */
    MANIFEST_DELETED,
    /** A push moved a tag that pointed at another manifest. */
    TAG_MOVED,
    /** A tag was deleted; its manifest stays (end-9). */
    TAG_DELETED,
    /** A blob upload was completed (end-4b, end-6). */
    BLOB_PUSHED,
    /** A blob was mounted from another repository (end-11). */
    BLOB_MOUNTED,
    /** A blob was unlinked from a repository (end-10). */
    BLOB_DELETED,
    /**
     * A caller proved who they are: credentials accepted by a token service, or a named caller let
     * in at end-1 (what {@code docker login} checks; with a token, the token's holder).
     */
    LOGIN,
    /** A token service issued a token; {@code scopes} are what it grants. */
    TOKEN_ISSUED,
    /**
     * A request was refused: credentials refused (401), access denied (403) or an admission gate
     * denied it (403); {@code reasons} says why. An anonymous request answered with a challenge is
     * the protocol's handshake, not a denial, and makes no event.
     */
    DENIED,
    /**
     * A lifecycle job ran (garbage collection, the purge of abandoned uploads, retention),
     * scheduled or requested; made outside any request of the engine, through {@link
     * Registry#publish}. {@code requestId} is the run's id (the request's, for a run an
     * administrator asked for), {@code actor} who started it ({@code wharf-lifecycle} for a
     * scheduled run), {@code status} 200 when it succeeded and 500 when it failed, and {@code
     * reasons} the job's name and trigger, then the lines of its summary (what it deleted, or why
     * it failed). Every other field is empty.
     */
    LIFECYCLE_RUN
  }

  /** Validates and copies. */
  public RegistryEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(clientAddress, "clientAddress");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(subject, "subject");
    tags = Set.copyOf(tags);
    Objects.requireNonNull(previousDigest, "previousDigest");
    Objects.requireNonNull(sourceRepository, "sourceRepository");
    reasons = List.copyOf(reasons);
    scopes = List.copyOf(scopes);
  }

  /** Whether this is a refusal. */
  public boolean denied() {
    return kind == Kind.DENIED;
  }
}
