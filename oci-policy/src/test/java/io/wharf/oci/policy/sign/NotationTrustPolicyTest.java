package io.wharf.oci.policy.sign;

import static io.wharf.oci.policy.sign.NotationFixtures.bytes;
import static io.wharf.oci.policy.sign.NotationFixtures.certificates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Notation's trust policy documents load; malformed ones are refused as Notation refuses them. */
class NotationTrustPolicyTest {

  private static final Map<String, List<X509Certificate>> STORES =
      Map.of("ca:e2e", certificates("certs/e2e.crt"), "tsa:e2e", certificates("certs/e2e.crt"));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "trustpolicy.json",
        "permissive_trustpolicy.json",
        "audit_trustpolicy.json",
        "skip_trustpolicy.json",
        "timestamp_trustpolicy.json"
      })
  void notationsOwnDocumentsLoad(String file) throws Exception {
    SignatureVerifier verifier =
        NotationVerifiers.trustPolicy("e2e", bytes("trustpolicies/" + file), STORES);
    assertThat(verifier.name()).isEqualTo("e2e");
    assertThat(verifier.formats()).containsExactly(SignatureFormat.NOTATION);
  }

  @Test
  void aStoreThatIsNotGivenIsRefused() {
    assertThatThrownBy(
            () ->
                NotationVerifiers.trustPolicy(
                    "e2e",
                    bytes("trustpolicies/timestamp_trustpolicy.json"),
                    Map.of("ca:e2e", certificates("certs/e2e.crt"))))
        .isInstanceOf(SignatureTrustException.class)
        .hasMessage("trust policy statement \"e2e\" names trust store tsa:e2e, which is not given");
  }

  private static String statement(String name, String scopes, String verification, String rest) {
    return "{\"name\":\""
        + name
        + "\",\"registryScopes\":"
        + scopes
        + ",\"signatureVerification\":"
        + verification
        + rest
        + "}";
  }

  private static String document(String... statements) {
    return "{\"version\":\"1.0\",\"trustPolicies\":[" + String.join(",", statements) + "]}";
  }

  private static final String STRICT = "{\"level\":\"strict\"}";
  private static final String TRUST = ",\"trustStores\":[\"ca:e2e\"],\"trustedIdentities\":[\"*\"]";

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "not json|trust policy: the document is not valid JSON",
        "[]|trust policy: the document is not a JSON object",
        "{\"version\":\"2.0\",\"trustPolicies\":[]}|trust policy: the document uses unsupported version \"2.0\"",
        "{\"trustPolicies\":[]}|trust policy: the document has no version, version must be specified",
        "{\"version\":\"1.0\",\"trustPolicies\":[]}|trust policy: the document can not have zero trust policy statements",
      })
  void malformedDocumentsAreRefused(String json, String message) {
    assertThatThrownBy(
            () ->
                NotationVerifiers.trustPolicy("e2e", json.getBytes(StandardCharsets.UTF_8), STORES))
        .isInstanceOf(SignatureTrustException.class)
        .hasMessageStartingWith(message);
  }

  private static void refused(String json, String message) {
    assertThatThrownBy(
            () ->
                NotationVerifiers.trustPolicy("e2e", json.getBytes(StandardCharsets.UTF_8), STORES))
        .isInstanceOf(SignatureTrustException.class)
        .hasMessage("trust policy: " + message);
  }

  @Test
  void statementNamesAreUnique() {
    refused(
        document(
            statement("a", "[\"r.example/one\"]", STRICT, TRUST),
            statement("a", "[\"r.example/two\"]", STRICT, TRUST)),
        "multiple trust policy statements use the same name \"a\", statement names must be"
            + " unique");
  }

  @Test
  void aScopeBelongsToOneStatement() {
    refused(
        document(
            statement("a", "[\"r.example/one\"]", STRICT, TRUST),
            statement("b", "[\"r.example/one\"]", STRICT, TRUST)),
        "registry scope \"r.example/one\" is present in multiple trust policy statements, one"
            + " registry scope value can only be associated with one statement");
    refused(
        document(
            statement("a", "[\"*\"]", STRICT, TRUST), statement("b", "[\"*\"]", STRICT, TRUST)),
        "registry scope \"*\" is present in multiple trust policy statements, one registry scope"
            + " value can only be associated with one statement");
  }

  @Test
  void theWildcardScopeStandsAlone() {
    refused(
        document(statement("a", "[\"*\",\"r.example/one\"]", STRICT, TRUST)),
        "trust policy statement \"a\" uses wildcard registry scope '*', a wildcard scope cannot"
            + " be used in conjunction with other scope values");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"r.example", "https://r.example/x", "r.example/x:tag", "r.example/UPPER", "/x"})
  void scopesAreFullyQualifiedRepositories(String scope) {
    refused(
        document(statement("a", "[\"" + scope + "\"]", STRICT, TRUST)),
        "registry scope \""
            + scope
            + "\" is not valid, make sure it is a fully qualified repository without the scheme,"
            + " protocol or tag. For example domain.com/my/repository or a local scope like"
            + " local/myOCILayout");
  }

  @Test
  void unknownLevelsAreRefused() {
    refused(
        document(statement("a", "[\"*\"]", "{\"level\":\"lenient\"}", TRUST)),
        "trust policy statement \"a\" has invalid signatureVerification: invalid signature"
            + " verification level \"lenient\"");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "strict|\"override\":{\"integrity\":\"log\"}|\"integrity\" verification can not be"
            + " overridden in custom signature verification",
        "strict|\"override\":{\"expiry\":\"skip\"}|\"expiry\" verification can not be"
            + " skipped in custom signature verification",
        "skip|\"override\":{\"expiry\":\"log\"}|signature verification level \"skip\" can't be"
            + " used to customize signature verification",
        "strict|\"override\":{\"colour\":\"log\"}|verification type \"colour\" in custom"
            + " signature verification is not supported, supported values are integrity,"
            + " authenticity, authenticTimestamp, expiry, revocation",
        "strict|\"override\":{\"expiry\":\"warn\"}|verification action \"warn\" in custom"
            + " signature verification is not supported, supported values are enforce, log, skip",
        "strict|\"verifyTimestamp\":\"sometimes\"|verifyTimestamp option \"sometimes\" is not"
            + " supported"
      })
  void overridesFollowNotationsRules(String level, String member, String message) {
    String verification = "{\"level\":\"" + level + "\"," + member + "}";
    refused(
        document(statement("a", "[\"*\"]", verification, level.equals("skip") ? "" : TRUST)),
        "trust policy statement \"a\" has invalid signatureVerification: " + message);
  }

  @Test
  void trustMaterialGoesWithVerification() {
    refused(
        document(statement("a", "[\"*\"]", "{\"level\":\"skip\"}", TRUST)),
        "trust policy statement \"a\" is set to skip signature verification but configured with"
            + " trust stores and/or trusted identities, remove them if signature verification"
            + " needs to be skipped");
    refused(
        document(statement("a", "[\"*\"]", STRICT, ",\"trustStores\":[\"ca:e2e\"]")),
        "trust policy statement \"a\" is either missing trust stores or trusted identities, both"
            + " must be specified");
    refused(
        document(
            statement(
                "a",
                "[\"*\"]",
                STRICT,
                ",\"trustStores\":[\"e2e\"],\"trustedIdentities\":[\"*\"]")),
        "trust policy statement \"a\" has malformed trust store value \"e2e\". The required format"
            + " is <TrustStoreType>:<TrustStoreName>");
    refused(
        document(
            statement(
                "a",
                "[\"*\"]",
                STRICT,
                ",\"trustStores\":[\"x:e2e\"],\"trustedIdentities\":[\"*\"]")),
        "trust policy statement \"a\" uses an unsupported trust store type \"x\" in trust store"
            + " value \"x:e2e\"");
  }

  @Test
  void identitiesFollowNotationsRules() {
    String stores = ",\"trustStores\":[\"ca:e2e\"],\"trustedIdentities\":";
    refused(
        document(
            statement(
                "a", "[\"*\"]", STRICT, stores + "[\"*\",\"x509.subject: C=US, ST=WA, O=N\"]")),
        "trust policy statement \"a\" uses a wildcard trusted identity '*', a wildcard identity"
            + " cannot be used in conjunction with other values");
    refused(
        document(statement("a", "[\"*\"]", STRICT, stores + "[\"x509.subject: C=US, CN=e2e\"]")),
        "trust policy statement \"a\" has trusted identity \"x509.subject: C=US, CN=e2e\" with"
            + " invalid identity value: the distinguished name lacks a mandatory attribute: it"
            + " must name C, ST and O");
    refused(
        document(
            statement(
                "a",
                "[\"*\"]",
                STRICT,
                stores
                    + "[\"x509.subject: C=US, ST=WA, O=N\",\"x509.subject: C=US, ST=WA, O=N,"
                    + " CN=e2e\"]")),
        "trust policy statement \"a\" has overlapping x509 trustedIdentities, \"x509.subject:"
            + " C=US, ST=WA, O=N\" overlaps with \"x509.subject: C=US, ST=WA, O=N, CN=e2e\"");
    refused(
        document(statement("a", "[\"*\"]", STRICT, stores + "[\"e2e\"]")),
        "trust policy statement \"a\" has trusted identity \"e2e\" missing separator");
  }

  @Test
  void keysThatDifferOnlyInCaseAreRefused() {
    refused(
        "{\"version\":\"1.0\",\"TrustPolicies\":[]}",
        "the document: write \"trustPolicies\", not \"TrustPolicies\"");
  }

  @Test
  void duplicateKeysAreRefused() {
    assertThatThrownBy(
            () ->
                NotationVerifiers.trustPolicy(
                    "e2e",
                    "{\"version\":\"1.0\",\"version\":\"1.0\"}".getBytes(StandardCharsets.UTF_8),
                    STORES))
        .isInstanceOf(SignatureTrustException.class)
        .hasMessageContaining("Duplicate field 'version'");
  }
}
