package io.wharf.oci.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.RawManifest;
import io.wharf.oci.policy.testing.CosignTestSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** containers/image's policy.json, read as signature rules for one registry. */
class ContainersPolicyLoaderTest {

  private static final Path FIXTURE =
      PolicyLoaderSignaturesTest.FOLDER.resolve("containers-policy/policy.json");

  private final ContainersPolicyLoader loader = new ContainersPolicyLoader();

  private static List<String> messages(PolicySet policy, String repository) throws IOException {
    InMemoryPolicyContext facts = new InMemoryPolicyContext(repository);
    return SignedFacts.pull(policy, facts, SignedFacts.image(facts)).messages();
  }

  private PolicySet load(String registry) throws Exception {
    return PolicySet.of(List.of(loader.load(FIXTURE, registry)));
  }

  @Test
  void theRealFixtureRejectsWhatItsDefaultRejects() throws Exception {
    PolicySet policy = load("localhost:5000");
    assertThat(policy.ruleNames()).containsExactly("policy.json.default");
    assertThat(messages(policy, "team/app"))
        .containsExactly("rejected by policy.json scope default");
  }

  @Test
  void theRegistryHostsScopeWinsOverWildcardsAndGpgFailsClosed() throws Exception {
    PolicySet policy = load("registry.access.redhat.com");
    assertThat(policy.ruleNames()).containsExactly("policy.json.registry.access.redhat.com");
    assertThat(messages(policy, "rhel7/rhel"))
        .containsExactly(
            "policy.json scope registry.access.redhat.com requires a GPG signature (signedBy),"
                + " which Wharf does not verify: denied");
  }

  @Test
  void aNamespaceScopeAppliesUnderItAndTheDefaultElsewhere() throws Exception {
    PolicySet policy = load("registry.redhat.io");
    assertThat(messages(policy, "beta/app"))
        .containsExactly(
            "policy.json scope registry.redhat.io/beta requires a GPG signature (signedBy),"
                + " which Wharf does not verify: denied");
    assertThat(messages(policy, "beta")).hasSize(1);
    assertThat(messages(policy, "betamax/app"))
        .containsExactly("rejected by policy.json scope default");
  }

  @Test
  void aWildcardScopeAppliesToSubdomainsAndSignedBaseLayerFailsClosed() throws Exception {
    PolicySet bogus = load("bogus");
    assertThat(messages(bogus, "signed-identity-example/app"))
        .containsExactly(
            "policy.json scope bogus/signed-identity-example requires signedBaseLayer, which Wharf"
                + " does not check: denied");
    PolicySet mirror = load("quay.redhat.com");
    assertThat(mirror.ruleNames()).containsExactly("policy.json._.redhat.com");
  }

  @Test
  void trustMaterialThatCannotBeUsedIsAnErrorOnlyForTheRegistryItAppliesTo() throws Exception {
    assertThatThrownBy(() -> loader.load(FIXTURE, "example.com"))
        .isInstanceOf(PolicyException.class)
        .satisfies(
            e -> {
              List<PolicyError> errors = ((PolicyException) e).errors();
              assertThat(errors).hasSize(2);
              assertThat(errors.get(0).toString())
                  .startsWith(
                      FIXTURE
                          + ":146:32: transports.docker[\"example.com/sigstore/key-data-example\"][0]"
                          + ".keyData: keyData: no PEM 'PUBLIC KEY' block");
              assertThat(errors.get(1).toString())
                  .startsWith(
                      FIXTURE
                          + ":152:32: transports.docker[\"example.com/sigstore/key-path-example\"][0]"
                          + ".keyPath: '/keys/public-key' does not exist");
            });
  }

  @Test
  void sigstoreSignedWithAKeyRequiresASignatureNamingTheRepository(@TempDir Path dir)
      throws Exception {
    CosignTestSigner signer = CosignTestSigner.generate();
    Files.writeString(dir.resolve("release.pub"), signer.publicKeyPem());
    Files.writeString(
        dir.resolve("policy.json"),
        """
        {"default": [{"type": "reject"}],
         "transports": {"docker": {
           "registry.example.com/team": [{"type": "sigstoreSigned", "keyPath": "release.pub"}],
           "registry.example.com/team/public": [{"type": "insecureAcceptAnything"}],
           "other.example.com": [{"type": "insecureAcceptAnything"}]},
          "dir": {"": [{"type": "insecureAcceptAnything"}]}}}
        """);
    PolicySet policy =
        PolicySet.of(List.of(loader.load(dir.resolve("policy.json"), "registry.example.com")));

    assertThat(messages(policy, "team/public/x")).isEmpty();
    assertThat(messages(policy, "elsewhere"))
        .containsExactly("rejected by policy.json scope default");
    assertThat(messages(policy, "team/app")).containsExactly("no signature by key release.pub");

    InMemoryPolicyContext facts = new InMemoryPolicyContext("team/app");
    RawManifest image = SignedFacts.image(facts);
    SignedFacts.put(
        facts, signer.sign("registry.example.com/team/copy", image.descriptor()), false);
    assertThat(SignedFacts.pull(policy, facts, image).messages())
        .singleElement()
        .asString()
        .contains("(cosign, by key release.pub)");
    SignedFacts.put(facts, signer.sign("registry.example.com/team/app", image.descriptor()), false);
    assertThat(SignedFacts.pull(policy, facts, image).allowed()).isTrue();
  }

  private List<String> errors(String json) {
    try {
      loader.load("policy.json", json, "registry.example.com");
    } catch (PolicyException e) {
      return e.errors().stream().map(PolicyError::toString).toList();
    }
    throw new AssertionError("loaded: " + json);
  }

  @Test
  void malformedPoliciesAreErrorsWithPositions() {
    assertThat(errors("{\"default\": [{\"type\": \"rejectt\"}]}"))
        .containsExactly(
            "policy.json:1:23: default[0].type: 'rejectt' is not one of insecureAcceptAnything,"
                + " reject, signedBy, sigstoreSigned, signedBaseLayer; did you mean 'reject'?");
    assertThat(errors("{\"transports\": {}}"))
        .containsExactly("policy.json:1:1: 'default' is missing: the requirements of every image");
    assertThat(errors("{\"default\": []}"))
        .containsExactly(
            "policy.json:1:13: default: no requirements; say 'insecureAcceptAnything' or 'reject'"
                + " explicitly");
    assertThat(errors("{\"default\": [{\"type\": \"reject\", \"x\": 1}]}"))
        .singleElement()
        .asString()
        .startsWith("policy.json:1:33: default[0].x: unknown key 'x'");
    assertThat(errors("{\"default\": [{\"type\": \"reject\"}"))
        .singleElement()
        .asString()
        .startsWith("policy.json:1:");
    assertThat(
            errors(
                "{\"default\": [{\"type\": \"reject\"}], \"transports\": {\"docker\":"
                    + " {\"registry.example.com/team/app:v1\": [{\"type\": \"reject\"}]}}}"))
        .containsExactly(
            "policy.json:1:61: transports.docker[\"registry.example.com/team/app:v1\"]: scope"
                + " 'registry.example.com/team/app:v1' names a tag or digest; Wharf applies"
                + " policy.json by repository and namespace: remove the tag or digest");
    assertThat(errors("{\"default\": [{\"type\": \"sigstoreSigned\", \"keyPath\": \"rel.pub\"}]}"))
        .singleElement()
        .asString()
        .contains("is a relative path");
    assertThat(errors("{\"default\": [{\"type\": \"signedBy\", \"keyType\": \"GPGKeys\"}]}"))
        .containsExactly(
            "policy.json:1:14: default[0]: a signedBy has exactly one of keyPath, keyPaths,"
                + " keyData");
  }

  @Test
  void unsupportedIdentitiesFailClosed() throws Exception {
    PolicySet policy =
        PolicySet.of(
            List.of(
                loader.load(
                    "policy.json",
                    "{\"default\": [{\"type\": \"sigstoreSigned\", \"keyData\": \"bm9uc2Vuc2U=\","
                        + " \"signedIdentity\": {\"type\": \"remapIdentity\", \"prefix\": \"a\","
                        + " \"signedPrefix\": \"b\"}}]}",
                    "registry.example.com")));
    assertThat(messages(policy, "team/app"))
        .containsExactly(
            "policy.json scope default requires signedIdentity remapIdentity, which Wharf does not"
                + " check: denied");
  }
}
