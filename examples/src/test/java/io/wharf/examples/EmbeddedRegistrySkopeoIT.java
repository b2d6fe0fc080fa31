package io.wharf.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.layout.OciLayoutWriter;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.model.testing.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code skopeo} against {@link EmbeddedRegistry}: it pushes an image with the user's
 * credentials, anyone pulls it, and a push without credentials, with a wrong password or to a tag
 * that names another image fails with what the registry answered in skopeo's error. (skopeo sends
 * its credentials only after {@code GET /v2/} answered 401 with a challenge, which is why the
 * example's authorizer refuses {@code LOGIN} to the anonymous caller; without credentials it then
 * sends {@code Basic Og==}, an empty user name, which {@link BasicAuthenticator} takes as
 * anonymous.) Skipped without skopeo on the PATH, except under {@code CI=true}, where it fails
 * ({@code scripts/test-services.sh} installs skopeo).
 */
class EmbeddedRegistrySkopeoIT {

  static final String USER = "alice";
  static final String PASSWORD = "correct horse battery staple";

  @TempDir Path temp;

  /** What one skopeo run printed. */
  record Result(int exitCode, String stdout, String stderr) {}

  @Test
  void skopeoPushesWithTheUsersCredentialsOnlyAndPrintsWhyNot() throws Exception {
    Path skopeo = TestEnvironment.requireProgram("skopeo");
    Path layout = temp.resolve("layout");
    RawManifest image = writeImage(layout, "amd64");
    try (EmbeddedRegistry registry =
        EmbeddedRegistry.start(
            temp.resolve("data"), new InetSocketAddress("127.0.0.1", 0), USER, PASSWORD, e -> {})) {
      String source = "oci:" + layout + ":1.0";
      String destination = "docker://" + registry.uri().getAuthority() + "/demo/app:1.0";

      Result anonymous = copy(skopeo, source, destination);
      assertThat(anonymous.exitCode()).as(anonymous.stderr()).isNotZero();
      // The upload's 401 UNAUTHORIZED: skopeo prints the code alone when the message is the
      // code's standard one ("authentication required").
      assertThat(anonymous.stderr()).contains("initiating layer upload").contains("unauthorized");

      Result wrong = copy(skopeo, source, destination, "--dest-creds", USER + ":not it");
      assertThat(wrong.exitCode()).as(wrong.stderr()).isNotZero();
      // Refused at skopeo's first request with credentials, a HEAD, whose answer has no body for
      // the reason ("wrong user name or password", in the audit log); skopeo says "unauthorized".
      assertThat(wrong.stderr()).contains("unauthorized").doesNotContain("not it");

      String credentials = USER + ":" + PASSWORD;
      Result pushed = copy(skopeo, source, destination, "--dest-creds", credentials);
      assertThat(pushed.exitCode()).as(pushed.stderr()).isZero();

      // The registry holds the image byte for byte, and anyone may pull it.
      Result inspect = run(skopeo, "inspect", "--raw", "--tls-verify=false", destination);
      assertThat(inspect.exitCode()).as(inspect.stderr()).isZero();
      assertThat(Bytes.utf8(inspect.stdout())).isEqualTo(image.bytes());
      try (RegistryClient client = RegistryClient.builder().build()) {
        Reference ref = Reference.parse(destination.substring("docker://".length()));
        assertThat(client.getManifest(ref).digest()).isEqualTo(image.digest());
      }

      // Another image to the same tag: the admission gate's reason reaches skopeo's user.
      Path other = temp.resolve("other-layout");
      writeImage(other, "arm64");
      Result moved =
          copy(skopeo, "oci:" + other + ":1.0", destination, "--dest-creds", credentials);
      assertThat(moved.exitCode()).as(moved.stderr()).isNotZero();
      assertThat(moved.stderr())
          .contains("denied: tag 1.0 is immutable: it names " + image.digest());
    }
  }

  /**
   * Writes a one-layer image for {@code architecture} tagged {@code 1.0} as an OCI layout: the
   * layer is an empty tar archive, gzipped (what skopeo pushes unchanged), and the config names its
   * diff id.
   */
  private static RawManifest writeImage(Path directory, String architecture) throws IOException {
    byte[] emptyTar = new byte[1024]; // a tar archive ends with two zero blocks
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
      gzip.write(emptyTar);
    }
    Bytes config =
        Bytes.utf8(
            "{\"architecture\":\""
                + architecture
                + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[\""
                + Digest.sha256(Bytes.of(emptyTar))
                + "\"]}}");
    try (OciLayoutWriter writer = OciLayoutWriter.toDirectory(directory)) {
      Descriptor configBlob = writer.writeBlob(MediaType.OCI_IMAGE_CONFIG, config);
      Descriptor layer =
          writer.writeBlob(MediaType.OCI_LAYER_TAR_GZIP, Bytes.of(gzipped.toByteArray()));
      RawManifest manifest =
          ManifestCodec.defaults().encode(ImageManifest.of(configBlob, List.of(layer)));
      writer.add(writer.writeManifest(manifest), Tag.of("1.0"));
      return manifest;
    }
  }

  /** {@code skopeo copy} to a plain-HTTP registry, with {@code options} before the images. */
  private Result copy(Path skopeo, String source, String destination, String... options)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("copy", "--dest-tls-verify=false"));
    args.addAll(List.of(options));
    args.addAll(List.of(source, destination));
    return run(skopeo, args.toArray(String[]::new));
  }

  /**
   * Runs skopeo with a {@code HOME}, runtime folder and auth file of its own (none of the machine's
   * logins: without {@code XDG_RUNTIME_DIR}, skopeo reads {@code /run/containers/UID/auth.json}),
   * so that only the credentials on its command line count.
   */
  private Result run(Path skopeo, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(skopeo.toString(), "--insecure-policy"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    Path home = Files.createTempDirectory(temp, "home-");
    pb.environment().put("HOME", home.toString());
    pb.environment().put("XDG_RUNTIME_DIR", home.toString());
    pb.environment().put("REGISTRY_AUTH_FILE", home.resolve("auth.json").toString());
    pb.environment().keySet().removeAll(List.of("XDG_CONFIG_HOME", "XDG_DATA_HOME"));
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("skopeo " + String.join(" ", args) + " did not finish in 2 min");
    }
    return new Result(p.exitValue(), out.join(), err.join());
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
