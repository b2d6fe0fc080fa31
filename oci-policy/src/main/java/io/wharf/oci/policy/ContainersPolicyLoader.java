package io.wharf.oci.policy;

import io.wharf.oci.model.error.OciException;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.policy.internal.JsonTrees;
import io.wharf.oci.policy.internal.Limits;
import io.wharf.oci.policy.internal.PolicyNode;
import io.wharf.oci.policy.internal.PolicyNode.Entry;
import io.wharf.oci.policy.internal.PolicyNode.Mapping;
import io.wharf.oci.policy.sign.CosignOptions;
import io.wharf.oci.policy.sign.CosignVerifiers;
import io.wharf.oci.policy.sign.KeylessIdentity;
import io.wharf.oci.policy.sign.SignatureTrustException;
import io.wharf.oci.policy.sign.SignatureVerifier;
import io.wharf.oci.policy.sign.SigstoreTrust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the signature policy of containers/image ({@code policy.json}, as podman, skopeo and CRI-O
 * use it; containers-policy.json(5)) into a {@link PolicyDocument} of signature rules for one
 * registry, so that a team reuses the file it has.
 *
 * <p>Only the {@code docker} transport's scopes and the global {@code default} apply; other
 * transports are checked for syntax and otherwise ignored. A scope applies to the registry when its
 * host is {@code registryName} ({@code registry.example.com/team/app} is repository {@code
 * team/app}, {@code registry.example.com/team} the namespace {@code team}); the most specific scope
 * wins, as in containers/image: a repository or namespace scope over a shorter one, then the
 * registry host's scope, a wildcard host ({@code *.example.com}, the longest first), the
 * transport's default ({@code ""}), the global default. Each requirement list maps to rules:
 *
 * <ul>
 *   <li>{@code insecureAcceptAnything}: no rule (anything is accepted);
 *   <li>{@code reject}: a rule denying every pull, {@code rejected by policy.json scope X};
 *   <li>{@code sigstoreSigned}: a signature rule accepting a cosign signature by one of its keys
 *       ({@code keyPath}, {@code keyPaths}, {@code keyData}, {@code keyDatas}: base64 of PEM), or a
 *       keyless one ({@code fulcio}: {@code caPath} or {@code caData}, {@code oidcIssuer}, {@code
 *       subjectEmail}; with {@code rekorPublicKeyPath(s)} or {@code rekorPublicKeyData(s)}). Rekor
 *       keys make a key's transparency-log entry required. {@code signedIdentity} {@code
 *       matchRepoDigestOrExact} (the default), {@code matchRepository} and {@code matchExact}
 *       require the signature to name this registry and repository; several {@code sigstoreSigned}
 *       in one list must all hold;
 *   <li>{@code signedBy} (GPG simple signing), {@code signedBaseLayer}, {@code sigstoreSigned} with
 *       {@code pki}, and {@code signedIdentity} {@code exactReference}, {@code exactRepository} or
 *       {@code remapIdentity}: Wharf does not check these, so the scope fails closed: a rule
 *       denying every pull, saying why.
 * </ul>
 *
 * <p>Tag and digest scopes of this registry are errors (Wharf scopes rules by repository).
 * Everything else is checked as strictly as containers/image does (unknown fields and types,
 * missing or duplicate fields, an empty requirement list), and reported with every error as {@code
 * file:LINE:COL: PATH: message}. Files resolve against the policy's folder; each is read at most 1
 * MiB. Thread-safe and stateless.
 */
public final class ContainersPolicyLoader {

  private static final List<String> ROOT_KEYS = List.of("default", "transports");
  private static final List<String> TYPES =
      List.of("insecureAcceptAnything", "reject", "signedBy", "sigstoreSigned", "signedBaseLayer");
  private static final List<String> SIGSTORE_KEYS =
      List.of(
          "type",
          "keyPath",
          "keyPaths",
          "keyData",
          "keyDatas",
          "fulcio",
          "pki",
          "rekorPublicKeyPath",
          "rekorPublicKeyPaths",
          "rekorPublicKeyData",
          "rekorPublicKeyDatas",
          "signedIdentity");
  private static final List<String> SIGNED_BY_KEYS =
      List.of("type", "keyType", "keyPath", "keyPaths", "keyData", "signedIdentity");
  private static final List<String> KEY_TYPES =
      List.of("GPGKeys", "signedByGPGKeys", "X509Certificates", "signedByX509CAs");
  private static final List<String> FULCIO_KEYS =
      List.of("caPath", "caData", "oidcIssuer", "subjectEmail");
  private static final List<String> IDENTITY_TYPES =
      List.of(
          "matchExact",
          "matchRepoDigestOrExact",
          "matchRepository",
          "exactReference",
          "exactRepository",
          "remapIdentity");
  private static final List<String> CHECKED_IDENTITIES =
      List.of("matchExact", "matchRepoDigestOrExact", "matchRepository");

  /** The most scopes per transport, and requirements per scope. */
  static final int MAX_SCOPES = 10_000;

  /** A loader. */
  public ContainersPolicyLoader() {}

  /**
   * Reads {@code file} for the registry named {@code registryName} ({@code registry.example.com},
   * {@code 127.0.0.1:5000}); relative paths in it resolve against its folder.
   *
   * @throws PolicyException with every error when the file is not valid or names a file that cannot
   *     be read or used
   * @throws IOException when the file cannot be read
   */
  public PolicyDocument load(Path file, String registryName) throws PolicyException, IOException {
    Objects.requireNonNull(registryName, "registryName");
    return read(
        file.toString(),
        PolicyLoader.readText(file),
        registryName,
        Optional.ofNullable(file.toAbsolutePath().getParent()));
  }

  /**
   * Reads {@code json} for the registry named {@code registryName}; relative paths in it resolve
   * against {@code baseDirectory}.
   *
   * @throws PolicyException with every error when the document is not valid
   */
  public PolicyDocument load(
      String sourceName, String json, String registryName, Path baseDirectory)
      throws PolicyException {
    Objects.requireNonNull(baseDirectory, "baseDirectory");
    return read(sourceName, json, registryName, Optional.of(baseDirectory));
  }

  /**
   * Reads {@code json} for the registry named {@code registryName}; relative paths in it are
   * errors.
   *
   * @throws PolicyException with every error when the document is not valid
   */
  public PolicyDocument load(String sourceName, String json, String registryName)
      throws PolicyException {
    return read(sourceName, json, registryName, Optional.empty());
  }

  private static PolicyDocument read(
      String source, String json, String registryName, Optional<Path> base) throws PolicyException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(registryName, "registryName");
    Reader reader = new Reader(PolicyReader.forSource(source, base), new PolicyFiles(base));
    PolicyDocument document = reader.read(json, registryName.toLowerCase(Locale.ROOT));
    if (!reader.reader.errors().isEmpty()) {
      throw new PolicyException(reader.reader.errors());
    }
    return document;
  }

  /** What a scope covers, the most specific first. */
  private enum Reach {
    NAMESPACE,
    HOST,
    WILDCARD,
    TRANSPORT_DEFAULT,
    DEFAULT
  }

  /**
   * One scope that applies to the registry.
   *
   * @param label how reasons name it
   * @param reach what it covers
   * @param path the repository or namespace ({@link Reach#NAMESPACE}); for a wildcard, the host
   *     suffix it matches
   * @param requirements the requirement list
   * @param path the field path of the list, for errors
   */
  private record Scope(
      String label, Reach reach, String path, PolicyNode requirements, String fieldPath) {}

  /** One document's reading. */
  private static final class Reader {
    final PolicyReader reader;
    private final PolicyFiles files;
    private final List<Scope> scopes = new ArrayList<>();
    private final Map<String, Integer> names = new HashMap<>();

    Reader(PolicyReader reader, PolicyFiles files) {
      this.reader = reader;
      this.files = files;
    }

    PolicyDocument read(String json, String registry) {
      if (json.length() > Limits.MAX_CHARS) {
        reader.error(1, 1, "", "the document is larger than " + Limits.MAX_CHARS + " characters");
        return null;
      }
      String body = json.startsWith("\uFEFF") ? json.substring(1) : json;
      PolicyNode.Tree tree = JsonTrees.read(body);
      for (PolicyNode.Problem problem : tree.problems()) {
        reader.error(problem.line(), problem.column(), problem.path(), problem.message());
      }
      if (tree.root().isEmpty()) {
        if (tree.problems().isEmpty()) {
          reader.error(1, 1, "", "the document is empty; policy.json has at least 'default'");
        }
        return null;
      }
      Map<String, Entry> fields = reader.fields(tree.root().get(), "", ROOT_KEYS);
      if (fields == null) {
        return null;
      }
      Entry defaults = fields.get("default");
      if (defaults == null) {
        reader.error(
            tree.root().get(), "", "'default' is missing: the requirements of every image");
      } else {
        checkRequirements(defaults, "default");
        scopes.add(new Scope("default", Reach.DEFAULT, "", defaults.value(), "default"));
      }
      Entry transports = fields.get("transports");
      if (transports != null) {
        transports(transports, registry);
      }
      if (!reader.errors().isEmpty()) {
        return null;
      }
      List<Rule> rules = rules();
      if (!reader.errors().isEmpty()) {
        return null;
      }
      return PolicyDocument.of(reader.source(), rules, List.of(), Map.of());
    }

    private void transports(Entry entry, String registry) {
      if (!(entry.value() instanceof Mapping)) {
        reader.error(entry.value(), "transports", "expected a mapping of transports to scopes");
        return;
      }
      Map<String, Entry> seen = new HashMap<>();
      for (Entry transport : ((Mapping) entry.value()).entries()) {
        String path = "transports." + transport.key();
        if (seen.putIfAbsent(transport.key(), transport) != null) {
          reader.error(
              transport.line(),
              transport.column(),
              path,
              "duplicate transport '" + transport.key() + "'");
          continue;
        }
        if (!(transport.value() instanceof Mapping)) {
          reader.error(transport.value(), path, "expected a mapping of scopes to requirements");
          continue;
        }
        List<Entry> entries = ((Mapping) transport.value()).entries();
        if (entries.size() > MAX_SCOPES) {
          reader.error(transport.value(), path, "more than " + MAX_SCOPES + " scopes");
          continue;
        }
        Map<String, Entry> scopeSeen = new HashMap<>();
        for (Entry scope : entries) {
          String scopePath = path + "[\"" + PolicyFiles.clip(scope.key()) + "\"]";
          if (scopeSeen.putIfAbsent(scope.key(), scope) != null) {
            reader.error(scope.line(), scope.column(), scopePath, "duplicate scope");
            continue;
          }
          checkRequirements(scope, scopePath);
          if (transport.key().equals("docker")) {
            dockerScope(scope, scopePath, registry);
          }
        }
      }
    }

    private void dockerScope(Entry scope, String fieldPath, String registry) {
      String name = scope.key();
      if (name.isEmpty()) {
        scopes.add(
            new Scope(
                "transports.docker[\"\"]", Reach.TRANSPORT_DEFAULT, "", scope.value(), fieldPath));
        return;
      }
      int slash = name.indexOf('/');
      String host = (slash < 0 ? name : name.substring(0, slash)).toLowerCase(Locale.ROOT);
      String path = slash < 0 ? "" : name.substring(slash + 1);
      if (host.startsWith("*.")) {
        if (slash >= 0) {
          reader.error(
              scope.line(),
              scope.column(),
              fieldPath,
              "a wildcard scope names a host only ('*.example.com'), without a path");
          return;
        }
        String suffix = host.substring(1);
        String bare =
            registry.indexOf(':') < 0 ? registry : registry.substring(0, registry.indexOf(':'));
        if (bare.endsWith(suffix) && bare.length() > suffix.length()) {
          scopes.add(new Scope(name, Reach.WILDCARD, suffix, scope.value(), fieldPath));
        }
        return;
      }
      if (!host.equals(registry)) {
        return;
      }
      if (path.isEmpty()) {
        scopes.add(new Scope(name, Reach.HOST, "", scope.value(), fieldPath));
        return;
      }
      if (path.indexOf('@') >= 0 || path.lastIndexOf(':') >= 0) {
        reader.error(
            scope.line(),
            scope.column(),
            fieldPath,
            "scope '"
                + PolicyFiles.clip(name)
                + "' names a tag or digest; Wharf applies policy.json by repository and"
                + " namespace: remove the tag or digest");
        return;
      }
      try {
        RepositoryName.of(path);
      } catch (OciException e) {
        reader.error(
            scope.line(),
            scope.column(),
            fieldPath,
            "scope '" + PolicyFiles.clip(name) + "' does not name a repository or namespace");
        return;
      }
      scopes.add(new Scope(name, Reach.NAMESPACE, path, scope.value(), fieldPath));
    }

    /** Checks a requirement list's syntax, whatever transport or registry it is for. */
    private void checkRequirements(Entry entry, String path) {
      List<PolicyNode> items = reader.items(entry, path, MAX_SCOPES);
      if (items.isEmpty() && entry.value() instanceof PolicyNode.Sequence) {
        reader.error(
            entry.value(),
            path,
            "no requirements; say 'insecureAcceptAnything' or 'reject' explicitly");
      }
      for (int i = 0; i < items.size(); i++) {
        String itemPath = path + "[" + i + "]";
        Optional<String> type = type(items.get(i), itemPath);
        if (type.isEmpty()) {
          continue;
        }
        switch (type.get()) {
          case "signedBy":
            checkSignedBy(items.get(i), itemPath);
            break;
          case "sigstoreSigned":
            reader.fields(items.get(i), itemPath, SIGSTORE_KEYS);
            break;
          case "signedBaseLayer":
            reader.fields(items.get(i), itemPath, List.of("type", "baseLayerIdentity"));
            break;
          default:
            reader.fields(items.get(i), itemPath, List.of("type"));
        }
      }
    }

    private Optional<String> type(PolicyNode item, String path) {
      if (!(item instanceof Mapping)) {
        reader.error(item, path, "expected a requirement: a mapping with 'type'");
        return Optional.empty();
      }
      for (Entry e : ((Mapping) item).entries()) {
        if (e.key().equals("type")) {
          Optional<String> type = reader.string(e.value(), path + ".type", 64);
          if (type.isPresent() && !TYPES.contains(type.get())) {
            reader.word(e.value(), path + ".type", TYPES);
            return Optional.empty();
          }
          return type;
        }
      }
      reader.error(item, path, "'type' is missing: one of " + String.join(", ", TYPES));
      return Optional.empty();
    }

    private void checkSignedBy(PolicyNode item, String path) {
      Map<String, Entry> fields = reader.fields(item, path, SIGNED_BY_KEYS);
      if (fields == null) {
        return;
      }
      Entry keyType = fields.get("keyType");
      if (keyType == null) {
        reader.error(item, path, "'keyType' is missing: one of " + String.join(", ", KEY_TYPES));
      } else {
        Optional<String> text = reader.string(keyType.value(), path + ".keyType", 64);
        if (text.isPresent() && !KEY_TYPES.contains(text.get())) {
          reader.word(keyType.value(), path + ".keyType", KEY_TYPES);
        }
      }
      int keys =
          (fields.containsKey("keyPath") ? 1 : 0)
              + (fields.containsKey("keyPaths") ? 1 : 0)
              + (fields.containsKey("keyData") ? 1 : 0);
      if (keys != 1) {
        reader.error(item, path, "a signedBy has exactly one of keyPath, keyPaths, keyData");
      }
    }

    // From scopes to rules

    private List<Rule> rules() {
      List<Scope> namespaces = new ArrayList<>();
      Scope catchAll = null;
      for (Scope scope : scopes) {
        if (scope.reach() == Reach.NAMESPACE) {
          namespaces.add(scope);
        } else if (catchAll == null || moreSpecific(scope, catchAll)) {
          catchAll = scope;
        }
      }
      List<Rule> rules = new ArrayList<>();
      for (Scope scope : namespaces) {
        List<Glob> except = new ArrayList<>();
        for (Scope other : namespaces) {
          if (other.path().startsWith(scope.path() + "/")) {
            except.addAll(globs(other.path()));
          }
        }
        rules.addAll(
            rulesOf(scope, new RuleMatch(List.of(), globs(scope.path()), List.of(), except)));
      }
      if (catchAll != null) {
        List<Glob> except = new ArrayList<>();
        for (Scope scope : namespaces) {
          except.addAll(globs(scope.path()));
        }
        rules.addAll(rulesOf(catchAll, new RuleMatch(List.of(), List.of(), List.of(), except)));
      }
      return rules;
    }

    private static boolean moreSpecific(Scope a, Scope b) {
      if (a.reach() != b.reach()) {
        return a.reach().ordinal() < b.reach().ordinal();
      }
      return a.reach() == Reach.WILDCARD && a.path().length() > b.path().length();
    }

    private static List<Glob> globs(String path) {
      return List.of(Glob.compile(path), Glob.compile(path + "/**"));
    }

    private String ruleName(Scope scope) {
      String base =
          switch (scope.reach()) {
            case DEFAULT -> "policy.json.default";
            case TRANSPORT_DEFAULT -> "policy.json.docker";
            default -> "policy.json." + slug(scope.label());
          };
      int n = names.merge(base, 1, Integer::sum);
      return n == 1 ? base : base + "." + n;
    }

    private static String slug(String label) {
      StringBuilder out = new StringBuilder();
      for (char c : label.toLowerCase(Locale.ROOT).toCharArray()) {
        out.append(
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ? c : '_');
      }
      String name = out.toString();
      return name.length() > 48 ? name.substring(0, 48) : name;
    }

    private List<Rule> rulesOf(Scope scope, RuleMatch match) {
      String field = scope.fieldPath();
      List<PolicyNode> items = ((PolicyNode.Sequence) scope.requirements()).items();
      String where = "policy.json scope " + scope.label();
      List<SignatureRule> requirements = new ArrayList<>();
      Optional<String> refusal = Optional.empty();
      for (int i = 0; i < items.size() && refusal.isEmpty(); i++) {
        Mapping item = (Mapping) items.get(i);
        String itemPath = field + "[" + i + "]";
        String type = text(item, "type").orElse("");
        switch (type) {
          case "reject":
            refusal = Optional.of("rejected by " + where);
            break;
          case "signedBy":
            refusal =
                Optional.of(
                    where
                        + " requires a GPG signature (signedBy), which Wharf does not verify:"
                        + " denied");
            break;
          case "signedBaseLayer":
            refusal =
                Optional.of(
                    where + " requires signedBaseLayer, which Wharf does not check: denied");
            break;
          case "sigstoreSigned":
            Optional<String> unsupported = unsupported(item);
            if (unsupported.isPresent()) {
              refusal =
                  Optional.of(
                      where
                          + " requires "
                          + unsupported.get()
                          + ", which Wharf does not check:"
                          + " denied");
            } else {
              sigstore(item, itemPath).ifPresent(requirements::add);
            }
            break;
          default:
            break; // insecureAcceptAnything
        }
      }
      List<Rule> rules = new ArrayList<>();
      if (refusal.isPresent()) {
        rules.add(
            new Rule(
                ruleName(scope),
                match,
                Optional.empty(),
                Optional.of(SignatureRule.refuse(refusal.get())),
                false));
        return rules;
      }
      for (SignatureRule requirement : requirements) {
        rules.add(
            new Rule(ruleName(scope), match, Optional.empty(), Optional.of(requirement), false));
      }
      return rules;
    }

    /** What of a sigstoreSigned requirement Wharf does not check, if anything. */
    private static Optional<String> unsupported(Mapping item) {
      for (Entry e : item.entries()) {
        if (e.key().equals("pki")) {
          return Optional.of("sigstoreSigned with pki");
        }
        if (e.key().equals("signedIdentity")) {
          Optional<String> type =
              e.value() instanceof Mapping ? text((Mapping) e.value(), "type") : Optional.empty();
          if (type.isPresent() && !CHECKED_IDENTITIES.contains(type.get())) {
            return Optional.of("signedIdentity " + type.get());
          }
        }
      }
      return Optional.empty();
    }

    private static Optional<String> text(Mapping mapping, String key) {
      for (Entry e : mapping.entries()) {
        if (e.key().equals(key) && e.value() instanceof PolicyNode.Scalar) {
          return Optional.of(((PolicyNode.Scalar) e.value()).text());
        }
      }
      return Optional.empty();
    }

    /**
     * A key or certificate named in the policy: how reasons name it, its PEM text, and where the
     * policy names it (for errors).
     */
    private record Material(String name, String pem, PolicyNode node, String path) {}

    private Optional<SignatureRule> sigstore(Mapping item, String path) {
      Map<String, Entry> fields = reader.fields(item, path, SIGSTORE_KEYS);
      if (fields == null) {
        return Optional.empty();
      }
      int before = reader.errorCount();
      checkIdentity(fields.get("signedIdentity"), path + ".signedIdentity");
      boolean requireReference = true;
      List<Material> keys = new ArrayList<>();
      int given = 0;
      if (fields.containsKey("keyPath")) {
        given++;
        path(fields.get("keyPath").value(), path + ".keyPath").ifPresent(keys::add);
      }
      if (fields.containsKey("keyPaths")) {
        given++;
        keys.addAll(paths(fields.get("keyPaths"), path + ".keyPaths"));
      }
      if (fields.containsKey("keyData")) {
        given++;
        data(fields.get("keyData").value(), path + ".keyData", "keyData").ifPresent(keys::add);
      }
      if (fields.containsKey("keyDatas")) {
        given++;
        keys.addAll(datas(fields.get("keyDatas"), path + ".keyDatas", "keyDatas"));
      }
      if (fields.containsKey("fulcio")) {
        given++;
      }
      if (given != 1) {
        reader.error(
            item,
            path,
            "a sigstoreSigned has exactly one of keyPath, keyPaths, keyData, keyDatas, fulcio");
        return Optional.empty();
      }
      List<Material> rekor = new ArrayList<>();
      int rekorGiven = 0;
      if (fields.containsKey("rekorPublicKeyPath")) {
        rekorGiven++;
        path(fields.get("rekorPublicKeyPath").value(), path + ".rekorPublicKeyPath")
            .ifPresent(rekor::add);
      }
      if (fields.containsKey("rekorPublicKeyPaths")) {
        rekorGiven++;
        rekor.addAll(paths(fields.get("rekorPublicKeyPaths"), path + ".rekorPublicKeyPaths"));
      }
      if (fields.containsKey("rekorPublicKeyData")) {
        rekorGiven++;
        data(fields.get("rekorPublicKeyData").value(), path + ".rekorPublicKeyData", "rekor")
            .ifPresent(rekor::add);
      }
      if (fields.containsKey("rekorPublicKeyDatas")) {
        rekorGiven++;
        rekor.addAll(
            datas(fields.get("rekorPublicKeyDatas"), path + ".rekorPublicKeyDatas", "rekor"));
      }
      if (rekorGiven > 1) {
        reader.error(item, path, "a sigstoreSigned has at most one of the rekorPublicKey fields");
      }
      if (reader.errorCount() > before) {
        return Optional.empty();
      }
      CosignOptions options = new CosignOptions(requireReference, !rekor.isEmpty());
      String optionsText = (requireReference ? " requireReference" : "") + digests(" rekor", rekor);
      List<SignatureVerifier> verifiers = new ArrayList<>();
      List<String> trust = new ArrayList<>();
      try {
        if (fields.containsKey("fulcio")) {
          if (rekor.isEmpty()) {
            reader.error(
                fields.get("fulcio").value(),
                path + ".fulcio",
                "keyless signatures are checked against Rekor: give rekorPublicKeyPath or"
                    + " rekorPublicKeyData");
            return Optional.empty();
          }
          Optional<Keyless> keyless = fulcio(fields.get("fulcio").value(), path + ".fulcio");
          if (keyless.isEmpty()) {
            return Optional.empty();
          }
          SigstoreTrust root = SigstoreTrust.of(List.of(keyless.get().ca().pem()), pems(rekor));
          verifiers.add(CosignVerifiers.keyless(root, List.of(keyless.get().identity()), options));
          trust.add(
              "keyless "
                  + keyless.get().identity()
                  + digests(" fulcio", List.of(keyless.get().ca()))
                  + optionsText);
        } else {
          SigstoreTrust root = rekor.isEmpty() ? null : SigstoreTrust.of(List.of(), pems(rekor));
          for (Material key : keys) {
            try {
              verifiers.add(CosignVerifiers.publicKey(key.name(), key.pem(), root, options));
              trust.add("key " + key.name() + digests("", List.of(key)) + optionsText);
            } catch (SignatureTrustException e) {
              reader.error(
                  key.node(), key.path(), PolicyFiles.clip(String.valueOf(e.getMessage())));
            }
          }
          if (verifiers.size() < keys.size()) {
            return Optional.empty();
          }
        }
      } catch (SignatureTrustException e) {
        reader.error(item, path, PolicyFiles.clip(String.valueOf(e.getMessage())));
        return Optional.empty();
      }
      return Optional.of(
          new SignatureRule(verifiers, IndexSignatures.SELF, trust, Optional.empty()));
    }

    private static List<String> pems(List<Material> materials) {
      List<String> pems = new ArrayList<>();
      for (Material m : materials) {
        pems.add(m.pem());
      }
      return pems;
    }

    private static String digests(String label, List<Material> materials) {
      StringBuilder out = new StringBuilder(materials.isEmpty() ? "" : label);
      for (Material m : materials) {
        out.append(' ').append(PolicyFiles.sha256(m.pem().getBytes(StandardCharsets.UTF_8)));
      }
      return out.toString();
    }

    /**
     * Checks a {@code signedIdentity}. The ones that get here are {@code matchRepoDigestOrExact}
     * (also when absent), {@code matchRepository} and {@code matchExact}: the signature must name
     * this registry and repository (the tag is not compared).
     */
    private void checkIdentity(Entry entry, String path) {
      if (entry == null) {
        return;
      }
      Map<String, Entry> fields =
          reader.fields(
              entry.value(),
              path,
              List.of("type", "dockerReference", "dockerRepository", "prefix", "signedPrefix"));
      if (fields == null) {
        return;
      }
      if (!fields.containsKey("type")) {
        reader.error(
            entry.value(), path, "'type' is missing: one of " + String.join(", ", IDENTITY_TYPES));
        return;
      }
      reader.word(fields.get("type").value(), path + ".type", IDENTITY_TYPES);
    }

    private record Keyless(Material ca, KeylessIdentity identity) {}

    private Optional<Keyless> fulcio(PolicyNode node, String path) {
      Map<String, Entry> fields = reader.fields(node, path, FULCIO_KEYS);
      if (fields == null) {
        return Optional.empty();
      }
      Optional<Material> ca = Optional.empty();
      if (fields.containsKey("caPath") == fields.containsKey("caData")) {
        reader.error(node, path, "fulcio has exactly one of caPath and caData");
      } else if (fields.containsKey("caPath")) {
        ca = path(fields.get("caPath").value(), path + ".caPath");
      } else {
        ca = data(fields.get("caData").value(), path + ".caData", "caData");
      }
      Optional<String> issuer = required(node, fields, "oidcIssuer", path);
      Optional<String> email = required(node, fields, "subjectEmail", path);
      if (ca.isEmpty() || issuer.isEmpty() || email.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          new Keyless(ca.get(), new KeylessIdentity(issuer.get(), email, Optional.empty())));
    }

    private Optional<String> required(
        PolicyNode node, Map<String, Entry> fields, String key, String path) {
      Entry entry = fields.get(key);
      if (entry == null) {
        reader.error(node, path, "'" + key + "' is missing");
        return Optional.empty();
      }
      return reader.string(entry.value(), path + "." + key, Limits.MAX_STRING);
    }

    private Optional<Material> path(PolicyNode node, String path) {
      Optional<String> name = reader.string(node, path, Limits.MAX_STRING);
      if (name.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(
            new Material(
                PolicyFiles.fileName(name.get()),
                new String(files.read(name.get()), StandardCharsets.UTF_8),
                node,
                path));
      } catch (PolicyFiles.Unreadable e) {
        reader.error(node, path, e.getMessage());
        return Optional.empty();
      }
    }

    private List<Material> paths(Entry entry, String path) {
      List<Material> all = new ArrayList<>();
      List<PolicyNode> items = reader.items(entry, path, SignatureReader.MAX_ITEMS);
      if (items.isEmpty() && entry.value() instanceof PolicyNode.Sequence) {
        reader.error(entry.value(), path, "an empty list trusts nothing");
      }
      for (int i = 0; i < items.size(); i++) {
        path(items.get(i), path + "[" + i + "]").ifPresent(all::add);
      }
      return all;
    }

    private Optional<Material> data(PolicyNode node, String path, String name) {
      Optional<String> text = reader.string(node, path, Limits.MAX_CHARS);
      if (text.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(
            new Material(
                name,
                new String(Base64.getDecoder().decode(text.get().strip()), StandardCharsets.UTF_8),
                node,
                path));
      } catch (IllegalArgumentException e) {
        reader.error(node, path, "not base64");
        return Optional.empty();
      }
    }

    private List<Material> datas(Entry entry, String path, String name) {
      List<Material> all = new ArrayList<>();
      List<PolicyNode> items = reader.items(entry, path, SignatureReader.MAX_ITEMS);
      if (items.isEmpty() && entry.value() instanceof PolicyNode.Sequence) {
        reader.error(entry.value(), path, "an empty list trusts nothing");
      }
      for (int i = 0; i < items.size(); i++) {
        data(items.get(i), path + "[" + i + "]", name + " " + (i + 1)).ifPresent(all::add);
      }
      return all;
    }
  }
}
