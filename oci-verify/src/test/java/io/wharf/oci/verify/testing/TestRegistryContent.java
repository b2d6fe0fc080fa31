package io.wharf.oci.verify.testing;

import io.wharf.oci.client.BlobSource;
import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.RegistryClientException;
import io.wharf.oci.client.Repository;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.Platform;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.testing.CosignTestSigner;
import io.wharf.oci.policy.vuln.ReportArtifacts;
import io.wharf.oci.policy.vuln.ReportFormat;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Pushes what verification tests need to a registry with {@link RegistryClient}: small images,
 * indexes, Trivy reports attached as referrers, and cosign signatures ({@link CosignTestSigner}, in
 * oci-policy's test-jar) at their {@code .sig} tag or as referrers. For a registry without the
 * referrers API (Debian's {@code docker-registry}), {@link #withReferrersTagSchema()} also keeps
 * the referrers tag schema's index ({@code sha256-<hex>}) as the distribution spec asks a client
 * to.
 */
public final class TestRegistryContent {

  /** A Trivy report without findings. */
  public static final String CLEAN_TRIVY =
      """
      {"SchemaVersion": 2, "CreatedAt": "2026-12-01T10:00:00Z", "ArtifactName": "app",
       "Results": [{"Target": "app (alpine 3.19)", "Class": "os-pkgs", "Type": "alpine"}]}
      """;

  /** A Trivy report with one CRITICAL finding, CVE-2024-3094 in xz-libs 5.6.0-r0. */
  public static final String CRITICAL_TRIVY =
      """
      {"SchemaVersion": 2, "CreatedAt": "2026-12-01T10:00:00Z", "ArtifactName": "app",
       "Results": [{"Target": "app (alpine 3.19)", "Class": "os-pkgs", "Type": "alpine",
         "Vulnerabilities": [{"VulnerabilityID": "CVE-2024-3094", "PkgName": "xz-libs",
           "InstalledVersion": "5.6.0-r0", "FixedVersion": "5.6.1-r0", "Severity": "CRITICAL"}]}]}
      """;

  /** What a rule of CRITICAL_TRIVY says. */
  public static final String CRITICAL_REASON =
      "CVE-2024-3094 (CRITICAL) in xz-libs 5.6.0-r0, fixed in 5.6.1-r0";

  private final RegistryClient client;
  private final RegistryHost host;
  private final boolean tagSchema;

  private TestRegistryContent(RegistryClient client, RegistryHost host, boolean tagSchema) {
    this.client = client;
    this.host = host;
    this.tagSchema = tagSchema;
  }

  /** Pushes to {@code host} through {@code client}. */
  public static TestRegistryContent at(RegistryClient client, RegistryHost host) {
    return new TestRegistryContent(client, host, false);
  }

  /** The same, keeping the referrers tag schema's index for each referrer pushed. */
  public TestRegistryContent withReferrersTagSchema() {
    return new TestRegistryContent(client, host, true);
  }

  /** The registry pushed to. */
  public RegistryHost host() {
    return host;
  }

  /** {@code host/repository:tag}. */
  public Reference reference(String repository, String tag) {
    return Reference.of(host, RepositoryName.of(repository), Tag.of(tag));
  }

  private Repository repo(String repository) {
    return new Repository(host, RepositoryName.of(repository));
  }

  /**
   * Pushes an image of one layer of random bytes made from {@code seed} (a config and the layer),
   * tagged {@code tag} when not null.
   */
  public RawManifest image(String repository, String tag, long seed) throws IOException {
    Repository repo = repo(repository);
    byte[] layerBytes = new byte[64];
    new Random(seed).nextBytes(layerBytes);
    Bytes layer = Bytes.of(layerBytes);
    Digest layerDigest = Digest.sha256(layer);
    Bytes config =
        Bytes.utf8(
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + layerDigest
                + "\"]}}");
    Descriptor configDescriptor = Descriptor.of(MediaType.OCI_IMAGE_CONFIG, config);
    Descriptor layerDescriptor = Descriptor.of(MediaType.OCI_LAYER_TAR, layer);
    client.pushBlob(repo, configDescriptor.digest(), BlobSource.of(config));
    client.pushBlob(repo, layerDigest, BlobSource.of(layer));
    RawManifest manifest =
        ManifestCodec.defaults()
            .encode(ImageManifest.of(configDescriptor, List.of(layerDescriptor)));
    put(repo, tag, manifest);
    return manifest;
  }

  /** Pushes an index of {@code children} (already pushed) for {@code platforms}, in order. */
  public RawManifest index(
      String repository, String tag, List<RawManifest> children, List<Platform> platforms)
      throws IOException {
    List<Descriptor> manifests = new ArrayList<>();
    for (int i = 0; i < children.size(); i++) {
      manifests.add(children.get(i).descriptor().withPlatform(platforms.get(i)));
    }
    RawManifest index = ManifestCodec.defaults().encode(ImageIndex.of(manifests));
    put(repo(repository), tag, index);
    return index;
  }

  /** Attaches the Trivy report {@code json} to {@code subject} as a referrer. */
  public RawManifest attachTrivy(String repository, RawManifest subject, String json)
      throws IOException {
    Repository repo = repo(repository);
    ReportArtifacts artifacts =
        ReportArtifacts.of(
            ReportFormat.TRIVY,
            Bytes.utf8(json),
            subject.descriptor(),
            Instant.parse("2026-12-01T10:00:00Z"));
    for (ReportArtifacts.Blob blob : artifacts.blobs()) {
      client.pushBlob(repo, blob.descriptor().digest(), BlobSource.of(blob.content()));
    }
    RawManifest referrer = artifacts.manifest();
    put(repo, null, referrer);
    if (tagSchema) {
      addToReferrersTag(
          repo,
          subject.digest(),
          referrer.descriptor().withArtifactType(ReportFormat.TRIVY.mediaType()));
    }
    return referrer;
  }

  /**
   * Signs {@code subject} with {@code signer} as {@code cosign sign --key} does, naming {@code
   * dockerReference} in the payload, and pushes the signature manifest at cosign's {@code
   * sha256-<hex>.sig} tag, or ({@code asReferrer}) as an OCI 1.1 referrer of the image.
   */
  public CosignTestSigner.Signed cosignSign(
      String repository,
      RawManifest subject,
      CosignTestSigner signer,
      String dockerReference,
      boolean asReferrer)
      throws IOException {
    return pushSignature(
        repository, signer.sign(dockerReference, subject.descriptor()), asReferrer);
  }

  /** Pushes {@code signed}'s blobs and its tag-scheme manifest, or its referrer variant. */
  public CosignTestSigner.Signed pushSignature(
      String repository, CosignTestSigner.Signed signed, boolean asReferrer) throws IOException {
    Repository repo = repo(repository);
    for (CosignTestSigner.Blob blob : signed.blobs()) {
      client.pushBlob(repo, blob.digest(), BlobSource.of(blob.content()));
    }
    if (asReferrer) {
      put(repo, null, signed.referrer());
      if (tagSchema) {
        addToReferrersTag(
            repo,
            signed.subject().digest(),
            signed.referrer().descriptor().withArtifactType(CosignTestSigner.ARTIFACT_SIG));
      }
    } else {
      put(repo, signed.tag(), signed.manifest());
    }
    return signed;
  }

  /** Adds {@code referrer} to the referrers tag schema's index of {@code subject}. */
  private void addToReferrersTag(Repository repo, Digest subject, Descriptor referrer)
      throws IOException {
    Reference tag =
        Reference.of(
            repo.registry(), repo.name(), Tag.of(subject.algorithm() + "-" + subject.encoded()));
    List<Descriptor> manifests = new ArrayList<>();
    try {
      RawManifest existing = client.getManifest(tag, List.of(MediaType.OCI_IMAGE_INDEX));
      manifests.addAll(((ImageIndex) existing.parse()).manifests());
    } catch (RegistryClientException e) {
      if (!e.isNotFound()) {
        throw e;
      }
    }
    manifests.add(referrer);
    client.putManifest(tag, ManifestCodec.defaults().encode(ImageIndex.of(manifests)));
  }

  private void put(Repository repo, String tag, RawManifest manifest) throws IOException {
    client.putManifest(
        tag == null
            ? Reference.of(repo.registry(), repo.name(), manifest.digest())
            : Reference.of(repo.registry(), repo.name(), Tag.of(tag)),
        manifest);
  }
}
