package io.wharf.oci.policy;

import static io.wharf.oci.model.testing.OciGenerators.anyStrings;
import static io.wharf.oci.model.testing.OciGenerators.booleans;
import static io.wharf.oci.model.testing.OciGenerators.ints;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static io.wharf.oci.model.testing.OciGenerators.oneOf;
import static io.wharf.oci.model.testing.OciGenerators.pick;
import static io.wharf.oci.model.testing.OciGenerators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.quicktheories.QuickTheory.qt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The loader on random documents: a valid document, written as YAML or as JSON, loads to the same
 * policy; any mutation of it, and any junk, loads or fails with a {@link PolicyException} that
 * places every error in the text, and nothing hangs (a generous guard over each whole property,
 * which a correct loader finishes in seconds).
 */
class PolicyLoaderPropertiesTest {

  private static final Duration GUARD = Duration.ofMinutes(5);
  private final PolicyLoader loader = new PolicyLoader();

  /** A document as both YAML and JSON text. */
  record Texts(String yaml, String json) {}

  private static Gen<String> patterns() {
    return pick("team-a", "team-*", "**", "a/**/b", "v*", "release-{a,b}", "[a-z]*", "x?y", "\\*");
  }

  private static Gen<String> entry() {
    return pick("CVE-2024-3094", "cve-2023-1", "GHSA-abcd-efgh-ijkl", "RUSTSEC-2024-0001")
        .zip(
            pick("", "2027-01-31", "2026-06-15T12:00:00Z"),
            pick("", "not reachable", "a reason: with \"quotes\" & more"),
            (id, expires, reason) ->
                "{\"id\": \""
                    + id
                    + "\""
                    + (expires.isEmpty() ? "" : ", \"expires\": \"" + expires + "\"")
                    + (reason.isEmpty() ? "" : ", \"reason\": " + quote(reason))
                    + "}");
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Allowlists without duplicate ids (as a valid document has). */
  private static Gen<String> allowlist() {
    return lists(entry(), 0, 3)
        .map(
            entries -> {
              List<String> distinct = new ArrayList<>();
              List<String> ids = new ArrayList<>();
              for (String e : entries) {
                String id = e.substring(8, e.indexOf('"', 8)).toUpperCase(java.util.Locale.ROOT);
                if (!ids.contains(id)) {
                  ids.add(id);
                  distinct.add(e);
                }
              }
              return "[" + String.join(", ", distinct) + "]";
            });
  }

  private static Gen<String> match() {
    Gen<String> list =
        lists(patterns(), 1, 3)
            .map(
                l ->
                    "["
                        + String.join(
                            ", ", l.stream().map(PolicyLoaderPropertiesTest::quote).toList())
                        + "]");
    return pick("projects", "repositories", "tags")
        .zip(list, (key, value) -> "\"match\": {\"" + key + "\": " + value + "}");
  }

  private static Gen<String> gate() {
    return pick("NONE", "low", "HIGH", "Critical")
        .zip(
            booleans(),
            pick("", "30s", "15m", "12h", "7d"),
            pick("deny", "allow", "scan"),
            (severity, fixable, age, missing) ->
                "\"vulnerabilities\": {\"severity\": \""
                    + severity
                    + "\", \"fixableOnly\": "
                    + fixable
                    + (age.isEmpty() ? "" : ", \"maxReportAge\": \"" + age + "\"")
                    + ", \"missingReport\": \""
                    + missing
                    + "\"}");
  }

  private static Gen<String> rules() {
    Gen<String> rule =
        oneOf(match(), pick(""))
            .zip(
                oneOf(gate(), pick("")),
                booleans(),
                (match, gate, immutable) -> {
                  List<String> parts = new ArrayList<>();
                  if (!match.isEmpty()) {
                    parts.add(match);
                  }
                  if (!gate.isEmpty()) {
                    parts.add(gate);
                  }
                  if (gate.isEmpty() || immutable) {
                    parts.add("\"immutable\": true");
                  }
                  return String.join(", ", parts);
                });
    return lists(rule, 0, 4)
        .map(
            list -> {
              List<String> out = new ArrayList<>();
              for (int i = 0; i < list.size(); i++) {
                out.add("{\"name\": \"rule-" + i + "\", " + list.get(i) + "}");
              }
              return "[" + String.join(", ", out) + "]";
            });
  }

  private static Gen<String> projects() {
    Gen<String> quota =
        pick("{\"bytes\": \"10GiB\"}", "{\"artifacts\": 3}", "{\"bytes\": 1024, \"artifacts\": 0}");
    return lists(
            allowlist().zip(quota, (a, q) -> "{\"allowlist\": " + a + ", \"quota\": " + q + "}"),
            0,
            3)
        .map(
            list -> {
              List<String> out = new ArrayList<>();
              for (int i = 0; i < list.size(); i++) {
                out.add("\"team-" + i + "\": " + list.get(i));
              }
              return "{" + String.join(", ", out) + "}";
            });
  }

  /**
   * Valid documents: the JSON text, and a YAML text of the same document (flow style for the
   * values, block style for the top level, with comments).
   */
  private static Gen<Texts> documents() {
    return rules()
        .zip(
            allowlist(),
            projects(),
            (rules, allowlist, projects) ->
                new Texts(
                    "# generated\nversion: 1\nrules: "
                        + rules
                        + "\nallowlist: "
                        + allowlist
                        + "  # system-wide\nprojects: "
                        + projects
                        + "\n",
                    "{\"version\": 1, \"rules\": "
                        + rules
                        + ", \"allowlist\": "
                        + allowlist
                        + ", \"projects\": "
                        + projects
                        + "}"));
  }

  @Test
  void aValidDocumentLoadsTheSameFromYamlAndJson() {
    yamlAndJsonLoadTheSame(
        documents(), (yaml, set) -> assertThat(set.ruleNames()).hasSize(yaml.rules().size()));
  }

  /** What else holds of a document loaded from valid text, and of its policy set. */
  @FunctionalInterface
  interface LoadedCheck {
    void check(PolicyDocument document, PolicySet set);
  }

  /**
   * Each of 500 {@code documents} loads from its YAML and from its JSON text to equal documents,
   * which make a policy set, and {@code also} holds of them.
   */
  static void yamlAndJsonLoadTheSame(Gen<Texts> documents, LoadedCheck also) {
    PolicyLoader loader = new PolicyLoader();
    assertTimeoutPreemptively(
        GUARD,
        () ->
            qt().withExamples(500)
                .forAll(documents)
                .checkAssert(
                    texts -> {
                      try {
                        PolicyDocument yaml = loader.load("doc", texts.yaml());
                        PolicyDocument json = loader.load("doc", texts.json());
                        assertThat(yaml).isEqualTo(json);
                        also.check(yaml, PolicySet.of(List.of(yaml)));
                      } catch (PolicyException e) {
                        throw new AssertionError(e.getMessage() + "\n" + texts, e);
                      }
                    }));
  }

  /** Edits that break documents in the ways people and transports do. */
  static String mutate(String text, long seed, int edits) {
    Random random = new Random(seed);
    StringBuilder out = new StringBuilder(text);
    String noise = "{}[],:\"'#&*!|>-?%@`\\\n\t \u00e9\u0000\ufeff0aZ";
    for (int i = 0; i < edits && out.length() > 0; i++) {
      int at = random.nextInt(out.length());
      switch (random.nextInt(5)) {
        case 0:
          out.deleteCharAt(at);
          break;
        case 1:
          out.insert(at, noise.charAt(random.nextInt(noise.length())));
          break;
        case 2:
          out.setCharAt(at, noise.charAt(random.nextInt(noise.length())));
          break;
        case 3:
          int end = Math.min(out.length(), at + random.nextInt(20));
          out.insert(at, out.substring(at, end));
          break;
        default:
          out.setLength(at);
      }
    }
    return out.toString();
  }

  /** Loads a text, or fails with a {@link PolicyException}. */
  @FunctionalInterface
  interface Load {
    void load(String source, String text) throws PolicyException;
  }

  private void loadsOrFailsWithPlacedErrors(String source, String text) {
    loadsOrFailsWithPlacedErrors(loader::load, source, text);
  }

  /**
   * Checks that {@code load} of {@code text} succeeds or fails with a {@link PolicyException} whose
   * every error is placed in the text and says something; never another exception.
   */
  static void loadsOrFailsWithPlacedErrors(Load load, String source, String text) {
    assertThatCode(
            () -> {
              try {
                load.load(source, text);
              } catch (PolicyException e) {
                // YAML also breaks lines at \r, U+0085, U+2028 and U+2029
                int lines = text.split("\r\n|[\n\r\u0085\u2028\u2029]", -1).length;
                assertThat(e.errors()).isNotEmpty();
                for (PolicyError error : e.errors()) {
                  assertThat(error.source()).isEqualTo(source);
                  assertThat(error.line()).isBetween(1, lines + 1);
                  assertThat(error.column()).isPositive();
                  assertThat(error.message()).isNotBlank();
                }
              }
            })
        .as("%s: %s", source, text)
        .doesNotThrowAnyException();
  }

  @Test
  void aMutatedDocumentLoadsOrFailsWithAPolicyException() {
    mutationsLoadOrFailWithPlacedErrors(
        documents(),
        (texts, source) -> source.endsWith("json") ? texts.json() : texts.yaml(),
        loader::load,
        3000);
  }

  /**
   * Up to six random edits of each of {@code examples} documents, read as {@code doc.yaml} and as
   * {@code doc.json} ({@code text} gives the document's text for the name), load or fail with
   * placed errors.
   */
  static <T> void mutationsLoadOrFailWithPlacedErrors(
      Gen<T> documents, BiFunction<T, String, String> text, Load load, int examples) {
    assertTimeoutPreemptively(
        GUARD,
        () ->
            qt().withExamples(examples)
                .forAll(
                    documents, pick("doc.yaml", "doc.json"), ints(0, Integer.MAX_VALUE), ints(1, 6))
                .checkAssert(
                    (document, source, seed, edits) ->
                        loadsOrFailsWithPlacedErrors(
                            load, source, mutate(text.apply(document, source), seed, edits))));
  }

  @Test
  void junkLoadsOrFailsWithAPolicyException() {
    Gen<String> yamlish =
        lists(
                oneOf(
                    strings("abvr:- {}[],'\"&*!#|>\n ", 0, 12),
                    pick(
                        "version: 1\n",
                        "rules:\n",
                        "  - name: a\n",
                        "    immutable: true\n",
                        "&x ",
                        "*x",
                        "!!binary ",
                        "<<: ",
                        "---\n")),
                0,
                12)
            .map(parts -> String.join("", parts));
    assertTimeoutPreemptively(
        GUARD,
        () ->
            qt().withExamples(3000)
                .forAll(oneOf(yamlish, anyStrings(0, 200)), pick("j.yaml", "j.json", "j"))
                .checkAssert((text, source) -> loadsOrFailsWithPlacedErrors(source, text)));
  }
}
