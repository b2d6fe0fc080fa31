package io.wharf.oci.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.wharf.oci.client.BlobSource;
import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.RegistryClientException;
import io.wharf.oci.client.Repository;
import io.wharf.oci.client.TestContent;
import io.wharf.oci.client.auth.Credential;
import io.wharf.oci.client.auth.CredentialProvider;
import io.wharf.oci.client.testsupport.CannedResponse;
import io.wharf.oci.client.testsupport.DockerRegistryProcess;
import io.wharf.oci.client.testsupport.Fault;
import io.wharf.oci.client.testsupport.FaultProxy;
import io.wharf.oci.client.testsupport.TokenServer;
import io.wharf.oci.client.testsupport.TokenServer.Grant;
import io.wharf.oci.client.testsupport.TokenServer.TokenRequest;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.model.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against {@code docker-registry} in token mode ({@code auth.token}) whose tokens a
 * {@link TokenServer} signs: the Docker token flow end to end, as a registry that is not ours
 * checks it.
 */
class TokenAuthIT {

  /** Distinctive, so a leak into a log line or a message cannot be missed. */
  private static final String ALICE_PASSWORD = "alice-Secr3t-pw-4f9c";

  private static final String READER_PASSWORD = "reader-Secr3t-pw-77ab";

  @TempDir static Path temp;

  private static TokenServer tokens;
  private static DockerRegistryProcess registry;
  private static RegistryHost host;

  private final List<RegistryClient> clients = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    DockerRegistryProcess.requireAvailable();
    tokens =
        TokenServer.builder()
            .user(
                "alice",
                ALICE_PASSWORD,
                Grant.repository("team/*", "pull", "push"),
                Grant.repository("public/*", "pull", "push"))
            .user("reader", READER_PASSWORD, Grant.repository("team/*", "pull"))
            .anonymous(Grant.repository("public/*", "pull"))
            .start(temp);
    registry = DockerRegistryProcess.start(tokens.registryAuth());
    host = new RegistryHost(registry.host());
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
    if (tokens != null) {
      tokens.close();
    }
  }

  @BeforeEach
  void forget() {
    tokens.tokenLifetime(Duration.ofMinutes(5));
    tokens.issueStaleTokens(0);
    tokens.clearRequests();
  }

  @AfterEach
  void close() throws Exception {
    for (RegistryClient c : clients) {
      c.close();
    }
  }

  private RegistryClient client(RegistryClient.Builder b) {
    RegistryClient c = b.build();
    clients.add(c);
    return c;
  }

  private RegistryClient alice(UnaryOperator<RegistryClient.Builder> settings) {
    return client(
        settings.apply(
            RegistryClient.builder()
                .credentials(CredentialProvider.of(Credential.basic("alice", ALICE_PASSWORD)))));
  }

  private RegistryClient client(Credential credential) {
    return client(RegistryClient.builder().credentials(CredentialProvider.of(credential)));
  }

  private static Repository repo(String name) {
    return new Repository(host, RepositoryName.of(name));
  }

  private static RawManifest pushImage(RegistryClient client, Repository repo, long seed)
      throws Exception {
    Bytes config = Bytes.utf8("{\"seed\":" + seed + "}");
    Bytes layer = TestContent.random(200_000, seed);
    client.pushBlob(repo, Digest.sha256(config), BlobSource.of(config));
    client.pushBlob(repo, Digest.sha256(layer), BlobSource.of(layer));
    RawManifest manifest = TestContent.image(config, layer);
    client.putManifest(Reference.of(host, repo.name(), Tag.of("v1")), manifest);
    return manifest;
  }

  private static Bytes pullLayer(RegistryClient client, Repository repo, RawManifest m)
      throws Exception {
    var layer = m.parse().references().get(1);
    try (InputStream in = client.openBlob(repo, layer.digest(), layer.size())) {
      return Bytes.of(in.readAllBytes());
    }
  }

  private static List<List<String>> scopesAsked() {
    return tokens.requests().stream().map(TokenRequest::scopes).toList();
  }

  @Test
  void anonymousPullOfAPublicRepositoryButNoPush() throws Exception {
    Repository pub = repo("public/base");
    RawManifest pushed = pushImage(client(Credential.basic("alice", ALICE_PASSWORD)), pub, 1);
    tokens.clearRequests();

    RegistryClient anonymous = client(Credential.anonymous());
    Reference v1 = Reference.of(host, pub.name(), Tag.of("v1"));
    assertThat(anonymous.getManifest(v1)).isEqualTo(pushed);
    assertThat(Digest.sha256(pullLayer(anonymous, pub, pushed)))
        .isEqualTo(pushed.parse().references().get(1).digest());
    assertThat(tokens.requests())
        .isNotEmpty()
        .allSatisfy(
            r -> {
              assertThat(r.grantType()).isEqualTo("anonymous");
              assertThat(r.user()).isEmpty();
            });

    Bytes blob = Bytes.utf8("anonymous push");
    assertThatThrownBy(() -> anonymous.pushBlob(pub, Digest.sha256(blob), BlobSource.of(blob)))
        .isInstanceOfSatisfying(
            RegistryClientException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.code()).contains(ErrorCode.UNAUTHORIZED);
              assertThat(e.errors()).isNotEmpty();
            });
  }

  @Test
  void basicCredentialsGetTokensCachedPerScope() throws Exception {
    RegistryClient alice = client(Credential.basic("alice", ALICE_PASSWORD));
    Repository app = repo("team/app");
    RawManifest m = pushImage(alice, app, 2);
    pullLayer(alice, app, m);
    alice.getManifest(Reference.of(host, app.name(), Tag.of("v1")));

    List<TokenRequest> first = tokens.requests();
    assertThat(first)
        .allSatisfy(
            r -> {
              assertThat(r.method()).isEqualTo("GET");
              assertThat(r.user()).contains("alice");
              assertThat(r.status()).isEqualTo(200);
            });
    // one token per set of scopes, never twice
    assertThat(new HashSet<>(scopesAsked())).hasSameSizeAs(scopesAsked());
    assertThat(scopesAsked())
        .contains(List.of("repository:team/app:pull,push"), List.of("repository:team/app:pull"));

    // the same work again asks for nothing
    pushImage(alice, app, 2);
    pullLayer(alice, app, m);
    alice.listTags(app);
    assertThat(tokens.tokenRequests()).isEqualTo(first.size());

    // another repository is another scope
    Repository other = repo("team/other");
    pushImage(alice, other, 3);
    assertThat(tokens.tokenRequests()).isGreaterThan(first.size());
    assertThat(scopesAsked().subList(first.size(), tokens.tokenRequests()))
        .allSatisfy(s -> assertThat(String.join(" ", s)).contains("team/other"));
  }

  @Test
  void aPullOnlyUserIsRefusedPushWithATypedException() throws Exception {
    Repository app = repo("team/readonly");
    RawManifest m = pushImage(client(Credential.basic("alice", ALICE_PASSWORD)), app, 4);

    RegistryClient reader = client(Credential.basic("reader", READER_PASSWORD));
    assertThat(pullLayer(reader, app, m).size()).isEqualTo(200_000);
    Bytes blob = Bytes.utf8("the reader may not push this");
    assertThatThrownBy(() -> reader.pushBlob(app, Digest.sha256(blob), BlobSource.of(blob)))
        .isInstanceOfSatisfying(
            RegistryClientException.class,
            e -> {
              assertThat(e.status()).isIn(401, 403);
              assertThat(e.code()).get().isIn(ErrorCode.UNAUTHORIZED, ErrorCode.DENIED);
              assertThat(e.errors()).isNotEmpty();
              assertThat(e.toOciException().code()).isIn(ErrorCode.UNAUTHORIZED, ErrorCode.DENIED);
            });
    assertThatThrownBy(() -> reader.putManifest(Reference.of(host, app.name(), Tag.of("r")), m))
        .isInstanceOfSatisfying(
            RegistryClientException.class, e -> assertThat(e.status()).isIn(401, 403));
    // it did ask for push: the token server left it out and the registry refused
    assertThat(scopesAsked()).contains(List.of("repository:team/readonly:pull,push"));
  }

  @Test
  void anExpiringTokenIsRenewed() throws Exception {
    tokens.tokenLifetime(Duration.ofMinutes(2));
    MutableClock clock = new MutableClock(Instant.now());
    RegistryClient alice = alice(b -> b.clock(clock));
    Repository app = repo("team/expiring");
    pushImage(alice, app, 5);
    Reference v1 = Reference.of(host, app.name(), Tag.of("v1"));
    alice.getManifest(v1);
    int asked = tokens.tokenRequests();

    clock.advance(Duration.ofSeconds(60));
    alice.getManifest(v1);
    assertThat(tokens.tokenRequests()).as("still valid: cached").isEqualTo(asked);

    clock.advance(Duration.ofSeconds(55)); // 5 s before it expires: renewed ahead of time
    alice.getManifest(v1);
    assertThat(tokens.tokenRequests()).isEqualTo(asked + 1);
    assertThat(tokens.requests().get(asked).scopes())
        .containsExactly("repository:team/expiring:pull");
    alice.getManifest(v1);
    assertThat(tokens.tokenRequests()).as("the new one is cached").isEqualTo(asked + 1);
  }

  @Test
  void aTokenTheRegistryRefusesIsDroppedAndFetchedAgainOnce() throws Exception {
    Repository app = repo("team/stale");
    RawManifest m = pushImage(client(Credential.basic("alice", ALICE_PASSWORD)), app, 6);
    Reference v1 = Reference.of(host, app.name(), Tag.of("v1"));

    // The client caches the stale token for its claimed 5 minutes; distribution refuses it.
    RegistryClient alice = client(Credential.basic("alice", ALICE_PASSWORD));
    int before = tokens.tokenRequests();
    tokens.issueStaleTokens(1);
    assertThat(alice.getManifest(v1).digest()).isEqualTo(m.digest());
    assertThat(tokens.tokenRequests()).as("the stale token, then a good one").isEqualTo(before + 2);
    alice.getManifest(v1);
    assertThat(tokens.tokenRequests()).as("the good one is cached").isEqualTo(before + 2);

    // When every token is refused, the client fails with the 401 instead of asking forever.
    RegistryClient bob = client(Credential.basic("alice", ALICE_PASSWORD));
    int start = tokens.tokenRequests();
    tokens.issueStaleTokens(100);
    assertThatThrownBy(() -> bob.getManifest(v1))
        .isInstanceOfSatisfying(
            RegistryClientException.class, e -> assertThat(e.status()).isEqualTo(401));
    assertThat(tokens.tokenRequests() - start).isBetween(1, 3);
  }

  @Test
  void aMountAsksOneTokenForPullOnTheSourceAndPushOnTheTarget() throws Exception {
    RegistryClient alice = client(Credential.basic("alice", ALICE_PASSWORD));
    Repository source = repo("team/mount-source");
    Repository target = repo("team/mount-target");
    Bytes blob = TestContent.random(100_000, 6);
    Digest digest = Digest.sha256(blob);
    alice.pushBlob(source, digest, BlobSource.of(blob));
    tokens.clearRequests();

    assertThat(alice.mountBlob(target, source, digest)).as("201: mounted").isTrue();
    assertThat(tokens.requests()).hasSize(1);
    assertThat(tokens.requests().get(0).scopes())
        .containsExactlyInAnyOrder(
            "repository:team/mount-source:pull", "repository:team/mount-target:pull,push");
    assertThat(alice.statBlob(target, digest)).hasValue(blob.size());
  }

  @Test
  void oauth2PasswordGrantThenRefreshTokensAndIdentityTokens() throws Exception {
    RegistryClient alice = alice(b -> b.oauth2PasswordGrant(true));
    Repository app = repo("team/oauth");
    RawManifest m = pushImage(alice, app, 7);
    pullLayer(alice, app, m);

    List<TokenRequest> asked = tokens.requests();
    assertThat(asked).hasSizeGreaterThanOrEqualTo(2);
    assertThat(asked).allSatisfy(r -> assertThat(r.method()).isEqualTo("POST"));
    // the password once, then the refresh token the server handed out
    assertThat(asked.get(0).grantType()).isEqualTo("password");
    assertThat(asked.subList(1, asked.size()))
        .allSatisfy(
            r -> {
              assertThat(r.grantType()).isEqualTo("refresh_token");
              assertThat(r.user()).contains("alice");
              assertThat(r.status()).isEqualTo(200);
            });

    // a refresh token the server no longer takes: forgotten, and the password asked for once more
    tokens.clearRequests();
    tokens.failNext(1, 401);
    assertThat(alice.statBlob(repo("team/oauth-later"), m.digest())).isEmpty(); // a new scope
    assertThat(tokens.requests())
        .extracting(TokenRequest::grantType, TokenRequest::status)
        .containsExactly(tuple("refresh_token", 401), tuple("password", 200));

    // an identity token (docker's "identitytoken") is a refresh token
    String refresh = refreshToken("alice", ALICE_PASSWORD);
    tokens.clearRequests();
    RegistryClient byIdentity = client(Credential.identityToken(refresh));
    assertThat(pullLayer(byIdentity, app, m).size()).isEqualTo(200_000);
    assertThat(tokens.requests())
        .isNotEmpty()
        .allSatisfy(
            r -> {
              assertThat(r.method()).isEqualTo("POST");
              assertThat(r.grantType()).isEqualTo("refresh_token");
              assertThat(r.user()).contains("alice");
            });
  }

  /**
   * A realm that does not do OAuth2 (POST answered 405) is asked with GET, as docker falls back.
   */
  @Test
  void thePasswordGrantFallsBackToGetWhereTheRealmAnswers405() throws Exception {
    try (FaultProxy realm = FaultProxy.start(tokens.realm().getAuthority());
        DockerRegistryProcess viaProxy =
            DockerRegistryProcess.start(
                DockerRegistryProcess.Auth.token(
                    URI.create(realm.baseUri() + "/token"),
                    tokens.service(),
                    tokens.issuer(),
                    tokens.rootCertBundle()))) {
      FaultProxy.Injection noPost =
          realm.inject(
              Fault.respond(CannedResponse.of(405).withHeader("Allow", "GET")),
              100,
              h -> h.method().equals("POST"));
      RegistryHost proxied = new RegistryHost(viaProxy.host());
      RegistryClient alice = alice(b -> b.oauth2PasswordGrant(true));
      Repository app = new Repository(proxied, RepositoryName.of("team/fallback"));
      Bytes blob = TestContent.random(50_000, 8);
      alice.pushBlob(app, Digest.sha256(blob), BlobSource.of(blob));
      try (InputStream in = alice.openBlob(app, Digest.sha256(blob), blob.size())) {
        assertThat(in.readAllBytes()).hasSize(50_000);
      }
      // one POST, refused; every token since by GET, the realm remembered
      assertThat(noPost.triggered()).isEqualTo(1);
      assertThat(tokens.requests()).isNotEmpty();
      assertThat(tokens.requests())
          .allSatisfy(
              r -> {
                assertThat(r.method()).isEqualTo("GET");
                assertThat(r.user()).contains("alice");
              });
    }
  }

  @Test
  void thePasswordAppearsInNoLogLineAndNoException() throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<Throwable> thrown = new ArrayList<>();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Repository app = repo("team/secret");
      for (boolean oauth : List.of(false, true)) {
        RegistryClient alice = alice(b -> b.oauth2PasswordGrant(oauth));
        pushImage(alice, app, 9);
        RegistryClient wrong =
            client(
                RegistryClient.builder()
                    .oauth2PasswordGrant(oauth)
                    .credentials(
                        CredentialProvider.of(Credential.basic("alice", ALICE_PASSWORD + "x"))));
        thrown.add(catching(() -> wrong.listTags(app)));
        RegistryClient reader =
            client(
                RegistryClient.builder()
                    .oauth2PasswordGrant(oauth)
                    .credentials(
                        CredentialProvider.of(Credential.basic("reader", READER_PASSWORD))));
        Bytes blob = Bytes.utf8("denied " + oauth);
        thrown.add(catching(() -> reader.pushBlob(app, Digest.sha256(blob), BlobSource.of(blob))));
        tokens.failNext(1, 401);
        thrown.add(catching(() -> reader.listTags(repo("team/never-asked-" + oauth))));
      }
    } finally {
      System.setErr(err);
    }
    assertThat(thrown).hasSize(6).doesNotContainNull();
    StringBuilder text = new StringBuilder(captured.toString(StandardCharsets.UTF_8));
    for (Throwable t : thrown) {
      describe(t, text);
    }
    assertThat(text.toString())
        .as("the client logged at debug level, so its log lines were looked at")
        .contains("token for");
    for (String secret :
        List.of(
            ALICE_PASSWORD,
            READER_PASSWORD,
            base64("alice:" + ALICE_PASSWORD),
            base64("reader:" + READER_PASSWORD),
            URLEncoder.encode(ALICE_PASSWORD, StandardCharsets.UTF_8))) {
      assertThat(text.toString()).doesNotContain(secret);
    }
  }

  private interface Action {
    void run() throws Exception;
  }

  private static Throwable catching(Action a) {
    try {
      a.run();
      return null;
    } catch (Exception e) {
      return e;
    }
  }

  private static void describe(Throwable t, StringBuilder out) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      out.append(c).append('\n');
      for (StackTraceElement e : c.getStackTrace()) {
        out.append(e).append('\n');
      }
      for (Throwable s : c.getSuppressed()) {
        describe(s, out);
      }
    }
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A refresh token from the token server's OAuth2 password grant, asked for by hand. */
  private static String refreshToken(String user, String password) throws Exception {
    String form =
        "grant_type=password&client_id=test&access_type=offline&service="
            + URLEncoder.encode(tokens.service(), StandardCharsets.UTF_8)
            + "&username="
            + URLEncoder.encode(user, StandardCharsets.UTF_8)
            + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8);
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(tokens.realm())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    Matcher m = Pattern.compile("\"refresh_token\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
    assertThat(m.find()).as(r.body()).isTrue();
    return m.group(1);
  }
}
