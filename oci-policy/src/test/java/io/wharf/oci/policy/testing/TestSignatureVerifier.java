package io.wharf.oci.policy.testing;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.policy.PolicyContext;
import io.wharf.oci.policy.sign.SignatureArtifact;
import io.wharf.oci.policy.sign.SignatureCheck;
import io.wharf.oci.policy.sign.SignatureFormat;
import io.wharf.oci.policy.sign.SignatureVerifier;
import io.wharf.oci.policy.sign.SignedSubject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in verifier for tests of the rules around verification (finding, judging, caching),
 * without cryptography: a "signature" is a layer whose text is {@code key=NAME\ndigest=DIGEST},
 * valid when NAME is this verifier's key and DIGEST the subject's. It reads each layer through the
 * facts, as a real verifier does, and counts its calls.
 */
public final class TestSignatureVerifier implements SignatureVerifier {

  /** The media type of the layers it reads. */
  public static final MediaType LAYER = MediaType.parse("application/vnd.wharf.test.signature");

  private final String key;
  private final Set<SignatureFormat> formats;
  private final AtomicInteger calls = new AtomicInteger();
  private final List<SignedSubject> subjects = new CopyOnWriteArrayList<>();

  private TestSignatureVerifier(String key, Set<SignatureFormat> formats) {
    this.key = key;
    this.formats = Set.copyOf(formats);
  }

  /** A verifier of key {@code key} reading cosign signatures and Sigstore bundles. */
  public static TestSignatureVerifier key(String key) {
    return new TestSignatureVerifier(
        key, EnumSet.of(SignatureFormat.COSIGN, SignatureFormat.SIGSTORE_BUNDLE));
  }

  /** A verifier of key {@code key} reading the {@code formats} given. */
  public static TestSignatureVerifier key(String key, Set<SignatureFormat> formats) {
    return new TestSignatureVerifier(key, formats);
  }

  /** The text of a signature by {@code key} over {@code subject}. */
  public static Bytes signature(String key, Digest subject) {
    return Bytes.utf8("key=" + key + "\ndigest=" + subject + "\n");
  }

  /**
   * A signature manifest of {@code format}'s artifact type whose layers are {@code layers}, with
   * {@code subject} (for a referrer) when given.
   */
  public static ImageManifest manifest(
      SignatureFormat format, List<Descriptor> layers, java.util.Optional<Descriptor> subject) {
    ImageManifest artifact = ImageManifest.artifact(format.artifactType(), layers);
    return subject.map(artifact::withSubject).orElse(artifact);
  }

  /** How many times {@link #verify} was called. */
  public int calls() {
    return calls.get();
  }

  /** The subjects it was asked to verify signatures over, in order. */
  public List<SignedSubject> subjects() {
    return List.copyOf(subjects);
  }

  @Override
  public String name() {
    return "key " + key;
  }

  @Override
  public Set<SignatureFormat> formats() {
    return formats;
  }

  @Override
  public List<SignatureCheck> verify(
      SignedSubject subject, SignatureArtifact artifact, PolicyContext facts, Instant now)
      throws IOException {
    calls.incrementAndGet();
    subjects.add(subject);
    ImageManifest manifest = (ImageManifest) artifact.manifest().parse();
    List<SignatureCheck> checks = new ArrayList<>();
    for (Descriptor layer : manifest.layers()) {
      if (!layer.mediaType().is(LAYER)) {
        continue;
      }
      if (layer.size() > 4096) {
        checks.add(SignatureCheck.failed(name(), "the signature is larger than 4096 bytes"));
        continue;
      }
      String text;
      try (InputStream in = facts.openBlob(layer.digest())) {
        text = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
      }
      if (!text.startsWith("key=" + key + "\n")) {
        checks.add(SignatureCheck.failed(name(), "the signature is not by this key"));
      } else if (!text.contains("\ndigest=" + subject.descriptor().digest() + "\n")) {
        checks.add(SignatureCheck.failed(name(), "signature does not match the manifest digest"));
      } else {
        checks.add(SignatureCheck.verified(name()));
      }
    }
    return checks;
  }
}
