package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.policy.PolicySet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository README's {@code wharf.yaml} with policies is a config that loads. */
class ReadmeExamplesTest {

  private static final String MARKER =
      "<!-- wharf.yaml with policies: checked by ReadmeExamplesTest -->";

  @TempDir Path dir;

  @Test
  void theReadmesPolicyConfigLoads() throws Exception {
    List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
    int marker = readme.indexOf(MARKER);
    assertThat(marker).as("the marker in README.md").isNotNegative();
    assertThat(readme.get(marker + 1)).isEqualTo("```yaml");
    int end = readme.subList(marker + 2, readme.size()).indexOf("```") + marker + 2;
    String yaml = String.join("\n", readme.subList(marker + 2, end)) + "\n";
    Files.writeString(
        dir.resolve("policy.yaml"),
        "version: 1\nrules: [{name: releases-elsewhere, match: {projects: [lib]}, immutable: true}]\n");
    Path config = Files.writeString(dir.resolve("wharf.yaml"), yaml);

    WharfConfig read = WharfConfig.read(config);
    PolicySet set = PolicyRuntime.load(read.policies().orElseThrow(), 1);
    assertThat(set.ruleNames()).containsExactly("releases-elsewhere", "no-critical", "releases");
    assertThat(read.scanner().orElseThrow().url().toString()).isEqualTo("http://127.0.0.1:8081");
    assertThat(read.scanner().get().authorizationFile()).contains(dir.resolve("scanner.auth"));
  }
}
