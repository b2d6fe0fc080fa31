package io.wharf.oci.policy;

import io.wharf.oci.policy.retention.RetentionPolicy;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of one project.
 *
 * @param allowlist vulnerabilities let through in the project's repositories, by every rule
 * @param quota the project's storage limits
 * @param retention the project's retention rules (Harbor's tag retention)
 */
public record ProjectSettings(
    List<AllowlistEntry> allowlist,
    Optional<QuotaLimit> quota,
    Optional<RetentionPolicy> retention) {

  /** Copies. */
  public ProjectSettings {
    allowlist = List.copyOf(allowlist);
    Objects.requireNonNull(quota, "quota");
    Objects.requireNonNull(retention, "retention");
  }

  /** Settings without retention rules. */
  public ProjectSettings(List<AllowlistEntry> allowlist, Optional<QuotaLimit> quota) {
    this(allowlist, quota, Optional.empty());
  }
}
