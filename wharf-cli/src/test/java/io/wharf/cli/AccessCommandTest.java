package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.testing.Await;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.access.RobotRecord;
import io.wharf.oci.storage.jdbc.JdbcMetadataStore;
import io.wharf.oci.storage.local.LocalStorage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wharf project} and {@code wharf robot} on a data folder, also while it is served. */
class AccessCommandTest {

  @TempDir Path dir;
  private Path data;

  @BeforeEach
  void dataFolder() throws Exception {
    data = dir.resolve("data");
    try (RegistryStorage storage = LocalStorage.open(data)) {
      assertThat(storage.metadata().access().projects()).isEmpty();
    }
  }

  private WharfRun run(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--data";
    all[args.length + 1] = data.toString();
    return WharfRun.of(all);
  }

  @Test
  void projectsAndMembers() {
    assertThat(run("project", "create", "--name", "team").status()).isZero();
    assertThat(run("project", "create", "--name", "library", "--public", "true").out())
        .contains("created public project library");
    assertThat(run("project", "list").out()).contains("library\tpublic", "team\tprivate");
    assertThat(
            run("project", "add-member", "--name", "team", "--user", "alice", "--role", "developer")
                .status())
        .isZero();
    assertThat(
            run(
                    "project",
                    "add-member",
                    "--name",
                    "team",
                    "--user",
                    "alice",
                    "--role",
                    "maintainer")
                .out())
        .contains("user:alice is maintainer in project team (was developer)");
    run("project", "add-member", "--name", "team", "--group", "devs", "--role", "guest");
    assertThat(run("project", "members", "--name", "team").out())
        .contains("user:alice\tmaintainer", "group:devs\tguest");
    assertThat(run("project", "remove-member", "--name", "team", "--group", "devs").status())
        .isZero();
    assertThat(run("project", "update", "--name", "team", "--public", "true").status()).isZero();
    assertThat(run("project", "delete", "--name", "team").status()).isZero();
    assertThat(run("project", "list").out()).doesNotContain("team");
  }

  @Test
  void mistakesAreRefusedWithTheRightStatus() {
    assertThat(run("project", "frobnicate").status()).isEqualTo(2);
    assertThat(run("project", "create").err()).contains("create needs --name");
    assertThat(run("project", "create", "--name", "Bad Name").status()).isEqualTo(1);
    WharfRun unknown =
        run("project", "add-member", "--name", "ghost", "--user", "a", "--role", "guest");
    assertThat(unknown.status()).isEqualTo(1);
    assertThat(unknown.err()).contains("ghost");
    assertThat(run("project", "add-member", "--name", "x", "--user", "a", "--role", "owner").err())
        .contains("Unknown role");
    assertThat(run("robot", "create", "--name", "ci").err()).contains("--permission");
    assertThat(run("robot", "create", "--name", "ci", "--permission", "team=fly").err())
        .contains("Unknown action 'fly'");
    assertThat(run("robot", "disable", "--name", "ghost").status()).isEqualTo(1);
    WharfRun noData = WharfRun.of("project", "list", "--data", dir.resolve("nothing").toString());
    assertThat(noData.status()).isEqualTo(2);
    assertThat(noData.err()).contains("is not a Wharf data folder");
  }

  @Test
  void robotSecretIsShownOnceAndStoredAsAHash() throws Exception {
    WharfRun created =
        run(
            "robot",
            "create",
            "--name",
            "ci",
            "--permission",
            "team=pull,push",
            "--permission",
            "*=pull",
            "--expires",
            "30d",
            "--description",
            "CI builds");
    assertThat(created.status()).isZero();
    String secret = secretIn(created.out());
    assertThat(created.out()).contains("username: robot$ci");
    WharfRun list = run("robot", "list");
    assertThat(list.out())
        .contains("robot$ci\tteam=pull,push\t*=pull\tenabled\texpires ")
        .doesNotContain(secret);
    try (JdbcMetadataStore store = JdbcMetadataStore.sqlite(LocalStorage.metadataFile(data))) {
      RobotRecord r = store.access().robot("ci").orElseThrow();
      assertThat(r.secretHash()).startsWith("sha256:").doesNotContain(secret);
    }
    assertThat(run("robot", "disable", "--name", "ci").out()).contains("disabled");
    assertThat(run("robot", "enable", "--name", "ci").out()).contains("enabled");
    assertThat(run("robot", "expire", "--name", "ci", "--expires", "never").out())
        .contains("never expires");
    String rotated = secretIn(run("robot", "rotate", "--name", "ci").out());
    assertThat(rotated).isNotEqualTo(secret);
    assertThat(run("robot", "delete", "--name", "ci").status()).isZero();
    assertThat(run("robot", "list").out()).doesNotContain("robot$ci");
  }

  @Test
  void aRobotMadeWhileTheRegistryRunsCanLogInAndADisabledOneCannot() throws Exception {
    Path users = dir.resolve("users");
    Files.writeString(
        users, "admin:" + OpenBSDBCrypt.generate("2y", "pw".toCharArray(), new byte[16], 4) + "\n");
    try (WharfServer server =
        WharfServer.start(
            ServerSettings.loopback(data)
                .withAuth(java.util.Optional.of(AuthConfig.htpasswdAdmins(users))))) {
      assertThat(run("project", "create", "--name", "team").status()).isZero();
      String secret =
          secretIn(run("robot", "create", "--name", "ci", "--permission", "team=push").out());
      String scope = "repository:team/app:push";
      // The server reads the store's revision at most once a second: it sees the robot's
      // permission within that.
      Await.until(
          "the server grants the new robot's permission",
          () -> token(server, "robot$ci", secret, scope).contains("\"scope\":\"" + scope + "\""));
      assertThat(run("robot", "disable", "--name", "ci").status()).isZero();
      // Robot logins are never served from the login cache: refused at once.
      assertThat(token(server, "robot$ci", secret, scope)).startsWith("401");
    }
  }

  /** The status and body of a token request. */
  private static String token(WharfServer server, String user, String secret, String scope) {
    try {
      return tokenRequest(server, user, secret, scope);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String tokenRequest(WharfServer server, String user, String secret, String scope)
      throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(server.uri() + "token?service=wharf&scope=" + scope))
                    .header(
                        "Authorization",
                        "Basic "
                            + Base64.getEncoder()
                                .encodeToString(
                                    (user + ":" + secret).getBytes(StandardCharsets.UTF_8)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  private static String secretIn(String out) {
    Matcher m = Pattern.compile("secret: +(\\S+)").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }
}
