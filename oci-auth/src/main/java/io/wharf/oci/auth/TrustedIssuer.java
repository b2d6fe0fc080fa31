package io.wharf.oci.auth;

import java.net.URI;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An issuer whose registry tokens a {@link TokenAuthenticator} accepts: its name (the tokens'
 * {@code iss}) and its public keys. Wharf's own token service is one ({@link #of(String,
 * SigningKey)}); an external token server or identity provider is another ({@link #builder}), with
 * keys given as PEM public keys or certificates, as a JWKS document, or as the URL of one, which is
 * fetched with a bounded size and timeout, cached, and fetched again when a token names a key it
 * does not have (at most once per {@linkplain Builder#jwksRefetchInterval interval}) or when the
 * copy is older than its {@linkplain Builder#jwksMaxAge maximum age}.
 *
 * <p>Tokens of an external issuer carry {@code issuer=<name>} among their identity's attributes and
 * are always of {@code kind=user}; Wharf's own tokens say their {@code kind} ({@code user} or
 * {@code robot}). Immutable.
 */
public final class TrustedIssuer {

  /** The most keys an issuer has (each may be tried on a token without {@code kid}). */
  public static final int MAX_KEYS = 32;

  /** The largest JWKS document fetched. */
  public static final int MAX_JWKS_BYTES = 256 * 1024;

  /** How long a JWKS fetch may take to connect, and then between bytes, by default: 5 s. */
  public static final Duration DEFAULT_JWKS_TIMEOUT = Duration.ofSeconds(5);

  /** The shortest time between two JWKS fetches, by default: 30 s. */
  public static final Duration DEFAULT_JWKS_REFETCH_INTERVAL = Duration.ofSeconds(30);

  /** How long a fetched JWKS is used before it is fetched again, by default: 10 minutes. */
  public static final Duration DEFAULT_JWKS_MAX_AGE = Duration.ofMinutes(10);

  private final String name;
  private final boolean wharf;
  private final List<IssuerKeys.Key> keys;
  private final Optional<URI> jwksUri;
  private final Duration jwksTimeout;
  private final Duration jwksRefetchInterval;
  private final Duration jwksMaxAge;

  private TrustedIssuer(Builder b, boolean wharf) {
    this.name = b.name;
    this.wharf = wharf;
    this.keys = List.copyOf(b.keys);
    this.jwksUri = b.jwksUri;
    this.jwksTimeout = b.jwksTimeout;
    this.jwksRefetchInterval = b.jwksRefetchInterval;
    this.jwksMaxAge = b.jwksMaxAge;
  }

  /**
   * Wharf's own token service, named {@code name} (its {@link TokenService.Builder#issuer}),
   * signing with {@code key}: its tokens must name the key by its {@link SigningKey#keyId()}.
   */
  public static TrustedIssuer of(String name, SigningKey key) {
    Builder b = new Builder(name);
    b.keys.add(IssuerKeys.Key.of(Optional.of(key.keyId()), key.publicKey()));
    return new TrustedIssuer(b, true);
  }

  /** An external issuer named {@code name} (the exact {@code iss} of its tokens). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The issuer's name: the {@code iss} of its tokens. */
  public String name() {
    return name;
  }

  /** Whether this is Wharf's own token service ({@link #of(String, SigningKey)}). */
  public boolean isWharf() {
    return wharf;
  }

  /** The URL of the issuer's JWKS, when its keys are fetched. */
  public Optional<URI> jwksUri() {
    return jwksUri;
  }

  List<IssuerKeys.Key> keys() {
    return keys;
  }

  Duration jwksTimeout() {
    return jwksTimeout;
  }

  Duration jwksRefetchInterval() {
    return jwksRefetchInterval;
  }

  Duration jwksMaxAge() {
    return jwksMaxAge;
  }

  /** The name, the number of keys given and the JWKS URL. */
  @Override
  public String toString() {
    return "TrustedIssuer["
        + name
        + (wharf ? ", wharf" : "")
        + ", "
        + keys.size()
        + " keys"
        + jwksUri.map(u -> ", jwks " + u).orElse("")
        + "]";
  }

  /** Builds an external {@link TrustedIssuer}; at least one key or a JWKS URL is given. */
  public static final class Builder {
    private final String name;
    private final List<IssuerKeys.Key> keys = new ArrayList<>();
    private Optional<URI> jwksUri = Optional.empty();
    private Duration jwksTimeout = DEFAULT_JWKS_TIMEOUT;
    private Duration jwksRefetchInterval = DEFAULT_JWKS_REFETCH_INTERVAL;
    private Duration jwksMaxAge = DEFAULT_JWKS_MAX_AGE;

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty() || name.length() > 1024) {
        throw new IllegalArgumentException("an issuer's name has 1 to 1024 characters");
      }
      this.name = name;
    }

    /** Trusts {@code key} (EC on P-256, P-384 or P-521, or RSA of 2048 bits or more). */
    public Builder publicKey(PublicKey key) {
      return add(IssuerKeys.Key.of(Optional.empty(), key));
    }

    /**
     * Trusts every key of {@code pem}: its {@code PUBLIC KEY} blocks and the keys of its {@code
     * CERTIFICATE}s (whose validity dates are not checked: the certificate only carries the key).
     *
     * @throws IllegalArgumentException when the text holds no key, or a malformed one
     */
    public Builder publicKeysPem(String pem) {
      List<PublicKey> found = TokenPem.publicKeys(pem);
      if (found.isEmpty()) {
        throw new IllegalArgumentException("no PUBLIC KEY or CERTIFICATE block in the PEM text");
      }
      found.forEach(this::publicKey);
      return this;
    }

    /**
     * Trusts the signing keys of the JWKS document {@code json} (RFC 7517), with their {@code
     * kid}s; encryption keys and unsupported key types are skipped.
     *
     * @throws IllegalArgumentException when the document is malformed or has no usable key
     */
    public Builder jwks(String json) {
      List<IssuerKeys.Key> found = IssuerKeys.parseJwks(json);
      if (found.isEmpty()) {
        throw new IllegalArgumentException("the JWKS has no usable signing key");
      }
      found.forEach(this::add);
      return this;
    }

    /** Fetches the issuer's keys from the JWKS at {@code uri} ({@code https}, or {@code http}). */
    public Builder jwksUri(URI uri) {
      String scheme = String.valueOf(uri.getScheme());
      if (!scheme.equals("https") && !scheme.equals("http")) {
        throw new IllegalArgumentException("a JWKS URL is https or http");
      }
      this.jwksUri = Optional.of(uri);
      return this;
    }

    /** How long a JWKS fetch may wait to connect, and then for each read; 5 s by default. */
    public Builder jwksTimeout(Duration timeout) {
      this.jwksTimeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * The shortest time between two fetches of the JWKS, however many tokens name unknown keys; 30
     * s by default.
     */
    public Builder jwksRefetchInterval(Duration interval) {
      this.jwksRefetchInterval = positive(interval, "interval");
      return this;
    }

    /** How long a fetched JWKS is used before it is fetched again; 10 minutes by default. */
    public Builder jwksMaxAge(Duration maxAge) {
      this.jwksMaxAge = positive(maxAge, "maxAge");
      return this;
    }

    /** The issuer. */
    public TrustedIssuer build() {
      if (keys.isEmpty() && jwksUri.isEmpty()) {
        throw new IllegalStateException("issuer " + name + " has no key and no JWKS URL");
      }
      return new TrustedIssuer(this, false);
    }

    private Builder add(IssuerKeys.Key key) {
      if (keys.size() == MAX_KEYS) {
        throw new IllegalArgumentException("an issuer has at most " + MAX_KEYS + " keys");
      }
      keys.add(key);
      return this;
    }

    private static Duration positive(Duration d, String what) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " is positive");
      }
      return d;
    }
  }
}
