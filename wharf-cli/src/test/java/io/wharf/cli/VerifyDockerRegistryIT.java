package io.wharf.cli;

import static io.wharf.oci.verify.testing.TestRegistryContent.CLEAN_TRIVY;
import static io.wharf.oci.verify.testing.TestRegistryContent.CRITICAL_REASON;
import static io.wharf.oci.verify.testing.TestRegistryContent.CRITICAL_TRIVY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.testsupport.DockerRegistryProcess;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.verify.testing.TestRegistryContent;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wharf verify} against Debian's {@code docker-registry} (CNCF distribution 2.8), which has
 * no referrers API: the reports and cosign signature referrers pushed by the test are found through
 * the referrers tag schema, as the distribution spec's clients keep it; cosign's {@code .sig} tags
 * are found as they are.
 */
class VerifyDockerRegistryIT {

  @TempDir static Path temp;

  private static DockerRegistryProcess registry;
  private static Path policy;
  private static RawManifest clean;
  private static RawManifest critical;
  private static Path signedPolicy;

  @BeforeAll
  static void start() throws Exception {
    DockerRegistryProcess.requireAvailable();
    registry = DockerRegistryProcess.start();
    policy = Files.writeString(temp.resolve("policy.yaml"), VerifyCommandIT.POLICY);
    try (RegistryClient client = RegistryClient.builder().build()) {
      TestRegistryContent content =
          TestRegistryContent.at(client, new RegistryHost(registry.host()))
              .withReferrersTagSchema();
      clean = content.image("secure/app", "v1", 11);
      content.attachTrivy("secure/app", clean, CLEAN_TRIVY);
      critical = content.image("secure/app", "v2", 12);
      content.attachTrivy("secure/app", critical, CRITICAL_TRIVY);
      content.image("secure/app", "unscanned", 13);
      signedPolicy = VerifyCommandIT.pushSigned(content, temp.resolve("keys"));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  private static WharfRun verify(String... more) {
    return VerifyCommandIT.verify(policy, more);
  }

  @Test
  void aCleanImageIsAllowed() {
    WharfRun run = verify("docker://" + registry.host() + "/secure/app:v1");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out())
        .isEqualTo(registry.host() + "/secure/app:v1@" + clean.digest() + ": allowed\n");
  }

  @Test
  void aCriticalFindingAndAMissingReportAreDeniedWithTheirReasons() throws Exception {
    WharfRun denied = verify("--json", registry.host() + "/secure/app:v2");
    assertThat(denied.status()).as(denied.err()).isEqualTo(1);
    JsonNode json = new ObjectMapper().readTree(denied.out());
    assertThat(json.get("digest").asText()).isEqualTo(critical.digest().toString());
    assertThat(json.get("allowed").booleanValue()).isFalse();
    assertThat(json.get("reasons").get(0).get("rule").asText()).isEqualTo("no-critical");
    assertThat(json.get("reasons").get(0).get("message").asText()).startsWith(CRITICAL_REASON);

    WharfRun unscanned = verify(registry.host() + "/secure/app:unscanned");
    assertThat(unscanned.status()).isEqualTo(1);
    assertThat(unscanned.out()).contains("no-critical: no vulnerability report");
  }

  @Test
  void byDigestTheSameDecision() {
    WharfRun run = verify(registry.host() + "/secure/app@" + critical.digest());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).contains(CRITICAL_REASON);
  }

  @Test
  void cosignSignaturesAtTheirSigTagAndThroughTheReferrersTagSchemaCount() {
    VerifyCommandIT.assertSignaturesJudged(registry.host(), signedPolicy);
  }

  @Test
  void aMissingRepositoryIsNotVerified() {
    WharfRun run = verify(registry.host() + "/secure/none:v1");
    assertThat(run.status()).isEqualTo(VerifyCommand.NOT_VERIFIED);
    assertThat(run.err()).contains("cannot verify");
  }
}
