package io.wharf.oci.policy.scanner;

import io.wharf.oci.model.MediaType;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a scanner adapter says about itself ({@code ScannerAdapterMetadata}): the scanner, its
 * capabilities and properties, and the API version this client speaks with it.
 *
 * @param name the scanner's name ({@code Trivy}); empty when the adapter does not say
 * @param vendor the scanner's provider ({@code Aqua Security}); empty when the adapter does not say
 * @param version the scanner's version; empty when the adapter does not say
 * @param capabilities what it scans and what it makes of it
 * @param properties the adapter's other properties ({@code
 *     harbor.scanner-adapter/vulnerability-database-updated-at}, …)
 * @param apiVersion the API version: 1.2 when the adapter answered the 1.2 metadata media type or
 *     typed its capabilities, else 1.1 (or the version the client was told to use)
 */
public record ScannerMetadata(
    String name,
    String vendor,
    String version,
    List<ScannerCapability> capabilities,
    Map<String, String> properties,
    ApiVersion apiVersion) {

  /**
   * The report media types Wharf asks for, best first: Harbor's vulnerability report under its 1.1
   * name, then under its 1.0 name (the same schema).
   */
  public static final List<MediaType> HARBOR_REPORT_TYPES =
      List.of(ScannerMediaTypes.VULNERABILITY_REPORT_V1_1, ScannerMediaTypes.HARBOR_REPORT_V1_0);

  /** Validates and copies. */
  public ScannerMetadata {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(vendor, "vendor");
    Objects.requireNonNull(version, "version");
    capabilities = List.copyOf(capabilities);
    properties = Map.copyOf(properties);
    Objects.requireNonNull(apiVersion, "apiVersion");
  }

  /** Whether a capability of {@code type} scans artifacts of media type {@code artifact}. */
  public boolean consumes(String type, MediaType artifact) {
    return capabilities.stream().anyMatch(c -> c.type().equals(type) && c.consumes(artifact));
  }

  /**
   * The report type to ask for a vulnerability scan of an artifact of media type {@code artifact}:
   * the first of {@link #HARBOR_REPORT_TYPES} that a vulnerability capability consuming it
   * produces, exactly as the adapter spells it.
   */
  public Optional<MediaType> vulnerabilityReportType(MediaType artifact) {
    for (MediaType wanted : HARBOR_REPORT_TYPES) {
      for (ScannerCapability c : capabilities) {
        if (c.type().equals(ScannerCapability.VULNERABILITY) && c.consumes(artifact)) {
          for (MediaType produced : c.producesMimeTypes()) {
            if (ScannerMediaTypes.sameType(produced, wanted)) {
              return Optional.of(produced);
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The scanner as {@code name version (vendor)}, for messages. */
  public String describe() {
    String n = name.isEmpty() ? "scanner" : name;
    String v = version.isEmpty() ? "" : " " + version;
    String by = vendor.isEmpty() ? "" : " (" + vendor + ")";
    return n + v + by;
  }
}
