package io.wharf.oci.policy.vuln.internal;

import io.wharf.oci.policy.vuln.ReportFormat;
import io.wharf.oci.policy.vuln.Severity;
import io.wharf.oci.policy.vuln.VulnerabilityReport;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CycloneDX JSON (spec versions 1.x; the fixtures are 1.2, 1.4 and 1.7), an SBOM with {@code
 * vulnerabilities} or a VEX document. An SBOM without vulnerabilities is a report without findings.
 *
 * <ul>
 *   <li>One finding per {@code vulnerabilities[]} entry and {@code affects[]} entry: {@code
 *       affects[].ref} is resolved to a component by its {@code bom-ref} ({@code components},
 *       nested ones and {@code metadata.component}; a BOM-Link {@code urn:cdx:…#ref} by its
 *       fragment), whose {@code name} and {@code version} are the package and installed version; a
 *       ref that resolves to nothing is read as a purl ({@code pkg:npm/jquery@3.3.9}) when it is
 *       one, else taken as the package's name. An entry without {@code affects} is about {@code
 *       metadata.component}.
 *   <li>Severity: the highest {@code ratings[].severity} ({@code info} is NEGLIGIBLE); when no
 *       rating names one, from the CVSS score; else UNKNOWN. CVSS: the highest {@code score} of a
 *       rating whose {@code method} is CVSS v3 or v4, else v2; scores of other methods (EPSS,
 *       OWASP, {@code other}) and without a method are not CVSS scores.
 *   <li>Fixed version: a vulnerability property {@code aquasecurity:trivy:FixedVersion}, else the
 *       {@code recommendation} {@code "Upgrade <package> to version <version>"} that Trivy writes
 *       (applied to that package only), else an {@code affects[].versions[]} entry of status {@code
 *       unaffected} that names a single {@code version} other than the installed one.
 *   <li>Not affected: {@code analysis.state} {@code not_affected} and {@code false_positive}, and
 *       also {@code resolved} and {@code resolved_with_pedigree} (the component was fixed: the
 *       finding no longer counts), or an {@code affects[].versions[]} entry of status {@code
 *       unaffected} naming the installed version. {@code exploitable} and {@code in_triage} count.
 *   <li>References: {@code advisories[].url}, then {@code references[].source.url}, then {@code
 *       source.url}.
 *   <li>{@code metadata.timestamp} is when it was generated; the scanner is the first of {@code
 *       metadata.tools} (an array before 1.5, {@code components} and {@code services} after), as
 *       {@code "<name> <version>"}.
 * </ul>
 */
final class CycloneDxReports {

  private static final Set<String> NOT_AFFECTED =
      Set.of("not_affected", "false_positive", "resolved", "resolved_with_pedigree");
  private static final Pattern RECOMMENDATION =
      Pattern.compile("Upgrade (.+) to version (\\S(?:.*\\S)?)\\s*");
  private static final Pattern PURL =
      Pattern.compile("pkg:[^/]+/(?:[^@?#]*/)?([^/@?#]+)(?:@([^?#]+))?(?:[?#].*)?");

  private CycloneDxReports() {}

  private record Component(String name, String version) {}

  static VulnerabilityReport parse(Node root) {
    Optional<String> bomFormat = root.nonBlank("bomFormat");
    if (!bomFormat.equals(Optional.of("CycloneDX"))) {
      throw root.error("'bomFormat' is not \"CycloneDX\"");
    }
    Optional<String> specVersion = root.nonBlank("specVersion");
    if (specVersion.isPresent() && !specVersion.get().startsWith("1.")) {
      throw root.member("specVersion")
          .orElseThrow()
          .error(
              "CycloneDX " + Strings.abbreviate(specVersion.get()) + " is not supported (1.x is)");
    }
    Optional<Node> metadata = root.object("metadata");
    Map<String, Component> components = new HashMap<>();
    Optional<Component> subject = Optional.empty();
    if (metadata.isPresent()) {
      Optional<Node> main = metadata.get().object("component");
      if (main.isPresent()) {
        subject = Optional.of(collect(main.get(), components));
      }
    }
    for (Node component : root.array("components")) {
      collect(component, components);
    }
    Findings findings = new Findings();
    for (Node vulnerability : root.array("vulnerabilities")) {
      vulnerability(vulnerability, components, subject, findings);
    }
    return new VulnerabilityReport(
        ReportFormat.CYCLONEDX,
        metadata.flatMap(CycloneDxReports::scanner),
        metadata.isPresent() ? metadata.get().timestamp("timestamp") : Optional.empty(),
        findings.affected(),
        findings.notAffected());
  }

  private static Component collect(Node component, Map<String, Component> into) {
    component.requireObject();
    Component c =
        new Component(component.text("name").orElse(""), component.text("version").orElse(""));
    component.nonBlank("bom-ref").ifPresent(ref -> into.putIfAbsent(ref, c));
    for (Node child : component.array("components")) {
      collect(child, into);
    }
    return c;
  }

  private static void vulnerability(
      Node v, Map<String, Component> components, Optional<Component> subject, Findings findings) {
    v.requireObject();
    String id = v.required("id");
    Scores scores = new Scores();
    Optional<Severity> rated = Optional.empty();
    for (Node rating : v.array("ratings")) {
      rating.requireObject();
      Optional<Severity> severity = Scores.severityOf(rating, "severity");
      if (severity.isPresent() && (rated.isEmpty() || severity.get().compareTo(rated.get()) > 0)) {
        rated = severity;
      }
      String method = rating.nonBlank("method").orElse("").toUpperCase(Locale.ROOT);
      if (method.equals("CVSSV2")) {
        scores.v2(rating, rating.number("score"));
      } else if (method.startsWith("CVSSV")) {
        scores.newer(rating, rating.number("score"));
      }
    }
    Optional<Double> cvss = scores.best();
    Severity severity = rated.orElseGet(() -> cvss.map(Severity::ofCvss).orElse(Severity.UNKNOWN));
    boolean analysedNotAffected =
        v.object("analysis")
            .flatMap(a -> a.nonBlank("state"))
            .filter(NOT_AFFECTED::contains)
            .isPresent();
    Optional<String> trivyFixed = Optional.empty();
    for (Node property : v.array("properties")) {
      property.requireObject();
      if (property.nonBlank("name").equals(Optional.of("aquasecurity:trivy:FixedVersion"))) {
        trivyFixed = property.nonBlank("value");
      }
    }
    Optional<Matcher> recommendation =
        v.nonBlank("recommendation").map(RECOMMENDATION::matcher).filter(Matcher::matches);

    List<Node> affects = v.array("affects");
    int targets = Math.max(1, affects.size());
    for (int i = 0; i < targets; i++) {
      Node at = affects.isEmpty() ? v : affects.get(i).requireObject();
      Component component =
          affects.isEmpty()
              ? subject.orElse(new Component("", ""))
              : resolve(at.required("ref"), components);
      Finding finding =
          new Finding(at, id)
              .packageName(component.name())
              .installedVersion(component.version())
              .severity(severity)
              .cvss(cvss);
      boolean notAffected = analysedNotAffected;
      Optional<String> fixed = trivyFixed;
      if (fixed.isEmpty()
          && recommendation.isPresent()
          && (targets == 1 || recommendation.get().group(1).equals(component.name()))) {
        fixed = Optional.of(recommendation.get().group(2));
      }
      for (Node version : affects.isEmpty() ? List.<Node>of() : at.array("versions")) {
        version.requireObject();
        Optional<String> named = version.nonBlank("version");
        if (named.isEmpty() || !version.nonBlank("status").equals(Optional.of("unaffected"))) {
          continue;
        }
        if (named.get().equals(component.version())) {
          notAffected = true;
        } else if (fixed.isEmpty()) {
          fixed = named;
        }
      }
      finding.fixedVersion(fixed);
      references(v, finding);
      if (notAffected) {
        findings.addNotAffected(finding);
      } else {
        findings.add(finding);
      }
    }
  }

  private static void references(Node v, Finding finding) {
    for (Node advisory : v.array("advisories")) {
      advisory.requireObject();
      advisory.nonBlank("url").ifPresent(finding::reference);
    }
    for (Node reference : v.array("references")) {
      reference.requireObject();
      reference.object("source").flatMap(s -> s.nonBlank("url")).ifPresent(finding::reference);
    }
    v.object("source").flatMap(s -> s.nonBlank("url")).ifPresent(finding::reference);
  }

  private static Component resolve(String ref, Map<String, Component> components) {
    Component found = components.get(ref);
    int hash = ref.indexOf('#');
    if (found == null && ref.startsWith("urn:cdx:") && hash >= 0) {
      found = components.get(ref.substring(hash + 1));
    }
    if (found != null) {
      return found;
    }
    Matcher purl = PURL.matcher(ref);
    if (purl.matches()) {
      String version = purl.group(2) == null ? "" : purl.group(2);
      return new Component(decode(purl.group(1)), decode(version));
    }
    return new Component(ref, "");
  }

  private static String decode(String purlPart) {
    try {
      return java.net.URLDecoder.decode(
          purlPart.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return purlPart;
    }
  }

  private static Optional<String> scanner(Node metadata) {
    Optional<Node> tools = metadata.member("tools");
    if (tools.isEmpty()) {
      return Optional.empty();
    }
    List<Node> candidates;
    if (tools.get().isObject()) {
      candidates = tools.get().array("components");
      if (candidates.isEmpty()) {
        candidates = tools.get().array("services");
      }
    } else {
      candidates = tools.get().elements();
    }
    for (Node tool : candidates) {
      Optional<String> named = tool.nameAndVersion();
      if (named.isPresent()) {
        return named;
      }
    }
    return Optional.empty();
  }
}
