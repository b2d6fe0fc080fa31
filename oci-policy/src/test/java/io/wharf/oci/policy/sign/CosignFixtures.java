package io.wharf.oci.policy.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.InMemoryPolicyContext;
import io.wharf.oci.policy.testing.CosignTestSigner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real cosign and Sigstore files under {@code src/test/resources/fixtures/cosign}, and
 * repositories made of them: containers/image's on-disk signatures ({@code signature-N}: a 15-byte
 * prefix, then JSON with the payload and the layer's annotations) become a {@code .sig} manifest
 * with its payload blobs, beside the signed manifest.
 */
final class CosignFixtures {

  /** The prefix of containers/image's on-disk sigstore signatures. */
  static final String PREFIX = "\0sigstore-json\n";

  private CosignFixtures() {}

  /** The bytes of fixture {@code path} (under {@code fixtures/cosign/}). */
  static byte[] bytes(String path) {
    try (InputStream in = CosignFixtures.class.getResourceAsStream("/fixtures/cosign/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fixture {@code path} as text. */
  static String text(String path) {
    return new String(bytes(path), StandardCharsets.UTF_8);
  }

  /** A containers/image on-disk signature, as the layer of a signature manifest. */
  static CosignTestSigner.Signature onDiskSignature(String path) {
    String text = text(path);
    if (!text.startsWith(PREFIX)) {
      throw new IllegalArgumentException(path + " is not a containers/image sigstore signature");
    }
    try {
      JsonNode json = new ObjectMapper().readTree(text.substring(PREFIX.length()));
      Bytes payload = Bytes.of(Base64.getDecoder().decode(json.get("payload").asText()));
      Map<String, String> annotations = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = json.get("annotations").fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> e = fields.next();
        annotations.put(e.getKey(), e.getValue().asText());
      }
      return new CosignTestSigner.Signature(
          CosignTestSigner.Blob.of(MediaType.parse(json.get("mimeType").asText()), payload),
          annotations.get(CosignTestSigner.SIGNATURE_ANNOTATION),
          annotations);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A repository and the subject and signature artifact a verifier is given. */
  record Scene(InMemoryPolicyContext facts, SignedSubject subject, SignatureArtifact artifact) {}

  /**
   * A repository {@code repository} holding {@code manifestPath} (a Docker schema2 manifest) and
   * the {@code .sig} manifest of {@code signatures} for it, or its referrer variant.
   */
  static Scene scene(
      String repository,
      String manifestPath,
      List<CosignTestSigner.Signature> signatures,
      SignatureArtifact.Origin origin) {
    RawManifest image = RawManifest.of(MediaType.DOCKER_MANIFEST_V2, Bytes.of(bytes(manifestPath)));
    return scene(repository, image, signatures, origin);
  }

  /** As {@link #scene(String, String, List, SignatureArtifact.Origin)}, of {@code image}. */
  static Scene scene(
      String repository,
      RawManifest image,
      List<CosignTestSigner.Signature> signatures,
      SignatureArtifact.Origin origin) {
    InMemoryPolicyContext facts = new InMemoryPolicyContext(repository);
    facts.putManifest(image);
    CosignTestSigner.Signed signed = CosignTestSigner.assemble(image.descriptor(), signatures);
    return scene(facts, image.descriptor(), signed, origin);
  }

  /** Pushes {@code signed} into {@code facts}, as a tag or as a referrer. */
  static Scene scene(
      InMemoryPolicyContext facts,
      Descriptor image,
      CosignTestSigner.Signed signed,
      SignatureArtifact.Origin origin) {
    for (CosignTestSigner.Blob blob : signed.blobs()) {
      facts.putBlob(blob.content());
    }
    RawManifest manifest =
        origin == SignatureArtifact.Origin.TAG ? signed.manifest() : signed.referrer();
    facts.putManifest(manifest);
    if (origin == SignatureArtifact.Origin.TAG) {
      facts.tag(signed.tag(), manifest.digest());
    }
    SignedSubject subject =
        new SignedSubject(
            "192.168.64.2:5000",
            RepositoryName.of(facts.repository().value()),
            Optional.of(Tag.of("latest")),
            image);
    return new Scene(
        facts, subject, new SignatureArtifact(SignatureFormat.COSIGN, manifest, origin));
  }
}
