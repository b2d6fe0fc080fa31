package io.wharf.oci.policy.testing;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Makes what {@code cosign sign --key} makes, for tests: a key pair (ECDSA P-256 by default) and
 * its PEM public key, the simple-signing payload exactly as cosign writes it, the base64 DER
 * signature, the signature manifest (an OCI image manifest whose config is the image config
 * go-containerregistry computes and whose layer carries the {@code
 * dev.cosignproject.cosign/signature} annotation, as JSON exactly as Go marshals it), its blobs,
 * the {@code sha256-<hex>.sig} tag, and the OCI 1.1 referrer variant ({@code subject}, config media
 * type and {@code artifactType} {@code application/vnd.dev.cosign.artifact.sig.v1+json}, as {@code
 * cosign sign --registry-referrers-mode=oci-1-1} writes it). Also Sigstore bundle referrers signed
 * by the key (no transparency log), as cosign 3 attaches them.
 *
 * <p>Everything is returned as plain values (bytes, digests, media types), so that a test can push
 * them with any client. Immutable and thread-safe.
 */
public final class CosignTestSigner {

  /** The simple-signing layer's media type. */
  public static final MediaType SIMPLE_SIGNING =
      MediaType.parse("application/vnd.dev.cosign.simplesigning.v1+json");

  /** The artifact type of cosign's OCI 1.1 signature referrers. */
  public static final MediaType ARTIFACT_SIG =
      MediaType.parse("application/vnd.dev.cosign.artifact.sig.v1+json");

  /** The artifact type and layer media type of Sigstore bundle referrers. */
  public static final MediaType BUNDLE_V03 =
      MediaType.parse("application/vnd.dev.sigstore.bundle.v0.3+json");

  /** The annotation that carries a simple-signing layer's signature. */
  public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";

  private static final MediaType OCI_CONFIG =
      MediaType.parse("application/vnd.oci.image.config.v1+json");

  private final KeyPair keys;

  private CosignTestSigner(KeyPair keys) {
    this.keys = keys;
  }

  /** A signer with a new ECDSA P-256 key pair, as {@code cosign generate-key-pair} makes. */
  public static CosignTestSigner generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return new CosignTestSigner(generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform has ECDSA P-256", e);
    }
  }

  /**
   * A signer with {@code keys}: ECDSA (P-256 signs with SHA-256, P-384 with SHA-384, P-521 with
   * SHA-512), RSA (PKCS#1 v1.5, SHA-256) or Ed25519.
   */
  public static CosignTestSigner withKeys(KeyPair keys) {
    return new CosignTestSigner(Objects.requireNonNull(keys, "keys"));
  }

  /** The public key. */
  public PublicKey publicKey() {
    return keys.getPublic();
  }

  /** The public key as {@code cosign.pub} holds it (PEM, {@code PUBLIC KEY}). */
  public String publicKeyPem() {
    return pem(keys.getPublic().getEncoded());
  }

  /**
   * A blob to push.
   *
   * @param mediaType how a descriptor types it
   * @param digest its digest
   * @param content its bytes
   */
  public record Blob(MediaType mediaType, Digest digest, Bytes content) {

    /** The blob of {@code content}, typed {@code mediaType}. */
    public static Blob of(MediaType mediaType, Bytes content) {
      return new Blob(mediaType, Digest.sha256(content), content);
    }

    /** A descriptor of it, without annotations. */
    public Descriptor descriptor() {
      return Descriptor.of(mediaType, digest, content.size());
    }
  }

  /**
   * One signature, a layer of a signature manifest.
   *
   * @param layer the payload blob (media type simple signing)
   * @param signatureBase64 the base64 DER signature over the payload
   * @param annotations the layer's annotations (the signature)
   */
  public record Signature(Blob layer, String signatureBase64, Map<String, String> annotations) {

    /** Copies. */
    public Signature {
      annotations = Map.copyOf(annotations);
    }

    /** The simple-signing payload. */
    public Bytes payload() {
      return layer.content();
    }

    /** The layer's descriptor, with its annotations. */
    public Descriptor descriptor() {
      return layer.descriptor().withAnnotations(annotations);
    }
  }

  /**
   * What {@code cosign sign --key} pushes for one image, both ways.
   *
   * @param subject the signed image's descriptor (where the signature is stored)
   * @param signatures the signatures, in layer order
   * @param config the config blob of the tag-scheme manifest
   * @param manifest the tag-scheme signature manifest, to push at {@link #tag()}
   * @param tag {@code sha256-<hex>.sig}
   * @param referrerConfig the config blob of the referrer variant (the same bytes, typed as the
   *     artifact)
   * @param referrer the OCI 1.1 referrer variant, whose {@code subject} is the image
   */
  public record Signed(
      Descriptor subject,
      List<Signature> signatures,
      Blob config,
      RawManifest manifest,
      String tag,
      Blob referrerConfig,
      RawManifest referrer) {

    /** Copies. */
    public Signed {
      signatures = List.copyOf(signatures);
    }

    /** The blobs both manifests need: the config and every payload. */
    public List<Blob> blobs() {
      List<Blob> blobs = new ArrayList<>();
      blobs.add(config);
      for (Signature s : signatures) {
        blobs.add(s.layer());
      }
      return blobs;
    }
  }

  /**
   * A Sigstore bundle referrer.
   *
   * @param bundle the bundle layer
   * @param config the empty config blob ({@code {}})
   * @param referrer the referrer manifest
   */
  public record BundleReferrer(Blob bundle, Blob config, RawManifest referrer) {}

  /**
   * The simple-signing payload cosign writes for {@code dockerReference} and {@code digest}, byte
   * for byte.
   */
  public static Bytes payload(String dockerReference, Digest digest) {
    return Bytes.utf8(
        "{\"critical\":{\"identity\":{\"docker-reference\":"
            + goString(dockerReference)
            + "},\"image\":{\"docker-manifest-digest\":"
            + goString(digest.toString())
            + "},\"type\":\"cosign container image signature\"},\"optional\":null}");
  }

  /** cosign's tag for the signatures of {@code digest}: {@code sha256-<hex>.sig}. */
  public static String tagOf(Digest digest) {
    return digest.algorithm() + "-" + digest.encoded() + ".sig";
  }

  /** A signature of the payload naming {@code dockerReference} and {@code signedDigest}. */
  public Signature signature(String dockerReference, Digest signedDigest) {
    Bytes payload = payload(dockerReference, signedDigest);
    String signature = Base64.getEncoder().encodeToString(sign(payload.toByteArray()));
    return new Signature(
        Blob.of(SIMPLE_SIGNING, payload), signature, Map.of(SIGNATURE_ANNOTATION, signature));
  }

  /** Signs {@code subject} as {@code cosign sign --key} does, naming {@code dockerReference}. */
  public Signed sign(String dockerReference, Descriptor subject) {
    return sign(dockerReference, subject, subject.digest());
  }

  /**
   * Signs a payload naming {@code signedDigest} but stores it as {@code subject}'s signature (a
   * signature over a different digest than the image it is attached to).
   */
  public Signed sign(String dockerReference, Descriptor subject, Digest signedDigest) {
    return assemble(subject, List.of(signature(dockerReference, signedDigest)));
  }

  /**
   * The signature manifests of {@code subject} holding {@code signatures} (cosign appends a layer
   * per signature to the {@code .sig} manifest).
   */
  public static Signed assemble(Descriptor subject, List<Signature> signatures) {
    if (signatures.isEmpty()) {
      throw new IllegalArgumentException("a signature manifest holds at least one signature");
    }
    StringBuilder diffIds = new StringBuilder();
    StringBuilder history = new StringBuilder();
    StringBuilder layers = new StringBuilder();
    for (Signature s : signatures) {
      String sep = diffIds.length() == 0 ? "" : ",";
      diffIds.append(sep).append(goString(s.layer().digest().toString()));
      history.append(sep).append("{\"created\":\"0001-01-01T00:00:00Z\"}");
      layers.append(sep).append(descriptorJson(s.descriptor()));
    }
    Bytes configBytes =
        Bytes.utf8(
            "{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":["
                + history
                + "],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + diffIds
                + "]},\"config\":{}}");
    Blob config = Blob.of(OCI_CONFIG, configBytes);
    Blob referrerConfig = new Blob(ARTIFACT_SIG, config.digest(), configBytes);
    String head =
        "{\"schemaVersion\":2,\"mediaType\":" + goString(MediaType.OCI_IMAGE_MANIFEST.value());
    RawManifest manifest =
        RawManifest.of(
            MediaType.OCI_IMAGE_MANIFEST,
            Bytes.utf8(
                head
                    + ",\"config\":"
                    + descriptorJson(config.descriptor())
                    + ",\"layers\":["
                    + layers
                    + "]}"));
    RawManifest referrer =
        RawManifest.of(
            MediaType.OCI_IMAGE_MANIFEST,
            Bytes.utf8(
                head
                    + ",\"config\":"
                    + descriptorJson(referrerConfig.descriptor())
                    + ",\"layers\":["
                    + layers
                    + "],\"subject\":"
                    + descriptorJson(
                        Descriptor.of(subject.mediaType(), subject.digest(), subject.size()))
                    + ",\"artifactType\":"
                    + goString(ARTIFACT_SIG.value())
                    + "}"));
    return new Signed(
        subject, signatures, config, manifest, tagOf(subject.digest()), referrerConfig, referrer);
  }

  /**
   * A Sigstore bundle v0.3 referrer of {@code subject}, signed by this key, without a
   * transparency-log entry: a DSSE envelope whose in-toto statement names {@code signedDigest}
   * (predicate type {@code https://sigstore.dev/cosign/sign/v1}), as cosign 3 signs an image.
   */
  public BundleReferrer dsseBundle(Descriptor subject, Digest signedDigest, String created) {
    String statement =
        "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"image\","
            + "\"digest\":{\""
            + signedDigest.algorithm()
            + "\":\""
            + signedDigest.encoded()
            + "\"}}],\"predicateType\":\"https://sigstore.dev/cosign/sign/v1\",\"predicate\":{}}";
    byte[] payload = statement.getBytes(StandardCharsets.UTF_8);
    String type = "application/vnd.in-toto+json";
    byte[] pae =
        ("DSSEv1 " + type.length() + " " + type + " " + payload.length + " ")
            .getBytes(StandardCharsets.UTF_8);
    byte[] signed = new byte[pae.length + payload.length];
    System.arraycopy(pae, 0, signed, 0, pae.length);
    System.arraycopy(payload, 0, signed, pae.length, payload.length);
    String bundle =
        "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
            + "\"verificationMaterial\":{\"publicKey\":{\"hint\":\"test\"}},"
            + "\"dsseEnvelope\":{\"payload\":\""
            + Base64.getEncoder().encodeToString(payload)
            + "\",\"payloadType\":\""
            + type
            + "\",\"signatures\":[{\"sig\":\""
            + Base64.getEncoder().encodeToString(sign(signed))
            + "\"}]}}";
    return bundleReferrer(subject, Bytes.utf8(bundle), "dsse-envelope", created);
  }

  /**
   * A Sigstore bundle v0.3 referrer of {@code subject}, signed by this ECDSA key, without a
   * transparency-log entry: a message signature over the manifest whose SHA-256 is {@code
   * signedDigest}.
   */
  public BundleReferrer messageBundle(Descriptor subject, Digest signedDigest, String created) {
    if (!(keys.getPublic() instanceof ECPublicKey)) {
      throw new IllegalStateException("a message signature by digest needs an ECDSA key");
    }
    byte[] signature;
    try {
      java.security.Signature s = java.security.Signature.getInstance("NONEwithECDSA");
      s.initSign(keys.getPrivate());
      s.update(signedDigest.hashBytes());
      signature = s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    String bundle =
        "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
            + "\"verificationMaterial\":{\"publicKey\":{\"hint\":\"test\"}},"
            + "\"messageSignature\":{\"messageDigest\":{\"algorithm\":\"SHA2_256\",\"digest\":\""
            + Base64.getEncoder().encodeToString(signedDigest.hashBytes())
            + "\"},\"signature\":\""
            + Base64.getEncoder().encodeToString(signature)
            + "\"}}";
    return bundleReferrer(subject, Bytes.utf8(bundle), "message-signature", created);
  }

  private static BundleReferrer bundleReferrer(
      Descriptor subject, Bytes bundleBytes, String content, String created) {
    Blob bundle = Blob.of(BUNDLE_V03, bundleBytes);
    Blob config = Blob.of(MediaType.OCI_EMPTY_JSON, Bytes.utf8("{}"));
    Descriptor layer =
        bundle
            .descriptor()
            .withAnnotations(
                Map.of(
                    "org.opencontainers.image.title",
                    "sha256-" + bundle.digest().encoded() + ".sigstore.json"));
    String configJson =
        "{\"mediaType\":"
            + goString(config.mediaType().value())
            + ",\"size\":2,\"digest\":"
            + goString(config.digest().toString())
            + ",\"artifactType\":"
            + goString(BUNDLE_V03.value())
            + "}";
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":"
            + goString(MediaType.OCI_IMAGE_MANIFEST.value())
            + ",\"config\":"
            + configJson
            + ",\"layers\":["
            + descriptorJson(layer)
            + "],\"annotations\":"
            + goMap(
                Map.of(
                    "dev.sigstore.bundle.content",
                    content,
                    "dev.sigstore.bundle.predicateType",
                    "https://sigstore.dev/cosign/sign/v1",
                    "org.opencontainers.image.created",
                    created))
            + ",\"subject\":"
            + descriptorJson(Descriptor.of(subject.mediaType(), subject.digest(), subject.size()))
            + ",\"artifactType\":"
            + goString(BUNDLE_V03.value())
            + "}";
    return new BundleReferrer(
        bundle, config, RawManifest.of(MediaType.OCI_IMAGE_MANIFEST, Bytes.utf8(manifest)));
  }

  private byte[] sign(byte[] message) {
    PrivateKey key = keys.getPrivate();
    try {
      java.security.Signature signature =
          java.security.Signature.getInstance(algorithm(keys.getPublic()));
      signature.initSign(key);
      signature.update(message);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with a " + key.getAlgorithm() + " key", e);
    }
  }

  private static String algorithm(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      return bits <= 256 ? "SHA256withECDSA" : bits <= 384 ? "SHA384withECDSA" : "SHA512withECDSA";
    }
    if ("RSA".equals(key.getAlgorithm())) {
      return "SHA256withRSA";
    }
    return "Ed25519";
  }

  /** A descriptor as go-containerregistry marshals it: mediaType, size, digest, annotations. */
  private static String descriptorJson(Descriptor d) {
    return "{\"mediaType\":"
        + goString(d.mediaType().value())
        + ",\"size\":"
        + d.size()
        + ",\"digest\":"
        + goString(d.digest().toString())
        + (d.annotations().isEmpty() ? "" : ",\"annotations\":" + goMap(d.annotations()))
        + "}";
  }

  private static String goMap(Map<String, String> map) {
    StringBuilder out = new StringBuilder("{");
    for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
      if (out.length() > 1) {
        out.append(',');
      }
      out.append(goString(e.getKey())).append(':').append(goString(e.getValue()));
    }
    return out.append('}').toString();
  }

  /** A JSON string as Go's encoding/json writes it (HTML characters escaped). */
  static String goString(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static String pem(byte[] der) {
    String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n";
  }
}
