package io.wharf.oci.policy.vuln;

import io.wharf.oci.model.MediaType;

/**
 * The vulnerability report formats Wharf reads, each with the media type it travels under as an OCI
 * artifact (the referrer manifest's {@code artifactType} and its layer's media type).
 */
public enum ReportFormat {
  /** Trivy's JSON report ({@code trivy image --format json}, schema version 2). */
  TRIVY("application/vnd.aquasec.trivy.report.v1+json"),
  /** SARIF 2.1.0, as Trivy and Grype write it. */
  SARIF("application/sarif+json"),
  /** CycloneDX JSON with a {@code vulnerabilities} array, VEX documents included. */
  CYCLONEDX("application/vnd.cyclonedx+json"),
  /** Grype's JSON report ({@code grype -o json}). */
  GRYPE("application/vnd.anchore.grype.report.v1+json"),
  /** Harbor's report, as a Pluggable Scanner API adapter returns it. */
  HARBOR("application/vnd.security.vulnerability.report; version=1.1");

  private final MediaType mediaType;

  ReportFormat(String mediaType) {
    this.mediaType = new MediaType(mediaType);
  }

  /** The media type a report of this format is attached under. */
  public MediaType mediaType() {
    return mediaType;
  }
}
