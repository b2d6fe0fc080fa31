package io.wharf.oci.auth;

import static io.wharf.oci.auth.TestAccess.T0;
import static io.wharf.oci.auth.TestAccess.permission;
import static io.wharf.oci.auth.TestAccess.robot;
import static io.wharf.oci.auth.TestAccess.robotRecord;
import static io.wharf.oci.auth.TestAccess.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.auth.TestAccess.Caller;
import io.wharf.oci.auth.TestAccess.Reply;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.jdk.RegistryServer;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.access.AccessStore;
import io.wharf.oci.storage.access.Principal;
import io.wharf.oci.storage.access.ProjectRole;
import io.wharf.oci.storage.access.RobotPermission.RobotAction;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ProjectAuthorizer} in the engine: the attacks of issue 12 that concern authorisation, each
 * refused, through the registry's own request handling (in memory; over HTTP for the path tricks a
 * transport decodes).
 *
 * <p>Projects: {@code team} (private; alice developer, gina guest), {@code secret} (private; only
 * the system administrator {@code root}), {@code lib} (public), {@code team-evil} (private; mallory
 * project admin).
 */
class RegistryAccessTest {

  private final RegistryStorage storage = RegistryStorage.inMemory();
  private final AccessStore store = storage.metadata().access();
  private final MutableClock clock = new MutableClock(T0);
  private final ProjectAuthorizer authorizer =
      ProjectAuthorizer.builder(store).systemAdmin("root").clock(clock).build();
  private Registry registry;
  private Caller anonymous;
  private Caller root;
  private Caller alice;
  private Caller gina;
  private Caller mallory;

  @BeforeEach
  void setUp() throws IOException {
    Projects projects = authorizer.projects();
    projects.create("team", false);
    projects.create("secret", false);
    projects.create("lib", true);
    projects.create("team-evil", false);
    projects.putMember("team", Principal.user("alice"), ProjectRole.DEVELOPER);
    projects.putMember("team", Principal.user("gina"), ProjectRole.GUEST);
    projects.putMember("team-evil", Principal.user("mallory"), ProjectRole.PROJECT_ADMIN);
    store.createRobot(
        robotRecord(
            "ci", permission("team", RobotAction.PULL, RobotAction.PUSH, RobotAction.LIST)));
    store.createRobot(
        TestAccess.disabled(robotRecord("old", permission("team", RobotAction.PULL))));
    store.createRobot(
        TestAccess.expiring(
            robotRecord("temp", permission("team", RobotAction.PULL)), T0.plusSeconds(60)));
    registry =
        Registry.builder(storage)
            .clock(clock)
            .authenticator(
                TestAccess.authenticator(
                    List.of(
                        user("root"),
                        user("alice"),
                        user("gina"),
                        user("mallory"),
                        robot("ci"),
                        robot("old"),
                        robot("temp"))))
            .authorizer(authorizer)
            .build();
    anonymous = Caller.anonymous(registry);
    root = anonymous.as("root");
    alice = anonymous.as("alice");
    gina = anonymous.as("gina");
    mallory = anonymous.as("mallory");
  }

  @AfterEach
  void tearDown() {
    registry.close();
  }

  @Test
  void aGuestPushingIsRefusedWith403AndTheRoleItNeeds() throws IOException {
    Reply push = gina.upload("team/app", Bytes.utf8("layer"));

    assertThat(push.status()).isEqualTo(403);
    assertThat(push.code()).isEqualTo("DENIED");
    assertThat(push.body().utf8())
        .contains("user gina has role guest in project team; pushing needs role developer");
    Reply start = gina.send(HttpMethod.POST, "/v2/team/app/blobs/uploads/");
    assertThat(start.status()).isEqualTo(403);
    alice.pushImage("team/app", "v1", "by alice");
    assertThat(gina.send(HttpMethod.DELETE, "/v2/team/app/manifests/v1").status()).isEqualTo(403);
    assertThat(gina.send(HttpMethod.GET, "/v2/team/app/manifests/v1").status()).isEqualTo(200);
  }

  @Test
  void theAnonymousCallerIsChallengedForPrivateProjectsAndPullsPublicOnes() throws IOException {
    root.pushImage("lib/base", "1", "public layer");
    root.pushImage("team/app", "1", "private layer");

    assertThat(anonymous.send(HttpMethod.GET, "/v2/lib/base/manifests/1").status()).isEqualTo(200);
    Reply hidden = anonymous.send(HttpMethod.GET, "/v2/team/app/manifests/1");
    assertThat(hidden.status()).isEqualTo(401);
    assertThat(hidden.header("WWW-Authenticate")).isEqualTo("Basic realm=\"wharf-test\"");
    assertThat(anonymous.upload("lib/base", Bytes.utf8("x")).status()).isEqualTo(401);
  }

  @Test
  void aBlobOfAPrivateRepositoryIsNotReadableThroughARepositoryTheCallerCanRead()
      throws IOException {
    Bytes secretBytes = Bytes.utf8("the secret layer");
    Digest digest = Digest.sha256(secretBytes);
    assertThat(root.upload("secret/app", secretBytes).status()).isEqualTo(201);
    alice.pushImage("team/app", "v1", "alice's own layer");

    for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.HEAD)) {
      Reply through = alice.send(method, "/v2/team/app/blobs/" + digest);
      assertThat(through.status()).as("%s through team/app", method).isEqualTo(404);
      assertThat(through.body().utf8()).doesNotContain("the secret layer");
      Reply direct = alice.send(method, "/v2/secret/app/blobs/" + digest);
      assertThat(direct.status()).as("%s of secret/app", method).isEqualTo(403);
      assertThat(direct.body().utf8()).doesNotContain("the secret layer");
    }
    Reply publicRoute = anonymous.send(HttpMethod.GET, "/v2/lib/anything/blobs/" + digest);
    assertThat(publicRoute.status()).isEqualTo(404);
    assertThat(root.send(HttpMethod.GET, "/v2/secret/app/blobs/" + digest).body())
        .isEqualTo(secretBytes);
  }

  @Test
  void aMountFromAPrivateProjectIntoOneTheCallerMayPushToIsAPlainUpload() throws IOException {
    Bytes secretBytes = Bytes.utf8("the secret layer");
    Digest digest = Digest.sha256(secretBytes);
    assertThat(root.upload("secret/app", secretBytes).status()).isEqualTo(201);

    Reply mount =
        alice.send(
            HttpMethod.POST, "/v2/team/app/blobs/uploads/?mount=" + digest + "&from=secret/app");

    assertThat(mount.status()).as("an upload session, not a mount").isEqualTo(202);
    assertThat(mount.header("Location")).contains("/v2/team/app/blobs/uploads/");
    assertThat(alice.send(HttpMethod.HEAD, "/v2/team/app/blobs/" + digest).status()).isEqualTo(404);

    // The same mount from a repository alice may pull is one.
    alice.pushImage("team/base", "1", "shared layer");
    Digest shared = Digest.sha256(Bytes.utf8("shared layer"));
    Reply allowed =
        alice.send(
            HttpMethod.POST, "/v2/team/app/blobs/uploads/?mount=" + shared + "&from=team/base");
    assertThat(allowed.status()).isEqualTo(201);
  }

  @Test
  void repositoryNamesCannotBeBentIntoAnotherProject() throws IOException {
    root.pushImage("secret/app", "v1", "secret");
    root.pushImage("team-evil/app", "v1", "evil");
    root.pushImage("team/app", "v1", "team");

    for (String path :
        List.of(
            "/v2/SECRET/app/manifests/v1",
            "/v2/Team/../secret/app/manifests/v1",
            "/v2/team/../secret/app/manifests/v1",
            "/v2/team/%2e%2e/secret/app/manifests/v1",
            "/v2/team/%2E%2E/secret/app/manifests/v1",
            "/v2/team%2fsecret/app/manifests/v1",
            "/v2/./secret/app/manifests/v1",
            "/v2//secret/app/manifests/v1")) {
      Reply reply = alice.send(HttpMethod.GET, path);
      assertThat(reply.status()).as(path).isIn(400, 403, 404);
      assertThat(reply.body().utf8()).as(path).doesNotContain("schemaVersion");
    }
    assertThat(alice.send(HttpMethod.GET, "/v2/team-evil/app/manifests/v1").status())
        .isEqualTo(403);
    assertThat(mallory.send(HttpMethod.GET, "/v2/team/app/manifests/v1").status()).isEqualTo(403);
    assertThat(mallory.upload("team/app", Bytes.utf8("x")).status()).isEqualTo(403);
    assertThat(alice.send(HttpMethod.GET, "/v2/team/app/manifests/v1").status()).isEqualTo(200);
  }

  @Test
  void encodedDotsAndSlashesOverHttpReachNoOtherProject() throws Exception {
    root.pushImage("secret/app", "v1", "secret");
    try (RegistryServer server = registry.listen(new InetSocketAddress("127.0.0.1", 0))) {
      HttpClient http = HttpClient.newHttpClient();
      for (String path :
          List.of(
              "/v2/team/%2e%2e/secret/app/manifests/v1",
              "/v2/team/%2E%2E/secret/app/manifests/v1",
              "/v2/team/..%2fsecret/app/manifests/v1",
              "/v2/team%2f..%2fsecret/app/manifests/v1",
              "/v2/team/app/..%2f..%2fsecret/app/manifests/v1",
              "/v2/%73ecret/app/manifests/v1")) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(server.uri().toString().replaceAll("/$", "") + path))
                    .header("Authorization", "Test alice")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isIn(400, 403, 404);
        assertThat(r.body()).as(path).doesNotContain("schemaVersion");
      }
    }
  }

  @Test
  void theCatalogListsOnlyWhatTheCallerMayPull() throws IOException {
    root.pushImage("lib/base", "1", "a");
    root.pushImage("team/app", "1", "b");
    root.pushImage("secret/app", "1", "c");
    root.pushImage("team-evil/app", "1", "d");
    root.pushImage("nowhere/app", "1", "e");

    assertThat(alice.send(HttpMethod.GET, "/v2/_catalog").body().utf8())
        .isEqualTo("{\"repositories\":[\"lib/base\",\"team/app\"]}");
    assertThat(mallory.send(HttpMethod.GET, "/v2/_catalog").body().utf8())
        .isEqualTo("{\"repositories\":[\"lib/base\",\"team-evil/app\"]}");
    assertThat(anonymous.as("robot$ci").send(HttpMethod.GET, "/v2/_catalog").body().utf8())
        .isEqualTo("{\"repositories\":[\"lib/base\",\"team/app\"]}");
    assertThat(root.send(HttpMethod.GET, "/v2/_catalog").body().utf8())
        .contains("nowhere/app", "secret/app");
    assertThat(anonymous.send(HttpMethod.GET, "/v2/_catalog").status()).isEqualTo(401);
  }

  @Test
  void disabledAndExpiredRobotsAreRefusedEvenWithAnIdentityIssuedBefore() throws IOException {
    Caller ci = anonymous.as("robot$ci");
    root.pushImage("team/app", "v1", "layer");
    assertThat(ci.send(HttpMethod.GET, "/v2/team/app/manifests/v1").status()).isEqualTo(200);

    Reply disabled = anonymous.as("robot$old").send(HttpMethod.GET, "/v2/team/app/manifests/v1");
    assertThat(disabled.status()).isEqualTo(403);
    assertThat(disabled.body().utf8()).contains("robot account old is disabled");
    Caller temp = anonymous.as("robot$temp");
    assertThat(temp.send(HttpMethod.GET, "/v2/team/app/manifests/v1").status()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(60));
    Reply expired = temp.send(HttpMethod.GET, "/v2/team/app/manifests/v1");
    assertThat(expired.status()).isEqualTo(403);
    assertThat(expired.body().utf8()).contains("robot account temp expired at");
    assertThat(temp.send(HttpMethod.GET, "/v2/").status()).isEqualTo(403);

    // Disabled while it works: refused from the next snapshot check on.
    store.updateRobot(TestAccess.disabled(store.robot("ci").orElseThrow()));
    authorizer.invalidate();
    assertThat(ci.send(HttpMethod.GET, "/v2/team/app/manifests/v1").status()).isEqualTo(403);
  }

  @Test
  void pushingToAProjectThatDoesNotExistCreatesNothing() throws IOException {
    Reply push = alice.upload("newproject/app", Bytes.utf8("x"));
    assertThat(push.status()).isEqualTo(403);
    assertThat(push.body().utf8()).contains("project newproject does not exist");
    assertThat(store.project("newproject")).isEmpty();
    root.pushImage("newproject/app", "1", "by root");
    assertThat(store.project("newproject")).isEmpty();
  }
}
