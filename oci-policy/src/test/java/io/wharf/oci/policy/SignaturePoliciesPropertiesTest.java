package io.wharf.oci.policy;

import static io.wharf.oci.model.testing.OciGenerators.anyStrings;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static io.wharf.oci.model.testing.OciGenerators.oneOf;
import static io.wharf.oci.model.testing.OciGenerators.pick;
import static io.wharf.oci.model.testing.OciGenerators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.quicktheories.QuickTheory.qt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The signature sections of policy documents and containers/image policy.json files on random
 * input: valid ones load (the same from YAML and JSON), mutated ones and junk load or fail with a
 * {@link PolicyException} that places every error, never another exception, and nothing hangs. The
 * files they name are the real keys, roots and trust policy of the tests' folder.
 */
class SignaturePoliciesPropertiesTest {

  private static final Duration GUARD = Duration.ofMinutes(5);
  private static final Path FOLDER = PolicyLoaderSignaturesTest.FOLDER;

  private final PolicyLoader loader = new PolicyLoader();
  private final ContainersPolicyLoader containers = new ContainersPolicyLoader();

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static Gen<String> identity() {
    return pick("https://accounts.google.com", "https://github.com/login/oauth")
        .zip(
            pick("\"subject\": \"appu@google.com\"", "\"subjectPattern\": \".*@example\\\\.com\""),
            (issuer, subject) -> "{\"issuer\": " + quote(issuer) + ", " + subject + "}");
  }

  /** A cosign section: keys, keyless, or both, with options. */
  private static Gen<String> cosign() {
    Gen<String> keys =
        lists(
                pick(
                    "{\"file\": \"keys/cosign.pub\"}",
                    "{\"file\": \"keys/cosign2.pub\", \"name\": \"backup\"}"),
                1,
                2)
            .map(
                l -> {
                  List<String> distinct = new ArrayList<>();
                  for (String k : l) {
                    if (!distinct.contains(k)) {
                      distinct.add(k);
                    }
                  }
                  return "\"keys\": [" + String.join(", ", distinct) + "]";
                });
    Gen<String> keyless =
        pick(
                "\"trustedRoot\": \"trusted_root.json\"",
                "\"fulcioRoots\": [\"fulcio_v1.crt.pem\"], \"rekorKeys\": [\"rekor.pub\"]")
            .zip(
                lists(identity(), 1, 3),
                (trust, ids) ->
                    "\"keyless\": {"
                        + trust
                        + ", \"identities\": ["
                        + String.join(", ", ids)
                        + "]}");
    return oneOf(keys, keyless, keys.zip(keyless, (a, b) -> a + ", " + b))
        .zip(
            pick("", ", \"requireReference\": true", ", \"requireReference\": false"),
            (body, options) -> "\"cosign\": {" + body + options + "}");
  }

  private static Gen<String> signatures() {
    Gen<String> notation =
        pick(
            "\"notation\": {\"trustPolicy\": \"notation/trustpolicy.json\", \"trustStores\":"
                + " {\"ca:e2e\": [\"notation/certs/e2e.crt\"]}}");
    return oneOf(cosign(), notation, cosign().zip(notation, (a, b) -> a + ", " + b))
        .zip(
            pick("", ", \"index\": \"self\"", ", \"index\": \"children\""),
            (body, index) -> "{" + body + index + "}");
  }

  /** A valid document with signature rules, as JSON (which YAML reads too, flow style). */
  private static Gen<String> documents() {
    return lists(signatures(), 1, 3)
        .map(
            list -> {
              List<String> rules = new ArrayList<>();
              for (int i = 0; i < list.size(); i++) {
                rules.add("{\"name\": \"rule-" + i + "\", \"signatures\": " + list.get(i) + "}");
              }
              return "{\"version\": 1, \"rules\": [" + String.join(", ", rules) + "]}";
            });
  }

  @Test
  void aValidSignatureDocumentLoadsTheSameFromYamlAndJson() {
    assertTimeoutPreemptively(
        GUARD,
        () ->
            qt().withExamples(150)
                .forAll(documents())
                .checkAssert(
                    json -> {
                      try {
                        PolicyDocument fromJson = loader.load("doc.json", json, FOLDER);
                        PolicyDocument fromYaml =
                            loader.load("doc.yaml", "# flow style\n" + json + "\n", FOLDER);
                        assertThat(fromYaml.rules()).isEqualTo(fromJson.rules());
                        assertThat(fromJson.rules()).allMatch(r -> r.signatures().isPresent());
                      } catch (PolicyException e) {
                        throw new AssertionError(e.getMessage() + "\n" + json, e);
                      }
                    }));
  }

  @Test
  void aMutatedSignatureDocumentLoadsOrFailsWithPlacedErrors() {
    PolicyLoaderPropertiesTest.mutationsLoadOrFailWithPlacedErrors(
        documents(), (json, source) -> json, (s, t) -> loader.load(s, t, FOLDER), 1500);
  }

  private static Gen<String> requirement() {
    return pick(
        "{\"type\": \"insecureAcceptAnything\"}",
        "{\"type\": \"reject\"}",
        "{\"type\": \"signedBy\", \"keyType\": \"GPGKeys\", \"keyPath\": \"/keys/gpg\"}",
        "{\"type\": \"sigstoreSigned\", \"keyPath\": \"keys/cosign.pub\"}",
        "{\"type\": \"sigstoreSigned\", \"keyPaths\": [\"keys/cosign.pub\", \"keys/cosign2.pub\"],"
            + " \"signedIdentity\": {\"type\": \"matchRepository\"}}",
        "{\"type\": \"sigstoreSigned\", \"keyPath\": \"keys/cosign.pub\", \"rekorPublicKeyPath\":"
            + " \"rekor.pub\"}",
        "{\"type\": \"sigstoreSigned\", \"fulcio\": {\"caPath\": \"fulcio_v1.crt.pem\", \"oidcIssuer\":"
            + " \"https://github.com/login/oauth\", \"subjectEmail\": \"mitr@redhat.com\"},"
            + " \"rekorPublicKeyPath\": \"rekor.pub\"}",
        "{\"type\": \"signedBaseLayer\", \"baseLayerIdentity\": {\"type\": \"exactRepository\","
            + " \"dockerRepository\": \"a/b\"}}");
  }

  /** policy.json documents for registry.example.com. */
  private static Gen<String> containersPolicies() {
    Gen<String> list = lists(requirement(), 1, 3).map(l -> "[" + String.join(", ", l) + "]");
    Gen<String> scope =
        pick(
                "",
                "registry.example.com",
                "registry.example.com/team",
                "registry.example.com/team/app",
                "*.example.com",
                "other.example.com/x")
            .zip(list, (name, reqs) -> quote(name) + ": " + reqs);
    return list.zip(
        lists(scope, 0, 4),
        (defaults, scopes) -> {
          List<String> distinct = new ArrayList<>();
          List<String> names = new ArrayList<>();
          for (String s : scopes) {
            String name = s.substring(0, s.indexOf("\": ") + 1);
            if (!names.contains(name)) {
              names.add(name);
              distinct.add(s);
            }
          }
          return "{\"default\": "
              + defaults
              + ", \"transports\": {\"docker\": {"
              + String.join(", ", distinct)
              + "}, \"dir\": {\"\": [{\"type\": \"insecureAcceptAnything\"}]}}}";
        });
  }

  @Test
  void aValidContainersPolicyLoads() {
    assertTimeoutPreemptively(
        GUARD,
        () ->
            qt().withExamples(200)
                .forAll(containersPolicies())
                .checkAssert(
                    json -> {
                      try {
                        PolicySet.of(
                            List.of(
                                containers.load(
                                    "policy.json", json, "registry.example.com", FOLDER)));
                      } catch (PolicyException e) {
                        throw new AssertionError(e.getMessage() + "\n" + json, e);
                      }
                    }));
  }

  @Test
  void aMutatedContainersPolicyLoadsOrFailsWithPlacedErrors() {
    PolicyLoaderPropertiesTest.mutationsLoadOrFailWithPlacedErrors(
        containersPolicies(),
        (json, source) -> json,
        (s, t) -> containers.load(s, t, "registry.example.com", FOLDER),
        1500);
  }

  @Test
  void junkContainersPolicyLoadsOrFailsWithPlacedErrors() {
    Gen<String> junk =
        oneOf(
            anyStrings(0, 200),
            lists(
                    oneOf(
                        strings("{}[],:\"tdy ", 0, 12),
                        pick(
                            "\"default\"",
                            "\"transports\"",
                            "\"type\"",
                            "\"reject\"",
                            "\"docker\"")),
                    0,
                    16)
                .map(parts -> String.join("", parts)));
    assertTimeoutPreemptively(
        GUARD,
        () -> {
          qt().withExamples(1500)
              .forAll(junk)
              .checkAssert(
                  text ->
                      PolicyLoaderPropertiesTest.loadsOrFailsWithPlacedErrors(
                          (s, t) -> containers.load(s, t, "registry.example.com"),
                          "policy.json",
                          text));
        });
  }
}
