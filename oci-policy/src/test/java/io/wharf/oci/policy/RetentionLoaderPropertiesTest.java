package io.wharf.oci.policy;

import static io.wharf.oci.model.testing.OciGenerators.booleans;
import static io.wharf.oci.model.testing.OciGenerators.ints;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static io.wharf.oci.model.testing.OciGenerators.oneOf;
import static io.wharf.oci.model.testing.OciGenerators.pick;
import static io.wharf.oci.model.testing.OciGenerators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.policy.PolicyLoaderPropertiesTest.Texts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The loader on random {@code retention} sections: a valid one, written as YAML or as JSON, loads
 * to the same policy; any mutation of it, and any junk made of its keys, loads or fails with a
 * {@link PolicyException} that places every error in the text, never another exception.
 */
class RetentionLoaderPropertiesTest {

  private static final Duration GUARD = Duration.ofMinutes(5);
  private final PolicyLoader loader = new PolicyLoader();

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static Gen<String> patternList() {
    return lists(pick("**", "app", "team/*", "v*", "*-rc*", "release-{a,b}", "[a-z]*", "x?y"), 1, 3)
        .map(
            l ->
                "["
                    + String.join(
                        ", ", l.stream().map(RetentionLoaderPropertiesTest::quote).toList())
                    + "]");
  }

  /** A selector mapping with at least one key, or none (empty string). */
  private static Gen<String> selector(boolean tags) {
    return oneOf(patternList(), pick(""))
        .zip(
            oneOf(patternList(), pick("")),
            tags ? pick("", "true", "false") : pick(""),
            (include, exclude, untagged) -> {
              List<String> parts = new ArrayList<>();
              if (!include.isEmpty()) {
                parts.add("\"include\": " + include);
              }
              if (!exclude.isEmpty()) {
                parts.add("\"exclude\": " + exclude);
              }
              if (!untagged.isEmpty()) {
                parts.add("\"untagged\": " + untagged);
              }
              return parts.isEmpty() ? "" : "{" + String.join(", ", parts) + "}";
            });
  }

  private static Gen<String> template() {
    return oneOf(
        pick("mostRecentlyPushed", "mostRecentlyPulled")
            .zip(ints(1, 10_000), (key, k) -> "{\"" + key + "\": " + k + "}"),
        pick("pushedWithinDays", "pulledWithinDays")
            .zip(ints(1, 36_500), (key, n) -> "{\"" + key + "\": " + n + "}"),
        pick("{\"always\": true}"));
  }

  private static Gen<String> rules() {
    Gen<String> rule =
        selector(false)
            .zip(
                selector(true),
                template(),
                (repositories, tags, retain) ->
                    (repositories.isEmpty() ? "" : "\"repositories\": " + repositories + ", ")
                        + (tags.isEmpty() ? "" : "\"tags\": " + tags + ", ")
                        + "\"retain\": "
                        + retain);
    return lists(rule, 1, 15)
        .map(
            list -> {
              List<String> out = new ArrayList<>();
              for (int i = 0; i < list.size(); i++) {
                out.add("{\"name\": \"keep-" + i + "\", " + list.get(i) + "}");
              }
              return "[" + String.join(", ", out) + "]";
            });
  }

  /**
   * Valid documents with one or two projects with retention rules: the JSON text, and a YAML text
   * of the same document (block style at the top level, flow style inside, with comments).
   */
  static Gen<Texts> documents() {
    return rules()
        .zip(
            oneOf(rules(), pick("")),
            booleans(),
            (first, second, immutable) -> {
              String projects =
                  "{\"lib\": {\"retention\": {\"rules\": "
                      + first
                      + "}}"
                      + (second.isEmpty()
                          ? ""
                          : ", \"team-a\": {\"quota\": {\"artifacts\": 5}, \"retention\": {\"rules\": "
                              + second
                              + "}}")
                      + "}";
              String rules =
                  immutable
                      ? "[{\"name\": \"frozen\", \"match\": {\"tags\": [\"v*\"]}, \"immutable\": true}]"
                      : "[]";
              return new Texts(
                  "# generated\nversion: 1\nrules: "
                      + rules
                      + "\nprojects: "
                      + projects
                      + "  # flow\n",
                  "{\"version\": 1, \"rules\": " + rules + ", \"projects\": " + projects + "}");
            });
  }

  @Test
  void aValidRetentionSectionLoadsTheSameFromYamlAndJson() {
    PolicyLoaderPropertiesTest.yamlAndJsonLoadTheSame(
        documents(),
        (document, set) -> {
          assertThat(set.retentionProjects()).contains("lib");
          assertThat(set.retention("lib").orElseThrow().rules()).isNotEmpty();
        });
  }

  @Test
  void aMutatedRetentionSectionLoadsOrFailsWithAPolicyException() {
    PolicyLoaderPropertiesTest.mutationsLoadOrFailWithPlacedErrors(
        documents(),
        (texts, source) -> source.endsWith("json") ? texts.json() : texts.yaml(),
        loader::load,
        3000);
  }

  @Test
  void junkMadeOfRetentionKeysLoadsOrFailsWithAPolicyException() {
    Gen<String> parts =
        oneOf(
            strings("ab:- {}[],'\"0123456789\n ", 0, 10),
            pick(
                "version: 1\n",
                "projects:\n",
                "  lib:\n",
                "    retention:\n",
                "      rules:\n",
                "        - name: r\n",
                "          retain: ",
                "{mostRecentlyPushed: ",
                "{pulledWithinDays: ",
                "{always: ",
                "          tags: ",
                "{include: [",
                "exclude: [",
                "untagged: ",
                "          repositories: ",
                "99999999999999999999",
                "-1",
                "0",
                "true",
                "null",
                "]}",
                "}\n"));
    Gen<String> documents = lists(parts, 0, 24).map(l -> String.join("", l));
    assertTimeoutPreemptively(
        GUARD,
        () ->
            qt().withExamples(3000)
                .forAll(documents, pick("j.yaml", "j.json", "j"))
                .checkAssert(
                    (text, source) ->
                        PolicyLoaderPropertiesTest.loadsOrFailsWithPlacedErrors(
                            loader::load, source, text)));
  }
}
