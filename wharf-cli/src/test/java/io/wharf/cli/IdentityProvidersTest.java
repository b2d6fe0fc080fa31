package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.NettyWrapper;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wharf serve} with identities from an LDAP directory (UnboundID's in-memory server) and an
 * OIDC issuer (mock-oauth2-server), both started here and configured in {@code wharf.yaml}, with
 * group bindings: LDAP group {@code devs} is developer in project {@code team}, OIDC group {@code
 * ops} guest, LDAP group {@code admins} system administrator.
 */
class IdentityProvidersTest {

  @TempDir static Path temp;

  private static InMemoryDirectoryServer ldap;
  private static MockOAuth2Server oidc;
  private static WharfServer wharf;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=org");
    config.setSchema(null);
    config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", 0));
    ldap = new InMemoryDirectoryServer(config);
    ldap.importFromLDIF(
        true,
        Path.of(IdentityProvidersTest.class.getResource("/ldap/directory.ldif").toURI())
            .toString());
    ldap.startListening();
    // Netty rather than the default MockWebServer, which needs JUnit 4.
    oidc =
        new MockOAuth2Server(
            new OAuth2Config(
                false, null, null, false, new OAuth2TokenProvider(), Set.of(), new NettyWrapper()));
    oidc.start();
    Files.writeString(temp.resolve("ldap-password"), "service-secret\n");
    Files.writeString(
        temp.resolve("wharf.yaml"),
        String.join(
            "\n",
            "auth:",
            "  ldap:",
            "    url: ldap://127.0.0.1:" + ldap.getListenPort(),
            "    bindDn: cn=service,dc=example,dc=org",
            "    bindPasswordFile: ldap-password",
            "    userBase: ou=people,dc=example,dc=org",
            "    groupBase: ou=groups,dc=example,dc=org",
            "  oidc:",
            "    issuer: " + oidc.issuerUrl("default"),
            "    audience: wharf",
            "  admins: {groups: [admins]}",
            "  trustedIssuers:",
            "    - {name: '"
                + oidc.issuerUrl("corp")
                + "', jwksUrl: '"
                + oidc.jwksUrl("corp")
                + "'}",
            "projects:",
            "  - name: team",
            "    members:",
            "      - {group: devs, role: developer}",
            "      - {group: ops, role: guest}",
            ""));
    wharf =
        WharfServer.start(
            WharfConfig.read(temp.resolve("wharf.yaml"))
                .applyTo(ServerSettings.loopback(temp.resolve("data"))));
  }

  @AfterAll
  static void stop() {
    if (wharf != null) {
      wharf.close();
    }
    if (oidc != null) {
      oidc.shutdown();
    }
    if (ldap != null) {
      ldap.shutDown(true);
    }
  }

  @Test
  void ldapUsersGetWhatTheirGroupsMayDo() throws Exception {
    assertThat(granted("bob:canwefixit", "repository:team/app:pull,push"))
        .isEqualTo("repository:team/app:pull,push");
    assertThat(granted("bob:canwefixit", "repository:other/app:push")).isEmpty();
    // alice is in group admins: a system administrator, also where no project exists.
    assertThat(granted("alice:wonderland", "repository:other/app:push"))
        .isEqualTo("repository:other/app:push");
    assertThat(tokenStatus("bob:wrong-password", "repository:team/app:pull")).isEqualTo(401);
    assertThat(tokenStatus("nobody:x", "repository:team/app:pull")).isEqualTo(401);
  }

  @Test
  void oidcTokensWorkAsBearerAndAsPassword() throws Exception {
    String jwt =
        oidc.issueToken(
                "default",
                "carol-subject",
                "wharf",
                Map.of("preferred_username", "carol", "groups", List.of("ops")),
                3600)
            .serialize();
    // Directly on the registry: a guest of team may read, not write.
    assertThat(registry("GET", "/v2/team/app/tags/list", jwt)).isEqualTo(404);
    assertThat(registry("POST", "/v2/team/app/blobs/uploads/", jwt)).isEqualTo(403);
    // As the password of a token request.
    assertThat(granted("carol:" + jwt, "repository:team/app:pull,push"))
        .isEqualTo("repository:team/app:pull");
    String otherAudience =
        oidc.issueToken("default", "carol-subject", "not-wharf", Map.of(), 3600).serialize();
    assertThat(registry("GET", "/v2/team/app/tags/list", otherAudience)).isEqualTo(401);
  }

  @Test
  void tokensOfATrustedTokenServiceGrantWhatTheirAccessClaimSays() throws Exception {
    // Another token service (here mock-oauth2-server's issuer "corp"), trusted by its keys: its
    // token is the authority, whatever the projects say.
    String jwt =
        oidc.issueToken(
                "corp",
                "ci-system",
                "wharf",
                Map.of(
                    "access",
                    List.of(
                        Map.of(
                            "type", "repository",
                            "name", "elsewhere/app",
                            "actions", List.of("pull", "push")))),
                300)
            .serialize();
    assertThat(registry("POST", "/v2/elsewhere/app/blobs/uploads/", jwt)).isEqualTo(202);
    assertThat(registry("POST", "/v2/team/app/blobs/uploads/", jwt)).isEqualTo(401);
    String other =
        oidc.issueToken(
                "not-trusted",
                "ci-system",
                "wharf",
                Map.of(
                    "access",
                    List.of(
                        Map.of(
                            "type", "repository",
                            "name", "elsewhere/app",
                            "actions", List.of("push")))),
                300)
            .serialize();
    assertThat(registry("POST", "/v2/elsewhere/app/blobs/uploads/", other)).isEqualTo(401);
  }

  private static int registry(String method, String path, String bearer) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(wharf.uri() + path.substring(1)))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + bearer)
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static HttpResponse<String> token(String creds, String scope) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(wharf.uri() + "token?service=wharf&scope=" + scope))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder().encodeToString(creds.getBytes(StandardCharsets.UTF_8)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int tokenStatus(String creds, String scope) throws Exception {
    return token(creds, scope).statusCode();
  }

  /** The scope the token grants ({@code scope} of the answer), empty when none. */
  private static String granted(String creds, String scope) throws Exception {
    HttpResponse<String> r = token(creds, scope);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String body = r.body();
    int i = body.indexOf("\"scope\":\"");
    return i < 0 ? "" : body.substring(i + 9, body.indexOf('"', i + 9));
  }
}
