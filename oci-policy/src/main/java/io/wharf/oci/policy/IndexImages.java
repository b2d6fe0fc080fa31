package io.wharf.oci.policy;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.Platform;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.OciException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The images a pull of an index is judged by: its children (nested indexes followed, bounded), each
 * with how reasons name it ({@code linux/arm64: }); BuildKit attestation manifests are skipped.
 * Problems with the index (unreadable, a child missing, too many or too deep) are messages.
 */
final class IndexImages {

  /** The most children of an index (and its nested indexes) judged. */
  static final int MAX_CHILDREN = 64;

  /** How deep indexes may nest (an index of indexes is depth 2). */
  static final int MAX_INDEX_DEPTH = 2;

  /**
   * An image to judge.
   *
   * @param descriptor its media type, digest and size
   * @param label how reasons name it: empty for the manifest pulled, {@code linux/arm64: } for a
   *     child
   */
  record Image(Descriptor descriptor, String label) {}

  private final PolicyContext facts;
  private final List<Image> images = new ArrayList<>();
  private final List<String> problems;
  private int children;

  private IndexImages(PolicyContext facts, List<String> problems) {
    this.facts = facts;
    this.problems = problems;
  }

  /**
   * The children of {@code index} to judge, adding problems to {@code problems}; the index itself
   * when it lists none and has no problem.
   */
  static List<Image> children(RawManifest index, PolicyContext facts, List<String> problems)
      throws IOException {
    int before = problems.size();
    IndexImages walk = new IndexImages(facts, problems);
    walk.children(index, "", 1);
    if (walk.images.isEmpty() && problems.size() == before) {
      walk.images.add(new Image(index.descriptor(), ""));
    }
    return walk.images;
  }

  private void children(RawManifest index, String label, int depth) throws IOException {
    List<Descriptor> manifests;
    try {
      Manifest parsed = index.parse();
      manifests = ((ImageIndex) parsed).manifests();
    } catch (OciException | ClassCastException e) {
      problems.add(label + "the index cannot be read: " + PullJudge.Text.clip(e.getMessage(), 200));
      return;
    }
    for (Descriptor child : manifests) {
      if (attestation(child)) {
        continue;
      }
      String childLabel = label + platform(child) + ": ";
      if (++children > MAX_CHILDREN) {
        problems.add(
            "the index lists more than "
                + MAX_CHILDREN
                + " manifests to judge; split it into smaller indexes");
        return;
      }
      Optional<RawManifest> stored = facts.manifest(child.digest());
      if (stored.isEmpty()) {
        problems.add(
            childLabel
                + "manifest "
                + child.digest()
                + " listed by the index is not in the repository; push it");
        continue;
      }
      if (stored.get().mediaType().isIndex()) {
        if (depth >= MAX_INDEX_DEPTH) {
          problems.add(
              childLabel + "indexes nest more than " + MAX_INDEX_DEPTH + " deep; flatten them");
        } else {
          children(stored.get(), childLabel, depth + 1);
        }
        continue;
      }
      images.add(new Image(stored.get().descriptor(), childLabel));
    }
  }

  /** Attestation manifests of BuildKit (platform unknown/unknown) carry no software to scan. */
  private static boolean attestation(Descriptor child) {
    if ("attestation-manifest".equals(child.annotations().get("vnd.docker.reference.type"))) {
      return true;
    }
    Optional<Platform> platform = child.platform();
    return platform.isPresent()
        && platform.get().os().equals("unknown")
        && platform.get().architecture().equals("unknown");
  }

  private static String platform(Descriptor child) {
    return child
        .platform()
        .map(p -> PullJudge.Text.clip(p.toString(), 80))
        .orElse(PullJudge.Text.shortDigest(child.digest()));
  }
}
