package io.wharf.oci.policy.vuln.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wharf.oci.policy.vuln.ReportException;
import io.wharf.oci.policy.vuln.ReportFormat;
import io.wharf.oci.policy.vuln.Reports;
import io.wharf.oci.policy.vuln.VulnerabilityReport;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads a report: its bytes under a bound, then JSON under {@link StreamReadConstraints} (depth,
 * string and name lengths, number length, token count), then the format's fields. What is not a
 * report Wharf reads ends as a {@link ReportException}; only the stream's own failures are {@link
 * IOException}s.
 */
public final class ReportReader {

  private static final ObjectMapper MAPPER =
      new ObjectMapper(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(Reports.MAX_DEPTH)
                          .maxStringLength(Reports.MAX_STRING_LENGTH)
                          .maxNameLength(Reports.MAX_FIELD_LENGTH)
                          .maxNumberLength(64)
                          .maxTokenCount(Reports.MAX_TOKENS)
                          .build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ReportReader() {}

  /**
   * The report in {@code in}, of {@code declared} format when given, else of the format its JSON
   * shows, read up to {@code maxBytes} bytes.
   */
  public static VulnerabilityReport read(
      Optional<ReportFormat> declared, InputStream in, long maxBytes) throws IOException {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
    Node root = Node.root(tree(bytes(in, maxBytes)));
    if (!root.isObject()) {
      throw root.error("a report is a JSON object");
    }
    Optional<ReportFormat> detected = detect(root);
    ReportFormat format;
    if (declared.isPresent()) {
      format = declared.get();
      if (detected.isPresent() && detected.get() != format) {
        throw root.error("the report was declared " + format + " but is " + detected.get());
      }
    } else {
      format =
          detected.orElseThrow(
              () ->
                  root.error(
                      "not a report Wharf reads (Trivy JSON, SARIF 2.1.0, CycloneDX,"
                          + " Grype JSON or Harbor's)"));
    }
    switch (format) {
      case TRIVY:
        return TrivyReports.parse(root);
      case SARIF:
        return SarifReports.parse(root);
      case CYCLONEDX:
        return CycloneDxReports.parse(root);
      case GRYPE:
        return GrypeReports.parse(root);
      case HARBOR:
        return HarborReports.parse(root);
      default:
        throw new IllegalStateException("unknown format " + format);
    }
  }

  /**
   * The format a report's top-level members show: Trivy's {@code SchemaVersion} with {@code
   * Results}, {@code ArtifactName} or {@code Trivy}; SARIF's {@code runs} with {@code $schema} or
   * {@code version}; CycloneDX's {@code bomFormat}; Grype's {@code matches} with {@code
   * descriptor}; Harbor's {@code generated_at} and {@code scanner} with {@code vulnerabilities},
   * {@code severity} or {@code artifact}.
   */
  static Optional<ReportFormat> detect(Node root) {
    if (root.has("bomFormat")) {
      return Optional.of(ReportFormat.CYCLONEDX);
    }
    if (root.has("SchemaVersion")
        && (root.has("Results") || root.has("ArtifactName") || root.has("Trivy"))) {
      return Optional.of(ReportFormat.TRIVY);
    }
    if (root.has("runs") && (root.has("$schema") || root.has("version"))) {
      return Optional.of(ReportFormat.SARIF);
    }
    if (root.has("matches") && root.has("descriptor")) {
      return Optional.of(ReportFormat.GRYPE);
    }
    if (root.has("generated_at")
        && root.has("scanner")
        && (root.has("vulnerabilities") || root.has("severity") || root.has("artifact"))) {
      return Optional.of(ReportFormat.HARBOR);
    }
    return Optional.empty();
  }

  private static byte[] bytes(InputStream in, long maxBytes) throws IOException {
    int cap = (int) Math.min(maxBytes, Integer.MAX_VALUE - 16);
    byte[] bytes = in.readNBytes(cap);
    if (bytes.length == cap && in.read() >= 0) {
      throw new ReportException("the report is larger than " + maxBytes + " bytes");
    }
    if (bytes.length == 0) {
      throw new ReportException("the report is empty");
    }
    return bytes;
  }

  private static JsonNode tree(byte[] bytes) {
    try {
      JsonNode tree = MAPPER.readTree(bytes);
      if (tree == null || tree.isMissingNode()) {
        throw new ReportException("the report holds no JSON value");
      }
      return tree;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null || at.getLineNr() < 0
              ? ""
              : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
      throw new ReportException(
          "not valid JSON, or beyond Wharf's bounds: " + where + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ReportException("not valid JSON: " + e.getMessage(), e);
    }
  }
}
