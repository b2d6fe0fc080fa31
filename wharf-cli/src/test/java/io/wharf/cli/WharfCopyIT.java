package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.client.testsupport.DockerRegistryProcess;
import io.wharf.oci.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built program ({@code wharf-cli/target/wharf.jar}) copying between a Wharf server, Debian's
 * {@code docker-registry} and OCI layouts, checked with skopeo's view of the results ({@code skopeo
 * inspect --raw}: the same bytes, hence the same digests); {@code wharf tags}, {@code inspect} and
 * {@code delete}; exit codes; and {@code wharf create-image}, whose image skopeo copies into both
 * registries and GNU tar reads.
 */
class WharfCopyIT {

  @TempDir static Path temp;

  private static WharfServer wharf;
  private static DockerRegistryProcess distribution;
  private static String wharfHost;
  private static String distHost;

  @BeforeAll
  static void start() throws Exception {
    Tools.require("skopeo");
    wharf = WharfServer.start(ServerSettings.loopback(temp.resolve("wharf-data")));
    wharfHost = "127.0.0.1:" + wharf.port();
    DockerRegistryProcess.requireAvailable();
    distribution = DockerRegistryProcess.start();
    distHost = distribution.host();
  }

  @AfterAll
  static void stop() throws Exception {
    if (wharf != null) {
      wharf.close();
    }
    if (distribution != null) {
      distribution.close();
    }
  }

  record Run(int exit, String out, String err) {}

  /** The command line that runs the built program with {@code args}. */
  private static List<String> wharfCommand(String... args) {
    Path jar = Path.of(System.getProperty("wharf.jar", "target/wharf.jar"));
    assertThat(jar).as("the shaded jar (mvn package builds it)").exists();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-jar",
                jar.toString()));
    command.addAll(List.of(args));
    return command;
  }

  private static Run wharf(String... args) throws IOException, InterruptedException {
    List<String> command = wharfCommand(args);
    Path out = Files.createTempFile(temp, "out-", ".txt");
    Path err = Files.createTempFile(temp, "err-", ".txt");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    p.getOutputStream().close();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("wharf " + String.join(" ", args) + " did not finish");
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static String ok(String... args) throws Exception {
    Run r = wharf(args);
    assertThat(r.exit())
        .as("wharf %s\nstdout: %s\nstderr: %s", List.of(args), r.out(), r.err())
        .isZero();
    return r.out();
  }

  private static Path regclient() {
    return Path.of(System.getProperty("wharf.fixtures", "../oci-model/src/test/resources/fixtures"))
        .resolve("manifests/oci-layout/regclient-testrepo");
  }

  private static Digest digestOf(byte[] raw) {
    return Digest.sha256(io.wharf.oci.model.Bytes.of(raw));
  }

  private static byte[] skopeoRaw(Skopeo skopeo, String image) throws Exception {
    Skopeo.BytesResult r = skopeo.tryRunBytes("inspect", "--raw", "--tls-verify=false", image);
    return r.stdoutBytes();
  }

  @Test
  void regclientLayoutGoesThroughWharfAndDistributionWithItsDigests() throws Exception {
    Skopeo skopeo = Skopeo.fresh(temp);
    Path back = temp.resolve("regclient-back");
    for (String tag : List.of("v1", "v2", "v3", "a-docker", "a-docker-oci", "a1")) {
      Digest expected = Layouts.find(regclient(), tag).digest();
      String onWharf = "docker://" + wharfHost + "/it/regclient:" + tag;
      String onDist = "docker://" + distHost + "/it/regclient:" + tag;
      ok("copy", "--all", "oci:" + regclient() + ":" + tag, onWharf);
      ok("copy", "--all", onWharf, onDist);
      ok("copy", "--all", onDist, "oci:" + back + ":" + tag);
      assertThat(digestOf(skopeoRaw(skopeo, onWharf))).as("%s on Wharf", tag).isEqualTo(expected);
      assertThat(digestOf(skopeoRaw(skopeo, onDist)))
          .as("%s on distribution", tag)
          .isEqualTo(expected);
      Layouts.assertSameContent(regclient(), tag, back, tag);
    }
    // skopeo reads back what wharf wrote to a layout
    skopeo.run(
        "copy", "--all", "oci:" + back + ":v2", "oci:" + temp.resolve("skopeo-view") + ":v2");
    Layouts.assertSameContent(regclient(), "v2", temp.resolve("skopeo-view"), "v2");
  }

  @Test
  void referrersFollowToARegistryWithoutTheReferrersApi() throws Exception {
    String onDist = "docker://" + distHost + "/it/signed:v2";
    ok("copy", "--all", "--referrers", "oci:" + regclient() + ":v2", onDist);
    // distribution 2.8 has no referrers API: the tag schema index lists them.
    Digest subject = Layouts.find(regclient(), "v2").digest();
    Skopeo skopeo = Skopeo.fresh(temp);
    String schema =
        new String(
            skopeoRaw(
                skopeo,
                "docker://"
                    + distHost
                    + "/it/signed:"
                    + subject.algorithm()
                    + "-"
                    + subject.encoded()),
            StandardCharsets.UTF_8);
    assertThat(schema)
        .contains(Layouts.find(regclient(), "a1").digest().toString())
        .contains(Layouts.find(regclient(), "a2").digest().toString());
    // and they come back out into a layout
    Path out = temp.resolve("signed-back");
    ok("copy", "--all", "--referrers", onDist, "oci:" + out + ":v2");
    assertThat(Files.readString(out.resolve("index.json")))
        .contains(Layouts.find(regclient(), "a1").digest().toString());
  }

  @Test
  void onePlatformAndArchives() throws Exception {
    Path archive = temp.resolve("arm.tar");
    String out =
        ok(
            "copy",
            "--platform",
            "linux/arm64",
            "oci:" + regclient() + ":v1",
            "oci-archive:" + archive + ":arm");
    Skopeo skopeo = Skopeo.fresh(temp);
    String viaSkopeo = skopeo.run("inspect", "--raw", "oci-archive:" + archive + ":arm");
    assertThat(viaSkopeo).contains("\"config\"");
    String inspect = ok("inspect", "--json", "oci:" + regclient() + ":v1");
    assertThat(inspect).contains("linux/arm64");
    assertThat(out).contains("Copied");
    ok("copy", "oci-archive:" + archive + ":arm", "docker://" + wharfHost + "/it/arm:one");
    assertThat(digestOf(skopeoRaw(skopeo, "docker://" + wharfHost + "/it/arm:one")))
        .isEqualTo(digestOf(viaSkopeo.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void tagsInspectAndDelete() throws Exception {
    String image = "oci:" + regclient() + ":v3";
    for (String host : List.of(wharfHost, distHost)) {
      ok("copy", "--all", image, "docker://" + host + "/it/daily:one");
      ok("copy", "--all", image, "docker://" + host + "/it/daily:two");
      assertThat(ok("tags", "docker://" + host + "/it/daily").lines())
          .containsExactly("one", "two");
      Digest digest = Layouts.find(regclient(), "v3").digest();
      assertThat(ok("inspect", "docker://" + host + "/it/daily:one"))
          .contains("Digest:     " + digest);
      ok("delete", "docker://" + host + "/it/daily@" + digest);
      Run gone = wharf("inspect", "docker://" + host + "/it/daily:one");
      assertThat(gone.exit()).isEqualTo(1);
      assertThat(gone.err().lines()).hasSize(1);
      assertThat(gone.err()).startsWith("wharf inspect:").contains("MANIFEST_UNKNOWN");
    }
    Run usage = wharf("copy", "nowhere", "oci:/tmp/x");
    assertThat(usage.exit()).isEqualTo(2);
    Run missing =
        wharf("copy", "--all", "oci:" + regclient() + ":no-such-tag", "oci:" + temp.resolve("n"));
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("no-such-tag");
  }

  @Test
  void createImageMakesAnImageThatSkopeoCopiesIntoWharfAndDistribution() throws Exception {
    Path script = Files.writeString(temp.resolve("run.sh"), "#!/bin/sh\necho hello\n");
    assertThat(script.toFile().setExecutable(true)).isTrue();
    Path notes = Files.writeString(temp.resolve("notes.txt"), "notes\n");
    Path layout = temp.resolve("created");
    String runSh = "--file=" + script + ":app/run.sh";
    String notesTxt = "--file=" + notes + ":app/notes.txt";
    String created = ok("create-image", runSh, notesTxt, "oci:" + layout + ":latest");
    Digest digest = Layouts.find(layout, "latest").digest();
    assertThat(created).startsWith("Created oci:" + layout + ":latest: " + digest);
    String arch = CopyCommand.runtimePlatform().architecture();

    // The README's steps: skopeo copies the layout into a registry and inspects it there.
    Skopeo skopeo = Skopeo.fresh(temp);
    for (String host : List.of(wharfHost, distHost)) {
      String image = "docker://" + host + "/it/created:latest";
      skopeo.run("copy", "--dest-tls-verify=false", "oci:" + layout + ":latest", image);
      assertThat(skopeo.run("inspect", "--tls-verify=false", image))
          .as(host)
          .contains("\"Digest\": \"" + digest + "\"")
          .contains("\"Os\": \"linux\"")
          .contains("\"Architecture\": \"" + arch + "\"");
      assertThat(digestOf(skopeoRaw(skopeo, image))).isEqualTo(digest);
    }

    // Straight into a registry and into an archive: the same files, the same digest.
    String direct = "docker://" + distHost + "/it/created-direct:v1";
    ok("create-image", notesTxt, runSh, direct);
    assertThat(digestOf(skopeoRaw(skopeo, direct))).isEqualTo(digest);
    Path archive = temp.resolve("created.tar");
    ok("create-image", runSh, notesTxt, "oci-archive:" + archive + ":v1");
    assertThat(skopeo.run("inspect", "oci-archive:" + archive + ":v1"))
        .contains("\"Digest\": \"" + digest + "\"");

    // GNU tar reads the layer: folders and files, owner 0/0, the epoch, the script executable.
    io.wharf.oci.model.ImageManifest manifest;
    try (io.wharf.oci.model.layout.OciLayout l = io.wharf.oci.model.layout.OciLayout.open(layout)) {
      manifest =
          (io.wharf.oci.model.ImageManifest) l.readManifest(Layouts.find(layout, "latest")).parse();
    }
    Path layer = layout.resolve("blobs/sha256/" + manifest.layers().get(0).digest().encoded());
    Process tar =
        new ProcessBuilder("tar", "--numeric-owner", "--utc", "-tvzf", layer.toString())
            .redirectErrorStream(true)
            .start();
    String listing = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(tar.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(tar.exitValue()).as(listing).isZero();
    assertThat(listing.lines())
        .hasSize(3)
        .satisfiesExactly(
            l -> assertThat(l).matches("drwxr-xr-x 0/0 +0 1970-01-01 00:00 app/"),
            l -> assertThat(l).matches("-rw-r--r-- 0/0 +6 1970-01-01 00:00 app/notes.txt"),
            l ->
                assertThat(l)
                    .matches(
                        "-rwxr-xr-x 0/0 +" + Files.size(script) + " 1970-01-01 00:00 app/run.sh"));
  }

  @Test
  void copiesWithCredentialsFromFlagsAndFromADockerConfig() throws Exception {
    Path htpasswd = temp.resolve("htpasswd");
    try (InputStream in =
        WharfCopyIT.class.getResourceAsStream("/fixtures/auth/htpasswd/trivy-htpasswd")) {
      assertThat(in).as("the htpasswd fixture of oci-client's test jar").isNotNull();
      Files.copy(in, htpasswd);
    }
    String user = "testuser";
    String password = "testpassword";
    try (DockerRegistryProcess basic =
        DockerRegistryProcess.start(DockerRegistryProcess.Auth.htpasswd(htpasswd, "wharf-it"))) {
      String target = "docker://" + basic.host() + "/it/private:v1";
      String source = "oci:" + regclient() + ":v1";

      Run refused = wharf("copy", source, target);
      assertThat(refused.exit()).as(refused.err()).isEqualTo(1);
      assertThat(refused.err()).startsWith("wharf copy: ").contains("401");

      ok("copy", "--all", "--dest-creds", user + ":" + password, source, target);

      Path config = temp.resolve("docker-config.json");
      String auth =
          Base64.getEncoder()
              .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      Files.writeString(
          config, "{\"auths\":{\"" + basic.host() + "\":{\"auth\":\"" + auth + "\"}}}");
      String repo = "docker://" + basic.host() + "/it/private";
      assertThat(ok("tags", "--authfile", config.toString(), repo).lines()).containsExactly("v1");
      Path back = temp.resolve("private-back");
      ok("copy", "--all", "--authfile", config.toString(), target, "oci:" + back + ":v1");
      Layouts.assertSameContent(regclient(), "v1", back, "v1");

      Run wrong = wharf("inspect", "--creds", user + ":not-the-password", target);
      assertThat(wrong.exit()).isEqualTo(1);
      assertThat(wrong.err()).contains("401").doesNotContain("not-the-password");
    }
  }

  @Test
  void drawsAProgressBarOnATerminalAndPlainLinesElsewhere() throws Exception {
    // script(1) runs the copy on a pseudo-terminal, so System.console() is there.
    Path script = Tools.require("script", "/usr/bin/script");
    Path layout = temp.resolve("on-a-terminal");
    String command =
        wharfCommand("copy", "oci:" + regclient() + ":v1", "oci:" + layout + ":v1").stream()
            .map(a -> "'" + a.replace("'", "'\\''") + "'")
            .collect(Collectors.joining(" "));
    Process p =
        new ProcessBuilder(script.toString(), "-q", "-e", "-c", command, "/dev/null")
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String shown = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(shown).isZero();
    assertThat(shown).contains("\r[", "] 100% ", "blobs ", "\u001b[K", "Copied ");

    String plain = ok("copy", "oci:" + regclient() + ":v1", "oci:" + temp.resolve("plain") + ":v1");
    assertThat(plain).contains("blob sha256:", "Copied ").doesNotContain("\r", "\u001b");
  }
}
