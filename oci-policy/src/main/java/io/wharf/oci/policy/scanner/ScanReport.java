package io.wharf.oci.policy.scanner;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.MediaType;
import java.util.Objects;

/**
 * A scan report as the adapter sent it: the exact bytes and their media type (the one asked for).
 * Reading it is {@code io.wharf.oci.policy.vuln}'s job.
 *
 * @param id the scan it reports on
 * @param mediaType the report's media type
 * @param bytes the report, exactly as received
 */
public record ScanReport(ScanRequestId id, MediaType mediaType, Bytes bytes) {

  /** Checks that nothing is missing. */
  public ScanReport {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(bytes, "bytes");
  }

  @Override
  public String toString() {
    return "ScanReport[" + id + ", " + mediaType + ", " + bytes.size() + " bytes]";
  }
}
