package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients through the token service of a Wharf started as {@code wharf serve --config} starts
 * it, with users from an htpasswd file and projects with roles from {@code wharf.yaml}: skopeo
 * ({@code --creds}, {@code --src-creds}, {@code --dest-creds}) and podman ({@code login}, push,
 * pull) can do exactly what their role allows.
 *
 * <p>Users: {@code admin} (system administrator), {@code dev} (developer in project {@code team}),
 * {@code guest} (guest in {@code team}), {@code outsider} (no role). Project {@code library} is
 * public, {@code team} private.
 */
class AccessControlIT {

  @TempDir static Path temp;

  private static WharfServer wharf;
  private static String host;
  private static Path image;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void start() throws Exception {
    Tools.require("skopeo");
    Path users = temp.resolve("users.htpasswd");
    Files.writeString(
        users,
        String.join(
            "\n",
            line("admin", "admin-pw"),
            line("dev", "dev-pw"),
            line("guest", "guest-pw"),
            line("outsider", "outsider-pw"),
            ""));
    Path config = temp.resolve("wharf.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "auth:",
            "  htpasswd: users.htpasswd",
            "  admins: {users: [admin]}",
            "projects:",
            "  - name: library",
            "    public: true",
            "  - name: team",
            "    members:",
            "      - {user: dev, role: developer}",
            "      - {user: guest, role: guest}",
            ""));
    ServerSettings settings =
        WharfConfig.read(config).applyTo(ServerSettings.loopback(temp.resolve("data")));
    wharf = WharfServer.start(settings);
    host = "127.0.0.1:" + wharf.port();
    image = temp.resolve("image");
    TestImages.multiLayerLayout(image, "v1", 7);
  }

  /** An htpasswd line with a bcrypt hash of cost 4 (the lowest: tests need not be slow). */
  private static String line(String user, String password) {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    return user + ":" + OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 4);
  }

  @AfterAll
  static void stop() {
    if (wharf != null) {
      wharf.close();
    }
  }

  private static String docker(String repository) {
    return "docker://" + host + "/" + repository;
  }

  /** skopeo copies the test image to {@code target} as {@code creds}; fails unless it can. */
  private static void push(String creds, String target) throws Exception {
    Skopeo.fresh(temp)
        .run("copy", "--dest-tls-verify=false", "--dest-creds", creds, oci(), docker(target));
  }

  /** skopeo tries to copy the test image to {@code target} as {@code creds}. */
  private static Skopeo.Result tryPush(String creds, String target) throws Exception {
    return Skopeo.fresh(temp)
        .tryRun("copy", "--dest-tls-verify=false", "--dest-creds", creds, oci(), docker(target));
  }

  /** skopeo tries to inspect {@code target} as {@code creds}. */
  private static Skopeo.Result tryInspect(String creds, String target) throws Exception {
    return Skopeo.fresh(temp)
        .tryRun("inspect", "--tls-verify=false", "--creds", creds, docker(target));
  }

  private static String oci() {
    return "oci:" + image + ":v1";
  }

  @Test
  void developerPushesAndGuestPullsButCannotPush() throws Exception {
    Skopeo skopeo = Skopeo.fresh(temp);
    skopeo.run(
        "copy",
        "--dest-tls-verify=false",
        "--dest-creds",
        "dev:dev-pw",
        oci(),
        docker("team/app:v1"));
    skopeo.run("inspect", "--tls-verify=false", "--creds", "guest:guest-pw", docker("team/app:v1"));
    Path back = temp.resolve("guest-pulled");
    skopeo.run(
        "copy",
        "--src-tls-verify=false",
        "--src-creds",
        "guest:guest-pw",
        docker("team/app:v1"),
        "oci:" + back + ":v1");
    Layouts.assertSameContent(image, "v1", back, "v1");

    Skopeo.Result push = tryPush("guest:guest-pw", "team/app:guest");
    assertThat(push.exitCode()).isNotZero();
    assertThat(push.stderr()).containsIgnoringCase("denied");
  }

  @Test
  void outsidersAndAnonymousSeeNothingPrivate() throws Exception {
    push("admin:admin-pw", "team/private:v1");
    Skopeo.Result outsider = tryInspect("outsider:outsider-pw", "team/private:v1");
    assertThat(outsider.exitCode()).isNotZero();
    Skopeo.Result anonymous =
        Skopeo.fresh(temp).tryRun("inspect", "--tls-verify=false", docker("team/private:v1"));
    assertThat(anonymous.exitCode()).isNotZero();
    Skopeo.Result wrong = tryInspect("dev:not-the-password", "team/private:v1");
    assertThat(wrong.exitCode()).isNotZero();
    assertThat(wrong.stderr()).doesNotContain("not-the-password");
  }

  @Test
  void publicProjectIsPulledAnonymouslyButPushedOnlyByMembers() throws Exception {
    push("admin:admin-pw", "library/base:v1");
    Skopeo.fresh(temp).run("inspect", "--tls-verify=false", docker("library/base:v1"));
    Skopeo.Result anonymousPush =
        Skopeo.fresh(temp)
            .tryRun("copy", "--dest-tls-verify=false", oci(), docker("library/base:evil"));
    assertThat(anonymousPush.exitCode()).isNotZero();
    Skopeo.Result devPush = tryPush("dev:dev-pw", "library/base:dev");
    assertThat(devPush.exitCode()).isNotZero();
  }

  @Test
  void podmanLogsInPushesAndPulls() throws Exception {
    Skopeo podman = Skopeo.podman(temp);
    podman.run("login", "--tls-verify=false", "-u", "dev", "-p", "dev-pw", host);
    push("dev:dev-pw", "team/podman:v1");
    podman.run("pull", "--tls-verify=false", host + "/team/podman:v1");
    podman.run("tag", host + "/team/podman:v1", host + "/team/podman:v2");
    podman.run("push", "--tls-verify=false", host + "/team/podman:v2");
    assertThat(tags("team/podman", "dev:dev-pw")).contains("v1", "v2");

    Skopeo guest = Skopeo.podman(temp);
    guest.run("login", "--tls-verify=false", "-u", "guest", "-p", "guest-pw", host);
    guest.run("pull", "--tls-verify=false", host + "/team/podman:v1");
    guest.run("tag", host + "/team/podman:v1", host + "/team/podman:guest");
    Skopeo.Result refused = guest.tryRun("push", "--tls-verify=false", host + "/team/podman:guest");
    assertThat(refused.exitCode()).isNotZero();

    Skopeo.Result badLogin =
        Skopeo.podman(temp).tryRun("login", "--tls-verify=false", "-u", "dev", "-p", "nope", host);
    assertThat(badLogin.exitCode()).isNotZero();
  }

  @Test
  void catalogListsOnlyWhatTheCallerMayPull() throws Exception {
    push("admin:admin-pw", "library/listed:v1");
    push("admin:admin-pw", "team/hidden:v1");
    String outsider = get("/v2/_catalog", token("outsider:outsider-pw", "registry:catalog:*"));
    assertThat(outsider).contains("library/listed").doesNotContain("team/");
    String dev = get("/v2/_catalog", token("dev:dev-pw", "registry:catalog:*"));
    assertThat(dev).contains("library/listed", "team/hidden");
  }

  private static List<String> tags(String repository, String creds) throws Exception {
    String body =
        get("/v2/" + repository + "/tags/list", token(creds, "repository:" + repository + ":pull"));
    return List.of(body.replaceAll("(?s).*\\[(.*)].*", "$1").replace("\"", "").split(","));
  }

  /** A token from Wharf's token service for {@code scope}. */
  private static String token(String creds, String scope) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://"
                            + host
                            + "/token?service=wharf&scope="
                            + scope.replace("*", "%2A")))
                .header(
                    "Authorization",
                    "Basic "
                        + java.util.Base64.getEncoder()
                            .encodeToString(creds.getBytes(StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body().replaceAll("(?s).*\"token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
  }

  private static String get(String path, String token) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://" + host + path))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return r.body();
  }
}
