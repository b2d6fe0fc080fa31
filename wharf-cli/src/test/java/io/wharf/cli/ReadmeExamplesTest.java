package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.policy.PolicyLoader;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.policy.testing.CosignTestSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository README's {@code wharf.yaml} with policies is a config that loads, and its policy
 * with signatures a document that loads (with the files it names).
 */
class ReadmeExamplesTest {

  private static final String MARKER =
      "<!-- wharf.yaml with policies: checked by ReadmeExamplesTest -->";
  private static final String SIGNATURES =
      "<!-- policy with signatures: checked by ReadmeExamplesTest -->";

  @TempDir Path dir;

  /** The YAML block after {@code marker} in the README. */
  private static String yamlAfter(String marker) throws Exception {
    List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
    int at = readme.indexOf(marker);
    assertThat(at).as("the marker in README.md").isNotNegative();
    assertThat(readme.get(at + 1)).isEqualTo("```yaml");
    int end = readme.subList(at + 2, readme.size()).indexOf("```") + at + 2;
    return String.join("\n", readme.subList(at + 2, end)) + "\n";
  }

  @Test
  void theReadmesLifecycleConfigLoads() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("wharf.yaml"),
            yamlAfter("<!-- wharf.yaml with lifecycle: checked by ReadmeExamplesTest -->"));
    LifecycleConfig lifecycle =
        WharfConfig.read(config).applyTo(ServerSettings.defaults()).lifecycle();
    assertThat(lifecycle.gcSchedule().orElseThrow().expression()).isEqualTo("0 3 * * *");
    assertThat(lifecycle.uploadSchedule().orElseThrow().expression()).isEqualTo("0 * * * *");
  }

  @Test
  void theReadmesRetentionConfigLoadsWithItsRuleAndSchedule() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("wharf.yaml"),
            yamlAfter("<!-- wharf.yaml with retention: checked by ReadmeExamplesTest -->"));
    WharfConfig read = WharfConfig.read(config);
    LifecycleConfig lifecycle = read.applyTo(ServerSettings.defaults()).lifecycle();
    assertThat(lifecycle.retentionSchedule().orElseThrow().expression()).isEqualTo("0 4 * * 0");
    PolicySet set = PolicyRuntime.load(read.policies().orElseThrow(), 1);
    assertThat(set.retentionProjects()).containsExactly("library");
    // The same rule as the one the README's dry run output was made with.
    PolicySet tested =
        PolicySet.of(
            List.of(new PolicyLoader().load("retention.yaml", RetentionCommandTest.KEEP_TWO)));
    assertThat(set.retentionProjects()).isEqualTo(tested.retentionProjects());
  }

  @Test
  void theReadmesPolicyConfigLoads() throws Exception {
    String yaml = yamlAfter(MARKER);
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

  @Test
  void theReadmesPolicyWithSignaturesLoads() throws Exception {
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/cosign.pub"), CosignTestSigner.generate().publicKeyPem());
    Layouts.copyResource("/policy/signatures/trusted_root.json", dir.resolve("trusted_root.json"));
    Files.createDirectories(dir.resolve("certs"));
    Layouts.copyResource("/fixtures/notation/certs/e2e.crt", dir.resolve("certs/acme-root.crt"));
    Files.writeString(
        dir.resolve("trustpolicy.json"),
        """
        {"version": "1.0", "trustPolicies": [{"name": "acme", "registryScopes": ["*"],
          "signatureVerification": {"level": "strict"}, "trustStores": ["ca:acme"],
          "trustedIdentities": ["*"]}]}
        """);
    Path policy = Files.writeString(dir.resolve("policy.yaml"), yamlAfter(SIGNATURES));

    PolicySet set = PolicySet.of(List.of(new PolicyLoader().load(policy)));
    assertThat(set.ruleNames()).containsExactly("signed-releases", "notarised");
  }
}
