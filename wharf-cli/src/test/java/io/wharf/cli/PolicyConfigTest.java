package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.policy.PolicyException;
import io.wharf.oci.policy.PolicySet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wharf.yaml}'s {@code policies}, {@code wharf policy check} and reloading. */
class PolicyConfigTest {

  private static final String IMMUTABLE =
      """
      version: 1
      rules:
        - name: releases
          match: {tags: ["v*"]}
          immutable: true
      """;

  @TempDir Path dir;

  @Test
  void filesAreResolvedAgainstTheConfigFilesFolderAndInlineDocumentsKeepTheirLines()
      throws Exception {
    Files.writeString(dir.resolve("releases.yaml"), IMMUTABLE);
    Path config =
        write(
            "wharf.yaml",
            """
            listen: 127.0.0.1:5000
            policies:
              files: [releases.yaml]
              inline:
                version: 1
                rules:
                  - name: no-critical
                    vulnerabilities: {severity: CRITICAL, missingReport: allow}
              watch: false
            """);
    PolicyConfig policies = WharfConfig.read(config).policies().orElseThrow();
    assertThat(policies.files()).containsExactly(dir.resolve("releases.yaml"));
    assertThat(policies.watch()).isFalse();
    assertThat(policies.configFile()).contains(config.toAbsolutePath());
    PolicySet set = PolicyRuntime.load(policies, 7);
    assertThat(set.ruleNames()).containsExactly("releases", "no-critical");
    assertThat(set.revision()).isEqualTo(7);
  }

  @Test
  void anInlineDocumentsErrorsNameTheConfigFilesLinesAndColumns() throws Exception {
    Path config =
        write(
            "wharf.yaml",
            """
            deletes: true
            policies:
              inline:
                version: 1
                rules:
                  - name: no-critical
                    vulnerabilities: {severity: CRITICL}
            """);
    PolicyConfig policies = WharfConfig.read(config).policies().orElseThrow();
    assertThatThrownBy(() -> PolicyRuntime.load(policies, 1))
        .isInstanceOfSatisfying(
            PolicyException.class,
            e -> {
              assertThat(e.errors()).hasSize(1);
              assertThat(e.errors().get(0).line()).isEqualTo(7);
              assertThat(e.errors().get(0).source()).isEqualTo(config.toString());
              assertThat(e.errors().get(0).path()).isEqualTo("rules[0].vulnerabilities.severity");
            });
  }

  @Test
  void aPoliciesSectionWithoutDocumentsOrWithUnknownKeysIsRefused() throws Exception {
    assertThatThrownBy(() -> WharfConfig.read(write("a.yaml", "policies: {watch: true}\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("names no policy document");
    assertThatThrownBy(() -> WharfConfig.read(write("b.yaml", "policies: {file: [x.yaml]}\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("file");
  }

  @Test
  void aContainersPolicyIsReadForTheRegistrysNameAndNeedsIt() throws Exception {
    write(
        "policy.json",
        """
        {"default": [{"type": "reject"}],
         "transports": {"docker": {"registry.example.com/team": [{"type": "insecureAcceptAnything"}]}}}
        """);
    Path config =
        write(
            "wharf.yaml",
            "policies:\n  containersPolicy: policy.json\n  registryName: registry.example.com\n");
    PolicyConfig policies = WharfConfig.read(config).policies().orElseThrow();
    assertThat(policies.containersPolicy()).contains(dir.resolve("policy.json"));
    assertThat(policies.sourceFiles()).contains(dir.resolve("policy.json"));
    PolicySet set = PolicyRuntime.load(policies, 1);
    assertThat(set.ruleNames()).containsExactly("policy.json.default");

    assertThatThrownBy(
            () -> WharfConfig.read(write("c.yaml", "policies: {containersPolicy: policy.json}\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("needs registryName");
  }

  @Test
  void policyCheckPrintsEveryErrorWithItsLineAndExitsOne() throws Exception {
    Path bad =
        write(
            "bad.yaml",
            """
            version: 1
            rules:
              - name: Not_A_Name
                immutable: true
              - name: gate
                vulnerabilities: {severity: HIGH, missingReport: maybe}
            """);
    WharfRun run = WharfRun.of("policy", "check", bad.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out())
        .contains(bad + ":3:")
        .contains(bad + ":6:")
        .contains("not valid: 2 errors");
  }

  @Test
  void policyCheckAcceptsAValidDocumentOrAWharfYamlAndRefusesAMissingFile() throws Exception {
    Path good = write("good.yaml", IMMUTABLE);
    WharfRun run = WharfRun.of("policy", "check", good.toString());
    assertThat(run.status()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("valid: 1 rule (releases)");
    Path config = write("wharf.yaml", "policies:\n  files: [good.yaml]\n");
    assertThat(WharfRun.of("policy", "check", config.toString()).out()).contains("1 rule");
    assertThat(WharfRun.of("policy", "check", dir.resolve("none.yaml").toString()).status())
        .isEqualTo(2);
    assertThat(WharfRun.of("policy", "lint", good.toString()).status()).isEqualTo(2);
  }

  @Test
  void aReloadPutsAValidChangeInForceAndKeepsTheOldSetWhenTheChangeIsNotValid() throws Exception {
    Path file = write("policy.yaml", IMMUTABLE);
    PolicyConfig config =
        new PolicyConfig(
            List.of(file),
            java.util.Optional.empty(),
            java.util.Optional.empty(),
            java.util.Optional.empty(),
            false,
            java.util.Optional.empty());
    try (PolicyRuntime runtime = PolicyRuntime.start(config)) {
      assertThat(runtime.policies().current().ruleNames()).containsExactly("releases");
      Files.writeString(file, IMMUTABLE.replace("releases", "tags"));
      assertThat(runtime.reload()).isTrue();
      assertThat(runtime.policies().current().ruleNames()).containsExactly("tags");
      long revision = runtime.policies().current().revision();
      Files.writeString(file, "version: 2\n");
      assertThat(runtime.reload()).isFalse();
      assertThat(runtime.policies().current().ruleNames()).containsExactly("tags");
      assertThat(runtime.policies().current().revision()).isEqualTo(revision);
    }
  }

  @Test
  void aWatchedFileThatChangesIsReloaded() throws Exception {
    Path file = write("policy.yaml", IMMUTABLE);
    PolicyConfig config =
        new PolicyConfig(
            List.of(file),
            java.util.Optional.empty(),
            java.util.Optional.empty(),
            java.util.Optional.empty(),
            true,
            java.util.Optional.empty());
    try (PolicyRuntime runtime = PolicyRuntime.start(config, Duration.ofMillis(20))) {
      java.util.concurrent.CountDownLatch replaced = new java.util.concurrent.CountDownLatch(1);
      runtime.policies().addListener(set -> replaced.countDown());
      Files.writeString(file, IMMUTABLE.replace("releases", "watched") + "# longer\n");
      assertThat(replaced.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(runtime.policies().current().ruleNames()).containsExactly("watched");
    }
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }
}
