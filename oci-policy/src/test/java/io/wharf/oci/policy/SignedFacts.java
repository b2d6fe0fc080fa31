package io.wharf.oci.policy;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.sign.SignatureVerdicts;
import io.wharf.oci.policy.testing.CosignTestSigner;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Images and cosign signatures in an {@link InMemoryPolicyContext}, and pulls judging them. */
final class SignedFacts {

  static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

  private SignedFacts() {}

  /** A small image stored in {@code facts}. */
  static RawManifest image(InMemoryPolicyContext facts) {
    return facts.putManifest(
        ImageManifest.artifact(
            MediaType.parse("application/vnd.example"), List.of(Descriptor.EMPTY_JSON)));
  }

  /** Stores {@code signed}'s blobs and its signature manifest: at its .sig tag or as a referrer. */
  static void put(InMemoryPolicyContext facts, CosignTestSigner.Signed signed, boolean referrer) {
    for (CosignTestSigner.Blob blob : signed.blobs()) {
      facts.putBlob(blob.content());
    }
    facts.putBlob(signed.referrerConfig().content());
    if (referrer) {
      facts.putManifest(signed.referrer());
    } else {
      facts.putManifest(signed.manifest());
      facts.tag(signed.tag(), signed.manifest().digest());
    }
  }

  /** A pull of {@code image} by tag {@code v1} from registry.example.com, without reports. */
  static Decision pull(PolicySet policy, InMemoryPolicyContext facts, RawManifest image)
      throws IOException {
    return policy.pull(
        "registry.example.com",
        facts.repository(),
        Optional.of(Tag.of("v1")),
        image,
        facts,
        (c, d) -> Optional.empty(),
        SignatureVerdicts.none(),
        NOW);
  }
}
