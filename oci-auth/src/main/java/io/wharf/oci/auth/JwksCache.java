package io.wharf.oci.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An issuer's signing keys (its JWKS), fetched when first needed, kept for {@code ttl}, fetched
 * again when a token names a key it does not have (the issuer rotated its keys), but at most once
 * per {@code minInterval}: a stream of tokens with made-up key ids cannot make Wharf hammer the
 * issuer. When a fetch fails, the keys fetched before stay in use. Thread-safe.
 */
final class JwksCache {

  private static final Logger log = LoggerFactory.getLogger(JwksCache.class);

  /** Fetches the key set. */
  @FunctionalInterface
  interface Fetcher {
    JWKSet fetch() throws IOException;
  }

  private final Fetcher fetcher;
  private final Clock clock;
  private final Duration ttl;
  private final Duration minInterval;
  private @Nullable JWKSet keys;
  private Instant fetchedAt = Instant.MIN;
  private Instant attemptedAt = Instant.MIN;
  private int fetches;

  JwksCache(Fetcher fetcher, Clock clock, Duration ttl, Duration minInterval) {
    this.fetcher = fetcher;
    this.clock = clock;
    this.ttl = ttl;
    this.minInterval = minInterval;
  }

  /**
   * The keys that {@code matcher} selects, fetching the set when it is old or lacks such a key.
   *
   * @throws IOException when no key set was ever fetched and fetching fails (or was tried too
   *     recently)
   */
  synchronized List<JWK> select(JWKMatcher matcher) throws IOException {
    Instant now = clock.instant();
    if (keys == null || !now.isBefore(fetchedAt.plus(ttl))) {
      refresh(now);
    }
    List<JWK> found = new JWKSelector(matcher).select(current());
    if (found.isEmpty() && mayFetch(now)) {
      refresh(now);
      found = new JWKSelector(matcher).select(current());
    }
    return found;
  }

  /** How many fetches were attempted. */
  synchronized int fetches() {
    return fetches;
  }

  private boolean mayFetch(Instant now) {
    return !now.isBefore(attemptedAt.plus(minInterval));
  }

  private void refresh(Instant now) throws IOException {
    if (!mayFetch(now)) {
      current();
      return;
    }
    attemptedAt = now;
    fetches++;
    try {
      keys = fetcher.fetch();
      fetchedAt = now;
    } catch (IOException e) {
      if (keys == null) {
        throw e;
      }
      log.warn("Keeping the signing keys fetched at {}: {}", fetchedAt, e.getMessage());
    }
  }

  private JWKSet current() throws IOException {
    JWKSet k = keys;
    if (k == null) {
      throw new IOException("the issuer's signing keys could not be fetched lately");
    }
    return k;
  }
}
