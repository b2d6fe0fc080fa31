package io.wharf.oci.policy.sign.internal.notation;

import com.fasterxml.jackson.databind.JsonNode;
import io.wharf.oci.policy.sign.SignatureTrustException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Notation trust policy document ({@code trustpolicy.json}, version 1.0), read and validated as
 * Notation validates it: unique statement names, registry scopes that are {@code *} alone or fully
 * qualified repositories and belong to one statement each, a known verification level with valid
 * overrides, {@code type:name} trust stores and {@code x509.subject} identities (or {@code *}
 * alone) without overlaps, and no trust material on a statement that skips verification.
 */
final class TrustPolicy {

  /** The largest document read. */
  static final int MAX_BYTES = 1024 * 1024;

  /** The most statements in one document. */
  static final int MAX_STATEMENTS = 1000;

  static final String WILDCARD = "*";

  private static final Pattern DOMAIN =
      Pattern.compile(
          "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,62}[a-zA-Z0-9])?)"
              + "(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,62}[a-zA-Z0-9])?){0,126}"
              + "(?::[0-9]{1,5})?"
              + "|\\[[a-fA-F0-9:]{2,45}\\](?::[0-9]{1,5})?");

  private static final Pattern REPOSITORY =
      Pattern.compile(
          "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

  private static final Pattern STORE_NAME = Pattern.compile("[a-zA-Z0-9_.-]+");

  private static final Set<String> STORE_TYPES = Set.of("ca", "signingAuthority", "tsa");

  /** Notation's verification levels and what each does with each validation. */
  enum Level {
    STRICT("strict", Action.ENFORCE, Action.ENFORCE, Action.ENFORCE, Action.ENFORCE),
    PERMISSIVE("permissive", Action.ENFORCE, Action.LOG, Action.LOG, Action.LOG),
    AUDIT("audit", Action.LOG, Action.LOG, Action.LOG, Action.LOG),
    SKIP("skip", Action.SKIP, Action.SKIP, Action.SKIP, Action.SKIP);

    private final String value;
    private final Map<Validation, Action> actions = new EnumMap<>(Validation.class);

    Level(
        String value,
        Action authenticity,
        Action authenticTimestamp,
        Action expiry,
        Action revocation) {
      this.value = value;
      actions.put(Validation.INTEGRITY, value.equals("skip") ? Action.SKIP : Action.ENFORCE);
      actions.put(Validation.AUTHENTICITY, authenticity);
      actions.put(Validation.AUTHENTIC_TIMESTAMP, authenticTimestamp);
      actions.put(Validation.EXPIRY, expiry);
      actions.put(Validation.REVOCATION, revocation);
    }

    static Optional<Level> of(String value) {
      return Envelopes.named(values(), value);
    }

    @Override
    public String toString() {
      return value;
    }
  }

  /** The validations Notation runs, in its order. */
  enum Validation {
    INTEGRITY("integrity"),
    AUTHENTICITY("authenticity"),
    AUTHENTIC_TIMESTAMP("authenticTimestamp"),
    EXPIRY("expiry"),
    REVOCATION("revocation");

    private final String value;

    Validation(String value) {
      this.value = value;
    }

    static Optional<Validation> of(String value) {
      return Envelopes.named(values(), value);
    }

    @Override
    public String toString() {
      return value;
    }
  }

  /** What a validation's failure does. */
  enum Action {
    /** Fails the signature. */
    ENFORCE,
    /** Is reported as a warning; the signature passes. */
    LOG,
    /** Is not checked. */
    SKIP;

    static Optional<Action> of(String value) {
      return Envelopes.named(values(), value);
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** When a timestamp countersignature is verified. */
  enum VerifyTimestamp {
    /** Whenever the signature carries one. */
    ALWAYS,
    /** Only when a certificate of the signing chain has expired. */
    AFTER_CERT_EXPIRY
  }

  /**
   * One trust policy statement.
   *
   * @param name its name
   * @param registryScopes {@code *}, or {@code registry/repository} values
   * @param level the verification level it names
   * @param actions what each validation does, the level's with the overrides applied
   * @param verifyTimestamp when timestamps are verified
   * @param trustStores the {@code type:name} trust stores
   * @param anyIdentity whether the identities are {@code *}
   * @param identities the {@code x509.subject} identities (empty when any is trusted)
   */
  record Statement(
      String name,
      List<String> registryScopes,
      Level level,
      Map<Validation, Action> actions,
      VerifyTimestamp verifyTimestamp,
      List<String> trustStores,
      boolean anyIdentity,
      List<TrustedIdentity> identities) {

    Statement {
      registryScopes = List.copyOf(registryScopes);
      actions = Map.copyOf(actions);
      trustStores = List.copyOf(trustStores);
      identities = List.copyOf(identities);
    }

    /** What {@code validation} does under this statement. */
    Action action(Validation validation) {
      return actions.get(validation);
    }

    /** Its trust stores of {@code type}, as {@code type:name}. */
    List<String> storesOfType(String type) {
      List<String> stores = new ArrayList<>();
      for (String store : trustStores) {
        if (store.startsWith(type + ":")) {
          stores.add(store);
        }
      }
      return stores;
    }
  }

  private final List<Statement> statements;

  private TrustPolicy(List<Statement> statements) {
    this.statements = List.copyOf(statements);
  }

  /** The statements, in document order. */
  List<Statement> statements() {
    return statements;
  }

  /**
   * The statement that applies to {@code scope} ({@code registry/repository}): the one that names
   * it, else the one whose scope is {@code *}.
   */
  Optional<Statement> statementFor(String scope) {
    Statement wildcard = null;
    for (Statement s : statements) {
      if (s.registryScopes.contains(scope)) {
        return Optional.of(s);
      }
      if (s.registryScopes.contains(WILDCARD)) {
        wildcard = s;
      }
    }
    return Optional.ofNullable(wildcard);
  }

  /**
   * The document in {@code json}.
   *
   * @throws SignatureTrustException when it is malformed or breaks one of Notation's rules; the
   *     message says which
   */
  static TrustPolicy parse(byte[] json) throws SignatureTrustException {
    Objects.requireNonNull(json, "json");
    if (json.length > MAX_BYTES) {
      throw invalid("the document is larger than " + MAX_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = Json.read("the document", json);
    } catch (BadSignatureException e) {
      throw invalid(e.getMessage());
    }
    if (!root.isObject()) {
      throw invalid("the document is not a JSON object");
    }
    keys(root, "the document", Set.of("version", "trustPolicies"));
    JsonNode version = root.path("version");
    if (version.isMissingNode() || version.asText().isEmpty()) {
      throw invalid("the document has no version, version must be specified");
    }
    if (!version.isTextual() || !version.asText().equals("1.0")) {
      throw invalid("the document uses unsupported version " + quote(version.asText()));
    }
    JsonNode list = root.path("trustPolicies");
    if (!list.isMissingNode() && !list.isArray()) {
      throw invalid("trustPolicies is not a list");
    }
    if (list.size() == 0) {
      throw invalid("the document can not have zero trust policy statements");
    }
    if (list.size() > MAX_STATEMENTS) {
      throw invalid("the document has more than " + MAX_STATEMENTS + " statements");
    }
    List<Statement> statements = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Statement statement = statement(list.get(i), "trustPolicies[" + i + "]");
      if (!names.add(statement.name)) {
        throw invalid(
            "multiple trust policy statements use the same name "
                + quote(statement.name)
                + ", statement names must be unique");
      }
      statements.add(statement);
    }
    scopes(statements);
    return new TrustPolicy(statements);
  }

  private static Statement statement(JsonNode node, String where) throws SignatureTrustException {
    if (!node.isObject()) {
      throw invalid(where + " is not a JSON object");
    }
    keys(
        node,
        where,
        Set.of(
            "name", "registryScopes", "signatureVerification", "trustStores", "trustedIdentities"));
    String name = node.path("name").isTextual() ? node.path("name").asText() : "";
    if (name.isEmpty()) {
      throw invalid("a trust policy statement is missing a name, every statement requires a name");
    }
    String statement = "trust policy statement " + quote(name);
    List<String> scopes = strings(node, "registryScopes", statement);
    JsonNode verification = node.path("signatureVerification");
    if (!verification.isMissingNode() && !verification.isObject()) {
      throw invalid(statement + ": signatureVerification is not a JSON object");
    }
    keys(
        verification,
        statement + ": signatureVerification",
        Set.of("level", "override", "verifyTimestamp"));
    String levelName = verification.path("level").asText("");
    Level level =
        Level.of(levelName)
            .orElseThrow(
                () ->
                    invalid(
                        statement
                            + " has invalid signatureVerification: invalid signature verification"
                            + " level "
                            + quote(levelName)));
    Map<Validation, Action> actions = new EnumMap<>(Validation.class);
    actions.putAll(level.actions);
    JsonNode override = verification.path("override");
    if (!override.isMissingNode()) {
      if (!override.isObject()) {
        throw invalid(statement + ": override is not a JSON object");
      }
      if (override.size() > 0 && level == Level.SKIP) {
        throw invalid(
            statement
                + " has invalid signatureVerification: signature verification level \"skip\""
                + " can't be used to customize signature verification");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = override.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        override(statement, e.getKey(), e.getValue(), actions);
      }
    }
    String verifyTimestampText = verification.path("verifyTimestamp").asText("always");
    VerifyTimestamp verifyTimestamp;
    if (verifyTimestampText.equals("always") || verifyTimestampText.isEmpty()) {
      verifyTimestamp = VerifyTimestamp.ALWAYS;
    } else if (verifyTimestampText.equals("afterCertExpiry")) {
      verifyTimestamp = VerifyTimestamp.AFTER_CERT_EXPIRY;
    } else {
      throw invalid(
          statement
              + " has invalid signatureVerification: verifyTimestamp option "
              + quote(verifyTimestampText)
              + " is not supported");
    }
    List<String> stores = strings(node, "trustStores", statement);
    List<String> identityTexts = strings(node, "trustedIdentities", statement);
    if (level == Level.SKIP) {
      if (!stores.isEmpty() || !identityTexts.isEmpty()) {
        throw invalid(
            statement
                + " is set to skip signature verification but configured with trust stores"
                + " and/or trusted identities, remove them if signature verification needs to"
                + " be skipped");
      }
    } else if (stores.isEmpty() || identityTexts.isEmpty()) {
      throw invalid(
          statement
              + " is either missing trust stores or trusted identities, both must be specified");
    }
    for (String store : stores) {
      store(statement, store);
    }
    boolean any = identityTexts.contains(WILDCARD);
    if (any && identityTexts.size() > 1) {
      throw invalid(
          statement
              + " uses a wildcard trusted identity '*', a wildcard identity cannot be used in"
              + " conjunction with other values");
    }
    List<TrustedIdentity> identities = new ArrayList<>();
    for (String text : identityTexts) {
      if (!text.equals(WILDCARD)) {
        identity(statement, text).ifPresent(identities::add);
      }
    }
    for (int i = 0; i < identities.size(); i++) {
      for (int j = i + 1; j < identities.size(); j++) {
        TrustedIdentity a = identities.get(i);
        TrustedIdentity b = identities.get(j);
        if (a.isSubsetOf(b.attributes()) || b.isSubsetOf(a.attributes())) {
          throw invalid(
              statement
                  + " has overlapping x509 trustedIdentities, "
                  + quote(a.text())
                  + " overlaps with "
                  + quote(b.text()));
        }
      }
    }
    return new Statement(name, scopes, level, actions, verifyTimestamp, stores, any, identities);
  }

  private static void override(
      String statement, String key, JsonNode value, Map<Validation, Action> actions)
      throws SignatureTrustException {
    Validation validation =
        Validation.of(key)
            .orElseThrow(
                () ->
                    invalid(
                        statement
                            + " has invalid signatureVerification: verification type "
                            + quote(key)
                            + " in custom signature verification is not supported, supported"
                            + " values are integrity, authenticity, authenticTimestamp, expiry,"
                            + " revocation"));
    String text = value.isTextual() ? value.asText() : value.toString();
    Action action =
        Action.of(text)
            .orElseThrow(
                () ->
                    invalid(
                        statement
                            + " has invalid signatureVerification: verification action "
                            + quote(text)
                            + " in custom signature verification is not supported, supported"
                            + " values are enforce, log, skip"));
    if (validation == Validation.INTEGRITY) {
      throw invalid(
          statement
              + " has invalid signatureVerification: \"integrity\" verification can not be"
              + " overridden in custom signature verification");
    }
    if (validation != Validation.REVOCATION && action == Action.SKIP) {
      throw invalid(
          statement
              + " has invalid signatureVerification: "
              + quote(key)
              + " verification can not be skipped in custom signature verification");
    }
    actions.put(validation, action);
  }

  private static void store(String statement, String store) throws SignatureTrustException {
    int colon = store.indexOf(':');
    if (colon < 0) {
      throw invalid(
          statement
              + " has malformed trust store value "
              + quote(store)
              + ". The required format is <TrustStoreType>:<TrustStoreName>");
    }
    String type = store.substring(0, colon);
    String name = store.substring(colon + 1);
    if (!STORE_TYPES.contains(type)) {
      throw invalid(
          statement
              + " uses an unsupported trust store type "
              + quote(type)
              + " in trust store value "
              + quote(store));
    }
    if (!STORE_NAME.matcher(name).matches()) {
      throw invalid(
          statement
              + " uses an unsupported trust store name "
              + quote(name)
              + " in trust store value "
              + quote(store)
              + ". Named store name needs to follow [a-zA-Z0-9_.-]+ format");
    }
  }

  private static Optional<TrustedIdentity> identity(String statement, String text)
      throws SignatureTrustException {
    if (text.isEmpty()) {
      throw invalid(statement + " has an empty trusted identity");
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw invalid(statement + " has trusted identity " + quote(text) + " missing separator");
    }
    String prefix = text.substring(0, colon);
    String value = text.substring(colon + 1);
    if (!prefix.equals(TrustedIdentity.X509_SUBJECT)) {
      // another kind of identity, which a plugin verifies: it never matches here
      return Optional.empty();
    }
    if (value.isBlank()) {
      throw invalid(
          statement + " has trusted identity " + quote(text) + " without an identity value");
    }
    try {
      return Optional.of(TrustedIdentity.parse(text, value));
    } catch (IllegalArgumentException e) {
      throw invalid(
          statement
              + " has trusted identity "
              + quote(text)
              + " with invalid identity value: "
              + Envelopes.clip(String.valueOf(e.getMessage())));
    }
  }

  private static void scopes(List<Statement> statements) throws SignatureTrustException {
    Map<String, Integer> counts = new HashMap<>();
    for (Statement s : statements) {
      String statement = "trust policy statement " + quote(s.name);
      if (s.registryScopes.isEmpty()) {
        throw invalid(
            statement
                + " has zero registry scopes, it must specify registry scopes with at least one"
                + " value");
      }
      if (s.registryScopes.size() > 1 && s.registryScopes.contains(WILDCARD)) {
        throw invalid(
            statement
                + " uses wildcard registry scope '*', a wildcard scope cannot be used in"
                + " conjunction with other scope values");
      }
      for (String scope : s.registryScopes) {
        if (!scope.equals(WILDCARD)) {
          scopeFormat(scope);
        }
        if (counts.merge(scope, 1, Integer::sum) > 1) {
          throw invalid(
              "registry scope "
                  + quote(scope)
                  + " is present in multiple trust policy statements, one registry scope value"
                  + " can only be associated with one statement");
        }
      }
    }
  }

  private static void scopeFormat(String scope) throws SignatureTrustException {
    int slash = scope.indexOf('/');
    if (scope.length() > 512
        || slash <= 0
        || !DOMAIN.matcher(scope.substring(0, slash)).matches()
        || !REPOSITORY.matcher(scope.substring(slash + 1)).matches()) {
      throw invalid(
          "registry scope "
              + quote(scope)
              + " is not valid, make sure it is a fully qualified repository without the"
              + " scheme, protocol or tag. For example domain.com/my/repository or a local scope"
              + " like local/myOCILayout");
    }
  }

  private static List<String> strings(JsonNode node, String field, String where)
      throws SignatureTrustException {
    JsonNode list = node.path(field);
    if (list.isMissingNode() || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw invalid(where + ": " + field + " is not a list of strings");
    }
    List<String> values = new ArrayList<>(list.size());
    for (JsonNode item : list) {
      if (!item.isTextual()) {
        throw invalid(where + ": " + field + " is not a list of strings");
      }
      values.add(item.asText());
    }
    return values;
  }

  /**
   * Refuses a key that differs from a known one only in case: Notation (Go) reads it as the known
   * one, a strict reader would ignore it, so it could mean two things.
   */
  private static void keys(JsonNode object, String where, Set<String> known)
      throws SignatureTrustException {
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      for (String k : known) {
        if (!k.equals(key) && k.equalsIgnoreCase(key)) {
          throw invalid(where + ": write " + quote(k) + ", not " + quote(key));
        }
      }
    }
  }

  private static String quote(String text) {
    return '"' + Envelopes.clip(text) + '"';
  }

  private static SignatureTrustException invalid(String message) {
    return new SignatureTrustException("trust policy: " + message);
  }
}
