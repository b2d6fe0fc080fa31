package io.wharf.oci.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.policy.sign.SignatureFormat;
import io.wharf.oci.policy.testing.CosignTestSigner;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code signatures} section of policy documents: keys, keyless, Notation, errors. */
class PolicyLoaderSignaturesTest {

  static final Path FOLDER = folder();

  private final PolicyLoader loader = new PolicyLoader();

  private static Path folder() {
    try {
      return Path.of(
              PolicyLoaderSignaturesTest.class
                  .getResource("/policy/signatures/keys/cosign.pub")
                  .toURI())
          .getParent()
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static String rule(String signatures) {
    return "version: 1\nrules:\n  - name: signed\n    signatures:\n" + signatures;
  }

  private List<String> errors(String text) {
    return errors(text, Optional.of(FOLDER));
  }

  private List<String> errors(String text, Optional<Path> base) {
    try {
      if (base.isPresent()) {
        loader.load("p.yaml", text, base.get());
      } else {
        loader.load("p.yaml", text);
      }
    } catch (PolicyException e) {
      return e.errors().stream().map(PolicyError::toString).toList();
    }
    throw new AssertionError("loaded: " + text);
  }

  @Test
  void theCompleteExampleLoadsFromItsFile() throws Exception {
    PolicyDocument document = loader.load(FOLDER.resolve("example-signatures.yaml"));

    assertThat(document.rules())
        .extracting(Rule::name)
        .containsExactly("signed-releases", "production", "mirrored");
    SignatureRule releases = document.rules().get(0).signatures().orElseThrow();
    assertThat(releases.index()).isEqualTo(IndexSignatures.CHILDREN);
    assertThat(releases.names())
        .hasSize(3)
        .startsWith("key cosign.pub", "key backup-key")
        .last()
        .asString()
        .startsWith("keyless ")
        .contains("appu@google.com");
    assertThat(releases.formats())
        .containsExactlyInAnyOrder(SignatureFormat.COSIGN, SignatureFormat.SIGSTORE_BUNDLE);
    Rule production = document.rules().get(1);
    assertThat(production.vulnerabilities()).isPresent();
    assertThat(production.signatures().orElseThrow().names())
        .containsExactly("notation trust policy trustpolicy.json");
    assertThat(production.signatures().orElseThrow().index()).isEqualTo(IndexSignatures.SELF);
    assertThat(document.rules().get(2).signatures().orElseThrow().names()).hasSize(1);

    PolicyDocument again = loader.load(FOLDER.resolve("example-signatures.yaml"));
    assertThat(again).isEqualTo(document);
    assertThat(PolicySet.of(List.of(again)).revision())
        .as("the same files, the same revision")
        .isEqualTo(PolicySet.of(List.of(document)).revision());
  }

  @Test
  void theExampleIsInPolicyMd() throws IOException {
    String doc = Files.readString(Path.of("POLICY.md"));
    assertThat(doc)
        .contains(
            "```yaml\n" + Files.readString(FOLDER.resolve("example-signatures.yaml")) + "```");
  }

  @Test
  void aKeyIsAFileOrInlinePemWithAName() throws Exception {
    String pem = Files.readString(FOLDER.resolve("keys/cosign.pub"));
    PolicyDocument document =
        loader.load(
            "p.json",
            "{\"version\": 1, \"rules\": [{\"name\": \"signed\", \"signatures\": {\"cosign\":"
                + " {\"keys\": [{\"pem\": "
                + json(pem)
                + ", \"name\": \"inline\"}, {\"file\": \""
                + FOLDER.resolve("keys/cosign2.pub").toAbsolutePath()
                + "\"}]}}}]}");
    assertThat(document.rules().get(0).signatures().orElseThrow().names())
        .containsExactly("key inline", "key cosign2.pub");
    assertThat(
            errors(
                rule(
                    "      cosign:\n        keys:\n          - pem: \""
                        + pem.replace("\n", "\\n")
                        + "\"\n")))
        .containsExactly(
            "p.yaml:7:13: rules[0].signatures.cosign.keys[0]: an inline 'pem' key has a 'name'"
                + " (reasons name the key)");
  }

  private static String json(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  @Test
  void aFileThatIsMissingOrNotAKeyIsAnErrorAtItsKey() {
    assertThat(
            errors(
                rule(
                    "      cosign:\n"
                        + "        keys:\n"
                        + "          - file: keys/missing.pub\n"
                        + "          - file: trusted_root.json\n"
                        + "          - file: keys\n")))
        .containsExactly(
            "p.yaml:7:19: rules[0].signatures.cosign.keys[0].file: 'keys/missing.pub' does not"
                + " exist ("
                + FOLDER.resolve("keys/missing.pub")
                + ")",
            "p.yaml:8:19: rules[0].signatures.cosign.keys[1].file: trusted_root.json: no PEM"
                + " 'PUBLIC KEY' block",
            "p.yaml:9:19: rules[0].signatures.cosign.keys[2].file: 'keys' is not a regular file");
  }

  @Test
  void aRelativePathNeedsAFolder() {
    assertThat(
            errors(
                rule("      cosign:\n        keys: [{file: keys/cosign.pub}]\n"), Optional.empty()))
        .containsExactly(
            "p.yaml:6:23: rules[0].signatures.cosign.keys[0].file: 'keys/cosign.pub' is a relative"
                + " path, and this document has no folder to resolve it against: load it from a"
                + " file, give its folder, or use an absolute path");
  }

  @Test
  void misspeltKeysAndValuesAreCorrected() {
    assertThat(
            errors(
                rule(
                    "      cosgin:\n        keys: [{file: keys/cosign.pub}]\n      index: chilren\n")))
        .containsExactly(
            "p.yaml:5:7: rules[0].signatures.cosgin: unknown key 'cosgin'; did you mean"
                + " 'cosign'?",
            "p.yaml:5:7: rules[0].signatures: 'signatures' has 'cosign', 'notation' or both",
            "p.yaml:7:14: rules[0].signatures.index: 'chilren' is not one of self, children; did"
                + " you mean 'children'?");
  }

  @Test
  void keylessIdentitiesAreCheckedOneByOne() {
    assertThat(
            errors(
                rule(
                    "      cosign:\n"
                        + "        keyless:\n"
                        + "          trustedRoot: trusted_root.json\n"
                        + "          identities:\n"
                        + "            - {issuer: https://a, subject: x, subjectPattern: y}\n"
                        + "            - {subject: x}\n"
                        + "            - {issuer: https://a, subjectPattern: '([a-z'}\n")))
        .hasSize(3)
        .anySatisfy(
            e ->
                assertThat(e)
                    .startsWith(
                        "p.yaml:9:15: rules[0].signatures.cosign.keyless.identities[0]: an"
                            + " identity has exactly one of"))
        .anySatisfy(e -> assertThat(e).contains("identities[1]: 'issuer' is missing"))
        .anySatisfy(
            e ->
                assertThat(e)
                    .startsWith(
                        "p.yaml:11:51: rules[0].signatures.cosign.keyless.identities[2]"
                            + ".subjectPattern: subjectPattern is not a regular expression"));
  }

  @Test
  void keylessNeedsItsTrustAndItsIdentities() {
    assertThat(
            errors(
                rule("      cosign:\n        keyless: {identities: [{issuer: i, subject: s}]}\n")))
        .containsExactly(
            "p.yaml:6:18: rules[0].signatures.cosign.keyless: 'keyless' needs its trust:"
                + " 'trustedRoot', or 'fulcioRoots' and 'rekorKeys'");
    assertThat(errors(rule("      cosign:\n        keyless: {trustedRoot: trusted_root.json}\n")))
        .singleElement()
        .asString()
        .contains("'keyless' without 'identities' trusts no signer");
    assertThat(
            errors(
                rule(
                    "      cosign:\n        keyless: {trustedRoot: keys/cosign.pub,"
                        + " identities: [{issuer: i, subject: s}]}\n")))
        .singleElement()
        .asString()
        .startsWith("p.yaml:6:32: rules[0].signatures.cosign.keyless.trustedRoot: ");
  }

  @Test
  void aKeyWithATransparencyLogUsesTheKeylessTrust() throws Exception {
    PolicyDocument document =
        loader.load(
            "p.yaml",
            rule(
                "      cosign:\n"
                    + "        keys: [{file: keys/cosign.pub}]\n"
                    + "        keyless: {rekorKeys: [rekor.pub], fulcioRoots: [fulcio_v1.crt.pem]}\n"
                    + "        requireTransparencyLog: true\n"),
            FOLDER);
    assertThat(document.rules().get(0).signatures().orElseThrow().names())
        .containsExactly("key cosign.pub");
    assertThat(
            errors(
                rule(
                    "      cosign:\n"
                        + "        keys: [{file: keys/cosign.pub}]\n"
                        + "        requireTransparencyLog: true\n")))
        .containsExactly(
            "p.yaml:7:33: rules[0].signatures.cosign.requireTransparencyLog: a transparency log"
                + " is checked with its keys: give 'keyless.trustedRoot' or 'keyless.rekorKeys'");
  }

  @Test
  void aRuleWithSignaturesAloneIsARule() throws Exception {
    PolicyDocument document =
        loader.load("p.yaml", rule("      cosign: {keys: [{file: keys/cosign.pub}]}\n"), FOLDER);
    Rule rule = document.rules().get(0);
    assertThat(rule.vulnerabilities()).isEmpty();
    assertThat(rule.immutable()).isFalse();
    assertThat(rule.signatures()).isPresent();
    assertThat(errors("version: 1\nrules:\n  - name: nothing\n    match: {tags: [v1]}\n"))
        .containsExactly(
            "p.yaml:3:5: rules[0]: a rule has 'vulnerabilities', 'signatures', 'immutable: true'"
                + " or more");
  }

  @Test
  void aLoadedKeyJudgesAPullWithARealSignature(@TempDir Path dir) throws Exception {
    CosignTestSigner signer = CosignTestSigner.generate();
    CosignTestSigner stranger = CosignTestSigner.generate();
    Files.writeString(dir.resolve("signer.pub"), signer.publicKeyPem(), StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("policy.yaml"), rule("      cosign: {keys: [{file: signer.pub}]}\n"));
    PolicySet policy = PolicySet.of(List.of(loader.load(dir.resolve("policy.yaml"))));

    InMemoryPolicyContext facts = new InMemoryPolicyContext("team/app");
    io.wharf.oci.model.RawManifest image = SignedFacts.image(facts);
    Decision unsigned = SignedFacts.pull(policy, facts, image);
    assertThat(unsigned.messages()).containsExactly("no signature by key signer.pub");

    SignedFacts.put(
        facts, stranger.sign("registry.example.com/team/app", image.descriptor()), false);
    assertThat(SignedFacts.pull(policy, facts, image).messages())
        .singleElement()
        .asString()
        .startsWith("signature sha256:")
        .contains("(cosign, by key signer.pub): ");

    SignedFacts.put(facts, signer.sign("registry.example.com/team/app", image.descriptor()), true);
    assertThat(SignedFacts.pull(policy, facts, image).allowed()).isTrue();
  }

  @Test
  void aFileLargerThanAMebibyteIsRefused(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("huge.pub"), new byte[PolicyFiles.MAX_BYTES + 1]);
    assertThatThrownBy(
            () -> loader.load("p.yaml", rule("      cosign: {keys: [{file: huge.pub}]}\n"), dir))
        .isInstanceOf(PolicyException.class)
        .hasMessage(
            "p.yaml:5:30: rules[0].signatures.cosign.keys[0].file: 'huge.pub' is larger than"
                + " 1048576 bytes");
  }
}
