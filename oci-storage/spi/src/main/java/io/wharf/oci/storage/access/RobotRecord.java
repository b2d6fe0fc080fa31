package io.wharf.oci.storage.access;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A robot account as stored: its secret only as a hash (the secret itself is shown once, when it is
 * made, and never kept).
 *
 * @param name the robot's name, without the {@code robot$} prefix it logs in with ({@code
 *     [a-z0-9]+([._-][a-z0-9]+)*}, at most 128 characters)
 * @param secretHash how the secret is kept, in a self-describing format chosen by whoever makes it
 *     (for example {@code sha256:<hex>}), 1 to 512 characters; never the secret
 * @param permissions what it may do, per project
 * @param expiresAt when it stops working; empty for never
 * @param disabled whether it is switched off
 * @param created when it was made (the store keeps the first value)
 * @param description free text for people, at most 1024 characters (neither U+0000 nor unpaired
 *     surrogates, which databases cannot keep)
 */
public record RobotRecord(
    String name,
    String secretHash,
    List<RobotPermission> permissions,
    Optional<Instant> expiresAt,
    boolean disabled,
    Instant created,
    String description) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*");

  /** Validates and copies. */
  public RobotRecord {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > 128 || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a robot name is lower-case letters and digits separated by '.', '_' or '-', at most 128"
              + " characters");
    }
    Objects.requireNonNull(secretHash, "secretHash");
    if (secretHash.isEmpty() || secretHash.length() > 512) {
      throw new IllegalArgumentException("a robot's secret hash has 1 to 512 characters");
    }
    StorableText.check(secretHash, "a robot's secret hash");
    permissions = List.copyOf(permissions);
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(description, "description");
    if (description.length() > 1024) {
      throw new IllegalArgumentException("a robot's description has at most 1024 characters");
    }
    StorableText.check(description, "a robot's description");
  }

  /** Whether the robot may log in at {@code now}: not disabled and not expired. */
  public boolean activeAt(Instant now) {
    return !disabled && expiresAt.map(now::isBefore).orElse(true);
  }

  /** Never shows the hash. */
  @Override
  public String toString() {
    return "RobotRecord[name="
        + name
        + ", permissions="
        + permissions
        + ", expiresAt="
        + expiresAt
        + ", disabled="
        + disabled
        + ", created="
        + created
        + "]";
  }
}
