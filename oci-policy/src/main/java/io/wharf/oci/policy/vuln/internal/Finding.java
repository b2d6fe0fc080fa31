package io.wharf.oci.policy.vuln.internal;

import io.wharf.oci.policy.vuln.Reports;
import io.wharf.oci.policy.vuln.Severity;
import io.wharf.oci.policy.vuln.Vulnerability;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One finding as a parser collects it; {@link #toVulnerability()} checks and bounds it. A parser
 * sets what its format carries and leaves the rest at the defaults: no package or installed version
 * ({@code ""}), no fixed version, {@link Severity#UNKNOWN}, no CVSS score, no references.
 */
final class Finding {

  private final Node where;
  private final String id;
  private String packageName = "";
  private String installedVersion = "";
  private Optional<String> fixedVersion = Optional.empty();
  private Severity severity = Severity.UNKNOWN;
  private Optional<Double> cvss = Optional.empty();
  private final Set<String> references = new LinkedHashSet<>();

  /** A finding of vulnerability {@code id}, read at {@code where}. */
  Finding(Node where, String id) {
    this.where = where;
    this.id = id;
  }

  /**
   * The finding of object {@code v} whose members {@code id} (required), {@code pkg} (required),
   * {@code installed}, {@code fixed} and {@code severity} (absent: {@link Severity#UNKNOWN}) name
   * those fields, as Trivy's and Harbor's flat findings do.
   */
  static Finding read(
      Node v, String id, String pkg, String installed, String fixed, String severity) {
    return new Finding(v, v.required(id))
        .packageName(v.required(pkg))
        .installedVersion(v.text(installed).orElse(""))
        .fixedVersion(v.text(fixed))
        .severity(Scores.severityOf(v, severity).orElse(Severity.UNKNOWN));
  }

  Node where() {
    return where;
  }

  Finding packageName(String name) {
    this.packageName = name;
    return this;
  }

  Finding installedVersion(String version) {
    this.installedVersion = version;
    return this;
  }

  Finding fixedVersion(Optional<String> version) {
    this.fixedVersion = version.map(Finding::versionList).filter(v -> !v.isEmpty());
    return this;
  }

  Finding severity(Severity severity) {
    this.severity = severity;
    return this;
  }

  Finding cvss(Optional<Double> score) {
    this.cvss = score;
    return this;
  }

  /** Adds {@code url} unless blank, longer than {@link Reports#MAX_REFERENCE_LENGTH}, or known. */
  Finding reference(String url) {
    String u = url.strip();
    if (!u.isEmpty()
        && u.length() <= Reports.MAX_REFERENCE_LENGTH
        && references.size() < Reports.MAX_REFERENCES) {
      references.add(u);
    }
    return this;
  }

  /** Adds each of {@code urls} as {@link #reference(String)} does. */
  Finding references(List<String> urls) {
    urls.forEach(this::reference);
    return this;
  }

  /**
   * The finding as a {@link Vulnerability}.
   *
   * @throws io.wharf.oci.policy.vuln.ReportException when a value is longer than {@link
   *     Reports#MAX_FIELD_LENGTH} or the finding is not a valid one
   */
  Vulnerability toVulnerability() {
    bounded("id", id);
    bounded("package", packageName);
    bounded("installed version", installedVersion);
    fixedVersion.ifPresent(v -> bounded("fixed version", v));
    try {
      return new Vulnerability(
          id.strip(),
          packageName.strip(),
          installedVersion.strip(),
          fixedVersion,
          severity,
          cvss,
          new ArrayList<>(references));
    } catch (IllegalArgumentException e) {
      throw where.error(e.getMessage());
    }
  }

  private void bounded(String what, String value) {
    if (value.length() > Reports.MAX_FIELD_LENGTH) {
      throw where.error(
          "the " + what + " is longer than " + Reports.MAX_FIELD_LENGTH + " characters");
    }
  }

  /**
   * Several fixed versions in one text ({@code "1.2.1,2.1.3"}, Trivy's {@code "1.5.13, 1.3.15"}) as
   * one list separated by {@code ", "}.
   */
  static String versionList(String text) {
    List<String> versions = new ArrayList<>();
    for (String part : text.split(",")) {
      String v = part.strip();
      if (!v.isEmpty()) {
        versions.add(v);
      }
    }
    return String.join(", ", versions);
  }
}
