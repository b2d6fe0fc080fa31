package io.wharf.oci.policy.sign.internal.notation;

import static io.wharf.oci.model.testing.OciGenerators.byteArrays;
import static io.wharf.oci.model.testing.OciGenerators.ints;
import static io.wharf.oci.model.testing.OciGenerators.pick;
import static io.wharf.oci.policy.sign.NotationFixtures.bytes;
import static io.wharf.oci.policy.sign.NotationFixtures.certificates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.testing.OciGenerators;
import io.wharf.oci.policy.sign.NotationFixtures;
import io.wharf.oci.policy.sign.NotationFixtures.Signed;
import io.wharf.oci.policy.sign.SignatureCheck;
import io.wharf.oci.policy.sign.SignatureTrustException;
import io.wharf.oci.policy.sign.SignatureVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Whatever a stranger puts in a Notation signature's layer, the verifier answers with one {@link
 * SignatureCheck}, never an exception: the real envelopes (JWS and COSE, with timestamps) with a
 * byte changed, cut or repeated, random bytes, and random JSON. A changed signature value never
 * verifies. Trust policies with a character changed load or are refused with a {@link
 * SignatureTrustException}. Every parser (CBOR, DER, payload) refuses what it cannot read with
 * {@link BadSignatureException}.
 */
class NotationPropertiesTest {

  private static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");

  /** A real envelope, its media type, what it signs and a verifier that accepts it. */
  private record Real(
      String file, String mediaType, Descriptor subject, SignatureVerifier verifier) {}

  private static final List<Real> REAL = real();

  private static List<Real> real() {
    try {
      Map<String, List<X509Certificate>> stores =
          Map.of(
              "ca:e2e", certificates("certs/e2e.crt"),
              "ca:root",
                  certificates(
                      "notation-go/truststore/x509/ca/valid-trust-store/NotationTestRoot.pem"),
              "ca:alpine",
                  certificates(
                      "notation-go/truststore/x509/ca/valid-trust-store/TestTimestamp.crt"),
              "tsa:globalsign",
                  certificates(
                      "notation-go/truststore/x509/tsa/test-timestamp/globalsignRoot.cer"));
      byte[] policy =
          NotationFixtures.policy(
              "strict",
              "",
              List.of("ca:e2e", "ca:root", "ca:alpine", "tsa:globalsign"),
              List.of("*"));
      SignatureVerifier verifier =
          io.wharf.oci.policy.sign.NotationVerifiers.trustPolicy("fuzz", policy, stores);
      Descriptor timestamped =
          NotationFixtures.docker528(
              "sha256:c0669ef34cdc14332c0f1ab0c2c01acb91d96014b172f1a76f3a39e63d1f0bda");
      return List.of(
          new Real(
              "oci-layouts/e2e-valid-signature/blobs/sha256/c9af07e038b2b1a463e648986ad7273157511ffeba0b689f33e5472bae471f50",
              Envelopes.JWS,
              NotationFixtures.layout("e2e-valid-signature").subject().descriptor(),
              verifier),
          new Real(
              "notation-go/mock/ca_valid_sig_env.json",
              Envelopes.JWS,
              NotationFixtures.docker528(
                  "sha256:60043cf45eaebc4c0867fea485a039b598f52fd09fd5b07b0b2d2f88fad9d74e"),
              verifier),
          new Real("notation-go/jwsWithTimestamp.sig", Envelopes.JWS, timestamped, verifier),
          new Real("notation-go/coseWithTimestamp.sig", Envelopes.COSE, timestamped, verifier));
    } catch (SignatureTrustException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SignatureCheck check(Real real, byte[] envelope) {
    Signed signed = NotationFixtures.envelope(envelope, real.mediaType, real.subject);
    List<SignatureCheck> checks;
    try {
      checks = real.verifier.verify(signed.subject(), signed.signature(), signed.facts(), NOW);
    } catch (IOException e) {
      throw new AssertionError("an in-memory read failed", e);
    }
    assertThat(checks).hasSize(1);
    SignatureCheck check = checks.get(0);
    assertThat(check.message()).doesNotContain("\n");
    return check;
  }

  @Test
  void theRealEnvelopesVerify() {
    for (Real real : REAL) {
      SignatureCheck check = check(real, bytes(real.file));
      assertThat(check.verified()).as(real.file + ": " + check.message()).isTrue();
    }
  }

  @Test
  void aChangedByteIsAnAnswerNeverAnException() {
    qt().withExamples(400)
        .forAll(pick(REAL.toArray(new Real[0])), ints(0, Integer.MAX_VALUE), ints(0, 255))
        .checkAssert(
            (real, at, value) -> {
              byte[] envelope = bytes(real.file);
              envelope[at % envelope.length] = (byte) value.intValue();
              check(real, envelope);
            });
  }

  @Test
  void aCutOrRepeatedEnvelopeIsAnAnswer() {
    qt().withExamples(200)
        .forAll(pick(REAL.toArray(new Real[0])), ints(0, Integer.MAX_VALUE), ints(0, 400))
        .checkAssert(
            (real, at, length) -> {
              byte[] original = bytes(real.file);
              int cut = at % original.length;
              check(real, Arrays.copyOf(original, cut));
              byte[] repeated = new byte[original.length + length];
              System.arraycopy(original, 0, repeated, 0, cut);
              for (int i = 0; i < length; i++) {
                repeated[cut + i] = original[(cut + i) % original.length];
              }
              System.arraycopy(original, cut, repeated, cut + length, original.length - cut);
              check(real, repeated);
            });
  }

  @Test
  void randomBytesAndJsonAreFailedChecks() {
    qt().withExamples(200)
        .forAll(pick(REAL.toArray(new Real[0])), byteArrays(0, 400))
        .checkAssert((real, bytes) -> assertThat(check(real, bytes).verified()).isFalse());
    qt().withExamples(200)
        .forAll(pick(REAL.toArray(new Real[0])), OciGenerators.jsonLike())
        .checkAssert(
            (real, json) ->
                assertThat(check(real, json.getBytes(StandardCharsets.UTF_8)).verified())
                    .isFalse());
  }

  @Test
  void aChangedSignatureValueNeverVerifies() {
    qt().withExamples(100)
        .forAll(pick(REAL.toArray(new Real[0])), ints(0, Integer.MAX_VALUE), ints(1, 255))
        .checkAssert(
            (real, at, xor) -> {
              byte[] changed = Mutations.changeSignatureByte(bytes(real.file), at, xor);
              SignatureCheck check = check(real, changed);
              assertThat(check.verified()).isFalse();
              assertThat(check.message()).isEqualTo("integrity: the signature does not verify");
            });
  }

  @Test
  void changedTrustPoliciesLoadOrAreRefused() {
    String[] files = {
      "trustpolicy.json",
      "permissive_trustpolicy.json",
      "audit_trustpolicy.json",
      "skip_trustpolicy.json",
      "timestamp_trustpolicy.json"
    };
    String alphabet = "{}[]\":,*a1 \\";
    qt().withExamples(1000)
        .forAll(pick(files), ints(0, Integer.MAX_VALUE), ints(0, alphabet.length()))
        .checkAssert(
            (file, at, c) -> {
              StringBuilder text =
                  new StringBuilder(
                      new String(bytes("trustpolicies/" + file), StandardCharsets.UTF_8));
              int i = at % text.length();
              if (c == alphabet.length()) {
                text.deleteCharAt(i);
              } else {
                text.setCharAt(i, alphabet.charAt(c));
              }
              loadsOrIsRefused(text.toString().getBytes(StandardCharsets.UTF_8));
            });
    qt().withExamples(300)
        .forAll(OciGenerators.jsonLike())
        .checkAssert(json -> loadsOrIsRefused(json.getBytes(StandardCharsets.UTF_8)));
  }

  private static void loadsOrIsRefused(byte[] json) {
    try {
      TrustPolicy policy = TrustPolicy.parse(json);
      assertThat(policy.statements()).isNotEmpty();
    } catch (SignatureTrustException e) {
      assertThat(e.getMessage()).startsWith("trust policy: ");
    }
  }

  @Test
  void parsersRefuseWhatTheyCannotRead() {
    qt().withExamples(1000)
        .forAll(byteArrays(0, 200))
        .checkAssert(
            bytes -> {
              readsOrRefuses(() -> Cbor.decode(bytes));
              readsOrRefuses(() -> Der.checkShape("fuzz", bytes));
              readsOrRefuses(() -> TargetArtifact.of(bytes));
            });
    qt().withExamples(300)
        .forAll(OciGenerators.jsonLike())
        .checkAssert(
            json -> readsOrRefuses(() -> TargetArtifact.of(json.getBytes(StandardCharsets.UTF_8))));
  }

  private interface Parse {
    void run() throws BadSignatureException;
  }

  private static void readsOrRefuses(Parse parse) {
    try {
      parse.run();
    } catch (BadSignatureException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }
}
