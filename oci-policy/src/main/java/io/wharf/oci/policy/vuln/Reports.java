package io.wharf.oci.policy.vuln;

import io.wharf.oci.model.MediaType;
import io.wharf.oci.policy.vuln.internal.ReportReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads vulnerability reports into one model: Trivy JSON, SARIF 2.1.0 (Trivy's and Grype's),
 * CycloneDX JSON with vulnerabilities and VEX statements, Grype JSON and Harbor's report. How each
 * format's fields become a {@link Vulnerability}:
 *
 * <ul>
 *   <li><b>Trivy JSON</b> (schema version 2): every {@code Results[].Vulnerabilities[]} with its
 *       {@code VulnerabilityID}, {@code PkgName}, {@code InstalledVersion}, {@code FixedVersion},
 *       {@code Severity}; CVSS the highest {@code V3Score} (or {@code V40Score}) across sources,
 *       {@code V2Score} only when there is none; references {@code PrimaryURL} first, then {@code
 *       References}; a {@code Status} of {@code not_affected} is not affected; {@code CreatedAt},
 *       scanner {@code "Trivy <Trivy.Version>"}.
 *   <li><b>SARIF</b>: each result joined to its rule; package, installed and fixed version from the
 *       {@code "Key: value"} lines Trivy writes in the result's message and Grype in the rule's
 *       help; the id from the {@code "Vulnerability <id>"} line, else the rule id; the severity the
 *       scanner gave (a tag such as {@code MEDIUM}, else a {@code Severity:} line), else {@code
 *       security-severity} as a CVSS score, else the level ({@code error} HIGH, {@code warning}
 *       MEDIUM, {@code note} LOW, {@code none} NONE); results that name no package and are not
 *       tagged {@code vulnerability} (misconfigurations, secrets) are left out.
 *   <li><b>CycloneDX</b> (1.x): a finding per vulnerability and affected component ({@code
 *       affects[].ref} resolved by {@code bom-ref}, else read as a purl); the highest rating's
 *       severity and CVSS v3/v4 score (v2 when there is none); fixed versions from Trivy's
 *       property, Trivy's {@code "Upgrade X to version Y"} recommendation or an {@code unaffected}
 *       version; {@code analysis.state} {@code not_affected}, {@code false_positive}, {@code
 *       resolved} and {@code resolved_with_pedigree} are not affected (a resolved finding was
 *       fixed, so it does not count); {@code metadata.timestamp}; the first tool as scanner. An
 *       SBOM without vulnerabilities is a report without findings.
 *   <li><b>Grype JSON</b>: every {@code matches[]}: {@code vulnerability.id}, {@code artifact.name}
 *       and {@code version}, {@code vulnerability.severity}, {@code fix.versions} when {@code
 *       fix.state} is {@code fixed}, CVSS v3+ (else v2) base scores, {@code dataSource} and {@code
 *       urls}; ignored matches with a VEX status {@code not_affected} or {@code fixed} are not
 *       affected; {@code descriptor} gives scanner and timestamp.
 *   <li><b>Harbor</b> (Pluggable Scanner API v1.1/v1.2): {@code vulnerabilities[]} with {@code id},
 *       {@code package}, {@code version}, {@code fix_version}, {@code severity}, {@code links},
 *       {@code preferred_cvss.score_v3} (else {@code score_v2}); {@code generated_at}; scanner
 *       {@code "<name> <version>"}.
 * </ul>
 *
 * <p>In every format a severity absent from a finding is {@link Severity#UNKNOWN}, but a severity
 * name the format does not define, a CVSS score outside 0 to 10, a malformed timestamp or a value
 * of the wrong JSON type is an error, never a guess. One vulnerability of one package version
 * reported several times (Trivy reports it once per target) is one finding: the higher severity and
 * score, the first fixed version, the references of all. A finding that a statement of the same
 * document marks not affected is in {@link VulnerabilityReport#notAffected()} only. Several fixed
 * versions are one text separated by {@code ", "}.
 *
 * <p>Bounds, for reports are a stranger's input: {@link #DEFAULT_MAX_BYTES} bytes unless a caller
 * chooses otherwise, {@link #MAX_DEPTH} levels of nesting, {@link #MAX_TOKENS} JSON tokens, JSON
 * strings of {@link #MAX_STRING_LENGTH} characters and member names, ids, package names and
 * versions of {@link #MAX_FIELD_LENGTH}, {@link #MAX_FINDINGS} findings; beyond them a report is
 * refused. Each finding keeps its first {@link #MAX_REFERENCES} distinct references of at most
 * {@link #MAX_REFERENCE_LENGTH} characters and drops the others. Anything wrong is a {@link
 * ReportException} saying what and where. Stateless and thread-safe.
 */
public final class Reports {

  /** The largest report read by default: 32 MiB. */
  public static final long DEFAULT_MAX_BYTES = 32L * 1024 * 1024;

  /** The deepest nesting of JSON arrays and objects read. */
  public static final int MAX_DEPTH = 64;

  /**
   * The most JSON tokens read (about 1.6 million in a 32 MiB Trivy report; bounds the memory of the
   * parsed document).
   */
  public static final long MAX_TOKENS = 2_000_000;

  /** The longest JSON string read, in characters (descriptions, SARIF help texts). */
  public static final int MAX_STRING_LENGTH = 1024 * 1024;

  /** The longest member name, id, package name or version read, in characters. */
  public static final int MAX_FIELD_LENGTH = 4096;

  /** The most findings (affected and not affected) in one report. */
  public static final int MAX_FINDINGS = 100_000;

  /** The most references kept per finding. */
  public static final int MAX_REFERENCES = 32;

  /** The longest reference kept, in characters. */
  public static final int MAX_REFERENCE_LENGTH = 2048;

  private Reports() {}

  /**
   * Reads a report of {@code format} from {@code in}, up to {@link #DEFAULT_MAX_BYTES}. The caller
   * closes the stream.
   *
   * @throws ReportException when it is not a valid report of that format (also when its JSON shows
   *     another format), or is larger than the bound
   * @throws IOException when the stream fails
   */
  public static VulnerabilityReport parse(ReportFormat format, InputStream in) throws IOException {
    return parse(format, in, DEFAULT_MAX_BYTES);
  }

  /**
   * Reads a report of {@code format} from {@code in}, up to {@code maxBytes} bytes.
   *
   * @throws ReportException when it is not a valid report of that format, or is larger than {@code
   *     maxBytes}
   * @throws IOException when the stream fails
   * @throws IllegalArgumentException when {@code maxBytes} is not positive
   */
  public static VulnerabilityReport parse(ReportFormat format, InputStream in, long maxBytes)
      throws IOException {
    Objects.requireNonNull(format, "format");
    return ReportReader.read(Optional.of(format), Objects.requireNonNull(in, "in"), maxBytes);
  }

  /**
   * Reads a report of the format its JSON shows (Trivy: {@code SchemaVersion} with {@code Results};
   * SARIF: {@code runs} with {@code $schema} or {@code version}; CycloneDX: {@code bomFormat};
   * Grype: {@code matches} with {@code descriptor}; Harbor: {@code generated_at} and {@code
   * scanner} with {@code vulnerabilities}), up to {@link #DEFAULT_MAX_BYTES}.
   *
   * @throws ReportException when it is none of them, not a valid report, or larger than the bound
   * @throws IOException when the stream fails
   */
  public static VulnerabilityReport parse(InputStream in) throws IOException {
    return parse(in, DEFAULT_MAX_BYTES);
  }

  /**
   * Reads a report of the format its JSON shows, up to {@code maxBytes} bytes.
   *
   * @throws ReportException when it is no format Wharf reads, not a valid report, or larger than
   *     {@code maxBytes}
   * @throws IOException when the stream fails
   * @throws IllegalArgumentException when {@code maxBytes} is not positive
   */
  public static VulnerabilityReport parse(InputStream in, long maxBytes) throws IOException {
    return ReportReader.read(Optional.empty(), Objects.requireNonNull(in, "in"), maxBytes);
  }

  /**
   * The format whose reports travel under {@code type} (an artifact type, or a layer's media type),
   * as {@link ReportFormat#mediaTypes()} lists them; empty for any other type, {@code
   * application/json} included.
   */
  public static Optional<ReportFormat> formatOf(MediaType type) {
    Objects.requireNonNull(type, "type");
    for (ReportFormat format : ReportFormat.values()) {
      if (format.recognises(type)) {
        return Optional.of(format);
      }
    }
    return Optional.empty();
  }
}
