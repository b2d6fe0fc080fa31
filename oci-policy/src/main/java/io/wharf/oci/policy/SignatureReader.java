package io.wharf.oci.policy;

import io.wharf.oci.policy.internal.Limits;
import io.wharf.oci.policy.internal.PolicyNode;
import io.wharf.oci.policy.internal.PolicyNode.Entry;
import io.wharf.oci.policy.internal.PolicyNode.Mapping;
import io.wharf.oci.policy.sign.CosignOptions;
import io.wharf.oci.policy.sign.CosignVerifiers;
import io.wharf.oci.policy.sign.KeylessIdentity;
import io.wharf.oci.policy.sign.NotationVerifiers;
import io.wharf.oci.policy.sign.SignatureTrustException;
import io.wharf.oci.policy.sign.SignatureVerifier;
import io.wharf.oci.policy.sign.SigstoreTrust;
import io.wharf.oci.policy.sign.internal.Pem;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a rule's {@code signatures} section for {@link PolicyReader}: cosign keys and keyless
 * identities, a Notation trust policy, how an index is judged. Files are read through {@link
 * PolicyFiles}; every problem, trust material that does not parse included, is an error at the key
 * that names it.
 */
final class SignatureReader {

  static final List<String> SIGNATURE_KEYS = List.of("cosign", "notation", "index");
  static final List<String> COSIGN_KEYS =
      List.of("keys", "keyless", "requireReference", "requireTransparencyLog");
  static final List<String> KEY_KEYS = List.of("file", "pem", "name");
  static final List<String> KEYLESS_KEYS =
      List.of("trustedRoot", "fulcioRoots", "rekorKeys", "identities");
  static final List<String> IDENTITY_KEYS = List.of("issuer", "subject", "subjectPattern");
  static final List<String> NOTATION_KEYS = List.of("trustPolicy", "trustStores");
  static final List<String> INDEX = List.of("self", "children");

  /** The most keys, identities, files per list and trust stores in one rule. */
  static final int MAX_ITEMS = 100;

  private static final Pattern STORE = Pattern.compile("(ca|signingAuthority|tsa):[A-Za-z0-9_.-]+");

  private final PolicyReader reader;
  private final PolicyFiles files;

  SignatureReader(PolicyReader reader, PolicyFiles files) {
    this.reader = reader;
    this.files = files;
  }

  /** The requirement of {@code entry} ({@code rules[i].signatures}); empty after an error. */
  Optional<SignatureRule> read(Entry entry, String path) {
    Map<String, Entry> fields = reader.fields(entry.value(), path, SIGNATURE_KEYS);
    if (fields == null) {
      return Optional.empty();
    }
    int before = reader.errorCount();
    if (!fields.containsKey("cosign") && !fields.containsKey("notation")) {
      reader.error(entry.value(), path, "'signatures' has 'cosign', 'notation' or both");
    }
    IndexSignatures index =
        Optional.ofNullable(fields.get("index"))
            .flatMap(e -> reader.word(e.value(), path + ".index", INDEX))
            .map(s -> IndexSignatures.valueOf(s.toUpperCase(Locale.ROOT)))
            .orElse(IndexSignatures.SELF);
    List<SignatureVerifier> verifiers = new ArrayList<>();
    List<String> trust = new ArrayList<>();
    if (fields.containsKey("cosign")) {
      cosign(fields.get("cosign").value(), path + ".cosign", verifiers, trust);
    }
    if (fields.containsKey("notation")) {
      notation(fields.get("notation").value(), path + ".notation", verifiers, trust);
    }
    if (reader.errorCount() > before || verifiers.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SignatureRule(verifiers, index, trust, Optional.empty()));
  }

  private void cosign(
      PolicyNode node, String path, List<SignatureVerifier> verifiers, List<String> trust) {
    Map<String, Entry> fields = reader.fields(node, path, COSIGN_KEYS);
    if (fields == null) {
      return;
    }
    if (!fields.containsKey("keys") && !fields.containsKey("keyless")) {
      reader.error(node, path, "'cosign' has 'keys', 'keyless' or both");
      return;
    }
    boolean requireReference = flag(fields.get("requireReference"), path + ".requireReference");
    boolean requireLog =
        flag(fields.get("requireTransparencyLog"), path + ".requireTransparencyLog");
    CosignOptions options = new CosignOptions(requireReference, requireLog);
    String optionsText =
        (requireReference ? " requireReference" : "")
            + (requireLog ? " requireTransparencyLog" : "");
    Optional<Root> root = Optional.empty();
    List<KeylessIdentity> identities = List.of();
    Entry keyless = fields.get("keyless");
    if (keyless != null) {
      Map<String, Entry> keylessFields =
          reader.fields(keyless.value(), path + ".keyless", KEYLESS_KEYS);
      if (keylessFields != null) {
        root = root(keyless.value(), keylessFields, path + ".keyless");
        identities = identities(keylessFields.get("identities"), path + ".keyless.identities");
        if (!keylessFields.containsKey("identities")
            && !(fields.containsKey("keys") && requireLog)) {
          reader.error(
              keyless.value(),
              path + ".keyless",
              "'keyless' without 'identities' trusts no signer; name the identities (its trust"
                  + " alone serves only keys with requireTransparencyLog: true)");
        }
      }
    }
    Entry keys = fields.get("keys");
    if (keys != null) {
      if (requireLog && keyless == null) {
        reader.error(
            fields.get("requireTransparencyLog").value(),
            path + ".requireTransparencyLog",
            "a transparency log is checked with its keys: give 'keyless.trustedRoot' or"
                + " 'keyless.rekorKeys'");
      }
      keys(keys, path + ".keys", root, options, optionsText, verifiers, trust);
    }
    if (root.isPresent() && !identities.isEmpty()) {
      verifiers.add(CosignVerifiers.keyless(root.get().trust(), identities, options));
      trust.add("keyless " + identities + " " + root.get().digests() + optionsText);
    }
  }

  private boolean flag(Entry entry, String path) {
    return entry != null && reader.bool(entry.value(), path).orElse(false);
  }

  private void keys(
      Entry entry,
      String path,
      Optional<Root> root,
      CosignOptions options,
      String optionsText,
      List<SignatureVerifier> verifiers,
      List<String> trust) {
    List<PolicyNode> items = reader.items(entry, path, MAX_ITEMS);
    if (items.isEmpty() && entry.value() instanceof PolicyNode.Sequence) {
      reader.error(entry.value(), path, "an empty list trusts no key: remove it or add keys");
    }
    Map<String, PolicyNode> names = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      String itemPath = path + "[" + i + "]";
      PolicyNode item = items.get(i);
      Map<String, Entry> fields = reader.fields(item, itemPath, KEY_KEYS);
      if (fields == null) {
        continue;
      }
      Entry file = fields.get("file");
      Entry pem = fields.get("pem");
      if ((file == null) == (pem == null)) {
        reader.error(item, itemPath, "a key has exactly one of 'file' and 'pem'");
        continue;
      }
      Optional<String> name =
          fields.containsKey("name")
              ? reader.string(fields.get("name").value(), itemPath + ".name", 128)
              : Optional.empty();
      if (fields.containsKey("name") && name.isEmpty()) {
        continue;
      }
      Optional<byte[]> bytes;
      Entry source;
      if (file != null) {
        source = file;
        bytes = file(file.value(), itemPath + ".file");
        if (bytes.isPresent() && name.isEmpty()) {
          name =
              reader
                  .string(file.value(), itemPath + ".file", Limits.MAX_STRING)
                  .map(PolicyFiles::fileName);
        }
      } else {
        source = pem;
        bytes =
            reader
                .string(pem.value(), itemPath + ".pem", Pem.MAX_BYTES)
                .map(t -> t.getBytes(StandardCharsets.UTF_8));
        if (name.isEmpty()) {
          reader.error(item, itemPath, "an inline 'pem' key has a 'name' (reasons name the key)");
          continue;
        }
      }
      if (bytes.isEmpty() || name.isEmpty()) {
        continue;
      }
      PolicyNode first = names.putIfAbsent(name.get(), item);
      if (first != null) {
        reader.error(
            item,
            itemPath,
            "two keys are named '"
                + PolicyFiles.clip(name.get())
                + "' (first at line "
                + first.line()
                + "); name them apart");
        continue;
      }
      String sourcePath = itemPath + (file != null ? ".file" : ".pem");
      try {
        verifiers.add(
            CosignVerifiers.publicKey(
                name.get(),
                new String(bytes.get(), StandardCharsets.UTF_8),
                root.map(Root::trust).orElse(null),
                options));
        trust.add(
            "key "
                + name.get()
                + " "
                + PolicyFiles.sha256(bytes.get())
                + root.map(r -> " log " + r.digests()).orElse("")
                + optionsText);
      } catch (SignatureTrustException e) {
        reader.error(source.value(), sourcePath, oneLine(e.getMessage()));
      }
    }
  }

  /** Trust material and how a policy's content names it. */
  private record Root(SigstoreTrust trust, String digests) {}

  private Optional<Root> root(PolicyNode node, Map<String, Entry> fields, String path) {
    Entry trustedRoot = fields.get("trustedRoot");
    boolean pems = fields.containsKey("fulcioRoots") || fields.containsKey("rekorKeys");
    if (trustedRoot != null && pems) {
      reader.error(
          node,
          path,
          "'trustedRoot' holds the Fulcio roots and Rekor keys: give it, or 'fulcioRoots' and"
              + " 'rekorKeys', not both");
      return Optional.empty();
    }
    if (trustedRoot != null) {
      Optional<byte[]> json = file(trustedRoot.value(), path + ".trustedRoot");
      if (json.isEmpty()) {
        return Optional.empty();
      }
      String name =
          PolicyFiles.fileName(
              reader
                  .string(trustedRoot.value(), path + ".trustedRoot", Limits.MAX_STRING)
                  .orElse("trusted_root.json"));
      try {
        return Optional.of(
            new Root(
                SigstoreTrust.fromTrustedRoot(name, json.get()),
                "root " + PolicyFiles.sha256(json.get())));
      } catch (SignatureTrustException e) {
        reader.error(trustedRoot.value(), path + ".trustedRoot", oneLine(e.getMessage()));
        return Optional.empty();
      }
    }
    if (!pems) {
      reader.error(
          node, path, "'keyless' needs its trust: 'trustedRoot', or 'fulcioRoots' and 'rekorKeys'");
      return Optional.empty();
    }
    int before = reader.errorCount();
    List<String> fulcio = pemFiles(fields.get("fulcioRoots"), path + ".fulcioRoots");
    List<String> rekor = pemFiles(fields.get("rekorKeys"), path + ".rekorKeys");
    if (reader.errorCount() > before) {
      return Optional.empty();
    }
    StringBuilder digests = new StringBuilder("fulcio");
    for (String pem : fulcio) {
      digests.append(' ').append(PolicyFiles.sha256(pem.getBytes(StandardCharsets.UTF_8)));
    }
    digests.append(" rekor");
    for (String pem : rekor) {
      digests.append(' ').append(PolicyFiles.sha256(pem.getBytes(StandardCharsets.UTF_8)));
    }
    try {
      return Optional.of(new Root(SigstoreTrust.of(fulcio, rekor), digests.toString()));
    } catch (SignatureTrustException e) {
      reader.error(node, path, oneLine(e.getMessage()));
      return Optional.empty();
    }
  }

  private List<String> pemFiles(Entry entry, String path) {
    List<String> pems = new ArrayList<>();
    List<PolicyNode> items = reader.items(entry, path, MAX_ITEMS);
    for (int i = 0; i < items.size(); i++) {
      file(items.get(i), path + "[" + i + "]")
          .ifPresent(b -> pems.add(new String(b, StandardCharsets.UTF_8)));
    }
    return pems;
  }

  private List<KeylessIdentity> identities(Entry entry, String path) {
    List<KeylessIdentity> identities = new ArrayList<>();
    List<PolicyNode> items = reader.items(entry, path, MAX_ITEMS);
    if (entry != null && items.isEmpty() && entry.value() instanceof PolicyNode.Sequence) {
      reader.error(entry.value(), path, "an empty list trusts no signer: name the identities");
    }
    for (int i = 0; i < items.size(); i++) {
      String itemPath = path + "[" + i + "]";
      PolicyNode item = items.get(i);
      Map<String, Entry> fields = reader.fields(item, itemPath, IDENTITY_KEYS);
      if (fields == null) {
        continue;
      }
      Optional<String> issuer =
          fields.containsKey("issuer")
              ? reader.string(fields.get("issuer").value(), itemPath + ".issuer", Limits.MAX_STRING)
              : Optional.empty();
      if (!fields.containsKey("issuer")) {
        reader.error(
            item, itemPath, "'issuer' is missing, e.g. 'issuer: https://accounts.google.com'");
      }
      Entry subject = fields.get("subject");
      Entry pattern = fields.get("subjectPattern");
      if ((subject == null) == (pattern == null)) {
        reader.error(
            item, itemPath, "an identity has exactly one of 'subject' and 'subjectPattern'");
        continue;
      }
      Entry given = subject != null ? subject : pattern;
      String givenPath = itemPath + (subject != null ? ".subject" : ".subjectPattern");
      Optional<String> text = reader.string(given.value(), givenPath, Limits.MAX_STRING);
      if (issuer.isEmpty() || text.isEmpty()) {
        continue;
      }
      try {
        identities.add(
            new KeylessIdentity(
                issuer.get(),
                subject != null ? text : Optional.empty(),
                pattern != null ? text : Optional.empty()));
      } catch (IllegalArgumentException e) {
        reader.error(given.value(), givenPath, oneLine(e.getMessage()));
      }
    }
    return identities;
  }

  private void notation(
      PolicyNode node, String path, List<SignatureVerifier> verifiers, List<String> trust) {
    Map<String, Entry> fields = reader.fields(node, path, NOTATION_KEYS);
    if (fields == null) {
      return;
    }
    Entry policy = fields.get("trustPolicy");
    if (policy == null) {
      reader.error(node, path, "'trustPolicy' is missing: the trustpolicy.json to apply");
    }
    int before = reader.errorCount();
    Map<String, List<X509Certificate>> stores = new LinkedHashMap<>();
    StringBuilder digests = new StringBuilder();
    Entry storesEntry = fields.get("trustStores");
    if (storesEntry != null) {
      stores(storesEntry, path + ".trustStores", stores, digests);
    }
    if (policy == null) {
      return;
    }
    Optional<byte[]> json = file(policy.value(), path + ".trustPolicy");
    if (json.isEmpty() || reader.errorCount() > before) {
      return;
    }
    String name =
        "notation trust policy "
            + PolicyFiles.fileName(
                reader
                    .string(policy.value(), path + ".trustPolicy", Limits.MAX_STRING)
                    .orElse("trustpolicy.json"));
    try {
      verifiers.add(NotationVerifiers.trustPolicy(name, json.get(), stores));
      trust.add(name + " " + PolicyFiles.sha256(json.get()) + digests);
    } catch (SignatureTrustException e) {
      reader.error(policy.value(), path + ".trustPolicy", oneLine(e.getMessage()));
    }
  }

  private void stores(
      Entry entry, String path, Map<String, List<X509Certificate>> stores, StringBuilder digests) {
    if (!(entry.value() instanceof Mapping)) {
      reader.error(
          entry.value(),
          path,
          "expected a mapping of trust stores ('ca:e2e') to certificate files");
      return;
    }
    List<Entry> entries = ((Mapping) entry.value()).entries();
    if (entries.size() > MAX_ITEMS) {
      reader.error(entry.value(), path, "more than " + MAX_ITEMS + " trust stores");
      return;
    }
    for (Entry store : entries) {
      String storePath = path + "." + store.key();
      if (!STORE.matcher(store.key()).matches()) {
        reader.error(
            store.line(),
            store.column(),
            storePath,
            "'"
                + PolicyFiles.clip(store.key())
                + "' is not a trust store: ca:NAME, signingAuthority:NAME or tsa:NAME");
        continue;
      }
      if (stores.containsKey(store.key())) {
        reader.error(store.line(), store.column(), storePath, "duplicate trust store");
        continue;
      }
      List<X509Certificate> certificates = new ArrayList<>();
      List<PolicyNode> items = reader.items(store, storePath, MAX_ITEMS);
      if (items.isEmpty() && store.value() instanceof PolicyNode.Sequence) {
        reader.error(store.value(), storePath, "an empty trust store trusts nothing");
      }
      digests.append(' ').append(store.key());
      for (int i = 0; i < items.size(); i++) {
        String itemPath = storePath + "[" + i + "]";
        Optional<byte[]> bytes = file(items.get(i), itemPath);
        if (bytes.isEmpty()) {
          continue;
        }
        String name =
            reader.string(items.get(i), itemPath, Limits.MAX_STRING).orElse("certificate");
        try {
          certificates.addAll(Pem.certificates(PolicyFiles.fileName(name), bytes.get()));
          digests.append(' ').append(PolicyFiles.sha256(bytes.get()));
        } catch (SignatureTrustException e) {
          reader.error(items.get(i), itemPath, oneLine(e.getMessage()));
        }
      }
      stores.put(store.key(), certificates);
    }
  }

  /** The bytes of the file {@code node} names; empty after an error at {@code node}. */
  private Optional<byte[]> file(PolicyNode node, String path) {
    Optional<String> name = reader.string(node, path, Limits.MAX_STRING);
    if (name.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(files.read(name.get()));
    } catch (PolicyFiles.Unreadable e) {
      reader.error(node, path, e.getMessage());
      return Optional.empty();
    }
  }

  private static String oneLine(String message) {
    return PolicyFiles.clip(String.valueOf(message));
  }
}
