package io.wharf.oci.policy.vuln;

import io.wharf.oci.model.MediaType;
import java.util.ArrayList;
import java.util.List;

/**
 * The vulnerability report formats Wharf reads, each with the media types it travels under as an
 * OCI artifact (the referrer manifest's {@code artifactType}, or its config's media type for
 * referrers written before image-spec 1.1, and its layer's media type).
 *
 * <p>{@link #mediaType()} is the type Wharf writes; {@link #mediaTypes()} are all the types it
 * recognises, that one first. Types are compared by type and subtype, ignoring parameters ({@link
 * MediaType#is}). Plain {@code application/json} names no format: it is recognised only as the
 * layer of a referrer whose artifact type names one.
 */
public enum ReportFormat {
  /**
   * Trivy's JSON report ({@code trivy image --format json}, schema version 2). Aqua Security
   * defines no media type for it (its referrer plugin attaches only SBOMs, SARIF and cosign
   * vulnerability predicates); Wharf writes {@code application/vnd.aquasec.trivy.report.v1+json},
   * in the vendor tree of Trivy's own OCI types ({@code
   * application/vnd.aquasec.trivy.config.v1+json}, {@code
   * application/vnd.aquasec.trivy.db.layer.v1.tar+gzip}) and as it is attached with {@code oras
   * attach} in the wild, and also recognises {@code application/vnd.aquasecurity.trivy.report+json}
   * and {@code application/vnd.aquasec.trivy.report+json}, which pipelines use too.
   */
  TRIVY(
      "application/vnd.aquasec.trivy.report.v1+json",
      "application/vnd.aquasecurity.trivy.report+json",
      "application/vnd.aquasec.trivy.report+json"),
  /**
   * SARIF 2.1.0, as Trivy and Grype write it: {@code application/sarif+json} (registered with IANA,
   * written by Trivy's referrer plugin), and {@code
   * application/vnd.aquasecurity.trivy.report.sarif.v1}, the artifact type Ratify's documentation
   * attaches Trivy's SARIF under.
   */
  SARIF("application/sarif+json", "application/vnd.aquasecurity.trivy.report.sarif.v1"),
  /**
   * CycloneDX JSON with a {@code vulnerabilities} array, VEX documents included: {@code
   * application/vnd.cyclonedx+json} (registered with IANA, written by Trivy's referrer plugin and
   * cosign), and {@code application/vnd.aquasecurity.trivy.report.cyclonedx.v1}.
   */
  CYCLONEDX(
      "application/vnd.cyclonedx+json", "application/vnd.aquasecurity.trivy.report.cyclonedx.v1"),
  /**
   * Grype's JSON report ({@code grype -o json}). Anchore defines no media type for it; Wharf writes
   * {@code application/vnd.anchore.grype+json}, the type independent pipelines attach and archive
   * Grype reports under (in Anchore's vendor tree, as its {@code
   * application/vnd.anchore.policy.report+json}), and also recognises {@code
   * application/vnd.anchore.grype.report.v1+json} and {@code application/vnd.grype.report+json}.
   */
  GRYPE(
      "application/vnd.anchore.grype+json",
      "application/vnd.anchore.grype.report.v1+json",
      "application/vnd.grype.report+json"),
  /**
   * Harbor's report, as a Pluggable Scanner API adapter returns it ({@code
   * application/vnd.security.vulnerability.report; version=1.1}, and the same schema under its API
   * v1.0 name {@code application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0}),
   * attached as {@code application/vnd.security.vulnerability.report.v1.1+json}; all three are
   * recognised.
   */
  HARBOR(
      // The scanner API's MIME type carries a parameter, which an artifactType may not
      // (image-spec's
      // schema: type/subtype only): attached, a Harbor report takes this parameter-free name.
      "application/vnd.security.vulnerability.report.v1.1+json",
      "application/vnd.security.vulnerability.report; version=1.1",
      "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0");

  private final MediaType mediaType;
  private final List<MediaType> mediaTypes;

  ReportFormat(String preferred, String... others) {
    List<MediaType> all = new ArrayList<>();
    all.add(new MediaType(preferred));
    for (String other : others) {
      all.add(new MediaType(other));
    }
    this.mediaType = all.get(0);
    this.mediaTypes = List.copyOf(all);
  }

  /** The media type a report of this format is attached under. */
  public MediaType mediaType() {
    return mediaType;
  }

  /** Every media type a report of this format is recognised under, {@link #mediaType()} first. */
  public List<MediaType> mediaTypes() {
    return mediaTypes;
  }

  /** Whether {@code type} is one of {@link #mediaTypes()} (parameters and case ignored). */
  public boolean recognises(MediaType type) {
    for (MediaType known : mediaTypes) {
      if (known.is(type)) {
        return true;
      }
    }
    return false;
  }
}
