package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.server.Authorizer;
import io.wharf.oci.server.Decision;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RegistryRequest;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.storage.RegistryStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Basic authentication on the registry, over a {@link Logins} that knows one user. */
class BasicAuthenticatorTest {

  private final List<String> checked = new ArrayList<>();
  private boolean throttled;

  private final Logins logins =
      (user, secret, client) -> {
        checked.add(user);
        if (throttled) {
          return new LoginResult.Throttled(Duration.ofMillis(2500));
        }
        return user.equals("alice") && secret.equals("right")
            ? new LoginResult.Success(Identity.named("alice"))
            : new LoginResult.Failure("wrong password");
      };

  /** Only alice may do anything. */
  private final Registry registry =
      Registry.builder(RegistryStorage.inMemory())
          .authenticator(new BasicAuthenticator(logins, "wharf"))
          .authorizer(
              (Authorizer)
                  (identity, access) ->
                      identity.name().filter("alice"::equals).isPresent()
                          ? Decision.allow()
                          : Decision.deny("only alice"))
          .build();

  private RegistryResponse get(String path, String authorization) throws IOException {
    Headers.Builder h = Headers.builder();
    if (authorization != null) {
      h.set("Authorization", authorization);
    }
    return registry.handle(
        new RegistryRequest(HttpMethod.GET, path, "", h.build(), Bytes.empty().openStream()));
  }

  private static String basic(String s) {
    return "Basic " + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String body(RegistryResponse r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (r.body().isPresent()) {
      r.body().get().writeTo(out);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void anonymousIsChallengedWithBasic() throws IOException {
    RegistryResponse r = get("/v2/", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.headers().first("WWW-Authenticate")).contains("Basic realm=\"wharf\"");
  }

  @Test
  void rightCredentialsGetIn() throws IOException {
    assertThat(get("/v2/", basic("alice:right")).status()).isEqualTo(200);
    assertThat(get("/v2/team/app/tags/list", basic("alice:right")).status()).isEqualTo(404);
  }

  @Test
  void wrongCredentialsAre401WithoutTheSecret() throws IOException {
    RegistryResponse r = get("/v2/", basic("alice:wrong-secret-123"));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.headers().first("WWW-Authenticate")).contains("Basic realm=\"wharf\"");
    String body = body(r);
    assertThat(body).contains("UNAUTHORIZED").contains("invalid credentials");
    assertThat(body).doesNotContain("wrong-secret-123").doesNotContain("wrong password");
  }

  @Test
  void malformedOrHugeHeadersAre401AndNeverChecked() throws IOException {
    for (String header :
        List.of(
            "Basic %%%",
            basic("nocolon"), "Basic " + "QUFB".repeat(5000), basic("alice:" + "x".repeat(5000)))) {
      RegistryResponse r = get("/v2/", header);
      assertThat(r.status()).isEqualTo(401);
      assertThat(body(r)).doesNotContain("xxxxxxxx");
    }
    assertThat(checked).isEmpty();
  }

  @Test
  void throttledLoginsAre429WithRetryAfter() throws IOException {
    throttled = true;
    RegistryResponse r = get("/v2/", basic("alice:right"));
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.headers().first("Retry-After")).contains("3");
    assertThat(body(r)).contains("TOOMANYREQUESTS");
  }
}
