package io.wharf.oci.policy.scanner;

import java.time.Duration;
import java.util.Objects;

/** One answer of {@code GET /api/v1/scan/{id}/report}: the report, or not yet ({@code 302}). */
public sealed interface ReportPoll permits ReportPoll.Ready, ReportPoll.Pending {

  /**
   * The report is ready ({@code 200}).
   *
   * @param report the report
   */
  record Ready(ScanReport report) implements ReportPoll {
    /** Checks that the report is there. */
    public Ready {
      Objects.requireNonNull(report, "report");
    }
  }

  /**
   * The report is being generated ({@code 302}); ask again after {@code retryAfter}.
   *
   * @param retryAfter how long to wait: what the adapter said in {@code Refresh-After} (the OpenAPI
   *     file's header) or {@code Retry-After}, bounded by the client's poll interval limits, or the
   *     client's default interval when it said nothing usable
   */
  record Pending(Duration retryAfter) implements ReportPoll {
    /** Checks that the wait is not negative. */
    public Pending {
      if (retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter must not be negative");
      }
    }
  }
}
