package io.wharf.oci.client.copy;

import io.wharf.oci.model.Platform;
import java.util.List;

/**
 * Which platforms of an index a copy takes. Ignored when the root is not an index.
 *
 * <ul>
 *   <li>{@link #all()}: the index as it is, with every manifest it lists (skopeo {@code --all}).
 *   <li>{@link #of} one platform: only the manifest an index lists for it, as the root (skopeo
 *       without {@code --all}), chosen by {@link io.wharf.oci.model.ImageIndex#manifestFor}.
 *   <li>{@link #of} several platforms: a new index listing only their manifests; its bytes, hence
 *       its digest, differ from the source's.
 * </ul>
 *
 * @param platforms the platforms wanted; empty for all
 */
public record PlatformSelection(List<Platform> platforms) {

  private static final PlatformSelection ALL = new PlatformSelection(List.of());

  /** Copies. */
  public PlatformSelection {
    platforms = List.copyOf(platforms);
  }

  /** Every platform: the index is copied exactly. */
  public static PlatformSelection all() {
    return ALL;
  }

  /** The given platforms (at least one). */
  public static PlatformSelection of(Platform first, Platform... more) {
    List<Platform> list = new java.util.ArrayList<>();
    list.add(first);
    list.addAll(List.of(more));
    return new PlatformSelection(list);
  }

  /** Whether every platform is taken. */
  public boolean isAll() {
    return platforms.isEmpty();
  }
}
