package io.wharf.oci.policy.sign;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A keyless (Fulcio) signer a policy trusts: the OIDC issuer that vouched for it and its identity
 * (the certificate's subject alternative name: an e-mail address, a URI such as a CI workflow),
 * exactly or by a regular expression matched against the whole name.
 *
 * @param issuer the OIDC issuer, exactly ({@code https://token.actions.githubusercontent.com})
 * @param subject the identity, exactly; empty when {@code subjectPattern} is given
 * @param subjectPattern a regular expression the whole identity must match; empty when {@code
 *     subject} is given
 */
public record KeylessIdentity(
    String issuer, Optional<String> subject, Optional<String> subjectPattern) {

  /** Checks that exactly one of subject and pattern is given, and that the pattern compiles. */
  public KeylessIdentity {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(subjectPattern, "subjectPattern");
    if (issuer.isEmpty()) {
      throw new IllegalArgumentException("a keyless identity names its issuer");
    }
    if (subject.isPresent() == subjectPattern.isPresent()) {
      throw new IllegalArgumentException(
          "a keyless identity has exactly one of subject and subjectPattern");
    }
    if (subjectPattern.isPresent()) {
      try {
        Pattern.compile(subjectPattern.get());
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "subjectPattern is not a regular expression: " + e.getDescription(), e);
      }
    }
  }

  /**
   * Whether a certificate with {@code certificateIssuer} and {@code certificateSubject} is this
   * signer.
   */
  public boolean matches(String certificateIssuer, String certificateSubject) {
    if (!issuer.equals(certificateIssuer)) {
      return false;
    }
    return subject.isPresent()
        ? subject.get().equals(certificateSubject)
        : Pattern.compile(subjectPattern.get()).matcher(certificateSubject).matches();
  }

  @Override
  public String toString() {
    return subject.orElseGet(() -> "/" + subjectPattern.get() + "/") + " (" + issuer + ")";
  }
}
