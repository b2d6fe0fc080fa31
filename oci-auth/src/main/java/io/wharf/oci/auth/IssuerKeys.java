package io.wharf.oci.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.Resource;
import java.io.IOException;
import java.net.URI;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of one {@link TrustedIssuer} as a {@link TokenAuthenticator} uses them: the keys it was
 * given, and those of its JWKS URL, fetched on first use, again when a token names an unknown key
 * (at most once per refetch interval) and when the copy is older than its maximum age. A failed
 * fetch keeps the previous keys. Thread-safe: reads are lock-free; one thread fetches at a time.
 */
final class IssuerKeys {

  private static final Logger log = LoggerFactory.getLogger(IssuerKeys.class);

  /**
   * A trusted key with its JWS verifier, and the {@code kid} it is known by (empty: it may verify
   * tokens with any {@code kid}, or none).
   */
  record Key(Optional<String> kid, PublicKey publicKey, JWSVerifier verifier) {

    /** Checks the key and makes its verifier. */
    static Key of(Optional<String> kid, PublicKey key) {
      Objects.requireNonNull(kid, "kid");
      try {
        if (key instanceof ECPublicKey ec) {
          // Nimbus checks the curve (P-256, P-384, P-521) and refuses a point not on it.
          return new Key(kid, key, new ECDSAVerifier(ec));
        }
        if (key instanceof RSAPublicKey rsa) {
          if (rsa.getModulus().bitLength() < 2048) {
            throw new IllegalArgumentException("an RSA key has 2048 bits or more");
          }
          return new Key(kid, key, new RSASSAVerifier(rsa));
        }
      } catch (JOSEException e) {
        throw new IllegalArgumentException("unsupported key: " + e.getMessage());
      }
      throw new IllegalArgumentException("a trusted key is EC or RSA");
    }

    boolean matches(Optional<String> tokenKid) {
      return kid.isEmpty() || tokenKid.isEmpty() || kid.equals(tokenKid);
    }
  }

  private final TrustedIssuer issuer;
  private final @Nullable DefaultResourceRetriever retriever;
  private volatile List<Key> fetched = List.of();
  private final Object fetchLock = new Object();
  // Guarded by fetchLock.
  private @Nullable Instant lastAttempt;
  private volatile @Nullable Instant lastSuccess;

  IssuerKeys(TrustedIssuer issuer) {
    this.issuer = issuer;
    int timeout = (int) Math.min(Integer.MAX_VALUE, issuer.jwksTimeout().toMillis());
    this.retriever =
        issuer.jwksUri().isPresent()
            ? new DefaultResourceRetriever(timeout, timeout, TrustedIssuer.MAX_JWKS_BYTES)
            : null;
  }

  TrustedIssuer issuer() {
    return issuer;
  }

  /**
   * The keys that may have signed a token naming {@code kid}: with a {@code kid}, those known by it
   * (fetching the JWKS again when none is, within the refetch interval) and those known by no
   * {@code kid}; without, every key.
   */
  List<Key> candidates(Optional<String> kid, Instant now) {
    if (retriever != null) {
      Instant success = lastSuccess;
      if (success == null || !now.isBefore(success.plus(issuer.jwksMaxAge()))) {
        refresh(now);
      }
    }
    List<Key> found = select(kid);
    if (found.isEmpty() && kid.isPresent() && retriever != null) {
      refresh(now);
      found = select(kid);
    }
    return found;
  }

  private List<Key> select(Optional<String> kid) {
    List<Key> found = new ArrayList<>();
    for (List<Key> keys : List.of(issuer.keys(), fetched)) {
      for (Key key : keys) {
        if (key.matches(kid)) {
          found.add(key);
        }
      }
    }
    return found;
  }

  /** Fetches the JWKS unless another fetch was tried within the refetch interval. */
  private void refresh(Instant now) {
    synchronized (fetchLock) {
      if (lastAttempt != null && now.isBefore(lastAttempt.plus(issuer.jwksRefetchInterval()))) {
        return;
      }
      lastAttempt = now;
      URI uri = issuer.jwksUri().orElseThrow();
      try {
        Resource resource = Objects.requireNonNull(retriever).retrieveResource(uri.toURL());
        List<Key> keys = parseJwks(resource.getContent());
        if (keys.isEmpty()) {
          log.warn("the JWKS of issuer {} at {} has no usable signing key", issuer.name(), uri);
          return;
        }
        fetched = keys;
        lastSuccess = now;
        log.debug("fetched {} keys of issuer {} from {}", keys.size(), issuer.name(), uri);
      } catch (IOException | IllegalArgumentException e) {
        log.warn(
            "cannot fetch the JWKS of issuer {} from {}: {}; keeping {} keys",
            issuer.name(),
            uri,
            e.toString(),
            fetched.size());
      }
    }
  }

  /**
   * The signing keys of a JWKS document: EC and RSA keys not marked for encryption, with their
   * {@code kid}s, at most {@link TrustedIssuer#MAX_KEYS}; others are skipped.
   *
   * @throws IllegalArgumentException when the document is not a JWKS
   */
  static List<Key> parseJwks(String json) {
    if (json.length() > TrustedIssuer.MAX_JWKS_BYTES) {
      throw new IllegalArgumentException("a JWKS larger than " + TrustedIssuer.MAX_JWKS_BYTES);
    }
    JWKSet set;
    try {
      set = JWKSet.parse(json);
    } catch (ParseException e) {
      throw new IllegalArgumentException("malformed JWKS: " + e.getMessage());
    }
    List<Key> keys = new ArrayList<>();
    for (JWK jwk : set.getKeys()) {
      if (keys.size() == TrustedIssuer.MAX_KEYS) {
        break;
      }
      if (KeyUse.ENCRYPTION.equals(jwk.getKeyUse())) {
        continue;
      }
      try {
        PublicKey key;
        if (jwk instanceof ECKey ec) {
          key = ec.toECPublicKey();
        } else if (jwk instanceof RSAKey rsa) {
          key = rsa.toRSAPublicKey();
        } else {
          continue;
        }
        keys.add(Key.of(Optional.ofNullable(jwk.getKeyID()), key));
      } catch (JOSEException | IllegalArgumentException e) {
        log.debug("skipping JWKS key {}: {}", jwk.getKeyID(), e.getMessage());
      }
    }
    return keys;
  }
}
