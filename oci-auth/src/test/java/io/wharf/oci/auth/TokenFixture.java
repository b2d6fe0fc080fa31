package io.wharf.oci.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.server.Access;
import io.wharf.oci.server.Action;
import io.wharf.oci.server.Authorizer;
import io.wharf.oci.server.Decision;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RegistryEvent;
import io.wharf.oci.server.RegistryHandler;
import io.wharf.oci.server.RegistryRequest;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.storage.RegistryStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A registry in memory with Wharf's token service at {@code /token} and bearer authentication,
 * small fakes for {@link Logins} and the {@link Authorizer}, and a clock the test moves.
 */
final class TokenFixture implements AutoCloseable {

  static final String SERVICE = "registry.test";
  static final String ISSUER = "wharf-test";
  static final String REALM = "http://registry.test/token";

  /** Made once: key generation is the slow part. */
  static final SigningKey KEY =
      SigningKey.generate(SigningKey.Algorithm.ES256, "test", Clock.systemUTC());

  /** Users with passwords; {@code throttled} names are answered as throttled. */
  static final class FakeLogins implements Logins {
    final Map<String, String> passwords;
    final Map<String, Identity> identities;
    final Set<String> throttled;
    final List<String> asked = new CopyOnWriteArrayList<>();

    FakeLogins(
        Map<String, String> passwords, Map<String, Identity> identities, Set<String> throttled) {
      this.passwords = passwords;
      this.identities = identities;
      this.throttled = throttled;
    }

    @Override
    public LoginResult login(String username, String secret, Optional<InetSocketAddress> client) {
      asked.add(username);
      if (throttled.contains(username)) {
        return new LoginResult.Throttled(Duration.ofMillis(29_500));
      }
      String expected = passwords.get(username);
      if (expected == null) {
        return new LoginResult.Failure("unknown user " + username);
      }
      if (!MessageDigest.isEqual(
          expected.getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8))) {
        return new LoginResult.Failure("wrong password for " + username);
      }
      return new LoginResult.Success(
          identities.getOrDefault(
              username,
              Identity.named(username).withAttributes(Map.of("kind", "user", "source", "static"))));
    }
  }

  /**
   * alice: pull and push on team/*; bob: pull on team/*; robot$ci: push on team/*; everyone,
   * anonymous included: pull on public/*; group admins: everything.
   */
  static final Authorizer AUTHORIZER =
      (identity, access) -> {
        if (identity.groups().contains("admins")) {
          return Decision.allow();
        }
        String repo = access.repository().map(Object::toString).orElse("");
        Set<Action> allowed = EnumSet.noneOf(Action.class);
        allowed.add(Action.LOGIN);
        if (repo.startsWith("public/")) {
          allowed.add(Action.PULL);
        }
        String name = identity.name().orElse("");
        if (repo.startsWith("team/")) {
          switch (name) {
            case "alice" -> allowed.addAll(Set.of(Action.PULL, Action.PUSH));
            case "bob" -> allowed.add(Action.PULL);
            case "robot$ci" -> allowed.addAll(Set.of(Action.PULL, Action.PUSH));
            default -> {}
          }
        }
        return allowed.contains(access.action())
            ? Decision.allow()
            : Decision.deny(identity + " may not " + access);
      };

  /** alice, bob, robot$ci and root (in group admins) with their passwords; mallory throttled. */
  static FakeLogins logins() {
    return new FakeLogins(
        Map.of("alice", "alice-pw", "bob", "bob-pw", "robot$ci", "robot-secret", "root", "root-pw"),
        Map.of(
            "root",
            Identity.named("root")
                .withGroups(Set.of("admins", "ops"))
                .withAttributes(Map.of("kind", "user", "source", "ldap")),
            "robot$ci",
            Identity.named("robot$ci").withAttributes(Map.of("kind", "robot", "source", "robot"))),
        Set.of("mallory"));
  }

  final MutableClock clock = new MutableClock(Instant.parse("2030-01-02T03:04:05Z"));
  final FakeLogins logins = logins();
  final List<RegistryEvent> events = new CopyOnWriteArrayList<>();
  final TokenService tokens;
  final TokenAuthenticator authenticator;
  final Registry registry;

  TokenFixture() {
    tokens = TokenService.builder(SERVICE, KEY, logins, AUTHORIZER).issuer(ISSUER).build();
    authenticator =
        TokenAuthenticator.builder(REALM, SERVICE)
            .trust(tokens.trustedIssuer())
            .clock(clock)
            .build();
    registry =
        Registry.builder(RegistryStorage.inMemory())
            .clock(clock)
            .authenticator(authenticator)
            .authorizer(AUTHORIZER)
            .route("/token", tokens)
            .addListener(events::add)
            .build();
  }

  /** The events so far: closes the registry, which delivers every queued event first. */
  List<RegistryEvent> events() {
    registry.close();
    return List.copyOf(events);
  }

  @Override
  public void close() {
    registry.close();
  }

  /** A reply read whole. */
  record Reply(int status, Headers headers, String body) {
    Map<String, Object> json() throws IOException {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = new ObjectMapper().readValue(body, Map.class);
      return map;
    }

    String header(String name) {
      return headers.first(name).orElse("");
    }
  }

  static Reply call(
      RegistryHandler handler, HttpMethod method, String target, Headers headers, Bytes body)
      throws IOException {
    int q = target.indexOf('?');
    RegistryResponse r =
        handler.handle(
            new RegistryRequest(
                method,
                q < 0 ? target : target.substring(0, q),
                q < 0 ? "" : target.substring(q + 1),
                headers,
                body.openStream()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (r.body().isPresent()) {
      r.body().get().writeTo(out);
    }
    return new Reply(r.status(), r.headers(), out.toString(StandardCharsets.UTF_8));
  }

  Reply get(String target, String... headerPairs) throws IOException {
    return call(registry, HttpMethod.GET, target, headers(headerPairs), Bytes.empty());
  }

  Reply post(String target, String form, String... headerPairs) throws IOException {
    List<String> all = new ArrayList<>(List.of(headerPairs));
    all.add("Content-Type");
    all.add("application/x-www-form-urlencoded");
    return call(
        registry, HttpMethod.POST, target, headers(all.toArray(String[]::new)), Bytes.utf8(form));
  }

  static Headers headers(String... pairs) {
    Headers.Builder b = Headers.builder();
    for (int i = 0; i < pairs.length; i += 2) {
      b.add(pairs[i], pairs[i + 1]);
    }
    return b.build();
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** A token from the service for {@code user} (anonymous when null) and {@code scopes}. */
  String token(String user, String password, String... scopes) throws IOException {
    StringBuilder target = new StringBuilder("/token?service=" + SERVICE);
    for (String scope : scopes) {
      target.append("&scope=").append(java.net.URLEncoder.encode(scope, StandardCharsets.UTF_8));
    }
    Reply r =
        user == null
            ? get(target.toString())
            : get(target.toString(), "Authorization", basic(user, password));
    if (r.status() != 200) {
      throw new AssertionError("token request: " + r.status() + " " + r.body());
    }
    return (String) r.json().get("token");
  }

  static String bearer(String token) {
    return "Bearer " + token;
  }

  /** The access of a granted scope, for assertions. */
  static Access pull(String repo) {
    return Access.pull(io.wharf.oci.model.ref.RepositoryName.of(repo));
  }
}
