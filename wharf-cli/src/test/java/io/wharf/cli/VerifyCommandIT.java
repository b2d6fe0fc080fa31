package io.wharf.cli;

import static io.wharf.oci.verify.testing.TestRegistryContent.CLEAN_TRIVY;
import static io.wharf.oci.verify.testing.TestRegistryContent.CRITICAL_REASON;
import static io.wharf.oci.verify.testing.TestRegistryContent.CRITICAL_TRIVY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.model.Platform;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.policy.testing.CosignTestSigner;
import io.wharf.oci.verify.testing.TestRegistryContent;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wharf verify} against {@code wharf serve} (in-process, as {@code serve} starts it, without
 * policies of its own: the command judges what the registry serves): allowed and denied images with
 * their reasons, an index, the JSON shape, and the exit statuses of usage errors, invalid policies
 * and registries that cannot be reached or lack the image.
 */
class VerifyCommandIT {

  static final String POLICY =
      """
      version: 1
      rules:
        - name: no-critical
          match: {repositories: ["secure/**"]}
          vulnerabilities: {severity: CRITICAL, missingReport: deny}
      """;

  /** A signature rule on {@code signed/**}: a cosign signature by the key in cosign.pub. */
  static final String SIGNED_POLICY =
      """
      version: 1
      rules:
        - name: signed
          match: {repositories: ["signed/**"]}
          signatures:
            cosign:
              keys: [{file: cosign.pub}]
      """;

  @TempDir static Path temp;

  private static WharfServer wharf;
  private static String host;
  private static Path policy;
  private static RawManifest clean;
  private static RawManifest critical;
  private static RawManifest index;
  private static Path signedPolicy;

  @BeforeAll
  static void start() throws Exception {
    wharf = WharfServer.start(ServerSettings.loopback(temp.resolve("data")));
    host = "127.0.0.1:" + wharf.port();
    policy = Files.writeString(temp.resolve("policy.yaml"), POLICY);
    try (RegistryClient client = RegistryClient.builder().build()) {
      TestRegistryContent content = TestRegistryContent.at(client, new RegistryHost(host));
      clean = content.image("secure/app", "v1", 1);
      content.attachTrivy("secure/app", clean, CLEAN_TRIVY);
      critical = content.image("secure/app", "v2", 2);
      content.attachTrivy("secure/app", critical, CRITICAL_TRIVY);
      content.image("secure/app", "unscanned", 3);
      RawManifest amd64 = content.image("secure/multi", null, 4);
      RawManifest arm64 = content.image("secure/multi", null, 5);
      content.attachTrivy("secure/multi", amd64, CLEAN_TRIVY);
      content.attachTrivy("secure/multi", arm64, CRITICAL_TRIVY);
      index =
          content.index(
              "secure/multi",
              "v1",
              List.of(amd64, arm64),
              List.of(Platform.of("linux", "amd64"), Platform.of("linux", "arm64")));
      signedPolicy = pushSigned(content, temp.resolve("keys"));
    }
  }

  /**
   * Pushes {@code signed/app}: {@code v1} signed at its {@code .sig} tag, {@code referred} signed
   * by a referrer, {@code unsigned}, {@code other-key} signed by another key; writes the key as
   * cosign.pub and {@link #SIGNED_POLICY} beside it in {@code dir}, and returns the policy's path.
   */
  static Path pushSigned(TestRegistryContent content, Path dir) throws Exception {
    CosignTestSigner key = CosignTestSigner.generate();
    String name = content.host() + "/signed/app";
    content.cosignSign("signed/app", content.image("signed/app", "v1", 21), key, name, false);
    content.cosignSign("signed/app", content.image("signed/app", "referred", 22), key, name, true);
    content.image("signed/app", "unsigned", 23);
    RawManifest other = content.image("signed/app", "other-key", 24);
    content.cosignSign("signed/app", other, CosignTestSigner.generate(), name, false);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("cosign.pub"), key.publicKeyPem());
    return Files.writeString(dir.resolve("signed.yaml"), SIGNED_POLICY);
  }

  /**
   * {@code wharf verify --policy signed.yaml} on {@code registry}'s {@code signed/app}: signed
   * images (a .sig tag, a referrer) allowed, unsigned and other-key ones denied with the reason.
   */
  static void assertSignaturesJudged(String registry, Path signedPolicy) {
    for (String tag : List.of("v1", "referred")) {
      WharfRun run =
          WharfRun.of(
              "verify", "--policy", signedPolicy.toString(), registry + "/signed/app:" + tag);
      assertThat(run.status()).as(tag + ": " + run.out() + run.err()).isZero();
      assertThat(run.out()).endsWith(": allowed\n");
    }
    WharfRun unsigned =
        WharfRun.of(
            "verify", "--policy", signedPolicy.toString(), registry + "/signed/app:unsigned");
    assertThat(unsigned.status()).isEqualTo(1);
    assertThat(unsigned.out()).endsWith(": denied\n  signed: no signature by key cosign.pub\n");
    WharfRun other = verify(signedPolicy, registry + "/signed/app:other-key");
    assertThat(other.status()).isEqualTo(1);
    assertThat(other.out()).contains("  signed: ").contains("cosign.pub");
  }

  @AfterAll
  static void stop() {
    if (wharf != null) {
      wharf.close();
    }
  }

  private static WharfRun verify(String... more) {
    return verify(policy, more);
  }

  /** {@code wharf verify --policy POLICY MORE...}, in this JVM. */
  static WharfRun verify(Path policy, String... more) {
    String[] args = new String[more.length + 3];
    args[0] = "verify";
    args[1] = "--policy";
    args[2] = policy.toString();
    System.arraycopy(more, 0, args, 3, more.length);
    return WharfRun.of(args);
  }

  @Test
  void anAllowedImageExitsZeroAndNamesItsDigest() {
    WharfRun run = verify("docker://" + host + "/secure/app:v1");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo(host + "/secure/app:v1@" + clean.digest() + ": allowed\n");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void aDeniedImageExitsOneWithEveryReason() {
    WharfRun run = verify(host + "/secure/app:v2");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out())
        .startsWith(host + "/secure/app:v2@" + critical.digest() + ": denied\n")
        .contains("  no-critical: " + CRITICAL_REASON);

    WharfRun unscanned = verify(host + "/secure/app:unscanned");
    assertThat(unscanned.status()).isEqualTo(1);
    assertThat(unscanned.out())
        .contains("  no-critical: no vulnerability report; rule no-critical");
  }

  @Test
  void anIndexIsJudgedByItsChildren() {
    WharfRun run = verify(host + "/secure/multi:v1");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out())
        .startsWith(host + "/secure/multi:v1@" + index.digest() + ": denied\n")
        .contains("  no-critical: linux/arm64: " + CRITICAL_REASON)
        .doesNotContain("linux/amd64");
  }

  @Test
  void jsonHasTheReferenceDigestDecisionAndReasons() throws Exception {
    WharfRun denied = verify("--json", host + "/secure/app:v2");
    assertThat(denied.status()).isEqualTo(1);
    JsonNode json = new ObjectMapper().readTree(denied.out());
    assertThat(json.properties())
        .extracting(e -> e.getKey())
        .containsExactly("reference", "digest", "allowed", "reasons");
    assertThat(json.get("reference").asText()).isEqualTo(host + "/secure/app:v2");
    assertThat(json.get("digest").asText()).isEqualTo(critical.digest().toString());
    assertThat(json.get("allowed").isBoolean()).isTrue();
    assertThat(json.get("allowed").booleanValue()).isFalse();
    JsonNode reason = json.get("reasons").get(0);
    assertThat(reason.get("rule").asText()).isEqualTo("no-critical");
    assertThat(reason.get("message").asText()).startsWith(CRITICAL_REASON);

    WharfRun allowed = verify("--json", host + "/secure/app@" + clean.digest());
    assertThat(allowed.status()).isZero();
    assertThat(new ObjectMapper().readTree(allowed.out()).get("reasons").isEmpty()).isTrue();
  }

  @Test
  void usageErrorsAndInvalidPoliciesExitTwo() throws Exception {
    WharfRun noPolicy = WharfRun.of("verify", host + "/secure/app:v1");
    assertThat(noPolicy.status()).isEqualTo(2);
    assertThat(noPolicy.err()).contains("--policy FILE (or --containers-policy FILE) is required");

    WharfRun badReference = verify("docker://Not A Reference");
    assertThat(badReference.status()).isEqualTo(2);
    assertThat(badReference.err()).contains("invalid image reference");

    WharfRun missingFile =
        WharfRun.of("verify", "--policy", temp.resolve("absent.yaml").toString(), host + "/a:v1");
    assertThat(missingFile.status()).isEqualTo(2);
    assertThat(missingFile.err()).contains("absent.yaml");

    Path invalid =
        Files.writeString(
            temp.resolve("invalid.yaml"),
            "version: 1\nrules:\n  - name: x\n    vulnerabilities: {severity: SEVERE}\n");
    WharfRun invalidPolicy =
        WharfRun.of(
            "verify",
            "--policy",
            policy.toString(),
            "--policy",
            invalid.toString(),
            host + "/a:v1");
    assertThat(invalidPolicy.status()).isEqualTo(2);
    assertThat(invalidPolicy.err())
        .contains(invalid + ":4:")
        .contains("severity")
        .contains("wharf verify: not valid: 1 error in the policies");
    assertThat(invalidPolicy.out()).isEmpty();
  }

  @Test
  void aRegistryThatCannotBeReachedOrLacksTheImageExitsThree() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    WharfRun unreachable = verify("127.0.0.1:" + closed + "/secure/app:v1");
    assertThat(unreachable.status()).isEqualTo(VerifyCommand.NOT_VERIFIED);
    assertThat(unreachable.err()).startsWith("wharf verify: cannot verify 127.0.0.1:" + closed);

    WharfRun missing = verify(host + "/secure/app:absent");
    assertThat(missing.status()).isEqualTo(VerifyCommand.NOT_VERIFIED);
    assertThat(missing.err()).contains("not found").contains("secure/app:absent");
    assertThat(missing.out()).isEmpty();
  }

  @Test
  void aSignatureRuleAllowsImagesSignedByItsKeyAndDeniesTheOthers() {
    assertSignaturesJudged(host, signedPolicy);
  }

  /**
   * A containers/image policy.json, as podman and skopeo read it, judges for the image's registry:
   * its scope for signed/ requires the key's signature, and its default rejects everything else.
   */
  @Test
  void aContainersPolicyJsonJudgesTheImagesRegistry() throws Exception {
    Path json =
        Files.writeString(
            temp.resolve("keys").resolve("policy.json"),
            "{\"default\": [{\"type\": \"reject\"}], \"transports\": {\"docker\": {\""
                + host
                + "/signed\": [{\"type\": \"sigstoreSigned\", \"keyPath\": \""
                + temp.resolve("keys").resolve("cosign.pub")
                + "\"}]}}}");
    for (String tag : List.of("v1", "referred")) {
      WharfRun signed =
          WharfRun.of(
              "verify", "--containers-policy", json.toString(), host + "/signed/app:" + tag);
      assertThat(signed.status()).as(tag + ": " + signed.out() + signed.err()).isZero();
      assertThat(signed.out()).endsWith(": allowed\n");
    }
    for (String image :
        List.of("/signed/app:unsigned", "/signed/app:other-key", "/secure/app:v1")) {
      WharfRun denied = WharfRun.of("verify", "--containers-policy", json.toString(), host + image);
      assertThat(denied.status()).as(image + ": " + denied.out() + denied.err()).isEqualTo(1);
      assertThat(denied.out()).contains(": denied\n  ");
    }
    WharfRun both =
        WharfRun.of(
            "verify",
            "--policy",
            policy.toString(),
            "--containers-policy",
            json.toString(),
            host + "/secure/app:v2");
    assertThat(both.status()).isEqualTo(1);
  }

  @Test
  void policiesCombineAcrossFiles() {
    WharfRun both =
        WharfRun.of(
            "verify",
            "--policy",
            policy.toString(),
            "--policy",
            signedPolicy.toString(),
            "--json",
            host + "/signed/app:unsigned");
    assertThat(both.status()).isEqualTo(1);
    assertThat(both.out())
        .contains("{\"rule\":\"signed\",\"message\":\"no signature by key cosign.pub\"}");
  }

  @Test
  void theHelpNamesTheCommandAndItsExitStatuses() {
    assertThat(WharfRun.of("--help").out())
        .contains("  verify        Judges an image by the policies wharf serve would enforce");
    WharfRun help = WharfRun.of("verify", "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("--policy=FILE").contains("--json").contains("3 not verified");
  }
}
