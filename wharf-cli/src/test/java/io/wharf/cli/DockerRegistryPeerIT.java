package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.client.testsupport.DockerRegistryProcess;
import io.wharf.oci.model.Platform;
import io.wharf.oci.model.layout.OciLayoutWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's {@code docker-registry} (CNCF distribution, the reference registry) as a peer: skopeo
 * copies images from it into Wharf and from Wharf back into it, and the digests and bytes that come
 * out at the end are the ones that went in.
 */
class DockerRegistryPeerIT {

  @TempDir static Path temp;

  private static WharfServer wharf;
  private static DockerRegistryProcess peer;

  @BeforeAll
  static void start() throws Exception {
    Tools.require("skopeo");
    DockerRegistryProcess.requireAvailable();
    peer = DockerRegistryProcess.start();
    wharf = WharfServer.start(ServerSettings.loopback(temp.resolve("wharf-data")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (wharf != null) {
      wharf.close();
    }
    if (peer != null) {
      peer.close();
    }
  }

  private static String wharf(String ref) {
    return "docker://127.0.0.1:" + wharf.port() + "/" + ref;
  }

  private static String peer(String ref) {
    return "docker://" + peer.host() + "/" + ref;
  }

  @Test
  void imageGoesFromDistributionToWharfAndBack() throws Exception {
    Path source = temp.resolve("image-src");
    TestImages.Image image = TestImages.multiLayerLayout(source, "v1", 11);
    Skopeo skopeo = Skopeo.fresh(temp);

    skopeo.run("copy", "--dest-tls-verify=false", "oci:" + source + ":v1", peer("peer/app:v1"));
    skopeo.run(
        "copy",
        "--src-tls-verify=false",
        "--dest-tls-verify=false",
        peer("peer/app:v1"),
        wharf("from-peer/app:v1"));
    skopeo.run(
        "copy",
        "--src-tls-verify=false",
        "--dest-tls-verify=false",
        wharf("from-peer/app:v1"),
        peer("peer/app-back:v1"));
    Path back = temp.resolve("image-back");
    skopeo.run("copy", "--src-tls-verify=false", peer("peer/app-back:v1"), "oci:" + back + ":v1");

    Layouts.assertSameContent(source, "v1", back, "v1");
    assertThat(Layouts.find(back, "v1").digest()).isEqualTo(image.descriptor().digest());
    String digestAtWharf =
        skopeo.run(
            "inspect", "--tls-verify=false", "--format", "{{.Digest}}", wharf("from-peer/app:v1"));
    assertThat(digestAtWharf.strip()).isEqualTo(image.descriptor().digest().toString());
  }

  @Test
  void multiPlatformIndexGoesFromDistributionToWharfAndBack() throws Exception {
    Path source = temp.resolve("index-src");
    TestImages.Image index;
    try (OciLayoutWriter out = OciLayoutWriter.toDirectory(source)) {
      index =
          TestImages.index(
              out,
              List.of(
                  Platform.of("linux", "amd64"),
                  Platform.of("linux", "arm64", "v8"),
                  Platform.of("linux", "s390x")),
              12);
      TestImages.tag(out, index, "multi");
    }
    Skopeo skopeo = Skopeo.fresh(temp);

    skopeo.run(
        "copy",
        "--all",
        "--dest-tls-verify=false",
        "oci:" + source + ":multi",
        peer("peer/multi:m"));
    skopeo.run(
        "copy",
        "--all",
        "--src-tls-verify=false",
        "--dest-tls-verify=false",
        peer("peer/multi:m"),
        wharf("from-peer/multi:m"));
    skopeo.run(
        "copy",
        "--all",
        "--src-tls-verify=false",
        "--dest-tls-verify=false",
        wharf("from-peer/multi:m"),
        peer("peer/multi-back:m"));
    Path back = temp.resolve("index-back");
    skopeo.run(
        "copy", "--all", "--src-tls-verify=false", peer("peer/multi-back:m"), "oci:" + back + ":m");

    Layouts.assertSameContent(source, "multi", back, "m");
    assertThat(Layouts.find(back, "m").digest()).isEqualTo(index.descriptor().digest());
  }
}
