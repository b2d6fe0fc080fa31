package io.wharf.oci.policy;

import java.util.OptionalLong;

/**
 * The limits of a project's storage: bytes (a blob shared by several repositories of the project
 * counted once) and artifacts (manifests), each optional.
 *
 * @param bytes the most bytes the project may hold
 * @param artifacts the most artifacts the project may hold
 */
public record QuotaLimit(OptionalLong bytes, OptionalLong artifacts) {

  /** Checks that the limits are not negative and that at least one is set. */
  public QuotaLimit {
    if (bytes.isEmpty() && artifacts.isEmpty()) {
      throw new IllegalArgumentException("a quota limits bytes, artifacts or both");
    }
    if (bytes.orElse(0) < 0 || artifacts.orElse(0) < 0) {
      throw new IllegalArgumentException("a quota is not negative");
    }
  }

  /** A quota of {@code bytes}. */
  public static QuotaLimit ofBytes(long bytes) {
    return new QuotaLimit(OptionalLong.of(bytes), OptionalLong.empty());
  }

  /** A quota of {@code artifacts}. */
  public static QuotaLimit ofArtifacts(long artifacts) {
    return new QuotaLimit(OptionalLong.empty(), OptionalLong.of(artifacts));
  }
}
