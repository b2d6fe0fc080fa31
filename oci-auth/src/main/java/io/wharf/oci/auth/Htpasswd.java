package io.wharf.oci.auth;

import io.wharf.oci.server.Identity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users from an htpasswd file, as Apache's {@code htpasswd -B} writes it: one {@code user:hash} a
 * line, bcrypt hashes ({@code $2y$}, {@code $2a$}, {@code $2b$}) only, checked with Bouncy Castle's
 * OpenBSDBCrypt. Other kinds of hash ({@code $apr1$}, {@code {SHA}}, crypt, plain text) are refused
 * when the file is read, with an error naming the line ({@link HtpasswdFormatException}); {@code #}
 * comments and blank lines are skipped; a user named twice is an error. The file may have at most
 * 16 MiB and lines of at most 1024 characters.
 *
 * <p>The file is read again when it changes (its modification time, size or file key), checked at
 * most once per {@linkplain Builder#checkInterval check interval} (5 seconds by default) by the
 * first login after it; a file that became invalid is logged and the users read before stay.
 *
 * <p>An unknown user is {@link Verification.Unknown} (the next verifier is asked), a wrong password
 * {@link Verification.Rejected}. For an unknown user a bcrypt hash of the cost most users have is
 * checked anyway, so that the time an answer takes does not tell which users exist. Identities have
 * the attributes {@code kind=user} and {@code source=htpasswd}.
 *
 * <p>Thread-safe.
 */
public final class Htpasswd implements PasswordVerifier {

  private static final Logger log = LoggerFactory.getLogger(Htpasswd.class);

  private final Path file;
  private final Clock clock;
  private final Duration checkInterval;
  private final ReentrantLock reloading = new ReentrantLock();
  private volatile Snapshot snapshot;
  private volatile Instant nextCheck;

  /** What was read from the file, and how the file looked when it was read. */
  private record Snapshot(Map<String, String> users, String dummy, FileState state) {}

  /** What tells that a file changed. */
  private record FileState(FileTime modified, long size, Optional<Object> key) {
    static FileState of(BasicFileAttributes a) {
      return new FileState(a.lastModifiedTime(), a.size(), Optional.ofNullable(a.fileKey()));
    }
  }

  private Htpasswd(Builder b) throws IOException {
    this.file = b.file;
    this.clock = b.clock;
    this.checkInterval = b.checkInterval;
    this.snapshot = read(file);
    this.nextCheck = clock.instant().plus(checkInterval);
  }

  /**
   * The users of {@code file}, with the defaults.
   *
   * @throws IOException when the file cannot be read
   * @throws HtpasswdFormatException when it is not a file Wharf accepts
   */
  public static Htpasswd open(Path file) throws IOException {
    return builder(file).build();
  }

  /** A builder for the users of {@code file}. */
  public static Builder builder(Path file) {
    return new Builder(file);
  }

  /** The file's user names, in file order. */
  public Set<String> users() {
    reloadIfChanged();
    return snapshot.users().keySet();
  }

  /** The file this reads. */
  public Path file() {
    return file;
  }

  @Override
  public Verification verify(String username, String secret) {
    reloadIfChanged();
    Snapshot s = snapshot;
    String hash = s.users().get(username);
    if (hash == null) {
      Bcrypt.matches(s.dummy(), secret);
      return Verification.unknown();
    }
    if (!Bcrypt.matches(hash, secret)) {
      return Verification.rejected("wrong password for htpasswd user " + username);
    }
    Identity identity = Identities.user(username, "htpasswd", Set.of());
    return Verification.verified(identity);
  }

  private void reloadIfChanged() {
    Instant now = clock.instant();
    if (now.isBefore(nextCheck) || !reloading.tryLock()) {
      return;
    }
    try {
      if (now.isBefore(nextCheck)) {
        return;
      }
      nextCheck = now.plus(checkInterval);
      FileState state = FileState.of(Files.readAttributes(file, BasicFileAttributes.class));
      if (state.equals(snapshot.state())) {
        return;
      }
      snapshot = read(file);
      log.info("Read {} again: {} users", file, snapshot.users().size());
    } catch (IOException | HtpasswdFormatException e) {
      log.error("Keeping the users read before: {}", e.getMessage());
    } finally {
      reloading.unlock();
    }
  }

  private static Snapshot read(Path file) throws IOException {
    BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);
    byte[] content;
    try (InputStream in = Files.newInputStream(file)) {
      content = in.readNBytes((int) HtpasswdParser.MAX_FILE_SIZE + 1);
    }
    Map<String, String> users;
    try {
      users = HtpasswdParser.parse(content);
    } catch (HtpasswdFormatException e) {
      throw e.in(file.toString());
    }
    return new Snapshot(users, Bcrypt.dummyFor(users.values()), FileState.of(before));
  }

  /** Never shows the hashes. */
  @Override
  public String toString() {
    return "Htpasswd[" + file + "]";
  }

  /** Configures an {@link Htpasswd}. */
  public static final class Builder {
    private final Path file;
    private Clock clock = Clock.systemUTC();
    private Duration checkInterval = Duration.ofSeconds(5);

    private Builder(Path file) {
      this.file = Objects.requireNonNull(file, "file");
    }

    /** The clock that times the checks for changes (default: the system's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How often, at most, the file is checked for changes (default 5 seconds). */
    public Builder checkInterval(Duration checkInterval) {
      if (checkInterval.isNegative()) {
        throw new IllegalArgumentException("the check interval is not negative");
      }
      this.checkInterval = checkInterval;
      return this;
    }

    /**
     * Reads the file.
     *
     * @throws IOException when it cannot be read
     * @throws HtpasswdFormatException when it is not a file Wharf accepts
     */
    public Htpasswd build() throws IOException {
      return new Htpasswd(this);
    }
  }
}
