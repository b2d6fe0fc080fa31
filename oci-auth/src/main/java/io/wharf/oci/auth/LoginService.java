package io.wharf.oci.auth;

import io.wharf.oci.server.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Logins} of a registry: asks its {@link PasswordVerifier}s in order, throttles failed
 * attempts, and remembers successful checks for a short time.
 *
 * <p><b>Bounds.</b> A user name has 1 to 256 characters and a secret 1 to 4096 (both configurable),
 * neither with control characters; anything else fails before any verifier sees it.
 *
 * <p><b>Throttling.</b> Failures are counted per user name (compared without case, as LDAP
 * compares) and per client address (an IPv4 address, or the /64 network of an IPv6 address, the
 * least one host usually gets). After {@linkplain Builder#maxFailures 5 failures} within
 * {@linkplain Builder#failureWindow 15 minutes}, attempts of that name or from that address are
 * {@link LoginResult.Throttled} without being checked, for {@linkplain Builder#firstDelay 5
 * seconds}, and each failure after the block doubles it, up to {@linkplain Builder#maxDelay 15
 * minutes}. A success forgets the user name's failures, not the address's (else an attacker with
 * one account could reset the address's count between guesses). Attempts in flight count, so a
 * burst of guesses sent at once is cut at the limit too, and attempts with the same credentials at
 * the same time share one check. At most {@linkplain Builder#maxThrottledKeys 100,000} names and
 * addresses are tracked; beyond, the least recently used is forgotten. Throttling by address treats
 * every client behind one NAT as one: raise {@code maxFailures} where that matters.
 *
 * <p><b>The cache.</b> A successful check is remembered for {@linkplain Builder#cacheTtl 60
 * seconds} under HMAC-SHA256(per-process random key, user name + NUL + secret): the secret itself
 * is never kept. 60 seconds covers a push or pull (clients sending Basic credentials on every
 * request then pay one bcrypt check per burst instead of one per request, which is what keeps Basic
 * authentication at the speed of token authentication) and bounds how long a removed user, a
 * changed password or a disabled LDAP account keeps working. A verifier shortens that for
 * credentials that expire sooner (an OIDC token's {@code exp}) or turns it off ({@link
 * RobotAccounts}: disabling a robot takes effect at its next request). {@link #invalidate} forgets
 * a user's remembered logins at once.
 *
 * <p>Secrets never reach logs, exceptions, results or {@link #toString()}. Thread-safe; time comes
 * from the injected {@link Clock}.
 */
public final class LoginService implements Logins {

  private static final Logger log = LoggerFactory.getLogger(LoginService.class);

  /** The outcome of one check, shared by the logins that wait for it. */
  private record Checked(LoginResult result) {}

  private final List<PasswordVerifier> verifiers;
  private final Clock clock;
  private final Duration cacheTtl;
  private final int maxUsernameLength;
  private final int maxSecretLength;
  private final LoginThrottle throttle;
  private final LoginCache cache;
  private final ConcurrentHashMap<String, CompletableFuture<Checked>> inFlight =
      new ConcurrentHashMap<>();

  private LoginService(Builder b) {
    this.verifiers = List.copyOf(b.verifiers);
    this.clock = b.clock;
    this.cacheTtl = b.cacheTtl;
    this.maxUsernameLength = b.maxUsernameLength;
    this.maxSecretLength = b.maxSecretLength;
    this.throttle =
        new LoginThrottle(b.maxFailures, b.failureWindow, b.firstDelay, b.maxDelay, b.maxKeys);
    this.cache = new LoginCache(b.maxCachedLogins);
  }

  /** A builder with no verifiers and the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public LoginResult login(String username, String secret, Optional<InetSocketAddress> client)
      throws IOException {
    Instant now = clock.instant();
    if (throttle.isEmpty()
        && Identities.isBounded(username, maxUsernameLength)
        && Identities.isBounded(secret, maxSecretLength)) {
      // The hot path (Basic credentials on every request) while nobody is failing: no key is
      // blocked, so only the remembered success is looked up.
      Optional<Identity> cached = cache.get(cache.key(username, secret), now);
      if (cached.isPresent()) {
        return new LoginResult.Success(cached.get());
      }
    }
    Optional<String> address = client.map(LoginService::addressKey);
    Optional<Duration> wait = address.flatMap(a -> throttle.blocked(a, now));
    if (wait.isPresent()) {
      return throttled("a client at " + address.get(), wait.get());
    }
    if (!Identities.isBounded(username, maxUsernameLength)) {
      address.ifPresent(a -> fail(a, now));
      log.debug("Login from {} failed: a malformed user name", client.orElse(null));
      return new LoginResult.Failure("malformed user name");
    }
    String userKey = "user:" + username.toLowerCase(Locale.ROOT);
    wait = throttle.blocked(userKey, now);
    if (wait.isPresent()) {
      return throttled(username, wait.get());
    }
    if (!Identities.isBounded(secret, maxSecretLength)) {
      fail(userKey, now);
      address.ifPresent(a -> fail(a, now));
      log.debug("Login of {} failed: a malformed secret", username);
      return new LoginResult.Failure("malformed secret");
    }
    String cacheKey = cache.key(username, secret);
    Optional<Identity> cached = cache.get(cacheKey, now);
    if (cached.isPresent()) {
      return new LoginResult.Success(cached.get());
    }
    CompletableFuture<Checked> mine = new CompletableFuture<>();
    CompletableFuture<Checked> running = inFlight.putIfAbsent(cacheKey, mine);
    if (running != null) {
      return await(running);
    }
    try {
      Checked checked = check(username, secret, userKey, address, cacheKey, now);
      mine.complete(checked);
      return checked.result();
    } catch (IOException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(cacheKey, mine);
    }
  }

  private Checked check(
      String username,
      String secret,
      String userKey,
      Optional<String> address,
      String cacheKey,
      Instant now)
      throws IOException {
    Optional<Duration> wait = throttle.begin(userKey, now);
    if (wait.isPresent()) {
      return new Checked(throttled(username, wait.get()));
    }
    if (address.isPresent()) {
      wait = throttle.begin(address.get(), now);
      if (wait.isPresent()) {
        throttle.end(userKey, now, false, false);
        return new Checked(throttled(username, wait.get()));
      }
    }
    boolean done = false;
    try {
      Verification v = verify(username, secret);
      Instant after = clock.instant();
      done = true;
      boolean failed = !(v instanceof Verification.Verified);
      throttle.end(userKey, after, failed, true);
      address.ifPresent(a -> throttle.end(a, after, failed, false));
      return new Checked(conclude(username, v, cacheKey, after));
    } finally {
      if (!done) {
        throttle.end(userKey, now, false, false);
        address.ifPresent(a -> throttle.end(a, now, false, false));
      }
    }
  }

  private Verification verify(String username, String secret) throws IOException {
    for (PasswordVerifier verifier : verifiers) {
      Verification v = verifier.verify(username, secret);
      if (!(v instanceof Verification.Unknown)) {
        return v;
      }
    }
    return Verification.unknown();
  }

  private LoginResult conclude(String username, Verification v, String cacheKey, Instant now) {
    if (v instanceof Verification.Verified ok) {
      if (ok.cacheable() && !cacheTtl.isZero()) {
        Instant until = now.plus(cacheTtl);
        if (ok.expiresAt().isPresent() && ok.expiresAt().get().isBefore(until)) {
          until = ok.expiresAt().get();
        }
        cache.put(cacheKey, username, ok.identity(), until, now);
      }
      log.debug("Login of {} succeeded as {}", username, ok.identity());
      return new LoginResult.Success(ok.identity());
    }
    String reason =
        v instanceof Verification.Rejected rejected ? rejected.reason() : "unknown user";
    log.debug("Login of {} failed: {}", username, reason);
    return new LoginResult.Failure(reason);
  }

  private static LoginResult await(CompletableFuture<Checked> running) throws IOException {
    try {
      return running.join().result();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw new IOException(io.getMessage(), io);
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new UncheckedIOException(new IOException("the login check failed", cause));
    }
  }

  private void fail(String key, Instant now) {
    if (throttle.begin(key, now).isEmpty()) {
      throttle.end(key, now, true, false);
    }
  }

  private static LoginResult throttled(String who, Duration wait) {
    log.debug("Login of {} throttled for {}", who, wait);
    return new LoginResult.Throttled(wait);
  }

  /**
   * Forgets the remembered successful logins of {@code username}, for example when its password
   * changed or its account was removed.
   */
  public void invalidate(String username) {
    cache.invalidate(username);
  }

  /** Forgets every remembered successful login. */
  public void invalidateAll() {
    cache.clear();
  }

  /** The verifiers, in order. */
  public List<PasswordVerifier> verifiers() {
    return verifiers;
  }

  /** The throttle's key for {@code client}: its IPv4 address, or its IPv6 /64 network. */
  static String addressKey(InetSocketAddress client) {
    InetAddress a = client.getAddress();
    if (a == null) {
      return "host:" + client.getHostString().toLowerCase(Locale.ROOT);
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      return "ip:" + a.getHostAddress();
    }
    byte[] prefix = Arrays.copyOf(b, 16);
    Arrays.fill(prefix, 8, 16, (byte) 0);
    StringBuilder s = new StringBuilder("net:");
    for (int i = 0; i < 8; i += 2) {
      s.append(Integer.toHexString(((prefix[i] & 0xff) << 8) | (prefix[i + 1] & 0xff))).append(':');
    }
    return s.append(":/64").toString();
  }

  @Override
  public String toString() {
    return "LoginService" + verifiers;
  }

  /** Configures a {@link LoginService}. */
  public static final class Builder {
    private final List<PasswordVerifier> verifiers = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private int maxFailures = 5;
    private Duration failureWindow = Duration.ofMinutes(15);
    private Duration firstDelay = Duration.ofSeconds(5);
    private Duration maxDelay = Duration.ofMinutes(15);
    private int maxKeys = 100_000;
    private Duration cacheTtl = Duration.ofSeconds(60);
    private int maxCachedLogins = 10_000;
    private int maxUsernameLength = 256;
    private int maxSecretLength = 4096;

    private Builder() {}

    /** Adds {@code verifier} after those added before: verifiers are asked in order. */
    public Builder verifier(PasswordVerifier verifier) {
      verifiers.add(Objects.requireNonNull(verifier, "verifier"));
      return this;
    }

    /** The clock for throttling and the cache (default: the system's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How many failures of a user name or an address start throttling it (default 5). */
    public Builder maxFailures(int maxFailures) {
      if (maxFailures < 1) {
        throw new IllegalArgumentException("maxFailures is at least 1");
      }
      this.maxFailures = maxFailures;
      return this;
    }

    /**
     * How long failures are remembered after the last one (or after a block ended; default 15
     * minutes).
     */
    public Builder failureWindow(Duration failureWindow) {
      this.failureWindow = positive(failureWindow, "failureWindow");
      return this;
    }

    /** How long the first block lasts; each further failure doubles it (default 5 seconds). */
    public Builder firstDelay(Duration firstDelay) {
      this.firstDelay = positive(firstDelay, "firstDelay");
      return this;
    }

    /** The longest block (default 15 minutes). */
    public Builder maxDelay(Duration maxDelay) {
      this.maxDelay = positive(maxDelay, "maxDelay");
      return this;
    }

    /** How many user names and addresses are tracked at most (default 100,000). */
    public Builder maxThrottledKeys(int maxKeys) {
      if (maxKeys < 1) {
        throw new IllegalArgumentException("maxThrottledKeys is at least 1");
      }
      this.maxKeys = maxKeys;
      return this;
    }

    /** How long a successful check is remembered (default 60 seconds; zero turns it off). */
    public Builder cacheTtl(Duration cacheTtl) {
      if (cacheTtl.isNegative()) {
        throw new IllegalArgumentException("cacheTtl is not negative");
      }
      this.cacheTtl = cacheTtl;
      return this;
    }

    /** How many successful checks are remembered at most (default 10,000). */
    public Builder maxCachedLogins(int maxCachedLogins) {
      if (maxCachedLogins < 1) {
        throw new IllegalArgumentException("maxCachedLogins is at least 1");
      }
      this.maxCachedLogins = maxCachedLogins;
      return this;
    }

    /** The longest user name accepted (default 256 characters, at most 256). */
    public Builder maxUsernameLength(int max) {
      if (max < 1 || max > 256) {
        throw new IllegalArgumentException("maxUsernameLength is 1 to 256");
      }
      this.maxUsernameLength = max;
      return this;
    }

    /**
     * The longest secret accepted (default 4096 characters: passwords, robot secrets and most OIDC
     * tokens; at most 65,536).
     */
    public Builder maxSecretLength(int max) {
      if (max < 1 || max > 65_536) {
        throw new IllegalArgumentException("maxSecretLength is 1 to 65536");
      }
      this.maxSecretLength = max;
      return this;
    }

    private static Duration positive(Duration d, String name) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " is positive");
      }
      return d;
    }

    /** The service. */
    public LoginService build() {
      return new LoginService(this);
    }
  }
}
