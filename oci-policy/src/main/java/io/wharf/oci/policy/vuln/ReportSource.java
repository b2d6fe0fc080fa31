package io.wharf.oci.policy.vuln;

import io.wharf.oci.model.Digest;
import io.wharf.oci.policy.PolicyContext;
import java.io.IOException;
import java.util.Optional;

/**
 * Where a policy finds the vulnerability report of a manifest: for example among its referrers, or
 * a cache in front of them. Implementations are thread-safe.
 */
@FunctionalInterface
public interface ReportSource {

  /**
   * The report that judges manifest {@code manifest} of {@code context}'s repository (the newest,
   * when there are several); empty when it has none.
   *
   * @throws IOException when the facts cannot be read
   */
  Optional<VulnerabilityReport> report(PolicyContext context, Digest manifest) throws IOException;
}
