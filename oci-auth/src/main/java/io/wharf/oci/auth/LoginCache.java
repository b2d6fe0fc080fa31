package io.wharf.oci.auth;

import io.wharf.oci.server.Identity;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Successful logins remembered for a short time, so that a client sending the same credentials on
 * every request pays one bcrypt check, not one per request. The key of an entry is HMAC-SHA256(a
 * random key made per process, user name + NUL + secret): the secret is never kept, and the key
 * cannot be tried offline against guesses without the process's HMAC key. At most {@code
 * maxEntries} are kept: expired entries are dropped when the cache is full, and while it is still
 * full nothing new is remembered (only right credentials get in, so the cache fills only with many
 * real users). Thread-safe.
 */
final class LoginCache {

  private record Entry(String username, Identity identity, Instant expiresAt) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final Mac prototype;
  private final int maxEntries;

  LoginCache(int maxEntries) {
    this.maxEntries = maxEntries;
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    try {
      prototype = Mac.getInstance("HmacSHA256");
      prototype.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has HmacSHA256", e);
    }
  }

  /** The entry key of {@code username} and {@code secret}. */
  String key(String username, String secret) {
    Mac mac;
    try {
      mac = (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("HmacSHA256 can be cloned", e);
    }
    mac.update(username.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    return Base64.getEncoder()
        .withoutPadding()
        .encodeToString(mac.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
  }

  /** The identity remembered under {@code key}, if it has not expired at {@code now}. */
  Optional<Identity> get(String key, Instant now) {
    Entry e = entries.get(key);
    if (e == null) {
      return Optional.empty();
    }
    if (!now.isBefore(e.expiresAt())) {
      entries.remove(key, e);
      return Optional.empty();
    }
    return Optional.of(e.identity());
  }

  /**
   * Remembers {@code identity}, logged in as {@code username}, under {@code key} until {@code
   * expiresAt}.
   */
  void put(String key, String username, Identity identity, Instant expiresAt, Instant now) {
    if (entries.size() >= maxEntries) {
      entries.values().removeIf(e -> !now.isBefore(e.expiresAt()));
      if (entries.size() >= maxEntries) {
        return;
      }
    }
    entries.put(key, new Entry(username, identity, expiresAt));
  }

  /** Forgets the entries of logins as {@code username}. */
  void invalidate(String username) {
    entries.values().removeIf(e -> e.username().equals(username));
  }

  /** Forgets everything. */
  void clear() {
    entries.clear();
  }

  /** How many entries are kept. */
  int size() {
    return entries.size();
  }
}
