package io.wharf.oci.policy.vuln.internal;

import io.wharf.oci.policy.vuln.ReportFormat;
import io.wharf.oci.policy.vuln.Severity;
import io.wharf.oci.policy.vuln.VulnerabilityReport;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * SARIF 2.1.0 as Trivy ({@code --format sarif}) and Grype ({@code -o sarif}) write it: each result
 * of each run, joined to its rule ({@code ruleIndex}, else {@code ruleId}, in {@code
 * tool.driver.rules}).
 *
 * <p>Both tools write the package in text, each its own way, so the fields are read from lines
 * {@code "Key: value"}: from the result's message (Trivy: {@code Package}, {@code Installed
 * Version}, {@code Fixed Version}) when it names a package, else from the rule's help text (Grype:
 * {@code Package}, {@code Version}, {@code Fix Version}; Trivy's rule is shared by every package
 * with that vulnerability, so its message wins). The vulnerability's id is the {@code Vulnerability
 * <id>} line (Grype's rule ids append the package), else the rule id.
 *
 * <p>A result is a vulnerability when it names a package or its rule is tagged {@code
 * vulnerability}; others (Trivy's misconfigurations, secrets and licenses, code-scanning results)
 * are ignored.
 *
 * <p>Severity, the scanner's own rating first, as {@link io.wharf.oci.policy.vuln.Vulnerability}
 * defines it: a rule or result tag naming a severity (Trivy's {@code MEDIUM}), else a {@code
 * Severity:} line (Grype's {@code low}), else {@code security-severity} as a CVSS score (which
 * Grype fills with the CVSS score, not its rating), else the result's {@code level}, else the
 * rule's default level, else SARIF's default {@code warning}: {@code error} is HIGH, {@code
 * warning} MEDIUM, {@code note} LOW, {@code none} NONE. CVSS: the rule's {@code cvssv3_baseScore},
 * else {@code cvssv2_score} (Trivy), else {@code security-severity}. References: the rule's {@code
 * helpUri} unless it is the tool's own {@code informationUri}. The scanner is the first run's
 * {@code "<driver.name> <driver.version>"}; the first invocation's {@code endTimeUtc} (else {@code
 * startTimeUtc}) is when it was generated.
 */
final class SarifReports {

  private SarifReports() {}

  static VulnerabilityReport parse(Node root) {
    Optional<String> version = root.nonBlank("version");
    if (version.isPresent() && !version.get().equals("2.1.0")) {
      throw root.member("version")
          .orElseThrow()
          .error("SARIF " + Strings.abbreviate(version.get()) + " is not supported (2.1.0 is)");
    }
    List<Node> runs = root.array("runs");
    Optional<String> scanner = Optional.empty();
    Optional<Instant> generatedAt = Optional.empty();
    Findings findings = new Findings();
    for (Node run : runs) {
      run.requireObject();
      Node driver =
          run.object("tool")
              .flatMap(t -> t.object("driver"))
              .orElseThrow(() -> run.error("'tool.driver' is missing"));
      if (scanner.isEmpty()) {
        scanner = driver.nameAndVersion();
      }
      if (generatedAt.isEmpty()) {
        for (Node invocation : run.array("invocations")) {
          invocation.requireObject();
          generatedAt = invocation.timestamp("endTimeUtc");
          if (generatedAt.isEmpty()) {
            generatedAt = invocation.timestamp("startTimeUtc");
          }
          break;
        }
      }
      Optional<String> toolUri = driver.nonBlank("informationUri");
      List<Node> rules = driver.array("rules");
      Map<String, Node> rulesById = new HashMap<>();
      for (Node rule : rules) {
        rule.requireObject();
        rule.nonBlank("id").ifPresent(id -> rulesById.putIfAbsent(id, rule));
      }
      for (Node result : run.array("results")) {
        result.requireObject();
        Optional<Finding> finding = finding(result, rule(result, rules, rulesById), toolUri);
        finding.ifPresent(findings::add);
      }
    }
    return new VulnerabilityReport(
        ReportFormat.SARIF, scanner, generatedAt, findings.affected(), findings.notAffected());
  }

  private static Optional<Node> rule(Node result, List<Node> rules, Map<String, Node> byId) {
    Optional<Long> index = result.integer("ruleIndex");
    if (index.isPresent() && index.get() >= 0) {
      if (index.get() >= rules.size()) {
        throw result
            .member("ruleIndex")
            .orElseThrow()
            .error("rule " + index.get() + " does not exist (the run has " + rules.size() + ")");
      }
      return Optional.of(rules.get(index.get().intValue()));
    }
    return result.nonBlank("ruleId").map(byId::get);
  }

  private static Optional<Finding> finding(
      Node result, Optional<Node> rule, Optional<String> toolUri) {
    Map<String, String> message = lines(result.object("message").flatMap(m -> m.text("text")));
    Map<String, String> help =
        lines(rule.flatMap(r -> r.object("help")).flatMap(h -> h.text("text")));
    Optional<Node> ruleProperties = rule.flatMap(r -> r.object("properties"));
    Optional<Node> resultProperties = result.object("properties");
    boolean tagged =
        tags(ruleProperties).contains("vulnerability")
            || tags(resultProperties).contains("vulnerability");
    Map<String, String> fields = message.containsKey("package") ? message : help;
    if (!fields.containsKey("package") && !tagged) {
      return Optional.empty();
    }
    Optional<String> id =
        first(message.get("vulnerability"), help.get("vulnerability"))
            .or(() -> result.nonBlank("ruleId"))
            .or(() -> rule.flatMap(r -> r.nonBlank("id")));
    if (id.isEmpty()) {
      throw result.error("the result names no rule and no vulnerability");
    }
    Optional<Double> securitySeverity =
        number(resultProperties, "security-severity")
            .or(() -> number(ruleProperties, "security-severity"));
    Finding finding =
        new Finding(result, id.get())
            .packageName(fields.getOrDefault("package", ""))
            .installedVersion(
                first(fields.get("installed version"), fields.get("version")).orElse(""))
            .fixedVersion(first(fields.get("fixed version"), fields.get("fix version")))
            .cvss(
                number(ruleProperties, "cvssv3_baseScore")
                    .or(() -> number(ruleProperties, "cvssv2_score"))
                    .or(() -> securitySeverity));
    finding.severity(severity(result, rule, message, help, securitySeverity));
    rule.flatMap(r -> r.nonBlank("helpUri"))
        .filter(uri -> !toolUri.equals(Optional.of(uri)))
        .ifPresent(finding::reference);
    return Optional.of(finding);
  }

  private static Severity severity(
      Node result,
      Optional<Node> rule,
      Map<String, String> message,
      Map<String, String> help,
      Optional<Double> securitySeverity) {
    for (Optional<Node> properties :
        List.of(rule.flatMap(r -> r.object("properties")), result.object("properties"))) {
      for (String tag : tags(properties)) {
        Optional<Severity> named = Severity.parse(tag);
        if (named.isPresent()) {
          return named.get();
        }
      }
    }
    Optional<String> named = first(message.get("severity"), help.get("severity"));
    if (named.isPresent()) {
      return Scores.severity(result, named.get());
    }
    if (securitySeverity.isPresent()) {
      return Severity.ofCvss(securitySeverity.get());
    }
    Optional<Node> levelAt = result.member("level");
    if (levelAt.isEmpty()) {
      levelAt = rule.flatMap(r -> r.object("defaultConfiguration")).flatMap(c -> c.member("level"));
    }
    if (levelAt.isEmpty()) {
      return Severity.MEDIUM;
    }
    String level = levelAt.get().asText();
    switch (level) {
      case "error":
        return Severity.HIGH;
      case "warning":
        return Severity.MEDIUM;
      case "note":
        return Severity.LOW;
      case "none":
        return Severity.NONE;
      default:
        throw levelAt.get().error("'" + Strings.abbreviate(level) + "' is not a SARIF level");
    }
  }

  private static List<String> tags(Optional<Node> properties) {
    if (properties.isEmpty()) {
      return List.of();
    }
    List<Node> elements = properties.get().array("tags");
    String[] tags = new String[elements.size()];
    for (int i = 0; i < tags.length; i++) {
      tags[i] = elements.get(i).asText();
    }
    return List.of(tags);
  }

  private static Optional<Double> number(Optional<Node> properties, String name) {
    if (properties.isEmpty()) {
      return Optional.empty();
    }
    Optional<Double> score = properties.get().number(name);
    score.ifPresent(s -> Scores.check(properties.get().member(name).orElseThrow(), s));
    return score;
  }

  /**
   * The {@code "Key: value"} lines of {@code text}, keys in lower case, the first of each kept; a
   * line {@code "Vulnerability <id>"} as key {@code vulnerability}. Blank values are left out.
   */
  static Map<String, String> lines(Optional<String> text) {
    Map<String, String> fields = new HashMap<>();
    if (text.isEmpty()) {
      return fields;
    }
    for (String line : text.get().split("\n")) {
      String l = line.strip();
      String key;
      String value;
      int colon = l.indexOf(": ");
      if (l.startsWith("Vulnerability ") && colon < 0) {
        key = "vulnerability";
        value = l.substring("Vulnerability ".length());
      } else if (colon > 0) {
        key = l.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        value = l.substring(colon + 2);
      } else {
        continue;
      }
      value = value.strip();
      if (!value.isEmpty()) {
        fields.putIfAbsent(key, value);
      }
    }
    return fields;
  }

  private static Optional<String> first(String a, String b) {
    return a != null ? Optional.of(a) : Optional.ofNullable(b);
  }
}
