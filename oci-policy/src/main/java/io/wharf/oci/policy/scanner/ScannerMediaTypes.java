package io.wharf.oci.policy.scanner;

import io.wharf.oci.model.MediaType;
import java.util.Locale;
import java.util.Optional;

/** The media types of the Pluggable Scanner API (its OpenAPI files, v1.1 and v1.2). */
public final class ScannerMediaTypes {

  private ScannerMediaTypes() {}

  /** {@code GET /metadata}'s answer in API 1.1. */
  public static final MediaType METADATA_V1_0 =
      new MediaType("application/vnd.scanner.adapter.metadata+json; version=1.0");

  /** {@code GET /metadata}'s answer in API 1.2. */
  public static final MediaType METADATA_V1_1 =
      new MediaType("application/vnd.scanner.adapter.metadata+json; version=1.1");

  /** {@code POST /scan}'s body in API 1.1. */
  public static final MediaType SCAN_REQUEST_V1_0 =
      new MediaType("application/vnd.scanner.adapter.scan.request+json; version=1.0");

  /** {@code POST /scan}'s body in API 1.2. */
  public static final MediaType SCAN_REQUEST_V1_1 =
      new MediaType("application/vnd.scanner.adapter.scan.request+json; version=1.1");

  /** {@code POST /scan}'s answer ({@code 202}). */
  public static final MediaType SCAN_RESPONSE_V1_0 =
      new MediaType("application/vnd.scanner.adapter.scan.response+json; version=1.0");

  /** An error answer ({@code {"error":{"message":…}}}). */
  public static final MediaType ERROR_V1_0 =
      new MediaType("application/vnd.scanner.adapter.error+json; version=1.0");

  /** Harbor's vulnerability report, the older name of the same schema. */
  public static final MediaType HARBOR_REPORT_V1_0 =
      new MediaType("application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0");

  /**
   * Harbor's vulnerability report ({@code HarborVulnerabilityReport}), as Wharf attaches it: the
   * media type of {@link io.wharf.oci.policy.vuln.ReportFormat#HARBOR}.
   */
  public static final MediaType VULNERABILITY_REPORT_V1_1 =
      new MediaType("application/vnd.security.vulnerability.report; version=1.1");

  /** A report in the scanner's own format. */
  public static final MediaType RAW_REPORT =
      new MediaType("application/vnd.scanner.adapter.vuln.report.raw");

  /** Harbor's SBOM report (API 1.2). */
  public static final MediaType SBOM_REPORT_V1_0 =
      new MediaType("application/vnd.security.sbom.report+json; version=1.0");

  /**
   * Whether {@code a} and {@code b} name the same type: the same type and subtype (ignoring case)
   * and, when both carry a {@code version} parameter, the same version.
   */
  public static boolean sameType(MediaType a, MediaType b) {
    if (!a.is(b)) {
      return false;
    }
    Optional<String> va = version(a);
    Optional<String> vb = version(b);
    return va.isEmpty() || vb.isEmpty() || va.get().equals(vb.get());
  }

  /** The {@code version} parameter of {@code type}, unquoted, when it has one. */
  public static Optional<String> version(MediaType type) {
    String[] parts = type.value().split(";");
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("version")) {
        String v = p.substring(eq + 1).strip();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
          v = v.substring(1, v.length() - 1);
        }
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }
}
