package io.wharf.oci.policy.sign;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.policy.InMemoryPolicyContext;
import io.wharf.oci.policy.sign.CosignFixtures.Scene;
import io.wharf.oci.policy.sign.SignatureArtifact.Origin;
import io.wharf.oci.policy.testing.CosignTestSigner;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Measures (prints, never asserts) the first verification of a key-based cosign signature by a new
 * verifier: once cold in this JVM, then as the median and 99th percentile of many, each with a new
 * verifier parsing its PEM key and a new signature. The target is under 5 ms.
 */
class CosignFirstVerificationTimingTest {

  @Test
  void firstVerificationOfAKeyBasedSignature() throws Exception {
    RawManifest image =
        RawManifest.of(
            MediaType.DOCKER_MANIFEST_V2,
            Bytes.of(CosignFixtures.bytes("containers-image/dir-img-cosign-valid/manifest.json")));
    int runs = 300;
    long[] nanos = new long[runs];
    long cold = 0;
    for (int i = 0; i <= runs; i++) {
      CosignTestSigner signer = CosignTestSigner.generate();
      InMemoryPolicyContext facts = new InMemoryPolicyContext("team/app");
      facts.putManifest(image);
      Scene scene =
          CosignFixtures.scene(
              facts, image.descriptor(), signer.sign("r/team/app", image.descriptor()), Origin.TAG);
      String pem = signer.publicKeyPem();
      long start = System.nanoTime();
      SignatureVerifier verifier =
          CosignVerifiers.publicKey("k.pub", pem, null, CosignOptions.defaults());
      List<SignatureCheck> checks =
          verifier.verify(scene.subject(), scene.artifact(), scene.facts(), Instant.EPOCH);
      long took = System.nanoTime() - start;
      assertThat(checks).containsExactly(SignatureCheck.verified("key k.pub"));
      if (i == 0) {
        cold = took;
      } else {
        nanos[i - 1] = took;
      }
    }
    Arrays.sort(nanos);
    System.out.printf(
        "cosign key-based first verification: cold (first in JVM) %.2f ms; new verifier each time:"
            + " median %.3f ms, p99 %.3f ms over %d runs%n",
        cold / 1e6, nanos[runs / 2] / 1e6, nanos[runs * 99 / 100] / 1e6, runs);
  }
}
