package io.wharf.oci.policy.sign;

import static io.wharf.oci.model.testing.OciGenerators.ints;
import static io.wharf.oci.model.testing.OciGenerators.pick;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.policy.InMemoryPolicyContext;
import io.wharf.oci.policy.sign.CosignFixtures.Scene;
import io.wharf.oci.policy.sign.SignatureArtifact.Origin;
import io.wharf.oci.policy.sign.internal.cosign.CosignSignatureVerifier;
import io.wharf.oci.policy.testing.CosignTestSigner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The parsers of strangers' input on mutated real input: simple-signing payloads (signed after
 * mutation, so that the parser, not the signature, meets them), the certificate, chain and Rekor
 * bundle annotations of a real keyless signature, and real Sigstore bundles. Each is always one
 * check, verified or failed with a reason, never an exception, and nothing hangs (a generous guard
 * over each whole property). Huge and deep inputs are failures with reasons.
 */
class CosignPropertiesTest {

  private static final Duration GUARD = Duration.ofMinutes(5);
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final String[] TOKENS = {
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    ":",
    "null",
    "0",
    "-1",
    "1e999",
    "99999999999999999999",
    "\\u0000",
    "\\ud800",
    "true",
    "\"critical\":",
    "\"Payload\":{}",
    "=",
    "-----END CERTIFICATE-----"
  };

  /** {@code input} changed once, as {@code seed} and {@code kind} choose. */
  static byte[] mutate(byte[] input, int seed, int kind) {
    Random random = new Random(seed);
    int at = input.length == 0 ? 0 : random.nextInt(input.length);
    switch (kind) {
      case 0: // flip a byte
        {
          byte[] out = input.clone();
          if (out.length > 0) {
            out[at] ^= (byte) (1 + random.nextInt(255));
          }
          return out;
        }
      case 1: // cut a range out
        {
          int end = Math.min(input.length, at + 1 + random.nextInt(64));
          byte[] out = new byte[input.length - (end - at)];
          System.arraycopy(input, 0, out, 0, at);
          System.arraycopy(input, end, out, at, input.length - end);
          return out;
        }
      case 2: // insert a JSON token
        {
          byte[] token = TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
          byte[] out = new byte[input.length + token.length];
          System.arraycopy(input, 0, out, 0, at);
          System.arraycopy(token, 0, out, at, token.length);
          System.arraycopy(input, at, out, at + token.length, input.length - at);
          return out;
        }
      case 3: // truncate
        return Arrays.copyOf(input, at);
      default: // repeat a range
        {
          int end = Math.min(input.length, at + 1 + random.nextInt(256));
          byte[] range = Arrays.copyOfRange(input, at, end);
          byte[] out = new byte[input.length + range.length];
          System.arraycopy(input, 0, out, 0, end);
          System.arraycopy(range, 0, out, end, range.length);
          System.arraycopy(input, end, out, end + range.length, input.length - end);
          return out;
        }
    }
  }

  private static void oneCheckWithAReason(SignatureVerifier verifier, Scene scene) {
    List<SignatureCheck> checks;
    try {
      checks = verifier.verify(scene.subject(), scene.artifact(), scene.facts(), NOW);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    assertThat(checks).hasSize(1);
    aReason(checks.get(0));
  }

  /** Verified, or failed with a reason the parsers gave (not the verifier's last safety net). */
  private static void aReason(SignatureCheck check) {
    assertThat(check.verified() || !check.message().isBlank()).isTrue();
    assertThat(check.message()).doesNotContain("cannot be checked");
  }

  @Test
  void mutatedPayloadsAreChecksNeverExceptions() {
    CosignTestSigner signer = CosignTestSigner.generate();
    RawManifest image =
        RawManifest.of(
            MediaType.DOCKER_MANIFEST_V2,
            Bytes.of(CosignFixtures.bytes("containers-image/dir-img-cosign-valid/manifest.json")));
    byte[] payload = CosignFixtures.bytes("simple-signing/valid-payload.json");
    assertTimeoutPreemptively(
        GUARD,
        () -> {
          SignatureVerifier verifier =
              CosignVerifiers.publicKey(
                  "k", signer.publicKeyPem(), null, new CosignOptions(true, false));
          qt().withExamples(1500)
              .forAll(ints(0, Integer.MAX_VALUE), ints(0, 4), ints(1, 3))
              .checkAssert(
                  (seed, kind, rounds) -> {
                    byte[] mutated = payload;
                    for (int i = 0; i < rounds; i++) {
                      mutated = mutate(mutated, seed + i, kind);
                    }
                    Scene scene =
                        CosignFixtures.scene(
                            "cosign-signed-single-sample",
                            image,
                            List.of(signer.signPayload(Bytes.of(mutated))),
                            Origin.TAG);
                    oneCheckWithAReason(verifier, scene);
                  });
        });
  }

  @Test
  void mutatedAnnotationsAreChecksNeverExceptions() throws Exception {
    String keyless = "containers-image/dir-img-cosign-fulcio-rekor-valid/";
    CosignTestSigner.Signature real = CosignFixtures.onDiskSignature(keyless + "signature-1");
    SigstoreTrust trust = CosignKeylessVerifierTest.pemTrust();
    SignatureVerifier verifier =
        CosignVerifiers.keyless(
            trust, List.of(CosignKeylessVerifierTest.MITR), CosignOptions.defaults());
    assertTimeoutPreemptively(
        GUARD,
        () ->
            qt().withExamples(1500)
                .forAll(
                    pick(
                        "dev.sigstore.cosign/bundle",
                        "dev.sigstore.cosign/certificate",
                        "dev.sigstore.cosign/chain",
                        "dev.cosignproject.cosign/signature"),
                    ints(0, Integer.MAX_VALUE),
                    ints(0, 4))
                .checkAssert(
                    (annotation, seed, kind) -> {
                      Map<String, String> annotations = new HashMap<>(real.annotations());
                      byte[] value = annotations.get(annotation).getBytes(StandardCharsets.UTF_8);
                      annotations.put(
                          annotation,
                          new String(mutate(value, seed, kind), StandardCharsets.UTF_8));
                      Scene scene =
                          CosignFixtures.scene(
                              "repo",
                              keyless + "manifest.json",
                              List.of(
                                  new CosignTestSigner.Signature(real.layer(), "", annotations)),
                              Origin.TAG);
                      oneCheckWithAReason(verifier, scene);
                    }));
  }

  @Test
  void mutatedBundlesAreChecksNeverExceptions() throws Exception {
    SigstoreTrust trust =
        SigstoreTrust.fromTrustedRoot(
            "root", CosignFixtures.bytes("sigstore-java/trusted_root.json"));
    CosignSignatureVerifier verifier =
        CosignSignatureVerifier.keyless(
            trust.root(),
            List.of(SigstoreBundleVerifierTest.APPU, SigstoreBundleVerifierTest.WORKFLOW),
            CosignOptions.defaults());
    Digest artifact =
        Digest.sha256(Bytes.of(CosignFixtures.bytes("sigstore-java/bundles/artifact.txt")));
    assertTimeoutPreemptively(
        GUARD,
        () ->
            qt().withExamples(1500)
                .forAll(
                    pick("bundle.sigstore", "bundle.v3.sigstore", "bundle.dsse.sigstore"),
                    ints(0, Integer.MAX_VALUE),
                    ints(0, 4))
                .checkAssert(
                    (bundle, seed, kind) -> {
                      byte[] mutated =
                          mutate(
                              CosignFixtures.bytes("sigstore-java/bundles/" + bundle), seed, kind);
                      aReason(verifier.verifyBundle(mutated, artifact, Optional.empty(), NOW));
                    }));
  }

  @Test
  void hugeAndDeepInputsAreFailuresWithReasons() throws Exception {
    SigstoreTrust trust =
        SigstoreTrust.fromTrustedRoot(
            "root", CosignFixtures.bytes("sigstore-java/trusted_root.json"));
    CosignSignatureVerifier verifier =
        CosignSignatureVerifier.keyless(
            trust.root(), List.of(SigstoreBundleVerifierTest.APPU), CosignOptions.defaults());
    Digest artifact = Digest.sha256(Bytes.utf8("x"));

    String deep = "{\"mediaType\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    assertThat(
            verifier
                .verifyBundle(
                    deep.getBytes(StandardCharsets.UTF_8), artifact, Optional.empty(), NOW)
                .message())
        .startsWith("the bundle is not valid JSON");
    byte[] huge = new byte[2 * 1024 * 1024];
    Arrays.fill(huge, (byte) ' ');
    assertThat(verifier.verifyBundle(huge, artifact, Optional.empty(), NOW).message())
        .isEqualTo("the bundle is larger than 1048576 bytes");
    String unknownAlgorithm =
        CosignFixtures.text("sigstore-java/bundles/bundle.sigstore")
            .replace("SHA2_256", "SHA3_256");
    assertThat(
            verifier
                .verifyBundle(
                    unknownAlgorithm.getBytes(StandardCharsets.UTF_8),
                    Digest.sha256(
                        Bytes.of(CosignFixtures.bytes("sigstore-java/bundles/artifact.txt"))),
                    Optional.empty(),
                    NOW)
                .message())
        .isEqualTo("the bundle's message digest is SHA3_256; only SHA2_256 digests are supported");

    CosignTestSigner signer = CosignTestSigner.generate();
    SignatureVerifier key =
        CosignVerifiers.publicKey("k", signer.publicKeyPem(), null, CosignOptions.defaults());
    RawManifest image =
        RawManifest.of(
            MediaType.DOCKER_MANIFEST_V2,
            Bytes.of(CosignFixtures.bytes("containers-image/dir-img-cosign-valid/manifest.json")));
    byte[] big = new byte[64 * 1024 + 1];
    Arrays.fill(big, (byte) ' ');
    Scene bigPayload =
        CosignFixtures.scene("r", image, List.of(signer.signPayload(Bytes.of(big))), Origin.TAG);
    assertThat(key.verify(bigPayload.subject(), bigPayload.artifact(), bigPayload.facts(), NOW))
        .extracting(SignatureCheck::message)
        .singleElement()
        .asString()
        .endsWith("is larger than 65536 bytes");
    assertThat(bigPayload.facts().reads()).isZero();
    String nested = "{\"critical\":" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5000) + "}";
    Scene deepPayload =
        CosignFixtures.scene(
            "r", image, List.of(signer.signPayload(Bytes.utf8(nested))), Origin.TAG);
    assertThat(key.verify(deepPayload.subject(), deepPayload.artifact(), deepPayload.facts(), NOW))
        .extracting(SignatureCheck::message)
        .singleElement()
        .asString()
        .startsWith("the payload is not valid JSON");
    InMemoryPolicyContext unused = new InMemoryPolicyContext("unused");
    assertThat(unused.reads()).isZero();
  }
}
