package io.wharf.oci.policy.scanner;

import io.wharf.oci.model.MediaType;

/**
 * The versions of the Pluggable Scanner API this client speaks. They differ in the media types of
 * the metadata and of the scan request, in the capability {@code type} (1.2) and in the scan
 * request's {@code enabled_capabilities} (1.2).
 */
public enum ApiVersion {
  /** Version 1.1: metadata and scan request media types of {@code version=1.0}. */
  V1_1("1.1", ScannerMediaTypes.METADATA_V1_0, ScannerMediaTypes.SCAN_REQUEST_V1_0),
  /**
   * Version 1.2: metadata and scan request media types of {@code version=1.1}, typed capabilities
   * ({@code vulnerability}, {@code sbom}) and {@code enabled_capabilities} in the scan request.
   */
  V1_2("1.2", ScannerMediaTypes.METADATA_V1_1, ScannerMediaTypes.SCAN_REQUEST_V1_1);

  private final String number;
  private final MediaType metadataType;
  private final MediaType scanRequestType;

  ApiVersion(String number, MediaType metadataType, MediaType scanRequestType) {
    this.number = number;
    this.metadataType = metadataType;
    this.scanRequestType = scanRequestType;
  }

  /** The version as the OpenAPI file's {@code info.version} writes it ({@code 1.2}). */
  public String number() {
    return number;
  }

  /** The media type of {@code GET /api/v1/metadata}'s answer in this version. */
  public MediaType metadataType() {
    return metadataType;
  }

  /** The media type of {@code POST /api/v1/scan}'s body in this version. */
  public MediaType scanRequestType() {
    return scanRequestType;
  }
}
