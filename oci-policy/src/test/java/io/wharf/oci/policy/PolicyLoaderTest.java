package io.wharf.oci.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.policy.vuln.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoaderTest {

  private final PolicyLoader loader = new PolicyLoader();

  static String resource(String name) {
    try (InputStream in = PolicyLoaderTest.class.getResourceAsStream("/policy/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> errors(String source, String text) {
    try {
      loader.load(source, text);
    } catch (PolicyException e) {
      assertThat(e.getMessage())
          .isEqualTo(String.join("\n", e.errors().stream().map(String::valueOf).toList()));
      return e.errors().stream().map(PolicyError::toString).toList();
    }
    throw new AssertionError("loaded: " + text);
  }

  @Test
  void theCompleteExampleLoads() throws Exception {
    PolicyDocument document = loader.load("example.yaml", resource("example.yaml"));

    assertThat(document.version()).isEqualTo(1);
    assertThat(document.rules())
        .extracting(Rule::name)
        .containsExactly("no-critical", "release-tags", "frozen-bases");
    Rule noCritical = document.rules().get(0);
    assertThat(noCritical.match().projects())
        .extracting(Glob::pattern)
        .containsExactly("team-a", "team-*");
    assertThat(noCritical.immutable()).isFalse();
    VulnerabilityRule gate = noCritical.vulnerabilities().orElseThrow();
    assertThat(gate.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(gate.missingReport()).isEqualTo(MissingReport.DENY);
    assertThat(gate.allowlist())
        .containsExactly(
            new AllowlistEntry(
                "CVE-2024-3094",
                Optional.of(Instant.parse("2027-01-31T23:59:59.999999999Z")),
                Optional.of("not reachable, xz is only in the build stage")));
    Rule release = document.rules().get(1);
    assertThat(release.match().tags())
        .extracting(Glob::pattern)
        .containsExactly("v*", "release-{a,b}");
    assertThat(release.vulnerabilities().orElseThrow())
        .isEqualTo(
            new VulnerabilityRule(
                Severity.HIGH,
                true,
                Optional.of(Duration.ofDays(7)),
                MissingReport.SCAN,
                List.of()));
    assertThat(release.immutable()).isTrue();
    assertThat(document.rules().get(2).vulnerabilities()).isEmpty();
    assertThat(document.allowlist())
        .extracting(AllowlistEntry::id)
        .containsExactly("CVE-2023-44487");
    assertThat(document.projects()).containsOnlyKeys("shared", "team-a");
    assertThat(document.projects().get("team-a").quota())
        .contains(new QuotaLimit(OptionalLong.of(10L << 30), OptionalLong.of(1000)));
    assertThat(document.projects().get("shared").quota())
        .contains(QuotaLimit.ofBytes(500_000_000_000L));
  }

  @Test
  void theJsonTwinLoadsToTheSamePolicy() throws Exception {
    PolicyDocument yaml = loader.load("example", resource("example.yaml"));
    PolicyDocument json = loader.load("example", resource("example.json"));
    assertThat(json).isEqualTo(yaml);
  }

  @Test
  void policyMdShowsTheExampleTheTestsLoad() throws IOException {
    String doc = Files.readString(Path.of("POLICY.md"));
    assertThat(doc).contains("```yaml\n" + resource("example.yaml") + "```");
  }

  @Test
  void loadsFilesAndNamesThemInErrors(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, resource("example.yaml"));
    assertThat(loader.load(file).source()).isEqualTo(file.toString());
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"version\": 2}");
    assertThatThrownBy(() -> loader.load(bad))
        .isInstanceOf(PolicyException.class)
        .hasMessage(bad + ":1:13: version: unsupported version 2; supported versions: 1");
  }

  @Test
  void everyYamlErrorIsReportedWithItsLineColumnAndPath() {
    String text =
        String.join(
            "\n",
            "version: 1",
            "rules:",
            "  - name: no-critical",
            "    vulnerabilities:",
            "      severty: HIGH",
            "      missingReport: refuse",
            "      maxReportAge: 7 days",
            "  - name: no-critical",
            "    match:",
            "      tags: [\"v[0-9\", ok]",
            "    immutable: yes",
            "  - name: Bad_Name",
            "    immutable: true",
            "allowlist:",
            "  - id: CVE-1",
            "    expires: 31/01/2027",
            "  - reason: none",
            "projects:",
            "  Team-A: {}",
            "  team-b:",
            "    quota: {bytes: 10 gigs, artifacts: -1}",
            "");
    assertThat(errors("p.yaml", text))
        .containsExactly(
            "p.yaml:5:7: rules[0].vulnerabilities.severty: unknown key 'severty'; did you mean"
                + " 'severity'?",
            "p.yaml:5:7: rules[0].vulnerabilities: 'severity' is missing: one of NONE, UNKNOWN,"
                + " NEGLIGIBLE, LOW, MEDIUM, HIGH, CRITICAL",
            "p.yaml:7:21: rules[0].vulnerabilities.maxReportAge: '7 days' is not a duration such"
                + " as 30s, 15m, 12h or 7d",
            "p.yaml:6:22: rules[0].vulnerabilities.missingReport: 'refuse' is not one of deny,"
                + " allow, scan",
            "p.yaml:8:11: rules[1].name: duplicate rule name 'no-critical' (first at line 3)",
            "p.yaml:10:16: rules[1].match.tags[0]: unclosed '[' at index 1 of pattern 'v[0-9'",
            "p.yaml:11:16: rules[1].immutable: expected true or false",
            "p.yaml:12:11: rules[2].name: 'Bad_Name' is not a rule name: a lower-case letter or"
                + " digit, then up to 63 of a-z 0-9 . _ -",
            "p.yaml:16:14: allowlist[0].expires: '31/01/2027' is not a date (2027-01-31, through"
                + " the end of that day UTC) or an instant (2027-01-31T12:00:00Z)",
            "p.yaml:17:5: allowlist[1]: 'id' is missing, e.g. 'id: CVE-2024-3094'",
            "p.yaml:19:3: projects.Team-A: 'Team-A' is not a project name: lower-case letters and"
                + " digits, separated by . _ __ or -",
            "p.yaml:21:20: projects.team-b.quota.bytes: '10 gigs' is not a size: a whole number,"
                + " then B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)",
            "p.yaml:21:40: projects.team-b.quota.artifacts: a count is not negative");
  }

  @Test
  void everyJsonErrorIsReportedWithItsLineColumnAndPath() {
    String text =
        String.join(
            "\n",
            "{",
            "  \"version\": \"1\",",
            "  \"rules\": [",
            "    {\"name\": \"a\", \"immutable\": true, \"match\": {\"repository\": [\"x\"]}},",
            "    {\"name\": \"b\", \"vulnerabilities\": {\"severity\": \"HIHG\"}}",
            "  ],",
            "  \"rules\": []",
            "}");
    assertThat(errors("p.json", text))
        .containsExactly(
            "p.json:7:3: rules: duplicate key 'rules' (first at line 3)",
            "p.json:2:14: version: expected a whole number",
            "p.json:4:48: rules[0].match.repository: unknown key 'repository'; did you mean"
                + " 'repositories'?",
            "p.json:5:51: rules[1].vulnerabilities.severity: 'HIHG' is not one of NONE, UNKNOWN,"
                + " NEGLIGIBLE, LOW, MEDIUM, HIGH, CRITICAL; did you mean 'HIGH'?");
  }

  @Test
  void syntaxErrorsHaveTheirLine() {
    assertThat(errors("p.yaml", "version: 1\nrules:\n  - name: [unclosed\n"))
        .singleElement()
        .asString()
        .startsWith("p.yaml:4:1: YAML: ");
    assertThat(errors("p.json", "{\n  \"version\": 1,\n  \"rules\": [}\n"))
        .singleElement()
        .asString()
        .startsWith("p.json:3:13: JSON: ");
    assertThat(errors("p.json", "{\"version\": 1} {}"))
        .containsExactly("p.json:1:16: JSON: content after the document");
    assertThat(errors("p.json", "{\"version\": 1, /* no */ \"rules\": []}"))
        .singleElement()
        .asString()
        .startsWith("p.json:1:16: JSON: ");
  }

  @Test
  void yamlIsReadAsDataOnly() {
    assertThat(errors("p.yaml", "version: !!python/object:os.system 1\n"))
        .containsExactly(
            "p.yaml:1:10: YAML: Global tag is not allowed:"
                + " tag:yaml.org,2002:python/object:os.system");
    assertThat(errors("p.yaml", "version: 1\nallowlist: !custom [{id: CVE-1}]\n"))
        .containsExactly("p.yaml:2:12: allowlist: tag !custom is not supported; remove it");
    assertThat(errors("p.yaml", "version: 1\nallowlist: &a [{id: CVE-1}]\nrules: *a\n"))
        .first()
        .asString()
        .isEqualTo("p.yaml:2:12: allowlist: anchors and aliases (&, *) are not supported");
    assertThat(errors("p.yaml", "version: 1\n---\nversion: 1\n"))
        .singleElement()
        .asString()
        .contains("YAML: ", "expected a single document");
    String bomb =
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n";
    assertThat(errors("p.yaml", bomb)).isNotEmpty();
  }

  @Test
  void duplicateKeysAndTheRuleShapeAreChecked() {
    assertThat(errors("p.yaml", "version: 1\nversion: 1\n"))
        .containsExactly("p.yaml:2:1: version: duplicate key 'version' (first at line 1)");
    assertThat(errors("p.yaml", "version: 1\nrules:\n  - name: a\n"))
        .containsExactly(
            "p.yaml:3:5: rules[0]: a rule has 'vulnerabilities', 'signatures', 'immutable: true' or"
                + " more");
    assertThat(errors("p.yaml", "version: 1\nrules:\n  - name: a\n    immutable: false\n"))
        .containsExactly(
            "p.yaml:4:16: rules[0].immutable: a rule without 'vulnerabilities' or 'signatures' is"
                + " 'immutable: true'");
    assertThat(
            errors(
                "p.yaml", "version: 1\nrules:\n  - name: a\n    immutable: true\n    match: {}\n"))
        .containsExactly(
            "p.yaml:5:12: rules[0].match: an empty 'match' matches everything: remove it");
    assertThat(
            errors(
                "p.yaml",
                "version: 1\nrules:\n  - name: a\n    immutable: true\n    match: {tags: []}\n"))
        .containsExactly(
            "p.yaml:5:19: rules[0].match.tags: an empty list matches nothing: remove the key to"
                + " match all");
    assertThat(errors("p.yaml", "rules: []\n"))
        .containsExactly("p.yaml:1:1: 'version' is missing; supported versions: 1");
    assertThat(errors("p.yaml", "- 1\n"))
        .containsExactly("p.yaml:1:1: expected a mapping with version, rules, allowlist, projects");
    assertThat(errors("p.yaml", "# nothing\n"))
        .containsExactly("p.yaml:1:1: the document is empty; it starts with 'version: 1'");
  }

  @Test
  void boundsAreErrorsNotCrashes() {
    assertThat(errors("p.yaml", "version: 1\n#" + "x".repeat(1 << 20)))
        .containsExactly("p.yaml:1:1: the document is larger than 1048576 characters");
    assertThat(errors("p.yaml", "version: 1\nrules: " + "[".repeat(100) + "]".repeat(100)))
        .singleElement()
        .asString()
        .contains("YAML: ");
    assertThat(
            errors(
                "p.json", "{\"version\": 1, \"rules\": " + "[".repeat(100) + "]".repeat(100) + "}"))
        .singleElement()
        .asString()
        .contains("JSON: ");
    assertThat(
            errors(
                "p.yaml",
                "version: 1\nrules:\n  - name: a\n    immutable: true\n    match: {tags: [\""
                    + "v".repeat(300)
                    + "\"]}\n"))
        .containsExactly("p.yaml:5:20: rules[0].match.tags[0]: longer than 256 characters");
  }

  @Test
  void fileBoundsAndEncoding(@TempDir Path dir) throws IOException {
    Path big = dir.resolve("big.yaml");
    Files.write(big, new byte[(1 << 20) + 1]);
    assertThatThrownBy(() -> loader.load(big))
        .isInstanceOf(PolicyException.class)
        .hasMessage(big + ":1:1: the file is larger than 1048576 bytes");
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, "version: 1\n# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> loader.load(latin1))
        .isInstanceOf(PolicyException.class)
        .hasMessage(latin1 + ":2:6: not UTF-8 (byte 16)");
    Path bom = dir.resolve("bom.yaml");
    Files.writeString(bom, "\uFEFFversion: 1\n");
    assertThat(assertLoads(bom).rules()).isEmpty();
  }

  private PolicyDocument assertLoads(Path file) {
    try {
      return loader.load(file);
    } catch (PolicyException | IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void valuesReadAsDocumented() throws Exception {
    PolicyDocument document =
        loader.load(
            "p.yaml",
            String.join(
                "\n",
                "version: 1",
                "rules:",
                "  - name: r",
                "    vulnerabilities: {severity: low, maxReportAge: 90m, missingReport: ALLOW,",
                "      allowlist: [{id: cve-2024-1, expires: '2026-03-01T10:00:00+02:00'}]}",
                "projects:",
                "  p1: {quota: {bytes: 1KB}}",
                "  p2: {quota: {bytes: 2048}}",
                "  p3: {quota: {bytes: 3 MiB, artifacts: 0}}",
                "  p4: {quota: {bytes: 1TB}}",
                ""));
    VulnerabilityRule gate = document.rules().get(0).vulnerabilities().orElseThrow();
    assertThat(gate.severity()).isEqualTo(Severity.LOW);
    assertThat(gate.maxReportAge()).contains(Duration.ofMinutes(90));
    assertThat(gate.missingReport()).isEqualTo(MissingReport.ALLOW);
    assertThat(gate.allowlist().get(0).expires()).contains(Instant.parse("2026-03-01T08:00:00Z"));
    assertThat(document.projects().get("p1").quota()).contains(QuotaLimit.ofBytes(1000));
    assertThat(document.projects().get("p2").quota()).contains(QuotaLimit.ofBytes(2048));
    assertThat(document.projects().get("p3").quota())
        .contains(new QuotaLimit(OptionalLong.of(3L << 20), OptionalLong.of(0)));
    assertThat(document.projects().get("p4").quota())
        .contains(QuotaLimit.ofBytes(1_000_000_000_000L));
    assertThat(errors("p.yaml", "version: 1\nprojects: {p: {quota: {bytes: 99999999999TiB}}}\n"))
        .containsExactly(
            "p.yaml:2:31: projects.p.quota.bytes: '99999999999TiB' is more bytes than a quota can count");
    assertThat(
            errors(
                "p.yaml",
                "version: 1\nrules: [{name: r, vulnerabilities: {severity: HIGH, maxReportAge: 0d}}]\n"))
        .containsExactly(
            "p.yaml:2:67: rules[0].vulnerabilities.maxReportAge: a duration is more than 0 and at most 3650d");
  }
}
