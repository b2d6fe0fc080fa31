package io.wharf.oci.policy.sign;

import java.util.List;

/**
 * What one signature rule concluded about one manifest: verified, or why not.
 *
 * @param verified whether one of the rule's verifiers found one valid signature
 * @param reasons why not, one line each (empty when verified)
 * @param warnings what a verified signature was accepted despite (Notation's permissive and audit
 *     levels); empty when nothing was
 */
public record SignatureVerdict(boolean verified, List<String> reasons, List<String> warnings) {

  private static final SignatureVerdict VERIFIED = new SignatureVerdict(true, List.of(), List.of());

  /** Checks that a failure says why and a success does not. */
  public SignatureVerdict {
    reasons = List.copyOf(reasons);
    warnings = List.copyOf(warnings);
    if (verified != reasons.isEmpty()) {
      throw new IllegalArgumentException("a failed verdict says why, and only a failed verdict");
    }
  }

  /** Verified, with {@code warnings} (often none). */
  public static SignatureVerdict verified(List<String> warnings) {
    return warnings.isEmpty() ? VERIFIED : new SignatureVerdict(true, List.of(), warnings);
  }

  /** Not verified, because of {@code reasons} (at least one). */
  public static SignatureVerdict failed(List<String> reasons) {
    return new SignatureVerdict(false, reasons, List.of());
  }
}
