package io.wharf.oci.policy.vuln.internal;

import io.wharf.oci.policy.vuln.Reports;
import io.wharf.oci.policy.vuln.Severity;
import io.wharf.oci.policy.vuln.Vulnerability;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The findings of one report, in document order, each vulnerability of each package version once. A
 * finding seen again (Trivy lists a package once per target that holds it) is merged into the
 * first: the higher severity and CVSS score, the first fixed version given, the references of both.
 * A finding that a statement of the same document marks not affected is reported only among the
 * not-affected ones.
 */
final class Findings {

  private final Map<String, Vulnerability> affected = new LinkedHashMap<>();
  private final Map<String, Vulnerability> notAffected = new LinkedHashMap<>();

  /** Adds a finding. */
  void add(Finding finding) {
    put(affected, finding);
  }

  /** Adds a finding that the report marks not affected (VEX, or the scanner's own status). */
  void addNotAffected(Finding finding) {
    put(notAffected, finding);
  }

  /** The findings that count: those added, minus those also marked not affected. */
  List<Vulnerability> affected() {
    List<Vulnerability> counted = new ArrayList<>(affected.size());
    affected.forEach(
        (key, v) -> {
          if (!notAffected.containsKey(key)) {
            counted.add(v);
          }
        });
    return counted;
  }

  /** The findings marked not affected. */
  List<Vulnerability> notAffected() {
    return new ArrayList<>(notAffected.values());
  }

  private void put(Map<String, Vulnerability> into, Finding finding) {
    Vulnerability v = finding.toVulnerability();
    String key = v.id() + '\u0000' + v.packageName() + '\u0000' + v.installedVersion();
    Vulnerability known = into.get(key);
    if (known != null) {
      into.put(key, merge(known, v));
      return;
    }
    if (affected.size() + notAffected.size() >= Reports.MAX_FINDINGS) {
      throw finding.where().error("the report has more than " + Reports.MAX_FINDINGS + " findings");
    }
    into.put(key, v);
  }

  private static Vulnerability merge(Vulnerability first, Vulnerability again) {
    Severity severity =
        again.severity().compareTo(first.severity()) > 0 ? again.severity() : first.severity();
    Optional<Double> cvss = first.cvss();
    if (again.cvss().isPresent() && (cvss.isEmpty() || again.cvss().get() > cvss.get())) {
      cvss = again.cvss();
    }
    Set<String> references = new LinkedHashSet<>(first.references());
    for (String r : again.references()) {
      if (references.size() >= Reports.MAX_REFERENCES) {
        break;
      }
      references.add(r);
    }
    return new Vulnerability(
        first.id(),
        first.packageName(),
        first.installedVersion(),
        first.fixedVersion().isPresent() ? first.fixedVersion() : again.fixedVersion(),
        severity,
        cvss,
        new ArrayList<>(references));
  }
}
