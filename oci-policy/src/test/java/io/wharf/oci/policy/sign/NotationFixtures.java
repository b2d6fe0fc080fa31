package io.wharf.oci.policy.sign;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.layout.OciLayout;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.InMemoryPolicyContext;
import io.wharf.oci.policy.sign.internal.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The Notation fixtures of {@code src/test/resources/fixtures/notation} (see its PROVENANCE.md):
 * the OCI layouts loaded into an in-memory repository as a registry would show them, the
 * notation-go envelopes wrapped in a signature manifest, certificates and trust policies.
 */
public final class NotationFixtures {

  /** The registry the subjects are pulled from. */
  public static final String REGISTRY = "registry.example";

  private NotationFixtures() {}

  /** A repository holding a signed manifest and one Notation signature of it. */
  public record Signed(
      InMemoryPolicyContext facts, SignedSubject subject, SignatureArtifact signature) {}

  /** The bytes of fixture {@code path} (relative to {@code fixtures/notation}). */
  public static byte[] bytes(String path) {
    try (InputStream in =
        NotationFixtures.class.getResourceAsStream("/fixtures/notation/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The certificates of fixture {@code path}. */
  public static List<X509Certificate> certificates(String path) {
    try {
      return Pem.certificates(path, bytes(path));
    } catch (SignatureTrustException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Layout {@code name} of {@code oci-layouts}: its manifests, tags and blobs in repository {@code
   * e2e}, the subject its tag {@code v1}, the signature its one Notation referrer.
   */
  public static Signed layout(String name) {
    InMemoryPolicyContext facts = new InMemoryPolicyContext("e2e");
    try {
      URL url = NotationFixtures.class.getResource("/fixtures/notation/oci-layouts/" + name);
      try (OciLayout layout = OciLayout.open(Path.of(url.toURI()))) {
        for (Digest blob : layout.blobs()) {
          try (InputStream in = layout.openBlobUnverified(blob)) {
            facts.putBlob(Bytes.of(in.readAllBytes()));
          }
        }
        for (Descriptor d : layout.manifests()) {
          RawManifest raw = layout.readManifest(d);
          facts.putManifest(raw);
          String ref = d.annotations().get("org.opencontainers.image.ref.name");
          if (ref != null) {
            facts.tag(ref, raw.digest());
          }
        }
      }
      Digest v1 = facts.resolve(Tag.of("v1")).orElseThrow();
      Descriptor subject = facts.manifest(v1).orElseThrow().descriptor();
      Descriptor referrer =
          facts.referrers(v1, Optional.empty()).stream()
              .filter(
                  r ->
                      r.artifactType()
                          .map(t -> t.is(SignatureFormat.NOTATION.artifactType()))
                          .orElse(false))
              .findFirst()
              .orElseThrow();
      return new Signed(
          facts,
          new SignedSubject(REGISTRY, RepositoryName.of("e2e"), Optional.of(Tag.of("v1")), subject),
          new SignatureArtifact(
              SignatureFormat.NOTATION,
              facts.manifest(referrer.digest()).orElseThrow(),
              SignatureArtifact.Origin.REFERRER));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code d} as a JSON descriptor: its media type, digest and size. */
  static String descriptorJson(Descriptor d) {
    return "{\"mediaType\":\""
        + d.mediaType().value()
        + "\",\"digest\":\""
        + d.digest()
        + "\",\"size\":"
        + d.size()
        + "}";
  }

  /**
   * A repository {@code e2e} holding {@code envelope} (of {@code mediaType}) as the layer of a
   * Notation signature manifest whose subject is {@code subject}.
   */
  public static Signed envelope(byte[] envelope, String mediaType, Descriptor subject) {
    InMemoryPolicyContext facts = new InMemoryPolicyContext("e2e");
    Digest layer = facts.putBlob(Bytes.of(envelope));
    Digest config = facts.putBlob(Bytes.utf8("{}"));
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"artifactType\":\"application/vnd.cncf.notary.signature\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
            + config
            + "\",\"size\":2},\"layers\":[{\"mediaType\":\""
            + mediaType
            + "\",\"digest\":\""
            + layer
            + "\",\"size\":"
            + envelope.length
            + "}],\"subject\":"
            + descriptorJson(subject)
            + "}";
    RawManifest raw =
        facts.putManifest(RawManifest.of(MediaType.OCI_IMAGE_MANIFEST, Bytes.utf8(manifest)));
    return new Signed(
        facts,
        new SignedSubject(REGISTRY, RepositoryName.of("e2e"), Optional.empty(), subject),
        new SignatureArtifact(SignatureFormat.NOTATION, raw, SignatureArtifact.Origin.REFERRER));
  }

  /** The descriptor notation-go's {@code jws_signature.sig} and {@code cose_signature.sig} sign. */
  public static Descriptor signedManifest19dbd2e4() {
    return RawManifest.of(
            MediaType.OCI_IMAGE_MANIFEST,
            Bytes.of(bytes("notation-go/signed-manifest-19dbd2e4.json")))
        .descriptor();
  }

  /** A Docker manifest descriptor of {@code digest}, size 528 (the notation-go mocks sign one). */
  public static Descriptor docker528(String digest) {
    return Descriptor.of(
        MediaType.parse("application/vnd.docker.distribution.manifest.v2+json"),
        Digest.parse(digest),
        528);
  }

  /**
   * A trust policy document with one statement {@code e2e} of scope {@code *} at {@code level} with
   * {@code extra} JSON members of {@code signatureVerification}, the trust stores and the trusted
   * identities.
   */
  public static byte[] policy(
      String level, String extraVerification, List<String> stores, List<String> identities) {
    String json =
        "{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"e2e\",\"registryScopes\":[\"*\"],"
            + "\"signatureVerification\":{\"level\":\""
            + level
            + "\""
            + (extraVerification.isEmpty() ? "" : "," + extraVerification)
            + "},\"trustStores\":"
            + list(stores)
            + ",\"trustedIdentities\":"
            + list(identities)
            + "}]}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static String list(List<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (String v : values) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append('"').append(v).append('"');
    }
    return b.append(']').toString();
  }
}
