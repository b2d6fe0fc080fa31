package io.wharf.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.client.BlobSource;
import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.Repository;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.server.Registry;
import io.wharf.oci.storage.RegistryStorage;
import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ServletRegistry}: the registry servlet in Jetty 12.0 on Servlet 6.0, pushed to and pulled
 * from by {@link RegistryClient}, with blobs of several MiB, so that request bodies stream in
 * through {@code ServletInputStream} and response bodies go out through the Servlet 6.0 path (a
 * byte array, as there is no {@code ServletOutputStream.write(ByteBuffer)}).
 */
class ServletRegistryTest {

  private static Registry registry;
  private static ServletRegistry jetty;
  private static RegistryHost host;

  @BeforeAll
  static void start() throws IOException {
    registry = Registry.builder(RegistryStorage.inMemory()).build();
    jetty = ServletRegistry.start(registry, new InetSocketAddress("127.0.0.1", 0));
    host = new RegistryHost(jetty.uri().getAuthority());
  }

  @AfterAll
  static void stop() {
    jetty.close();
    registry.close();
  }

  @Test
  void runsOnJetty12_0WithServlet6_0() {
    assertThat(ServletRegistry.jettyVersion()).startsWith("12.0.");
    // Servlet 6.1 added ServletOutputStream.write(ByteBuffer); 6.0 does not have it.
    assertThatThrownBy(() -> ServletOutputStream.class.getMethod("write", ByteBuffer.class))
        .isInstanceOf(NoSuchMethodException.class);
    assertThat(
            ServletOutputStream.class.getProtectionDomain().getCodeSource().getLocation().getPath())
        .endsWith("/jakarta.servlet-api-6.0.0.jar");
  }

  @Test
  void pushesAndPullsBlobsOfSeveralMebibytesAndAManifest() throws Exception {
    Repository repo = new Repository(host, RepositoryName.of("servlet/app"));
    Bytes config = Bytes.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
    Bytes oneRequest = random(3 * 1024 * 1024 + 7, 1);
    Bytes chunked = random(2 * 1024 * 1024 + 13, 2);
    Descriptor configBlob = Descriptor.of(MediaType.OCI_IMAGE_CONFIG, config);
    Descriptor layer1 = Descriptor.of(MediaType.OCI_LAYER_TAR, oneRequest);
    Descriptor layer2 = Descriptor.of(MediaType.OCI_LAYER_TAR, chunked);
    RawManifest manifest =
        ManifestCodec.defaults().encode(ImageManifest.of(configBlob, List.of(layer1, layer2)));
    Reference ref = Reference.of(host, repo.name(), Tag.of("1.0"));

    try (RegistryClient client = RegistryClient.builder().chunkBytes(1024 * 1024).build()) {
      client.pushBlob(repo, configBlob.digest(), BlobSource.of(config));
      client.pushBlob(repo, layer1.digest(), BlobSource.of(oneRequest)); // one PUT (end-4a, end-6)
      Digest digest = client.pushBlob(repo, BlobSource.of(chunked)); // 1 MiB PATCHes (end-5)
      assertThat(digest).isEqualTo(layer2.digest());
      assertThat(client.putManifest(ref, manifest)).isEqualTo(manifest.digest());

      assertThat(client.getManifest(ref)).isEqualTo(manifest);
      for (Descriptor layer : List.of(layer1, layer2)) {
        try (InputStream in = client.openBlob(repo, layer.digest(), layer.size())) {
          assertThat(Digest.sha256(in)).isEqualTo(layer.digest());
        }
      }
      assertThat(client.statBlob(repo, layer1.digest())).hasValue(oneRequest.size());
      assertThat(client.listTags(repo)).containsExactly(Tag.of("1.0"));
    }
  }

  @Test
  void onlyV2BelongsToTheRegistry() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> version =
        http.send(
            HttpRequest.newBuilder(jetty.uri().resolve("/v2/")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(version.statusCode()).isEqualTo(200);
    assertThat(version.headers().firstValue("Docker-Distribution-API-Version"))
        .contains("registry/2.0");

    HttpResponse<String> other =
        http.send(
            HttpRequest.newBuilder(jetty.uri().resolve("/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(other.headers().firstValue("Docker-Distribution-API-Version")).isEmpty();
  }

  private static Bytes random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return Bytes.of(b);
  }
}
