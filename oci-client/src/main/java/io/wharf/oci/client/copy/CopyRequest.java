package io.wharf.oci.client.copy;

import java.util.Objects;

/**
 * What to copy: from where, to where, which platforms of an index, and whether referrers
 * (signatures, SBOMs, attestations) come along, recursively (referrers of referrers too).
 *
 * @param source where the manifest is read
 * @param destination where it is written
 * @param platforms the platforms of an index to copy; {@link PlatformSelection#all()} by default
 * @param referrers whether the referrers of every manifest copied are copied too
 */
public record CopyRequest(
    ImageSource source,
    ImageDestination destination,
    PlatformSelection platforms,
    boolean referrers) {

  /** Checks. */
  public CopyRequest {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(platforms, "platforms");
  }

  /** A copy of everything the source names (all platforms), without referrers. */
  public static CopyRequest of(ImageSource source, ImageDestination destination) {
    return new CopyRequest(source, destination, PlatformSelection.all(), false);
  }

  /** This request for {@code platforms}. */
  public CopyRequest withPlatforms(PlatformSelection platforms) {
    return new CopyRequest(source, destination, platforms, referrers);
  }

  /** This request with or without referrers. */
  public CopyRequest withReferrers(boolean referrers) {
    return new CopyRequest(source, destination, platforms, referrers);
  }
}
