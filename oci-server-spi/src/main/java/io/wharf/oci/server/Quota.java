package io.wharf.oci.server;

import java.util.OptionalLong;

/**
 * The limits of one project ({@link Quotas}): how many bytes its repositories may hold, each blob
 * and manifest counted once however many of its repositories share it, and how many artifacts
 * (manifests stored, counted per repository, as Harbor counts them; see {@link
 * io.wharf.oci.storage.ProjectUsage}). An empty limit is no limit. A limit of 0 refuses every push
 * that adds anything.
 *
 * @param bytes the most bytes the project may hold, if limited
 * @param artifacts the most artifacts the project may hold, if limited
 */
public record Quota(OptionalLong bytes, OptionalLong artifacts) {

  /** No limit at all. */
  public static final Quota UNLIMITED = new Quota(OptionalLong.empty(), OptionalLong.empty());

  /** Checks that each limit is not negative. */
  public Quota {
    check(bytes, "bytes");
    check(artifacts, "artifacts");
  }

  private static void check(OptionalLong limit, String what) {
    if (limit.isPresent() && limit.getAsLong() < 0) {
      throw new IllegalArgumentException(
          "a quota of " + what + " is not negative: " + limit.getAsLong());
    }
  }

  /** At most {@code bytes} bytes, any number of artifacts. */
  public static Quota ofBytes(long bytes) {
    return UNLIMITED.withBytes(bytes);
  }

  /** At most {@code artifacts} artifacts, any number of bytes. */
  public static Quota ofArtifacts(long artifacts) {
    return UNLIMITED.withArtifacts(artifacts);
  }

  /** At most {@code bytes} bytes and {@code artifacts} artifacts. */
  public static Quota of(long bytes, long artifacts) {
    return ofBytes(bytes).withArtifacts(artifacts);
  }

  /** This quota with at most {@code bytes} bytes. */
  public Quota withBytes(long bytes) {
    return new Quota(OptionalLong.of(bytes), artifacts);
  }

  /** This quota with at most {@code artifacts} artifacts. */
  public Quota withArtifacts(long artifacts) {
    return new Quota(bytes, OptionalLong.of(artifacts));
  }

  /** Whether it limits anything. */
  public boolean limits() {
    return bytes.isPresent() || artifacts.isPresent();
  }
}
