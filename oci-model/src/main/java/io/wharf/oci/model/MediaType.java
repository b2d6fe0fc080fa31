package io.wharf.oci.model;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A media type (RFC 6838), as used in descriptors, manifests and {@code Content-Type}. An open set,
 * so a record with constants; unknown media types pass through untouched. The type and subtype
 * follow the image-spec's pattern ({@code [A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}} each); parameters
 * such as {@code ; version=1.1} are kept as given.
 *
 * @param value the media type exactly as written
 */
public record MediaType(String value) {

  /** The longest media type accepted, parameters included. */
  public static final int MAX_LENGTH = 512;

  private static final String RESTRICTED_NAME = "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}";
  private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
  private static final Pattern SYNTAX =
      Pattern.compile(
          RESTRICTED_NAME
              + "/"
              + RESTRICTED_NAME
              + "(?:[ \\t]*;[ \\t]*"
              + TOKEN
              + "=(?:"
              + TOKEN
              + "|\"(?:[^\"\\\\\\p{Cntrl}]|\\\\[^\\p{Cntrl}])*\"))*");

  // OCI image-spec media-types.md
  /** OCI image manifest. */
  public static final MediaType OCI_IMAGE_MANIFEST =
      new MediaType("application/vnd.oci.image.manifest.v1+json");

  /** OCI image index. */
  public static final MediaType OCI_IMAGE_INDEX =
      new MediaType("application/vnd.oci.image.index.v1+json");

  /** OCI image configuration. */
  public static final MediaType OCI_IMAGE_CONFIG =
      new MediaType("application/vnd.oci.image.config.v1+json");

  /** OCI content descriptor. */
  public static final MediaType OCI_DESCRIPTOR =
      new MediaType("application/vnd.oci.descriptor.v1+json");

  /** The OCI image layout header, the {@code oci-layout} file. */
  public static final MediaType OCI_LAYOUT_HEADER =
      new MediaType("application/vnd.oci.layout.header.v1+json");

  /** The empty JSON object {@code {}}, for configs and layers of artifacts that need none. */
  public static final MediaType OCI_EMPTY_JSON = new MediaType("application/vnd.oci.empty.v1+json");

  /** OCI layer, uncompressed tar. */
  public static final MediaType OCI_LAYER_TAR =
      new MediaType("application/vnd.oci.image.layer.v1.tar");

  /** OCI layer, gzip-compressed tar. */
  public static final MediaType OCI_LAYER_TAR_GZIP =
      new MediaType("application/vnd.oci.image.layer.v1.tar+gzip");

  /** OCI layer, zstd-compressed tar. */
  public static final MediaType OCI_LAYER_TAR_ZSTD =
      new MediaType("application/vnd.oci.image.layer.v1.tar+zstd");

  /** OCI non-distributable layer, uncompressed tar (deprecated by the spec, still recognised). */
  public static final MediaType OCI_LAYER_NONDISTRIBUTABLE_TAR =
      new MediaType("application/vnd.oci.image.layer.nondistributable.v1.tar");

  /** OCI non-distributable layer, gzip (deprecated by the spec, still recognised). */
  public static final MediaType OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP =
      new MediaType("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip");

  /** OCI non-distributable layer, zstd (deprecated by the spec, still recognised). */
  public static final MediaType OCI_LAYER_NONDISTRIBUTABLE_TAR_ZSTD =
      new MediaType("application/vnd.oci.image.layer.nondistributable.v1.tar+zstd");

  // Docker image manifest v2, schema 2, and schema 1
  /** Docker image manifest v2, schema 2. */
  public static final MediaType DOCKER_MANIFEST_V2 =
      new MediaType("application/vnd.docker.distribution.manifest.v2+json");

  /** Docker manifest list. */
  public static final MediaType DOCKER_MANIFEST_LIST =
      new MediaType("application/vnd.docker.distribution.manifest.list.v2+json");

  /** Docker container image configuration. */
  public static final MediaType DOCKER_CONTAINER_CONFIG =
      new MediaType("application/vnd.docker.container.image.v1+json");

  /** Docker layer, gzip-compressed tar. */
  public static final MediaType DOCKER_LAYER_TAR_GZIP =
      new MediaType("application/vnd.docker.image.rootfs.diff.tar.gzip");

  /** Docker layer, uncompressed tar. */
  public static final MediaType DOCKER_LAYER_TAR =
      new MediaType("application/vnd.docker.image.rootfs.diff.tar");

  /** Docker foreign layer: not distributable, fetched from its {@code urls}. */
  public static final MediaType DOCKER_FOREIGN_LAYER_TAR_GZIP =
      new MediaType("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");

  /** Docker plugin configuration. */
  public static final MediaType DOCKER_PLUGIN_CONFIG =
      new MediaType("application/vnd.docker.plugin.v1+json");

  /** Docker schema 1 manifest: recognised only so that it can be refused clearly. */
  public static final MediaType DOCKER_MANIFEST_V1 =
      new MediaType("application/vnd.docker.distribution.manifest.v1+json");

  /** Docker schema 1 signed manifest: recognised only so that it can be refused clearly. */
  public static final MediaType DOCKER_MANIFEST_V1_SIGNED =
      new MediaType("application/vnd.docker.distribution.manifest.v1+prettyjws");

  // Artifacts
  /** Helm chart configuration. */
  public static final MediaType HELM_CONFIG =
      new MediaType("application/vnd.cncf.helm.config.v1+json");

  /** Helm chart content, a gzip-compressed tar. */
  public static final MediaType HELM_CHART_CONTENT =
      new MediaType("application/vnd.cncf.helm.chart.content.v1.tar+gzip");

  /** Helm chart provenance file. */
  public static final MediaType HELM_CHART_PROVENANCE =
      new MediaType("application/vnd.cncf.helm.chart.provenance.v1.prov");

  /** Cosign simple-signing payload, the layer of a cosign signature. */
  public static final MediaType COSIGN_SIMPLE_SIGNING =
      new MediaType("application/vnd.dev.cosign.simplesigning.v1+json");

  /** Cosign signature artifact type (OCI 1.1 referrers). */
  public static final MediaType COSIGN_ARTIFACT_SIGNATURE =
      new MediaType("application/vnd.dev.cosign.artifact.sig.v1+json");

  /** Sigstore bundle v0.3, as cosign 3 stores signatures and attestations. */
  public static final MediaType SIGSTORE_BUNDLE_V03 =
      new MediaType("application/vnd.dev.sigstore.bundle.v0.3+json");

  /** in-toto attestation (statement or DSSE envelope). */
  public static final MediaType IN_TOTO = new MediaType("application/vnd.in-toto+json");

  /** DSSE envelope. */
  public static final MediaType DSSE_ENVELOPE =
      new MediaType("application/vnd.dsse.envelope.v1+json");

  /** Notation signature artifact type. */
  public static final MediaType NOTATION_SIGNATURE =
      new MediaType("application/vnd.cncf.notary.signature");

  /** Notation JWS signature envelope. */
  public static final MediaType JOSE_JSON = new MediaType("application/jose+json");

  /** Notation COSE signature envelope. */
  public static final MediaType COSE = new MediaType("application/cose");

  /** Plain JSON. */
  public static final MediaType JSON = new MediaType("application/json");

  /** Raw bytes. */
  public static final MediaType OCTET_STREAM = new MediaType("application/octet-stream");

  private static final Set<String> INDEXES =
      Set.of(OCI_IMAGE_INDEX.value, DOCKER_MANIFEST_LIST.value);
  private static final Set<String> IMAGE_MANIFESTS =
      Set.of(OCI_IMAGE_MANIFEST.value, DOCKER_MANIFEST_V2.value);
  private static final Set<String> SCHEMA1 =
      Set.of(DOCKER_MANIFEST_V1.value, DOCKER_MANIFEST_V1_SIGNED.value);
  private static final Set<String> NON_DISTRIBUTABLE =
      Set.of(
          OCI_LAYER_NONDISTRIBUTABLE_TAR.value,
          OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP.value,
          OCI_LAYER_NONDISTRIBUTABLE_TAR_ZSTD.value,
          DOCKER_FOREIGN_LAYER_TAR_GZIP.value);

  private static final Set<String> OCI_IMAGE_TYPES =
      Set.of(
          OCI_IMAGE_MANIFEST.value,
          OCI_IMAGE_INDEX.value,
          OCI_IMAGE_CONFIG.value,
          OCI_LAYER_TAR.value,
          OCI_LAYER_TAR_GZIP.value,
          OCI_LAYER_TAR_ZSTD.value,
          OCI_LAYER_NONDISTRIBUTABLE_TAR.value,
          OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP.value,
          OCI_LAYER_NONDISTRIBUTABLE_TAR_ZSTD.value);
  private static final Set<String> DOCKER_LAYER_TYPES =
      Set.of(
          DOCKER_LAYER_TAR.value,
          DOCKER_LAYER_TAR_GZIP.value,
          "application/vnd.docker.image.rootfs.diff.tar.zstd",
          "application/vnd.docker.image.rootfs.foreign.diff.tar",
          DOCKER_FOREIGN_LAYER_TAR_GZIP.value);
  private static final Set<String> DOCKER_CONFIG_TYPES =
      Set.of(DOCKER_CONTAINER_CONFIG.value, DOCKER_PLUGIN_CONFIG.value, OCI_IMAGE_CONFIG.value);

  /** Validates the syntax. */
  public MediaType {
    if (value.length() > MAX_LENGTH) {
      throw invalid("media type is longer than " + MAX_LENGTH + " characters");
    }
    if (!SYNTAX.matcher(value).matches()) {
      throw invalid("'" + Digest.abbreviate(value) + "' is not a media type (type/subtype)");
    }
  }

  /**
   * Parses a media type.
   *
   * @throws InvalidContentException with {@link ErrorCode#MANIFEST_INVALID} when the text is not a
   *     media type
   */
  public static MediaType parse(String value) {
    return new MediaType(value.strip());
  }

  /** {@code type/subtype} in lower case, without parameters. */
  public String essence() {
    int semicolon = value.indexOf(';');
    String essence = semicolon < 0 ? value : value.substring(0, semicolon);
    return essence.strip().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether this and {@code other} name the same type and subtype, ignoring parameters and case.
   */
  public boolean is(MediaType other) {
    return essence().equals(other.essence());
  }

  /** An OCI image index or a Docker manifest list. */
  public boolean isIndex() {
    return INDEXES.contains(essence());
  }

  /** An OCI image manifest or a Docker schema 2 manifest. */
  public boolean isImageManifest() {
    return IMAGE_MANIFESTS.contains(essence());
  }

  /** Any manifest type Wharf stores: {@link #isIndex()} or {@link #isImageManifest()}. */
  public boolean isManifest() {
    return isIndex() || isImageManifest();
  }

  /** A Docker schema 1 manifest, which Wharf refuses. */
  public boolean isSchema1() {
    return SCHEMA1.contains(essence());
  }

  /** A Docker media type (as opposed to an OCI one). */
  public boolean isDocker() {
    return essence().startsWith("application/vnd.docker.");
  }

  /**
   * Whether registries may copy content of this type. Non-distributable OCI layers and Docker
   * foreign layers are fetched from their {@code urls} instead.
   */
  public boolean isDistributable() {
    return !NON_DISTRIBUTABLE.contains(essence());
  }

  /** Whether this is one of the OCI or Docker layer types, compressed or not. */
  public boolean isLayer() {
    String e = essence();
    return e.startsWith("application/vnd.oci.image.layer.")
        || e.startsWith("application/vnd.docker.image.rootfs.");
  }

  /**
   * Whether this type claims a namespace whose members the specs list completely, without being one
   * of them: {@code application/vnd.oci.image.*} types other than the image-spec's (an {@code
   * +encrypted} suffix on a layer type is allowed, as ocicrypt writes it), and Docker layer types
   * ({@code application/vnd.docker.image.rootfs.*}) that Docker and containerd do not define. Such
   * types are refused in manifests; types in other namespaces pass through untouched.
   */
  public boolean isUnknownInReservedNamespace() {
    String e = essence();
    if (e.startsWith("application/vnd.oci.image.")) {
      String base = e.endsWith("+encrypted") ? e.substring(0, e.length() - 10) : e;
      return !OCI_IMAGE_TYPES.contains(base);
    }
    if (e.startsWith("application/vnd.docker.image.rootfs.")) {
      String base = e.endsWith("+encrypted") ? e.substring(0, e.length() - 10) : e;
      return !DOCKER_LAYER_TYPES.contains(base);
    }
    return false;
  }

  /**
   * Whether this type may be the {@code config} of a Docker schema 2 manifest: a Docker container
   * or plugin configuration, or an OCI image configuration (as cosign writes).
   */
  public boolean isDockerSchema2Config() {
    return DOCKER_CONFIG_TYPES.contains(essence());
  }

  @Override
  public String toString() {
    return value;
  }

  private static InvalidContentException invalid(String message) {
    return new InvalidContentException(ErrorCode.MANIFEST_INVALID, message);
  }
}
