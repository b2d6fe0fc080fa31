package io.wharf.oci.policy.scanner;

import io.wharf.oci.model.MediaType;
import java.util.List;
import java.util.Objects;

/**
 * One capability of a scanner adapter ({@code ScannerCapability}): what it scans and what it makes
 * of it.
 *
 * @param type what the capability does: {@link #VULNERABILITY} or {@link #SBOM} in API 1.2; an
 *     adapter of API 1.1, which has no {@code type}, has vulnerability capabilities only
 * @param consumesMimeTypes the artifact media types it scans ({@code consumes_mime_types})
 * @param producesMimeTypes the report media types it makes ({@code produces_mime_types})
 * @param sbomMediaTypes for an SBOM capability, the SBOM formats it can make ({@code
 *     additional_attributes.sbom_media_types}); otherwise empty
 */
public record ScannerCapability(
    String type,
    List<MediaType> consumesMimeTypes,
    List<MediaType> producesMimeTypes,
    List<String> sbomMediaTypes) {

  /** A vulnerability scan, the only kind in API 1.1. */
  public static final String VULNERABILITY = "vulnerability";

  /** SBOM generation (API 1.2). */
  public static final String SBOM = "sbom";

  /** Validates and copies. */
  public ScannerCapability {
    Objects.requireNonNull(type, "type");
    if (type.isBlank()) {
      throw new IllegalArgumentException("a capability's type is not blank");
    }
    consumesMimeTypes = List.copyOf(consumesMimeTypes);
    producesMimeTypes = List.copyOf(producesMimeTypes);
    sbomMediaTypes = List.copyOf(sbomMediaTypes);
  }

  /** Whether it scans artifacts of media type {@code artifact}. */
  public boolean consumes(MediaType artifact) {
    return consumesMimeTypes.stream().anyMatch(t -> t.is(artifact));
  }

  /** Whether it makes reports of media type {@code report} (the same type and version). */
  public boolean produces(MediaType report) {
    return producesMimeTypes.stream().anyMatch(t -> ScannerMediaTypes.sameType(t, report));
  }
}
