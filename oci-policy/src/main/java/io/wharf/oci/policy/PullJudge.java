package io.wharf.oci.policy;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.policy.vuln.ReportSource;
import io.wharf.oci.policy.vuln.Vulnerability;
import io.wharf.oci.policy.vuln.VulnerabilityReport;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Judges one pull against the vulnerability rules that apply to it: finds the images (the manifest,
 * or an index's children), their reports, and turns what counts into reasons. One instance per
 * pull.
 */
final class PullJudge {

  /** The most findings listed per rule and image; the rest are counted. */
  static final int MAX_FINDINGS = 10;

  static final String CREATED = "org.opencontainers.image.created";

  private static final Comparator<Vulnerability> WORST_FIRST =
      Comparator.comparing(Vulnerability::severity)
          .reversed()
          .thenComparing(v -> !v.fixable())
          .thenComparing(Vulnerability::id)
          .thenComparing(Vulnerability::packageName);

  private final List<Rule> rules;
  private final PolicySet.Allowlists.Lookup allowlists;
  private final PolicyContext facts;
  private final ReportSource reports;
  private final Instant now;
  private final Map<Digest, Optional<VulnerabilityReport>> reportCache = new HashMap<>();
  private final List<Reason> reasons = new ArrayList<>();
  private boolean scan;

  /** An image to judge: its digest and how reasons name it ({@code linux/arm64: }). */
  private record Image(Digest digest, String label) {}

  PullJudge(
      List<Rule> rules,
      PolicySet.Allowlists.Lookup allowlists,
      PolicyContext facts,
      ReportSource reports,
      Instant now) {
    this.rules = rules;
    this.allowlists = allowlists;
    this.facts = facts;
    this.reports = reports;
    this.now = now;
  }

  Decision judge(RawManifest manifest) throws IOException {
    List<Image> images = new ArrayList<>();
    if (manifest.mediaType().isIndex()) {
      List<String> problems = new ArrayList<>(0);
      for (IndexImages.Image child : IndexImages.children(manifest, facts, problems)) {
        images.add(new Image(child.descriptor().digest(), child.label()));
      }
      for (String problem : problems) {
        reasons.add(new Reason(rules.get(0).name(), problem));
      }
    } else {
      images.add(new Image(manifest.digest(), ""));
    }
    for (Rule rule : rules) {
      VulnerabilityRule gate = rule.vulnerabilities().orElseThrow();
      for (Image image : images) {
        judge(rule, gate, image);
      }
    }
    if (reasons.isEmpty()) {
      return scan ? Decision.allowAndScan() : Decision.allow();
    }
    Set<String> messages = new HashSet<>();
    List<Reason> distinct = new ArrayList<>();
    for (Reason reason : reasons) {
      if (messages.add(reason.message())) {
        distinct.add(reason);
      }
    }
    return new Decision(false, distinct, scan);
  }

  private void judge(Rule rule, VulnerabilityRule gate, Image image) throws IOException {
    Optional<VulnerabilityReport> report = report(image.digest());
    if (report.isEmpty()) {
      missing(
          rule,
          gate,
          image.label()
              + "no vulnerability report; rule "
              + rule.name()
              + " requires one: scan the image and attach its report");
      return;
    }
    if (gate.maxReportAge().isPresent()) {
      Duration maxAge = gate.maxReportAge().get();
      Optional<Instant> scanned = scanTime(report.get(), image.digest());
      if (scanned.isEmpty()) {
        missing(
            rule,
            gate,
            image.label()
                + "the vulnerability report does not say when the scan ran, and rule "
                + rule.name()
                + " accepts reports at most "
                + Text.duration(maxAge)
                + " old: scan the image again");
        return;
      }
      if (scanned.get().plus(maxAge).isBefore(now)) {
        missing(
            rule,
            gate,
            image.label()
                + "the vulnerability report is from "
                + scanned.get()
                + ", older than the "
                + Text.duration(maxAge)
                + " rule "
                + rule.name()
                + " accepts: scan the image again");
        return;
      }
    }
    findings(rule, gate, image, report.get());
  }

  private void missing(Rule rule, VulnerabilityRule gate, String message) {
    switch (gate.missingReport()) {
      case DENY:
        reasons.add(new Reason(rule.name(), message));
        break;
      case SCAN:
        scan = true;
        break;
      default:
        break;
    }
  }

  private void findings(
      Rule rule, VulnerabilityRule gate, Image image, VulnerabilityReport report) {
    // Made at the first finding that counts: most pulls are allowed with none (the hot path).
    Set<String> seen = null;
    List<Vulnerability> counted = null;
    Map<Vulnerability, AllowlistEntry> expired = null;
    for (Vulnerability finding : report.findings()) {
      if (!finding.severity().atLeast(gate.severity())) {
        continue;
      }
      if (gate.fixableOnly() && !finding.fixable()) {
        continue;
      }
      if (seen == null) {
        seen = new HashSet<>();
        counted = new ArrayList<>();
        expired = new HashMap<>();
      }
      if (!seen.add(
          finding.id()
              + '\u0000'
              + finding.packageName()
              + '\u0000'
              + finding.installedVersion())) {
        continue;
      }
      AllowlistEntry lapsed = null;
      boolean allowed = false;
      for (AllowlistEntry entry : allowlists.entries(rule.name(), finding.id())) {
        if (!entry.expiredAt(now)) {
          allowed = true;
          break;
        }
        if (lapsed == null || entry.expires().get().isAfter(lapsed.expires().get())) {
          lapsed = entry;
        }
      }
      if (allowed) {
        continue;
      }
      counted.add(finding);
      if (lapsed != null) {
        expired.put(finding, lapsed);
      }
    }
    if (counted == null || counted.isEmpty()) {
      return;
    }
    counted.sort(WORST_FIRST);
    int listed = Math.min(MAX_FINDINGS, counted.size());
    for (int i = 0; i < listed; i++) {
      Vulnerability finding = counted.get(i);
      reasons.add(
          new Reason(
              rule.name(),
              image.label() + Text.finding(finding, Optional.ofNullable(expired.get(finding)))));
    }
    if (counted.size() > listed) {
      int more = counted.size() - listed;
      reasons.add(
          new Reason(
              rule.name(),
              image.label()
                  + "and "
                  + more
                  + " more finding"
                  + (more == 1 ? "" : "s")
                  + " at or above "
                  + gate.severity()));
    }
  }

  private Optional<VulnerabilityReport> report(Digest digest) throws IOException {
    Optional<VulnerabilityReport> cached = reportCache.get(digest);
    if (cached == null) {
      cached = reports.report(facts, digest);
      reportCache.put(digest, cached);
    }
    return cached;
  }

  /**
   * When the scan ran: the report's own time, else the newest {@code created} annotation of the
   * image's referrers of the report's type.
   */
  private Optional<Instant> scanTime(VulnerabilityReport report, Digest image) throws IOException {
    if (report.generatedAt().isPresent()) {
      return report.generatedAt();
    }
    Instant newest = null;
    for (Descriptor referrer : facts.referrers(image, Optional.of(report.format().mediaType()))) {
      String created = referrer.annotations().get(CREATED);
      if (created == null || created.length() > 64) {
        continue;
      }
      try {
        Instant at = OffsetDateTime.parse(created).toInstant();
        if (newest == null || at.isAfter(newest)) {
          newest = at;
        }
      } catch (DateTimeException e) {
        // an unreadable annotation tells nothing
      }
    }
    return Optional.ofNullable(newest);
  }

  /** How reasons say things. */
  static final class Text {
    private Text() {}

    static String finding(Vulnerability finding, Optional<AllowlistEntry> expired) {
      StringBuilder text = new StringBuilder(clip(finding.id(), 128));
      text.append(" (").append(finding.severity()).append(')');
      if (!finding.packageName().isBlank()) {
        text.append(" in ").append(clip(finding.packageName(), 128));
        if (!finding.installedVersion().isBlank()) {
          text.append(' ').append(clip(finding.installedVersion(), 64));
        }
      }
      text.append(", ");
      text.append(finding.fixedVersion().map(v -> "fixed in " + clip(v, 64)).orElse("no fix yet"));
      String remedy = finding.fixable() ? "push a fixed image" : "remove the package";
      if (expired.isPresent()) {
        AllowlistEntry entry = expired.get();
        text.append("; allowlist entry for ").append(clip(entry.id(), 128));
        entry.reason().ifPresent(r -> text.append(" (").append(clip(r, 120)).append(')'));
        text.append(" expired on ").append(entry.expiryDay());
        text.append("; renew it or ").append(remedy);
      } else {
        text.append("; allowlist it or ").append(remedy);
      }
      return text.toString();
    }

    /** {@code 7d}, {@code 12h}, {@code 15m} or {@code 30s}, as the document says it. */
    static String duration(Duration duration) {
      long seconds = duration.getSeconds();
      if (seconds % 86_400 == 0) {
        return seconds / 86_400 + "d";
      }
      if (seconds % 3_600 == 0) {
        return seconds / 3_600 + "h";
      }
      if (seconds % 60 == 0) {
        return seconds / 60 + "m";
      }
      return seconds + "s";
    }

    static String shortDigest(Digest digest) {
      String text = digest.toString();
      int colon = text.indexOf(':');
      return text.substring(0, Math.min(text.length(), colon + 13));
    }

    /** {@code text} on one line, without control characters, at most {@code max} characters. */
    static String clip(String text, int max) {
      StringBuilder out = new StringBuilder(Math.min(text.length(), max));
      for (int i = 0; i < text.length() && out.length() < max; i++) {
        char c = text.charAt(i);
        out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
      }
      if (text.length() > max) {
        out.setLength(max - 3);
        out.append("...");
      }
      return out.toString();
    }
  }
}
