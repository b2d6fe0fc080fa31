package io.wharf.oci.auth;

import io.wharf.oci.storage.access.AccessStore;
import io.wharf.oci.storage.access.RobotPermission;
import io.wharf.oci.storage.access.RobotRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Robot accounts: credentials for machines (CI jobs, deployments), scoped to projects and actions,
 * kept in the metadata store's {@link AccessStore} so that they survive restarts and every node
 * sees the same. A robot logs in as {@code robot$<name>} with a secret made when it is created and
 * shown once ({@link RobotCredentials}); it can be listed, disabled and enabled, given a new
 * secret, a new expiry, and deleted.
 *
 * <p><b>How secrets are kept.</b> A secret is 256 bits from {@link SecureRandom}, written as 43
 * characters of URL-safe base 64; the store keeps only {@code sha256:<hex>} of it. A fast hash is
 * sound here, unlike for passwords: a slow hash (bcrypt) protects secrets people choose, which an
 * attacker holding the hashes can guess from a list; a 256-bit random secret cannot be guessed, so
 * finding one from its SHA-256 would take about 2<sup>256</sup> tries however fast each is. Hashes
 * are compared in constant time.
 *
 * <p><b>As a {@link PasswordVerifier}.</b> A user name without the {@code robot$} prefix, or a
 * robot that does not exist, is {@link Verification.Unknown}; a wrong secret, a disabled robot or
 * one past its expiry is {@link Verification.Rejected} with the reason. Identities have the
 * attributes {@code kind=robot} and {@code source=robot}; what the robot may do is its {@link
 * RobotRecord#permissions()}, which the authorizer reads from the store. Results are not cacheable
 * (a check costs one store read and one SHA-256), so disabling or deleting a robot takes effect at
 * its next request.
 *
 * <p>Thread-safe. Time (expiry, creation) comes from the injected {@link Clock}.
 */
public final class RobotAccounts implements PasswordVerifier {

  /** What robot user names start with. */
  public static final String PREFIX = "robot$";

  private static final String HASH_PREFIX = "sha256:";
  private static final int SECRET_BYTES = 32;

  private final AccessStore store;
  private final Clock clock;
  private final Runnable onChange;
  private final SecureRandom random = new SecureRandom();

  /** Robot accounts kept in {@code store}, timed by the system clock. */
  public RobotAccounts(AccessStore store) {
    this(store, Clock.systemUTC());
  }

  /** Robot accounts kept in {@code store}, timed by {@code clock}. */
  public RobotAccounts(AccessStore store, Clock clock) {
    this(store, clock, () -> {});
  }

  /**
   * Robot accounts kept in {@code store}, timed by {@code clock}; {@code onChange} runs after every
   * change made here (an authorizer's {@code invalidate}, so that it sees the change at once).
   */
  public RobotAccounts(AccessStore store, Clock clock, Runnable onChange) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.onChange = Objects.requireNonNull(onChange, "onChange");
  }

  /**
   * Creates robot {@code name}, which never expires.
   *
   * @param name lower-case letters and digits separated by {@code .}, {@code _} or {@code -}, at
   *     most 128 characters
   * @param permissions what it may do, per project
   * @param description for people, at most 1024 characters
   * @return its credentials: the only time the secret is shown
   * @throws io.wharf.oci.storage.access.DuplicateRobotException when a robot of that name exists
   */
  public RobotCredentials create(String name, List<RobotPermission> permissions, String description)
      throws IOException {
    return make(name, permissions, description, Optional.empty());
  }

  /**
   * Creates robot {@code name}, which stops working at {@code expiresAt}.
   *
   * @see #create(String, List, String)
   */
  public RobotCredentials create(
      String name, List<RobotPermission> permissions, String description, Instant expiresAt)
      throws IOException {
    return make(name, permissions, description, Optional.of(expiresAt));
  }

  private RobotCredentials make(
      String name,
      List<RobotPermission> permissions,
      String description,
      Optional<Instant> expiresAt)
      throws IOException {
    String secret = newSecret();
    RobotRecord robot =
        new RobotRecord(
            name, hash(secret), permissions, expiresAt, false, clock.instant(), description);
    store.createRobot(robot);
    onChange.run();
    return new RobotCredentials(PREFIX + name, secret, robot);
  }

  /** Every robot, by name (with hashes, never secrets). */
  public List<RobotRecord> list() throws IOException {
    return store.robots();
  }

  /** The robot named {@code name} (without the prefix). */
  public Optional<RobotRecord> get(String name) throws IOException {
    return store.robot(name);
  }

  /**
   * Switches robot {@code name} off: it cannot log in until {@linkplain #enable enabled}.
   *
   * @throws UnknownRobotException when there is no such robot
   */
  public RobotRecord disable(String name) throws IOException {
    return update(name, r -> with(r, r.secretHash(), r.expiresAt(), true));
  }

  /**
   * Switches robot {@code name} on again.
   *
   * @throws UnknownRobotException when there is no such robot
   */
  public RobotRecord enable(String name) throws IOException {
    return update(name, r -> with(r, r.secretHash(), r.expiresAt(), false));
  }

  /**
   * Gives robot {@code name} a new secret; the old one stops working at once.
   *
   * @return the new credentials: the only time the new secret is shown
   * @throws UnknownRobotException when there is no such robot
   */
  public RobotCredentials rotateSecret(String name) throws IOException {
    String secret = newSecret();
    RobotRecord robot = update(name, r -> with(r, hash(secret), r.expiresAt(), r.disabled()));
    return new RobotCredentials(PREFIX + name, secret, robot);
  }

  /**
   * Makes robot {@code name} stop working at {@code expiresAt}.
   *
   * @throws UnknownRobotException when there is no such robot
   */
  public RobotRecord expireAt(String name, Instant expiresAt) throws IOException {
    Objects.requireNonNull(expiresAt, "expiresAt");
    return update(name, r -> with(r, r.secretHash(), Optional.of(expiresAt), r.disabled()));
  }

  /**
   * Makes robot {@code name} never expire.
   *
   * @throws UnknownRobotException when there is no such robot
   */
  public RobotRecord neverExpire(String name) throws IOException {
    return update(name, r -> with(r, r.secretHash(), Optional.empty(), r.disabled()));
  }

  /**
   * Deletes robot {@code name}.
   *
   * @return whether it existed
   */
  public boolean delete(String name) throws IOException {
    boolean deleted = store.deleteRobot(name);
    onChange.run();
    return deleted;
  }

  @Override
  public Verification verify(String username, String secret) throws IOException {
    if (!username.startsWith(PREFIX)) {
      return Verification.unknown();
    }
    String name = username.substring(PREFIX.length());
    Optional<RobotRecord> found;
    try {
      found = store.robot(name);
    } catch (IllegalArgumentException e) {
      return Verification.unknown();
    }
    if (found.isEmpty()) {
      return Verification.unknown();
    }
    RobotRecord robot = found.get();
    if (!matches(robot.secretHash(), secret)) {
      return Verification.rejected("wrong secret for robot " + name);
    }
    if (robot.disabled()) {
      return Verification.rejected("robot " + name + " is disabled");
    }
    Instant now = clock.instant();
    if (!robot.activeAt(now)) {
      return Verification.rejected(
          "robot " + name + " expired at " + robot.expiresAt().orElseThrow());
    }
    return new Verification.Verified(Identities.robot(username), robot.expiresAt(), false);
  }

  private RobotRecord update(String name, UnaryOperator<RobotRecord> change) throws IOException {
    RobotRecord robot = store.robot(name).orElseThrow(() -> new UnknownRobotException(name));
    RobotRecord changed = change.apply(robot);
    if (!store.updateRobot(changed)) {
      throw new UnknownRobotException(name);
    }
    onChange.run();
    return changed;
  }

  private static RobotRecord with(
      RobotRecord r, String secretHash, Optional<Instant> expiresAt, boolean disabled) {
    return new RobotRecord(
        r.name(), secretHash, r.permissions(), expiresAt, disabled, r.created(), r.description());
  }

  private String newSecret() {
    byte[] bytes = new byte[SECRET_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** {@code sha256:<hex>} of {@code secret}. */
  static String hash(String secret) {
    return HASH_PREFIX + HexFormat.of().formatHex(sha256(secret));
  }

  private static boolean matches(String stored, String secret) {
    if (!stored.startsWith(HASH_PREFIX)) {
      return false;
    }
    byte[] expected;
    try {
      expected = HexFormat.of().parseHex(stored.substring(HASH_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(expected, sha256(secret));
  }

  private static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "RobotAccounts[" + store.getClass().getSimpleName() + "]";
  }
}
