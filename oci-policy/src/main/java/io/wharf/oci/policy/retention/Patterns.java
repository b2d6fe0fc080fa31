package io.wharf.oci.policy.retention;

import io.wharf.oci.policy.Glob;
import java.util.List;

/** Matching a name against a list of patterns. */
final class Patterns {

  private Patterns() {}

  /** Whether one of {@code globs} matches {@code name}. */
  static boolean any(List<Glob> globs, String name) {
    for (int i = 0; i < globs.size(); i++) {
      if (globs.get(i).matches(name)) {
        return true;
      }
    }
    return false;
  }
}
