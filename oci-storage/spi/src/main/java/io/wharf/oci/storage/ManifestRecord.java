package io.wharf.oci.storage;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.ref.RepositoryName;
import java.time.Instant;
import java.util.Optional;

/**
 * What a metadata store knows of a manifest in a repository, without its bytes (for retention).
 *
 * @param repository the repository
 * @param digest the manifest's digest
 * @param mediaType its media type
 * @param size its size in bytes
 * @param pushedAt when it was first pushed to this repository
 * @param pulledAt when it was last pulled from this repository, if ever
 */
public record ManifestRecord(
    RepositoryName repository,
    Digest digest,
    MediaType mediaType,
    long size,
    Instant pushedAt,
    Optional<Instant> pulledAt) {}
