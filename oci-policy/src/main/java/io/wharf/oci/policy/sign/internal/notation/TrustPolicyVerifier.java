package io.wharf.oci.policy.sign.internal.notation;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.error.OciException;
import io.wharf.oci.policy.PolicyContext;
import io.wharf.oci.policy.sign.SignatureArtifact;
import io.wharf.oci.policy.sign.SignatureCheck;
import io.wharf.oci.policy.sign.SignatureFormat;
import io.wharf.oci.policy.sign.SignatureTrustException;
import io.wharf.oci.policy.sign.SignatureVerifier;
import io.wharf.oci.policy.sign.SignedSubject;
import io.wharf.oci.policy.sign.internal.notation.Envelope.SigningScheme;
import io.wharf.oci.policy.sign.internal.notation.TrustPolicy.Action;
import io.wharf.oci.policy.sign.internal.notation.TrustPolicy.Level;
import io.wharf.oci.policy.sign.internal.notation.TrustPolicy.Statement;
import io.wharf.oci.policy.sign.internal.notation.TrustPolicy.Validation;
import io.wharf.oci.policy.sign.internal.notation.TrustPolicy.VerifyTimestamp;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies Notation signatures under a trust policy document, as Notation does: the statement for
 * the subject's {@code registry/repository} chooses the level; integrity (the envelope, its
 * signature, the payload naming the subject), authenticity (the chain leads to a trust store of the
 * signing scheme's type and the signer is a trusted identity), authentic timestamp, expiry and
 * revocation are each enforced, logged (a warning of the check) or skipped as the level and its
 * overrides say. Immutable and thread-safe.
 *
 * <p>Revocation is checked offline only: a certificate that names no CRL distribution point and no
 * OCSP responder is not revocable (as Notation treats it), nor is a self-signed root (Notation
 * never checks the root that ends a chain); one that names them has an unknown status offline,
 * which fails where revocation is enforced and is a warning where it is logged.
 */
public final class TrustPolicyVerifier implements SignatureVerifier {

  private final String name;
  private final TrustPolicy policy;
  private final Map<String, List<X509Certificate>> stores;

  private TrustPolicyVerifier(
      String name, TrustPolicy policy, Map<String, List<X509Certificate>> stores) {
    this.name = name;
    this.policy = policy;
    this.stores = stores;
  }

  /**
   * A verifier named {@code name} of the trust policy document {@code json} with the certificates
   * of {@code trustStores} by {@code type:name}.
   *
   * @throws SignatureTrustException when the document is malformed, or names a trust store that
   *     {@code trustStores} lacks or holds no certificate
   */
  public static TrustPolicyVerifier create(
      String name, byte[] json, Map<String, List<X509Certificate>> trustStores)
      throws SignatureTrustException {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(trustStores, "trustStores");
    TrustPolicy policy = TrustPolicy.parse(json);
    Map<String, List<X509Certificate>> stores = new HashMap<>();
    for (Statement statement : policy.statements()) {
      for (String store : statement.trustStores()) {
        List<X509Certificate> certificates = trustStores.get(store);
        if (certificates == null) {
          throw new SignatureTrustException(
              "trust policy statement \""
                  + statement.name()
                  + "\" names trust store "
                  + store
                  + ", which is not given");
        }
        if (certificates.isEmpty()) {
          throw new SignatureTrustException("trust store " + store + " holds no certificate");
        }
        for (X509Certificate certificate : certificates) {
          Objects.requireNonNull(certificate, "a certificate of trust store " + store);
        }
        stores.put(store, List.copyOf(certificates));
      }
    }
    return new TrustPolicyVerifier(name, policy, Map.copyOf(stores));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<SignatureFormat> formats() {
    return Set.of(SignatureFormat.NOTATION);
  }

  @Override
  public List<SignatureCheck> verify(
      SignedSubject subject, SignatureArtifact artifact, PolicyContext facts, Instant now)
      throws IOException {
    String scope =
        subject.registry().isEmpty()
            ? subject.repository().value()
            : subject.registry() + "/" + subject.repository().value();
    Optional<Statement> found = policy.statementFor(scope);
    if (found.isEmpty()) {
      return List.of(
          SignatureCheck.failed(
              name,
              "no trust policy statement applies to "
                  + scope
                  + (subject.registry().isEmpty() ? " (the registry name is unknown)" : "")));
    }
    Statement statement = found.get();
    if (statement.level() == Level.SKIP) {
      return List.of(
          SignatureCheck.verified(
              "trust policy statement " + statement.name(),
              List.of(
                  "signature verification skipped: trust policy statement "
                      + statement.name()
                      + " is at level skip")));
    }
    Envelope envelope;
    try {
      Descriptor layer = envelopeLayer(subject, artifact);
      envelope = Envelopes.parse(layer.mediaType().value(), read(layer, facts));
    } catch (BadSignatureException e) {
      return List.of(SignatureCheck.failed(name, Validation.INTEGRITY + ": " + e.getMessage()));
    }
    return List.of(new Judgement(statement, envelope, subject, now).run());
  }

  /** The envelope's layer, after checking the signature manifest's shape. */
  private static Descriptor envelopeLayer(SignedSubject subject, SignatureArtifact artifact)
      throws BadSignatureException {
    Manifest manifest;
    try {
      manifest = artifact.manifest().parse();
    } catch (OciException e) {
      throw new BadSignatureException("the signature manifest is invalid");
    }
    if (!(manifest instanceof ImageManifest image)) {
      throw new BadSignatureException("the signature manifest is an index");
    }
    MediaType type = manifest.effectiveArtifactType().orElse(image.config().mediaType());
    if (!type.is(SignatureFormat.NOTATION.artifactType())) {
      throw new BadSignatureException(
          "the artifact type is " + Envelopes.clip(type.value()) + ", not a Notation signature's");
    }
    if (manifest.subject().isPresent()
        && !manifest.subject().get().digest().equals(subject.descriptor().digest())) {
      throw new BadSignatureException(
          "the signature manifest's subject is "
              + manifest.subject().get().digest()
              + ", not "
              + subject.descriptor().digest());
    }
    if (image.layers().size() != 1) {
      throw new BadSignatureException(
          "a Notation signature manifest has one layer, this one has " + image.layers().size());
    }
    Descriptor layer = image.layers().get(0);
    if (layer.size() > Envelopes.MAX_BYTES) {
      throw new BadSignatureException(
          "the envelope is larger than " + Envelopes.MAX_BYTES + " bytes");
    }
    return layer;
  }

  /** The envelope's bytes, read to the end (so that the digest is checked) under the bound. */
  private static byte[] read(Descriptor layer, PolicyContext facts)
      throws IOException, BadSignatureException {
    try (InputStream in = facts.openBlob(layer.digest())) {
      byte[] bytes = in.readNBytes(Envelopes.MAX_BYTES + 1);
      if (bytes.length != layer.size()) {
        throw new BadSignatureException(
            "the envelope blob is not of the size its descriptor says (" + layer.size() + ")");
      }
      return bytes;
    } catch (NotFoundException e) {
      throw new BadSignatureException("the envelope blob " + layer.digest() + " is not here");
    } catch (OciException e) {
      throw new BadSignatureException("the envelope blob does not match its digest");
    }
  }

  /** One signature judged: the validations in Notation's order, under one statement. */
  private final class Judgement {
    private final Statement statement;
    private final Envelope envelope;
    private final SignedSubject subject;
    private final Instant now;
    private final String signer;
    private final List<String> warnings = new ArrayList<>();

    Judgement(Statement statement, Envelope envelope, SignedSubject subject, Instant now) {
      this.statement = statement;
      this.envelope = envelope;
      this.subject = subject;
      this.now = now;
      this.signer = CertificateChains.name(envelope.leaf());
    }

    SignatureCheck run() {
      for (Validation validation : Validation.values()) {
        Action action = statement.action(validation);
        if (action == Action.SKIP) {
          continue;
        }
        Optional<String> problem;
        try {
          problem = check(validation);
        } catch (RuntimeException e) {
          problem =
              Optional.of(
                  "the signature could not be checked (" + e.getClass().getSimpleName() + ")");
        }
        if (problem.isEmpty()) {
          continue;
        }
        String message = validation + ": " + problem.get();
        if (action == Action.ENFORCE) {
          return SignatureCheck.failed(signer, message);
        }
        warnings.add(message);
      }
      return SignatureCheck.verified(signer, warnings);
    }

    private Optional<String> check(Validation validation) {
      switch (validation) {
        case INTEGRITY:
          return integrity();
        case AUTHENTICITY:
          return authenticity();
        case AUTHENTIC_TIMESTAMP:
          return authenticTimestamp();
        case EXPIRY:
          return envelope
              .expiry()
              .filter(now::isAfter)
              .map(expiry -> "the signature expired at " + expiry);
        default:
          return revocation();
      }
    }

    private Optional<String> integrity() {
      X509Certificate leaf = envelope.leaf();
      Optional<SignatureAlgorithm> expected = SignatureAlgorithm.forKey(leaf.getPublicKey());
      if (expected.isEmpty()) {
        return Optional.of(
            "the signing certificate's key ("
                + SignatureAlgorithm.describe(leaf.getPublicKey())
                + ") is not one Notation signs with");
      }
      if (expected.get() != envelope.algorithm()) {
        return Optional.of(
            "the signing certificate's key ("
                + SignatureAlgorithm.describe(leaf.getPublicKey())
                + ") signs with "
                + expected.get()
                + ", the envelope says "
                + envelope.algorithm());
      }
      if (!envelope.signatureVerifies()) {
        return Optional.of("the signature does not verify");
      }
      if (!envelope.target().matches(subject.descriptor())) {
        return Optional.of(
            "the signature is over "
                + envelope.target()
                + ", not "
                + subject.descriptor().digest());
      }
      return Optional.empty();
    }

    private Optional<String> authenticity() {
      String type = envelope.scheme().storeType();
      List<String> names = statement.storesOfType(type);
      if (names.isEmpty()) {
        return Optional.of(
            "trust policy statement "
                + statement.name()
                + " names no trust store of type "
                + type
                + " for a "
                + envelope.scheme()
                + " signature");
      }
      Optional<String> leaf = CertificateChains.leafProblem(envelope.leaf());
      if (leaf.isPresent()) {
        return leaf;
      }
      Instant at =
          envelope.scheme() == SigningScheme.SIGNING_AUTHORITY
              ? envelope.authenticSigningTime().orElseThrow()
              : envelope.signingTime();
      Optional<String> trust =
          CertificateChains.trustProblem(
              envelope.chain(), certificates(names), String.join(", ", names), at);
      if (trust.isPresent()) {
        return trust;
      }
      if (statement.anyIdentity()) {
        return Optional.empty();
      }
      for (TrustedIdentity identity : statement.identities()) {
        if (identity.matches(envelope.leaf())) {
          return Optional.empty();
        }
      }
      return Optional.of(
          "the signing certificate "
              + signer
              + " is none of the trusted identities of trust policy statement "
              + statement.name());
    }

    private Optional<String> authenticTimestamp() {
      List<X509Certificate> chain = envelope.chain();
      if (envelope.scheme() == SigningScheme.SIGNING_AUTHORITY) {
        Instant at = envelope.authenticSigningTime().orElseThrow();
        return CertificateChains.validityProblem(chain, at, at)
            .map(p -> p + " (authentic signing time " + at + ")");
      }
      Optional<String> current = CertificateChains.validityProblem(chain, now, now);
      Optional<byte[]> token = envelope.timestamp();
      if (token.isEmpty()) {
        return current.map(p -> p + " and the signature has no timestamp");
      }
      if (current.isEmpty() && statement.verifyTimestamp() == VerifyTimestamp.AFTER_CERT_EXPIRY) {
        return Optional.empty();
      }
      List<String> names = statement.storesOfType("tsa");
      if (names.isEmpty()) {
        return Optional.of(
            "trust policy statement "
                + statement.name()
                + " names no trust store of type tsa to verify the timestamp");
      }
      Timestamps.Stamp stamp;
      try {
        stamp =
            Timestamps.verify(
                token.get(), envelope.signature(), certificates(names), String.join(", ", names));
      } catch (BadSignatureException e) {
        return Optional.of(e.getMessage());
      }
      return CertificateChains.validityProblem(chain, stamp.from(), stamp.to())
          .map(p -> p + " (timestamp " + stamp + ")");
    }

    private Optional<String> revocation() {
      for (X509Certificate cert : envelope.chain()) {
        if (CertificateChains.revocable(cert)) {
          return Optional.of(
              "the revocation status of certificate "
                  + CertificateChains.name(cert)
                  + " is unknown: it names CRL or OCSP endpoints, which Wharf does not query");
        }
      }
      return Optional.empty();
    }

    private List<X509Certificate> certificates(List<String> names) {
      List<X509Certificate> all = new ArrayList<>();
      for (String store : names) {
        all.addAll(stores.get(store));
      }
      return all;
    }
  }
}
