package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.server.RegistryConformanceContract.Reply;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The authentication and authorisation hooks, with small real implementations. */
class AccessControlTest {

  /** Users with passwords, over HTTP Basic: what an htpasswd authenticator does. */
  static final class BasicUsers implements Authenticator {
    private final Map<String, String> passwords;

    BasicUsers(Map<String, String> passwords) {
      this.passwords = Map.copyOf(passwords);
    }

    @Override
    public Authentication authenticate(RequestContext request, Headers headers) {
      Optional<String> header = headers.first("Authorization");
      if (header.isEmpty()) {
        return Authentication.anonymous();
      }
      String value = header.get();
      if (!value.regionMatches(true, 0, "Basic ", 0, 6)) {
        return Authentication.refused("only Basic credentials are accepted", challenge(request));
      }
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(value.substring(6).strip()), UTF8);
      } catch (IllegalArgumentException e) {
        return Authentication.refused("malformed Basic credentials", challenge(request));
      }
      int colon = decoded.indexOf(':');
      String user = colon < 0 ? decoded : decoded.substring(0, colon);
      String password = colon < 0 ? "" : decoded.substring(colon + 1);
      String expected = passwords.get(user);
      if (expected == null
          || !MessageDigest.isEqual(expected.getBytes(UTF8), password.getBytes(UTF8))) {
        return Authentication.refused("wrong user name or password", challenge(request));
      }
      return Authentication.of(Identity.named(user));
    }

    @Override
    public Optional<Challenge> challenge(RequestContext request) {
      return Optional.of(Challenge.basic("wharf-test"));
    }
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  /** Bearer tokens that stand for an identity with granted scopes: what a token service issues. */
  static final class Tokens implements Authenticator {
    private final Map<String, Identity> tokens;

    Tokens(Map<String, Identity> tokens) {
      this.tokens = Map.copyOf(tokens);
    }

    @Override
    public Authentication authenticate(RequestContext request, Headers headers) {
      Optional<String> header = headers.first("Authorization");
      if (header.isEmpty()) {
        return Authentication.anonymous();
      }
      Identity identity = tokens.get(header.get().replaceFirst("^Bearer ", ""));
      return identity == null
          ? Authentication.refused("the token is not valid", challenge(request))
          : Authentication.of(identity);
    }

    /** The Docker token spec's challenge, naming every scope the request needs. */
    @Override
    public Optional<Challenge> challenge(RequestContext request) {
      Map<String, List<String>> byResource = new java.util.LinkedHashMap<>();
      for (Access a : request.accesses()) {
        a.scope()
            .ifPresent(
                scope -> {
                  int last = scope.lastIndexOf(':');
                  byResource
                      .computeIfAbsent(scope.substring(0, last), k -> new ArrayList<>())
                      .add(scope.substring(last + 1));
                });
      }
      String scope =
          byResource.entrySet().stream()
              .map(e -> e.getKey() + ":" + String.join(",", e.getValue()))
              .collect(Collectors.joining(" "));
      return Optional.of(Challenge.bearer("https://auth.example/token", "wharf-test", scope));
    }
  }

  /** A read-only mirror: nobody pushes or deletes. */
  static final Authorizer READ_ONLY =
      (identity, access) ->
          access.action() == Action.PUSH || access.action() == Action.DELETE
              ? Decision.deny("this registry is a read-only mirror; push to the upstream instead")
              : Decision.allow();

  /** Each user owns the repositories under their name; anyone may log in, users list. */
  static final Authorizer OWN_NAMESPACE =
      (identity, access) -> {
        if (access.action() == Action.LOGIN) {
          return Decision.allow();
        }
        if (identity.isAnonymous()) {
          return Decision.deny("log in first");
        }
        if (access.action() == Action.CATALOG) {
          return Decision.allow();
        }
        String prefix = identity.name().orElseThrow() + "/";
        return access.repository().map(r -> r.value().startsWith(prefix)).orElse(false)
            ? Decision.allow()
            : Decision.deny(identity + " may not " + access.action() + " " + access);
      };

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF8));
  }

  @Test
  void aReadOnlyMirrorServesPullsAndDeniesPushesAndDeletesWithTheReason() throws IOException {
    RegistryStorage storage = RegistryStorage.inMemory();
    Calls writer = new Calls(Registry.builder(storage).build());
    RawManifest m = writer.image("library/app", "1", Map.of());
    assertThat(writer.putManifest("library/app", "v1", m).status()).isEqualTo(201);

    Calls mirror = new Calls(Registry.builder(storage).authorizer(READ_ONLY).build());
    assertThat(mirror.call(HttpMethod.GET, "/v2/library/app/manifests/v1").body())
        .isEqualTo(m.bytes());
    Reply push = mirror.putManifest("library/app", "v2", m);
    assertThat(push.status()).isEqualTo(403);
    assertThat(push.code()).isEqualTo("DENIED");
    assertThat(push.body().utf8()).contains("this registry is a read-only mirror");
    Reply upload = mirror.call(HttpMethod.POST, "/v2/library/app/blobs/uploads/");
    assertThat(upload.status()).isEqualTo(403);
    Reply delete = mirror.call(HttpMethod.DELETE, "/v2/library/app/manifests/v1");
    assertThat(delete.status()).isEqualTo(403);
    assertThat(mirror.call(HttpMethod.GET, "/v2/library/app/tags/list").body().utf8())
        .isEqualTo("{\"name\":\"library/app\",\"tags\":[\"v1\"]}");
  }

  @Test
  void theAnonymousCallerIsChallengedAndWrongCredentialsAreRefused() throws IOException {
    List<RegistryEvent> events = new CopyOnWriteArrayList<>();
    Registry registry =
        Registry.builder(RegistryStorage.inMemory())
            .authenticator(new BasicUsers(Map.of("alice", "s3cret")))
            .authorizer(OWN_NAMESPACE)
            .addListener(events::add)
            .build();
    Calls anonymous = new Calls(registry);
    assertThat(anonymous.call(HttpMethod.GET, "/v2/").status()).isEqualTo(200);
    Reply pull = anonymous.call(HttpMethod.GET, "/v2/alice/app/tags/list");
    assertThat(pull.status()).isEqualTo(401);
    assertThat(pull.code()).isEqualTo("UNAUTHORIZED");
    assertThat(pull.header("WWW-Authenticate")).isEqualTo("Basic realm=\"wharf-test\"");

    Reply wrong =
        anonymous.with("Authorization", basic("alice", "guess")).call(HttpMethod.GET, "/v2/");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.header("WWW-Authenticate")).isEqualTo("Basic realm=\"wharf-test\"");
    assertThat(wrong.body().utf8()).contains("wrong user name or password").doesNotContain("guess");

    Calls alice = anonymous.with("Authorization", basic("alice", "s3cret"));
    assertThat(alice.call(HttpMethod.GET, "/v2/").status()).isEqualTo(200);
    Descriptor blob = alice.pushBlob("alice/app", MediaType.OCTET_STREAM, Bytes.utf8("mine"));
    Reply elsewhere =
        alice.call(
            HttpMethod.POST,
            "/v2/bob/app/blobs/uploads/?digest=" + blob.digest(),
            Headers.empty(),
            Bytes.utf8("mine"));
    assertThat(elsewhere.status()).isEqualTo(403);
    assertThat(elsewhere.code()).isEqualTo("DENIED");
    assertThat(elsewhere.body().utf8()).contains("alice may not PUSH");

    registry.close();
    // Wrong credentials and the denial are events; the anonymous challenge is the handshake.
    assertThat(events)
        .filteredOn(RegistryEvent::denied)
        .extracting(RegistryEvent::status, e -> e.actor().toString(), RegistryEvent::reasons)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                401, "anonymous", List.of("wrong user name or password")),
            org.assertj.core.groups.Tuple.tuple(
                403, "alice", List.of("alice may not PUSH repository:bob/app:push")));
  }

  @Test
  void aTokenWithoutTheScopeIsChallengedForTheScopeTheRequestNeeds() throws IOException {
    RepositoryName app = new RepositoryName("team/app");
    Registry registry =
        Registry.builder(RegistryStorage.inMemory())
            .authenticator(
                new Tokens(
                    Map.of(
                        "pull-only",
                        Identity.named("ci").withGrantedAccess(Set.of(Access.pull(app))),
                        "push",
                        Identity.named("ci")
                            .withGrantedAccess(Set.of(Access.pull(app), Access.push(app))))))
            .build();
    Calls pullOnly = new Calls(registry).with("Authorization", "Bearer pull-only");
    assertThat(pullOnly.call(HttpMethod.GET, "/v2/").status()).isEqualTo(200);
    assertThat(pullOnly.call(HttpMethod.GET, "/v2/team/app/tags/list").status()).isEqualTo(404);
    Reply push = pullOnly.call(HttpMethod.POST, "/v2/team/app/blobs/uploads/");
    assertThat(push.status()).isEqualTo(401);
    assertThat(push.header("WWW-Authenticate"))
        .isEqualTo(
            "Bearer realm=\"https://auth.example/token\",service=\"wharf-test\","
                + "scope=\"repository:team/app:push\"");
    Reply other = pullOnly.call(HttpMethod.GET, "/v2/team/other/tags/list");
    assertThat(other.status()).isEqualTo(401);
    assertThat(other.header("WWW-Authenticate")).contains("scope=\"repository:team/other:pull\"");
    Calls pusher = new Calls(registry).with("Authorization", "Bearer push");
    assertThat(pusher.call(HttpMethod.POST, "/v2/team/app/blobs/uploads/").status()).isEqualTo(202);
    Reply forged =
        new Calls(registry).with("Authorization", "Bearer forged").call(HttpMethod.GET, "/v2/");
    assertThat(forged.status()).isEqualTo(401);
    assertThat(forged.code()).isEqualTo("UNAUTHORIZED");
  }

  @Test
  void aMountNeedsPullOnTheSourceAndFallsBackToAnUploadWithoutIt() throws IOException {
    List<Access> asked = new CopyOnWriteArrayList<>();
    Authorizer onlyAlicePullsSecrets =
        (identity, access) -> {
          asked.add(access);
          boolean secret =
              access.repository().map(r -> r.value().startsWith("secret/")).orElse(false);
          return secret && !identity.name().equals(Optional.of("alice"))
              ? Decision.deny(identity + " may not read " + access.repository().orElseThrow())
              : Decision.allow();
        };
    Registry registry =
        Registry.builder(RegistryStorage.inMemory())
            .authenticator(new BasicUsers(Map.of("alice", "a", "bob", "b")))
            .authorizer(onlyAlicePullsSecrets)
            .build();
    Calls alice = new Calls(registry).with("Authorization", basic("alice", "a"));
    Calls bob = new Calls(registry).with("Authorization", basic("bob", "b"));
    Descriptor secret = alice.pushBlob("secret/keys", MediaType.OCTET_STREAM, Bytes.utf8("key"));

    asked.clear();
    Reply bobs =
        bob.call(
            HttpMethod.POST,
            "/v2/bob/copy/blobs/uploads/?mount=" + secret.digest() + "&from=secret/keys");
    assertThat(asked)
        .containsExactly(
            Access.push(new RepositoryName("bob/copy")),
            Access.pull(new RepositoryName("secret/keys")));
    assertThat(bobs.status()).isEqualTo(202);
    assertThat(bobs.header("Location")).startsWith("/v2/bob/copy/blobs/uploads/");
    assertThat(bob.call(HttpMethod.HEAD, "/v2/bob/copy/blobs/" + secret.digest()).status())
        .isEqualTo(404);
    // Whether or not the source has the blob, bob gets the same answer.
    Reply absent =
        bob.call(
            HttpMethod.POST,
            "/v2/bob/copy/blobs/uploads/?mount="
                + Digest.sha256(Bytes.utf8("none"))
                + "&from=secret/keys");
    assertThat(absent.status()).isEqualTo(202);

    Reply alices =
        alice.call(
            HttpMethod.POST,
            "/v2/alice/copy/blobs/uploads/?mount=" + secret.digest() + "&from=secret/keys");
    assertThat(alices.status()).isEqualTo(201);
    assertThat(alice.call(HttpMethod.GET, "/v2/alice/copy/blobs/" + secret.digest()).body().utf8())
        .isEqualTo("key");
  }

  @Test
  void theCatalogListsOnlyWhatTheCallerMayPullAcrossPages() throws IOException {
    RegistryStorage storage = RegistryStorage.inMemory();
    Calls admin = new Calls(Registry.builder(storage).build());
    List<String> alices = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      // Interleaved: bob's repositories sort between alice's.
      String owner = i % 4 == 0 ? "alice" : "bob";
      String name = String.format("%s/%02d/app", owner, i);
      admin.pushBlob(name, MediaType.OCTET_STREAM, Bytes.utf8(name));
      if (owner.equals("alice")) {
        alices.add(name);
      }
    }
    Calls alice = new Calls(registryOf(storage)).with("Authorization", basic("alice", "a"));
    assertThat(repositories(alice.call(HttpMethod.GET, "/v2/_catalog").body().utf8()))
        .containsExactlyElementsOf(alices.stream().sorted().toList());
    List<String> paged = new ArrayList<>();
    String next = "/v2/_catalog?n=3";
    int pages = 0;
    while (next != null) {
      Reply page = alice.call(HttpMethod.GET, next);
      assertThat(page.status()).isEqualTo(200);
      List<String> names = repositories(page.body().utf8());
      assertThat(names.size()).isLessThanOrEqualTo(3);
      paged.addAll(names);
      String link = page.header("Link");
      next = link == null ? null : link.substring(1, link.indexOf('>'));
      assertThat(++pages).isLessThan(20);
    }
    assertThat(paged).containsExactlyElementsOf(alices.stream().sorted().toList());
    Reply anonymous = new Calls(registryOf(storage)).call(HttpMethod.GET, "/v2/_catalog");
    assertThat(anonymous.status()).isEqualTo(401);
  }

  private static Registry registryOf(RegistryStorage storage) {
    return Registry.builder(storage)
        .authenticator(new BasicUsers(Map.of("alice", "a")))
        .authorizer(OWN_NAMESPACE)
        .build();
  }

  private static List<String> repositories(String json) {
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("\"([^\"]+)\"").matcher(json.substring(json.indexOf('[')));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  @Test
  void everyEndpointAsksForItsAction() throws IOException {
    List<Access> asked = new CopyOnWriteArrayList<>();
    Registry registry =
        Registry.builder(RegistryStorage.inMemory())
            .authorizer(
                (identity, access) -> {
                  asked.add(access);
                  return Decision.allow();
                })
            .build();
    Calls calls = new Calls(registry);
    RepositoryName r = new RepositoryName("r");
    Digest d = Digest.sha256(Bytes.utf8("x"));
    Map<String, Access> expected = new java.util.LinkedHashMap<>();
    expected.put("GET /v2/", Access.login());
    expected.put("HEAD /v2/", Access.login());
    expected.put("GET /v2/_catalog", Access.catalog());
    expected.put("GET /v2/r/blobs/" + d, Access.pull(r));
    expected.put("HEAD /v2/r/manifests/v1", Access.pull(r));
    expected.put("GET /v2/r/tags/list?n=1", Access.pull(r));
    expected.put("GET /v2/r/referrers/" + d, Access.pull(r));
    expected.put("POST /v2/r/blobs/uploads/", Access.push(r));
    expected.put("PATCH /v2/r/blobs/uploads/nosuch", Access.push(r));
    expected.put("PUT /v2/r/blobs/uploads/nosuch?digest=" + d, Access.push(r));
    expected.put("GET /v2/r/blobs/uploads/nosuch", Access.push(r));
    expected.put("DELETE /v2/r/blobs/uploads/nosuch", Access.push(r));
    expected.put("PUT /v2/r/manifests/v1", Access.push(r));
    expected.put("DELETE /v2/r/manifests/v1", Access.delete(r));
    expected.put("DELETE /v2/r/blobs/" + d, Access.delete(r));
    for (Map.Entry<String, Access> e : expected.entrySet()) {
      asked.clear();
      String[] request = e.getKey().split(" ");
      calls.call(HttpMethod.valueOf(request[0]), request[1]);
      assertThat(asked).as(e.getKey()).containsExactly(e.getValue());
    }
  }
}
