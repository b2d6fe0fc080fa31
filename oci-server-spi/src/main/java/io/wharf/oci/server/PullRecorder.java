package io.wharf.oci.server;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.storage.MetadataStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records manifest pulls for retention at most once per {@link #GRANULARITY} for each manifest and
 * tag, so that a popular image's pulls do not turn every GET into a metadata write. Retention rules
 * work in days; a pull time a minute late changes none of them.
 */
final class PullRecorder {

  private static final Logger log = LoggerFactory.getLogger(PullRecorder.class);

  /** How stale a recorded pull time may be. */
  static final Duration GRANULARITY = Duration.ofMinutes(1);

  /** Keys remembered at most; the memory is cleared past this, costing one extra write each. */
  static final int MAX_KEYS = 100_000;

  private record Key(RepositoryName repository, Digest digest, Optional<Tag> tag) {}

  private final MetadataStore metadata;
  private final Clock clock;
  private final Map<Key, Instant> recorded = new ConcurrentHashMap<>();

  PullRecorder(MetadataStore metadata, Clock clock) {
    this.metadata = metadata;
    this.clock = clock;
  }

  /** Records a pull unless one was recorded for the same manifest and tag within a minute. */
  void pulled(RepositoryName repository, Digest digest, Optional<Tag> tag) {
    Instant now = clock.instant();
    Key key = new Key(repository, digest, tag);
    Instant last = recorded.get(key);
    if (last != null && last.plus(GRANULARITY).isAfter(now)) {
      return;
    }
    if (recorded.size() >= MAX_KEYS) {
      recorded.clear();
    }
    recorded.put(key, now);
    try {
      metadata.recordPull(repository, digest, tag, now);
    } catch (IOException | RuntimeException e) {
      // The pull itself succeeded; a missed timestamp only makes retention see it older.
      recorded.remove(key, now);
      log.warn("could not record a pull of {} in {}: {}", digest, repository, e.toString());
    }
  }
}
