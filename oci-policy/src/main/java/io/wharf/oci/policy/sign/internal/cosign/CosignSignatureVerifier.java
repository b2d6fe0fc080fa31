package io.wharf.oci.policy.sign.internal.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.policy.PolicyContext;
import io.wharf.oci.policy.sign.CosignOptions;
import io.wharf.oci.policy.sign.KeylessIdentity;
import io.wharf.oci.policy.sign.SignatureArtifact;
import io.wharf.oci.policy.sign.SignatureCheck;
import io.wharf.oci.policy.sign.SignatureFormat;
import io.wharf.oci.policy.sign.SignatureTrustException;
import io.wharf.oci.policy.sign.SignatureVerifier;
import io.wharf.oci.policy.sign.SignedSubject;
import io.wharf.oci.policy.sign.internal.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Verifies cosign signatures ({@code .sig} manifests of simple-signing layers, with their
 * certificate, chain and Rekor bundle annotations) and Sigstore bundles (message signatures and
 * DSSE envelopes), against a public key or against keyless identities under a Sigstore trust.
 * Immutable and thread-safe; every check of a stranger's input is a {@link SignatureCheck}, never
 * an exception.
 *
 * <p>For each signature, in this order: the signature verifies with the key (key-based) or the
 * certificate's key (keyless); each transparency-log entry verifies and records this signature
 * (always for keyless, when the options require it or a trust is given for key-based); for keyless,
 * the certificate chains to a Fulcio authority at the time a signed entry timestamp vouches for and
 * names a trusted identity; then the signed content names the subject: the simple-signing payload's
 * {@code docker-manifest-digest} (and its {@code docker-reference} when required), a message
 * signature's digest, or a DSSE in-toto statement's subject digest.
 */
public final class CosignSignatureVerifier implements SignatureVerifier {

  /** cosign's signature annotation on a simple-signing layer. */
  public static final String SIGNATURE = "dev.cosignproject.cosign/signature";

  /** cosign's keyless certificate annotation (PEM). */
  public static final String CERTIFICATE = "dev.sigstore.cosign/certificate";

  /** cosign's keyless chain annotation (PEM). */
  public static final String CHAIN = "dev.sigstore.cosign/chain";

  /** cosign's Rekor bundle annotation (the SET and the entry). */
  public static final String BUNDLE = "dev.sigstore.cosign/bundle";

  private static final String IN_TOTO = "application/vnd.in-toto+json";

  /** The in-toto predicate type of cosign's DSSE image signatures ({@code cosign sign}). */
  static final String SIGNING_PREDICATE = "https://sigstore.dev/cosign/sign/v1";

  private final String name;
  private final @Nullable PublicKey key;
  private final List<KeylessIdentity> identities;
  private final @Nullable TrustRoot trust;
  private final CosignOptions options;

  private CosignSignatureVerifier(
      String name,
      @Nullable PublicKey key,
      List<KeylessIdentity> identities,
      @Nullable TrustRoot trust,
      CosignOptions options) {
    this.name = name;
    this.key = key;
    this.identities = List.copyOf(identities);
    this.trust = trust;
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * A verifier of signatures by {@code key}, named {@code key <name>}.
   *
   * @throws SignatureTrustException when the options require a transparency log and no trust is
   *     given to check it with
   */
  public static CosignSignatureVerifier publicKey(
      String name, PublicKey key, @Nullable TrustRoot trust, CosignOptions options)
      throws SignatureTrustException {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(key, "key");
    if (options.requireTransparencyLog() && (trust == null || trust.rekor().isEmpty())) {
      throw new SignatureTrustException(
          name + ": a transparency log is required but no trusted root with a Rekor key is given");
    }
    return new CosignSignatureVerifier("key " + name, key, List.of(), trust, options);
  }

  /** A verifier of keyless signatures by one of {@code identities} under {@code trust}. */
  public static CosignSignatureVerifier keyless(
      TrustRoot trust, List<KeylessIdentity> identities, CosignOptions options) {
    Objects.requireNonNull(trust, "trust");
    if (identities.isEmpty()) {
      throw new IllegalArgumentException("a keyless verifier trusts at least one identity");
    }
    String names =
        identities.stream().map(KeylessIdentity::toString).collect(Collectors.joining(", "));
    return new CosignSignatureVerifier("keyless " + names, null, identities, trust, options);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<SignatureFormat> formats() {
    return EnumSet.of(SignatureFormat.COSIGN, SignatureFormat.SIGSTORE_BUNDLE);
  }

  @Override
  public List<SignatureCheck> verify(
      SignedSubject subject, SignatureArtifact artifact, PolicyContext facts, Instant now)
      throws IOException {
    Manifest parsed;
    try {
      parsed = artifact.manifest().parse();
    } catch (InvalidContentException e) {
      return List.of(failed("the signature manifest " + artifact.digest() + " is invalid"));
    }
    if (!(parsed instanceof ImageManifest manifest)) {
      return List.of(failed("the signature manifest " + artifact.digest() + " is an index"));
    }
    if (manifest.layers().isEmpty()) {
      return List.of(failed("the signature manifest " + artifact.digest() + " has no layers"));
    }
    if (manifest.layers().size() > CosignLimits.MAX_LAYERS) {
      return List.of(
          failed(
              "the signature manifest "
                  + artifact.digest()
                  + " has more than "
                  + CosignLimits.MAX_LAYERS
                  + " layers"));
    }
    List<SignatureCheck> checks = new ArrayList<>();
    for (Descriptor layer : manifest.layers()) {
      checks.add(
          artifact.format() == SignatureFormat.SIGSTORE_BUNDLE
              ? bundleLayer(subject, layer, facts, now)
              : cosignLayer(subject, layer, facts, now));
    }
    return checks;
  }

  /**
   * Verifies {@code bundleJson} as a bundle over an artifact whose SHA-256 is {@code
   * artifactDigest} (whose bytes are {@code artifact}, when known: an RSA or Ed25519 message
   * signature needs them). A DSSE bundle's in-toto statement must name the digest among its
   * subjects.
   */
  public SignatureCheck verifyBundle(
      byte[] bundleJson, Digest artifactDigest, Optional<byte[]> artifact, Instant now) {
    try {
      return bundle(
          SigstoreBundle.parse(bundleJson), artifactDigest, artifact, Optional.empty(), now);
    } catch (Failure e) {
      return failed(e.getMessage());
    } catch (RuntimeException e) {
      return failed("the bundle cannot be checked: " + e.getClass().getSimpleName());
    }
  }

  private SignatureCheck cosignLayer(
      SignedSubject subject, Descriptor layer, PolicyContext facts, Instant now)
      throws IOException {
    return guarded(
        "signature",
        () -> {
          if (!layer.mediaType().is(MediaType.COSIGN_SIMPLE_SIGNING)) {
            throw new Failure(
                "layer "
                    + layer.digest()
                    + " is "
                    + layer.mediaType()
                    + ", not a simple-signing payload");
          }
          Map<String, String> annotations = layer.annotations();
          String encoded = annotations.get(SIGNATURE);
          if (encoded == null) {
            throw new Failure("layer " + layer.digest() + " has no " + SIGNATURE + " annotation");
          }
          byte[] signature =
              BoundedJson.decode("the signature annotation", bounded(encoded, SIGNATURE));
          byte[] payload = read(facts, layer, CosignLimits.MAX_PAYLOAD_BYTES, "payload");
          Optional<X509Certificate> certificate = Optional.empty();
          List<X509Certificate> chain = List.of();
          if (annotations.containsKey(CERTIFICATE)) {
            certificate =
                Optional.of(pemCertificates(annotations.get(CERTIFICATE), CERTIFICATE).get(0));
          }
          if (annotations.containsKey(CHAIN)) {
            chain = pemCertificates(annotations.get(CHAIN), CHAIN);
          }
          List<LogEntry> entries = new ArrayList<>();
          if (annotations.containsKey(BUNDLE)) {
            entries.add(LogEntry.fromCosignBundle(bounded(annotations.get(BUNDLE), BUNDLE)));
          }
          PublicKey verifying = verifyingKey(certificate);
          if (!KeySignatures.verifies(verifying, payload, signature)) {
            throw new Failure("the signature does not verify with " + keyName());
          }
          String signer =
              authenticate(
                  certificate,
                  chain,
                  entries,
                  new TransparencyLog.Expected(
                      TrustRoot.sha256(payload),
                      List.of(signature),
                      Optional.ofNullable(key),
                      keyless(certificate)),
                  now);
          SimpleSigningPayload statement = SimpleSigningPayload.parse(payload);
          if (!statement.manifestDigest().equals(subject.descriptor().digest())) {
            throw new Failure("signature does not match the manifest digest");
          }
          if (options.requireReference()
              && !statement.names(subject.registry(), subject.repository().value())) {
            throw new Failure(
                "the signature names "
                    + statement.dockerReference()
                    + ", not "
                    + (subject.registry().isEmpty() ? "" : subject.registry() + "/")
                    + subject.repository());
          }
          return SignatureCheck.verified(signer);
        });
  }

  private SignatureCheck bundleLayer(
      SignedSubject subject, Descriptor layer, PolicyContext facts, Instant now)
      throws IOException {
    return guarded(
        "bundle",
        () -> {
          if (!layer.mediaType().essence().startsWith("application/vnd.dev.sigstore.bundle")) {
            throw new Failure(
                "layer " + layer.digest() + " is " + layer.mediaType() + ", not a Sigstore bundle");
          }
          SigstoreBundle bundle =
              SigstoreBundle.parse(read(facts, layer, CosignLimits.MAX_BUNDLE_BYTES, "bundle"));
          Digest digest = subject.descriptor().digest();
          if (digest.algorithmKind().orElse(null) != DigestAlgorithm.SHA256) {
            throw new Failure("the manifest digest is not a SHA-256, which bundles sign");
          }
          SignatureCheck check = bundle(bundle, digest, Optional.empty(), Optional.of(facts), now);
          if (check.verified() && bundle.envelope().isPresent()) {
            requireSigningPredicate(bundle.envelope().get());
          }
          return check;
        });
  }

  /**
   * A DSSE bundle counts as a signature of an image only when its statement is cosign's signing
   * predicate, as {@code cosign sign} makes it: an attestation by the same signer (an SBOM, a
   * provenance, a scan) is a claim about the image, not its approval, as {@code cosign verify} also
   * holds.
   */
  private static void requireSigningPredicate(SigstoreBundle.Envelope envelope) throws Failure {
    JsonNode statement =
        BoundedJson.object(
            "the in-toto statement", envelope.payload(), CosignLimits.MAX_BUNDLE_BYTES);
    JsonNode predicate = statement.get("predicateType");
    String type = predicate != null && predicate.isTextual() ? predicate.asText() : "none";
    if (!SIGNING_PREDICATE.equals(type)) {
      throw new Failure(
          "the bundle is an attestation (predicate "
              + (type.length() > 200 ? type.substring(0, 200) + "…" : type)
              + "), not a signature");
    }
  }

  /** One check of a stranger's input: its steps, which fail with a {@link Failure}. */
  private interface Step {
    SignatureCheck run() throws Failure, IOException;
  }

  /**
   * Runs {@code step}: a {@link Failure} is a failed check with its reason; an unexpected runtime
   * exception (none is known: the fuzz tests look for them) too, naming only its class.
   */
  private SignatureCheck guarded(String what, Step step) throws IOException {
    try {
      return step.run();
    } catch (Failure e) {
      return failed(e.getMessage());
    } catch (RuntimeException e) {
      return failed("the " + what + " cannot be checked: " + e.getClass().getSimpleName());
    }
  }

  private SignatureCheck bundle(
      SigstoreBundle bundle,
      Digest subject,
      Optional<byte[]> content,
      Optional<PolicyContext> facts,
      Instant now)
      throws Failure {
    PublicKey verifying = verifyingKey(bundle.certificate());
    byte[] payloadHash;
    List<byte[]> signatures;
    if (bundle.messageSignature().isPresent()) {
      SigstoreBundle.MessageSignature message = bundle.messageSignature().get();
      signatures = List.of(message.signature());
      payloadHash = message.digest();
      boolean verified;
      if (verifying instanceof java.security.interfaces.ECPublicKey) {
        verified = KeySignatures.verifiesDigest(verifying, message.digest(), message.signature());
      } else {
        byte[] bytes = content.orElse(null);
        if (bytes == null && facts.isPresent()) {
          bytes = manifestBytes(facts.get(), subject);
        }
        if (bytes == null) {
          throw new Failure(
              "a " + KeySignatures.describe(verifying) + " message signature needs the artifact");
        }
        verified =
            MessageDigest.isEqual(TrustRoot.sha256(bytes), message.digest())
                && KeySignatures.verifies(verifying, bytes, message.signature());
      }
      if (!verified) {
        throw new Failure("the bundle's signature does not verify with " + keyName());
      }
    } else {
      SigstoreBundle.Envelope envelope = bundle.envelope().orElseThrow();
      signatures = envelope.signatures();
      payloadHash = TrustRoot.sha256(envelope.payload());
      byte[] pae = envelope.pae();
      if (signatures.stream().noneMatch(s -> KeySignatures.verifies(verifying, pae, s))) {
        throw new Failure("the DSSE signature does not verify with " + keyName());
      }
    }
    String signer =
        authenticate(
            bundle.certificate(),
            bundle.chain(),
            bundle.entries(),
            new TransparencyLog.Expected(
                payloadHash, signatures, Optional.ofNullable(key), keyless(bundle.certificate())),
            now);
    if (bundle.messageSignature().isPresent()) {
      SigstoreBundle.MessageSignature message = bundle.messageSignature().get();
      String algorithm = message.algorithm();
      if (!"SHA2_256".equals(algorithm)) {
        throw new Failure(
            "the bundle's message digest is "
                + (algorithm.length() > 40 ? algorithm.substring(0, 40) + "…" : algorithm)
                + "; only SHA2_256 digests are supported");
      }
      if (!MessageDigest.isEqual(message.digest(), subject.hashBytes())) {
        throw new Failure("signature does not match the manifest digest");
      }
    } else {
      requireStatementSubject(bundle.envelope().orElseThrow(), subject);
    }
    return SignatureCheck.verified(signer);
  }

  private static void requireStatementSubject(SigstoreBundle.Envelope envelope, Digest subject)
      throws Failure {
    if (!IN_TOTO.equals(envelope.payloadType())) {
      throw new Failure(
          "the DSSE payload is " + envelope.payloadType() + ", not an in-toto statement");
    }
    JsonNode statement =
        BoundedJson.object(
            "the in-toto statement", envelope.payload(), CosignLimits.MAX_BUNDLE_BYTES);
    String type = BoundedJson.text(statement, "the in-toto statement", "_type");
    if (!type.startsWith("https://in-toto.io/Statement/")) {
      throw new Failure("the DSSE payload is not an in-toto statement");
    }
    JsonNode subjects =
        BoundedJson.array(statement, "the in-toto statement", "subject", CosignLimits.MAX_SUBJECTS);
    for (JsonNode s : subjects) {
      JsonNode digests = s.get("digest");
      if (digests != null
          && digests.isObject()
          && digests.get("sha256") != null
          && subject.encoded().equalsIgnoreCase(digests.get("sha256").asText())) {
        return;
      }
    }
    throw new Failure(
        "signature does not match the manifest digest (not a subject of the statement)");
  }

  /**
   * Checks who signed, beyond the signature: the log entries (each must verify; keyless needs one
   * whose SET gives the time) and, for keyless, the certificate at that time and its identity.
   *
   * @return how the check names the signer
   */
  private String authenticate(
      Optional<X509Certificate> certificate,
      List<X509Certificate> chain,
      List<LogEntry> entries,
      TransparencyLog.Expected expected,
      Instant now)
      throws Failure {
    Optional<Instant> integrated = Optional.empty();
    boolean checkLog =
        trust != null && (key == null || options.requireTransparencyLog() || !entries.isEmpty());
    if ((key == null || options.requireTransparencyLog()) && entries.isEmpty()) {
      throw new Failure("the signature has no transparency-log entry, and one is required");
    }
    if (checkLog) {
      for (LogEntry entry : entries) {
        Optional<Instant> time = TransparencyLog.verify(entry, trust, expected, now);
        if (integrated.isEmpty()) {
          integrated = time;
        }
      }
    }
    if (key != null) {
      return name;
    }
    if (integrated.isEmpty()) {
      throw new Failure(
          "no signed entry timestamp vouches for when the certificate was used"
              + " (RFC 3161 timestamps are not supported)");
    }
    FulcioCertificates.Identity identity =
        FulcioCertificates.verify(certificate.orElseThrow(), chain, trust, integrated.get());
    for (KeylessIdentity trusted : identities) {
      if (trusted.matches(identity.issuer(), identity.subject())) {
        return identity.toString();
      }
    }
    throw new Failure("the certificate is issued to " + identity + ", not to a trusted identity");
  }

  private PublicKey verifyingKey(Optional<X509Certificate> certificate) throws Failure {
    if (key != null) {
      return key;
    }
    return certificate
        .orElseThrow(() -> new Failure("the signature carries no certificate (it is not keyless)"))
        .getPublicKey();
  }

  /**
   * The certificate a log entry must record: none for a key-based verifier, which checks its key.
   */
  private Optional<X509Certificate> keyless(Optional<X509Certificate> certificate) {
    return key == null ? certificate : Optional.empty();
  }

  private String keyName() {
    return key != null ? name : "its certificate's key";
  }

  private SignatureCheck failed(String message) {
    return SignatureCheck.failed(name, message);
  }

  private static byte @Nullable [] manifestBytes(PolicyContext facts, Digest digest) {
    try {
      return facts.manifest(digest).map(m -> m.bytes().toByteArray()).orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static String bounded(String annotation, String name) throws Failure {
    if (annotation.length() > CosignLimits.MAX_ANNOTATION_BYTES) {
      throw new Failure(
          "the " + name + " annotation is longer than " + CosignLimits.MAX_ANNOTATION_BYTES);
    }
    return annotation;
  }

  private static List<X509Certificate> pemCertificates(String pem, String name) throws Failure {
    try {
      List<X509Certificate> certs = Pem.certificates(name, bounded(pem, name));
      if (certs.size() >= CosignLimits.MAX_CHAIN) {
        throw new Failure(
            "the "
                + name
                + " annotation holds more than "
                + CosignLimits.MAX_CHAIN
                + " certificates");
      }
      return certs;
    } catch (SignatureTrustException e) {
      throw new Failure("the " + name + " annotation is not a PEM certificate");
    }
  }

  private static byte[] read(PolicyContext facts, Descriptor layer, int max, String what)
      throws IOException, Failure {
    if (layer.size() > max) {
      throw new Failure("the " + what + " " + layer.digest() + " is larger than " + max + " bytes");
    }
    try (InputStream in = facts.openBlob(layer.digest())) {
      return Bytes.readAtMost(in, max).toByteArray();
    } catch (NotFoundException e) {
      throw new Failure("the " + what + " " + layer.digest() + " is not in the repository");
    } catch (Bytes.TooLargeException e) {
      throw new Failure("the " + what + " " + layer.digest() + " is larger than " + max + " bytes");
    } catch (InvalidContentException e) {
      throw new Failure("the " + what + " " + layer.digest() + " does not match its digest");
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
