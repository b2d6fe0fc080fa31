package io.wharf.oci.storage;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.Tag;
import java.time.Instant;
import java.util.Optional;

/**
 * A tag and what it points at (for retention).
 *
 * @param tag the tag
 * @param digest the manifest it points at
 * @param pushedAt when it was last set
 * @param pulledAt when it was last pulled by tag, if ever
 */
public record TagRecord(Tag tag, Digest digest, Instant pushedAt, Optional<Instant> pulledAt) {}
