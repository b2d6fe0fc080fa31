package io.wharf.oci.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of one project.
 *
 * @param allowlist vulnerabilities let through in the project's repositories, by every rule
 * @param quota the project's storage limits
 */
public record ProjectSettings(List<AllowlistEntry> allowlist, Optional<QuotaLimit> quota) {

  /** Copies. */
  public ProjectSettings {
    allowlist = List.copyOf(allowlist);
    Objects.requireNonNull(quota, "quota");
  }
}
