package io.wharf.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.server.Access;
import io.wharf.oci.server.Authentication;
import io.wharf.oci.server.Challenge;
import io.wharf.oci.server.Endpoint;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.RequestContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link BasicAuthenticator} on each kind of {@code Authorization} header. */
class BasicAuthenticatorTest {

  private final BasicAuthenticator authenticator =
      new BasicAuthenticator("alice", "s3cret:with colon", "wharf example");

  private static final RequestContext LOGIN =
      new RequestContext(
          "test-1",
          Instant.EPOCH,
          HttpMethod.GET,
          Endpoint.API_VERSION,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Identity.ANONYMOUS,
          List.of(Access.login()));

  private Authentication authenticate(String... authorization) {
    Headers.Builder headers = Headers.builder();
    for (String value : authorization) {
      headers.add("Authorization", value);
    }
    return authenticator.authenticate(LOGIN, headers.build());
  }

  private static String basic(String userAndPassword) {
    return "Basic "
        + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theUserWithThePasswordIsNamed() {
    assertThat(authenticate(basic("alice:s3cret:with colon")))
        .isEqualTo(Authentication.of(Identity.named("alice")));
    assertThat(authenticate("basic " + basic("alice:s3cret:with colon").substring(6)))
        .isEqualTo(Authentication.of(Identity.named("alice")));
  }

  @Test
  void noCredentialsOrAnEmptyUserNameIsAnonymous() {
    assertThat(authenticate()).isEqualTo(Authentication.anonymous());
    assertThat(authenticate("Basic Og==")).isEqualTo(Authentication.anonymous()); // ":"
  }

  @Test
  void anythingElseIsRefusedWithTheChallengeAndWithoutEchoingIt() {
    for (String header :
        List.of(
            basic("alice:guess"),
            basic("bob:s3cret:with colon"),
            basic("alice:s3cret"),
            basic("alice"),
            "Basic not-base64!",
            "Bearer s3cret")) {
      assertThat(authenticate(header))
          .as(header)
          .isInstanceOfSatisfying(
              Authentication.Refused.class,
              r -> {
                assertThat(r.challenge()).contains(Challenge.basic("wharf example"));
                assertThat(r.reason()).doesNotContain("s3cret").doesNotContain("guess");
              });
    }
    assertThat(authenticator.toString()).doesNotContain("s3cret");
  }
}
