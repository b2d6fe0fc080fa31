package io.wharf.oci.policy.sign;

import java.util.List;
import java.util.Objects;

/**
 * What a verifier concluded about one signature.
 *
 * @param verified whether the signature is valid, by a signer the verifier trusts, over the subject
 * @param signer who signed it as the verifier names its trust ({@code key cosign.pub}, {@code
 *     mitr@redhat.com (https://github.com/login/oauth)}, {@code CN=e2e,O=Notary}), or what it would
 *     have had to be signed by when that is unknown
 * @param message why it is not valid ({@code signature does not match the manifest digest}); empty
 *     when it is
 * @param warnings what was accepted although it failed (Notation's permissive and audit levels: an
 *     expired signature); empty when nothing was
 */
public record SignatureCheck(
    boolean verified, String signer, String message, List<String> warnings) {

  /** Checks that a failure says why and a success does not. */
  public SignatureCheck {
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(message, "message");
    warnings = List.copyOf(warnings);
    if (verified != message.isEmpty()) {
      throw new IllegalArgumentException("a failed check says why, and only a failed check");
    }
  }

  /** A valid signature by {@code signer}. */
  public static SignatureCheck verified(String signer) {
    return new SignatureCheck(true, signer, "", List.of());
  }

  /** A signature by {@code signer} accepted although {@code warnings} failed. */
  public static SignatureCheck verified(String signer, List<String> warnings) {
    return new SignatureCheck(true, signer, "", warnings);
  }

  /** A signature that is not valid for {@code signer}, because of {@code message}. */
  public static SignatureCheck failed(String signer, String message) {
    return new SignatureCheck(false, signer, message, List.of());
  }
}
