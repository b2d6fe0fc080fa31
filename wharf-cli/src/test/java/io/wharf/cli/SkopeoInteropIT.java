package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.Platform;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.layout.OciLayout;
import io.wharf.oci.model.layout.OciLayoutWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code skopeo} (containers/image) against a Wharf started in-process exactly as {@code
 * wharf serve} starts it: images, indexes and artifacts go in and come back out with identical
 * bytes and digests; inspect, list-tags, delete, and a copy between two Wharf repositories, which
 * mounts the blobs instead of uploading them again.
 */
class SkopeoInteropIT {

  @TempDir static Path temp;

  private static WharfServer wharf;
  private static RecordingHandler recorder;
  private static String host;

  @BeforeAll
  static void start() throws IOException {
    Tools.require("skopeo");
    wharf =
        WharfServer.start(
            ServerSettings.loopback(temp.resolve("wharf-data")),
            handler -> recorder = new RecordingHandler(handler));
    host = "127.0.0.1:" + wharf.port();
  }

  @AfterAll
  static void stop() {
    if (wharf != null) {
      wharf.close();
    }
  }

  private static String docker(String repositoryAndTag) {
    return "docker://" + host + "/" + repositoryAndTag;
  }

  @Test
  void multiLayerImageGoesInAndComesBackIdentical() throws Exception {
    Path source = temp.resolve("multi-src");
    TestImages.Image image = TestImages.multiLayerLayout(source, "v1", 1);
    Skopeo skopeo = Skopeo.fresh(temp);

    skopeo.run("copy", "--dest-tls-verify=false", "oci:" + source + ":v1", docker("it/multi:v1"));
    Path back = temp.resolve("multi-back");
    skopeo.run("copy", "--src-tls-verify=false", docker("it/multi:v1"), "oci:" + back + ":v1");

    Set<Digest> compared = Layouts.assertSameContent(source, "v1", back, "v1");
    assertThat(compared).hasSize(1 + 1 + 4); // manifest, config, four layers
    assertThat(Layouts.find(back, "v1").digest()).isEqualTo(image.descriptor().digest());
    // What Wharf serves is exactly what was pushed.
    assertThat(get("/v2/it/multi/manifests/" + image.descriptor().digest()))
        .isEqualTo(image.manifest().bytes().toByteArray());
  }

  @Test
  void multiPlatformIndexCopiesWithAll() throws Exception {
    Path source = temp.resolve("index-src");
    TestImages.Image index;
    try (OciLayoutWriter out = OciLayoutWriter.toDirectory(source)) {
      index =
          TestImages.index(
              out, List.of(Platform.of("linux", "amd64"), Platform.of("linux", "arm64", "v8")), 2);
      TestImages.tag(out, index, "multi");
    }
    Skopeo skopeo = Skopeo.fresh(temp);

    skopeo.run(
        "copy",
        "--all",
        "--dest-tls-verify=false",
        "oci:" + source + ":multi",
        docker("it/index:multi"));
    Path back = temp.resolve("index-back");
    skopeo.run(
        "copy",
        "--all",
        "--src-tls-verify=false",
        docker("it/index:multi"),
        "oci:" + back + ":multi");

    Set<Digest> compared = Layouts.assertSameContent(source, "multi", back, "multi");
    // index, two manifests, two configs, 2 + 3 layers
    assertThat(compared).hasSize(1 + 2 + 2 + 5);
    assertThat(get("/v2/it/index/manifests/multi"))
        .isEqualTo(index.manifest().bytes().toByteArray());
  }

  @Test
  void artifactWithSubjectIsAReferrerAndComesBackIdentical() throws Exception {
    Path source = temp.resolve("artifact-src");
    TestImages.Image image;
    TestImages.Image artifact;
    try (OciLayoutWriter out = OciLayoutWriter.toDirectory(source)) {
      image = TestImages.image(out, Platform.of("linux", "amd64"), 2, 3);
      artifact = TestImages.artifact(out, image.descriptor(), "signed by the tests");
      TestImages.tag(out, image, "app");
      TestImages.tag(out, artifact, "app-signature");
    }
    Skopeo skopeo = Skopeo.fresh(temp);

    skopeo.run(
        "copy", "--dest-tls-verify=false", "oci:" + source + ":app", docker("it/artifact:app"));
    skopeo.run(
        "copy",
        "--dest-tls-verify=false",
        "oci:" + source + ":app-signature",
        docker("it/artifact:app-signature"));

    // Wharf indexed the artifact as a referrer of its subject.
    String referrers =
        new String(
            get("/v2/it/artifact/referrers/" + image.descriptor().digest()),
            StandardCharsets.UTF_8);
    assertThat(referrers)
        .contains(artifact.descriptor().digest().toString())
        .contains(TestImages.SIGNATURE_TYPE.value());

    Path back = temp.resolve("artifact-back");
    skopeo.run(
        "copy",
        "--src-tls-verify=false",
        docker("it/artifact:app-signature"),
        "oci:" + back + ":app-signature");
    Layouts.assertSameContent(source, "app-signature", back, "app-signature");
    assertThat(get("/v2/it/artifact/manifests/app-signature"))
        .isEqualTo(artifact.manifest().bytes().toByteArray());
  }

  @Test
  void regclientTestRepositoryRoundTrips() throws Exception {
    Path source = temp.resolve("regclient");
    Layouts.copyTree(
        Path.of(System.getProperty("wharf.fixtures", "../oci-model/src/test/resources/fixtures"))
            .resolve("manifests/oci-layout/regclient-testrepo"),
        source);
    Skopeo skopeo = Skopeo.fresh(temp);
    Path back = temp.resolve("regclient-back");
    // Multi-platform indexes, a Docker-style and an OCI image, and artifacts whose subject is v2.
    for (String tag : List.of("v1", "v2", "v3", "a-docker", "a-docker-oci", "a1", "a2")) {
      skopeo.run(
          "copy",
          "--all",
          "--dest-tls-verify=false",
          "oci:" + source + ":" + tag,
          docker("it/regclient:" + tag));
      skopeo.run(
          "copy",
          "--all",
          "--src-tls-verify=false",
          docker("it/regclient:" + tag),
          "oci:" + back + ":" + tag);
      Layouts.assertSameContent(source, tag, back, tag);
    }
    String referrers =
        new String(
            get("/v2/it/regclient/referrers/" + Layouts.find(source, "v2").digest()),
            StandardCharsets.UTF_8);
    assertThat(referrers)
        .contains(Layouts.find(source, "a1").digest().toString())
        .contains(Layouts.find(source, "a2").digest().toString());
  }

  @Test
  void inspectListTagsAndDelete() throws Exception {
    Path source = temp.resolve("inspect-src");
    TestImages.Image image = TestImages.multiLayerLayout(source, "one", 4);
    Skopeo skopeo = Skopeo.fresh(temp);
    skopeo.run(
        "copy", "--dest-tls-verify=false", "oci:" + source + ":one", docker("it/inspect:one"));
    skopeo.run(
        "copy", "--dest-tls-verify=false", "oci:" + source + ":one", docker("it/inspect:two"));

    String raw = skopeo.run("inspect", "--raw", "--tls-verify=false", docker("it/inspect:one"));
    assertThat(Bytes.utf8(raw)).isEqualTo(image.manifest().bytes());
    String inspected = skopeo.run("inspect", "--tls-verify=false", docker("it/inspect:one"));
    assertThat(inspected)
        .contains("\"Digest\": \"" + image.descriptor().digest() + "\"")
        .contains("\"Architecture\": \"amd64\"")
        .contains("\"seed\": \"4\"");
    String config =
        skopeo.run("inspect", "--config", "--raw", "--tls-verify=false", docker("it/inspect:one"));
    assertThat(config).contains("\"diff_ids\"");

    String tags = skopeo.run("list-tags", "--tls-verify=false", docker("it/inspect"));
    assertThat(tags).contains("\"one\"", "\"two\"");

    // skopeo deletes by digest: both tags go with the manifest.
    skopeo.run("delete", "--tls-verify=false", docker("it/inspect:one"));
    Skopeo.Result gone =
        skopeo.tryRun("inspect", "--raw", "--tls-verify=false", docker("it/inspect:one"));
    assertThat(gone.exitCode()).isNotZero();
    assertThat(gone.stderr()).containsIgnoringCase("manifest unknown");
    assertThat(status("/v2/it/inspect/manifests/" + image.descriptor().digest())).isEqualTo(404);
    String after = skopeo.run("list-tags", "--tls-verify=false", docker("it/inspect"));
    assertThat(after).doesNotContain("\"one\"").doesNotContain("\"two\"");
  }

  @Test
  void copyBetweenTwoWharfRepositoriesMountsTheBlobs() throws Exception {
    Path source = temp.resolve("mount-src");
    TestImages.Image image = TestImages.multiLayerLayout(source, "v1", 5);
    // One client history: the push teaches skopeo where the blobs are, so the copy mounts them.
    Skopeo skopeo = Skopeo.fresh(temp);
    skopeo.run("copy", "--dest-tls-verify=false", "oci:" + source + ":v1", docker("it/mount-a:v1"));
    recorder.clear();

    skopeo.run(
        "copy",
        "--src-tls-verify=false",
        "--dest-tls-verify=false",
        docker("it/mount-a:v1"),
        docker("it/mount-b:v1"));

    // Every layer is mounted from it/mount-a (201 Created, nothing uploaded); skopeo always
    // re-uploads the small config blob, which it reads anyway.
    List<Descriptor> layers = readManifest(source, "v1").layers();
    List<RecordingHandler.Exchange> all = recorder.matching(e -> true);
    for (Descriptor layer : layers) {
      String mount = "mount=" + layer.digest().toString().replace(":", "%3A");
      assertThat(
              recorder.matching(
                  e ->
                      e.method().equals("POST")
                          && e.path().equals("/v2/it/mount-b/blobs/uploads/")
                          && e.query().contains(mount)
                          && e.query().contains("from=it%2Fmount-a")
                          && e.status() == 201))
          .as("mount of layer %s; all requests: %s", layer.digest(), all)
          .hasSize(1);
    }
    List<RecordingHandler.Exchange> uploads =
        recorder.matching(
            e -> e.method().equals("PUT") && e.path().startsWith("/v2/it/mount-b/blobs/uploads/"));
    assertThat(uploads)
        .as("blobs uploaded into it/mount-b; all requests: %s", all)
        .allMatch(
            e ->
                e.query()
                    .contains(
                        readManifest(source, "v1")
                            .config()
                            .digest()
                            .toString()
                            .replace(":", "%3A")));

    Path back = temp.resolve("mount-back");
    skopeo.run("copy", "--src-tls-verify=false", docker("it/mount-b:v1"), "oci:" + back + ":v1");
    Layouts.assertSameContent(source, "v1", back, "v1");
    for (Descriptor d : readReferences(source, "v1")) {
      assertThat(status("/v2/it/mount-b/blobs/" + d.digest())).isEqualTo(200);
    }
    assertThat(Layouts.find(back, "v1").digest()).isEqualTo(image.descriptor().digest());
  }

  private static List<Descriptor> readReferences(Path layoutDir, String tag) throws IOException {
    return readManifest(layoutDir, tag).references();
  }

  private static ImageManifest readManifest(Path layoutDir, String tag) {
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      RawManifest m = layout.readManifest(layout.find(tag).orElseThrow());
      return (ImageManifest) m.parse();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  static byte[] get(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://" + host + path))
                .header(
                    "Accept",
                    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as("GET %s", path).isEqualTo(200);
    return r.body();
  }

  static int status(String path) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://" + host + path))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
