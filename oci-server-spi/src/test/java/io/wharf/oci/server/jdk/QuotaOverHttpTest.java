package io.wharf.oci.server.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorResponse;
import io.wharf.oci.server.Quota;
import io.wharf.oci.server.Quotas;
import io.wharf.oci.server.Registry;
import io.wharf.oci.storage.ProjectUsage;
import io.wharf.oci.storage.RegistryStorage;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Quotas over real HTTP on the JDK transport: what a client sees of a refusal. */
class QuotaOverHttpTest {

  private static final long LIMIT = 4096;

  private final RegistryStorage storage = RegistryStorage.inMemory();
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private RegistryServer server;

  @BeforeEach
  void start() throws Exception {
    Registry registry =
        Registry.builder(storage).quotas(Quotas.of(Map.of("team", Quota.ofBytes(LIMIT)))).build();
    server = RegistryServer.start(registry, new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body)
      throws Exception {
    return send(method, path, body, "application/octet-stream");
  }

  private HttpResponse<String> send(
      String method, String path, HttpRequest.BodyPublisher body, String type) throws Exception {
    URI uri = URI.create(server.uri() + path);
    HttpRequest request =
        HttpRequest.newBuilder(uri).method(method, body).header("Content-Type", type).build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> putManifest(String tag, RawManifest m) throws Exception {
    return send(
        "PUT",
        "/v2/team/app/manifests/" + tag,
        HttpRequest.BodyPublishers.ofByteArray(m.bytes().toByteArray()),
        m.mediaType().value());
  }

  private static void assertQuotaRefusal(HttpResponse<String> r, String words) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    ErrorResponse.Entry error =
        ErrorResponse.parse(Bytes.utf8(r.body())).orElseThrow().errors().get(0);
    assertThat(error.code()).isEqualTo("DENIED");
    assertThat(error.message())
        .startsWith("quota exceeded: project team has used ")
        .contains(words)
        .endsWith("delete artifacts or ask for a larger quota");
  }

  private Descriptor pushBlob(MediaType type, Bytes content) throws Exception {
    Digest d = Digest.sha256(content);
    HttpResponse<String> r =
        send(
            "POST",
            "/v2/team/app/blobs/uploads/?digest=" + d,
            HttpRequest.BodyPublishers.ofByteArray(content.toByteArray()));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return Descriptor.of(type, d, content.size());
  }

  @Test
  void aMonolithicBlobOverTheQuotaIsRefusedByItsContentLength() throws Exception {
    byte[] big = new byte[(int) LIMIT + 1];
    HttpResponse<String> r =
        send(
            "POST",
            "/v2/team/app/blobs/uploads/?digest=" + Digest.sha256(Bytes.of(big)),
            HttpRequest.BodyPublishers.ofByteArray(big));
    assertQuotaRefusal(r, "has used 0 B of 4 KiB, and this upload adds 4.1 KiB");
    assertThat(storage.blobs().uploads()).isEmpty();
  }

  @Test
  void aChunkedPatchIsRefusedOnceItsBytesGoPastTheQuota() throws Exception {
    HttpResponse<String> started =
        send("POST", "/v2/team/app/blobs/uploads/", HttpRequest.BodyPublishers.noBody());
    assertThat(started.statusCode()).isEqualTo(202);
    String location = started.headers().firstValue("Location").orElseThrow();
    byte[] body = new byte[64 * 1024];
    // No length: the JDK client sends it with chunked transfer coding.
    HttpResponse<String> r =
        send(
            "PATCH",
            location,
            HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
    assertQuotaRefusal(r, "this upload adds");
    HttpResponse<String> status = send("GET", location, HttpRequest.BodyPublishers.noBody());
    assertThat(status.statusCode()).isEqualTo(404);
    assertThat(storage.blobs().uploads()).isEmpty();
    assertThat(storage.metadata().projectUsage("team")).isEqualTo(ProjectUsage.NONE);
  }

  @Test
  void aManifestOverTheQuotaIsRefusedAndOneWithinItIsStored() throws Exception {
    Descriptor config =
        pushBlob(MediaType.OCI_IMAGE_CONFIG, Bytes.utf8("{\"architecture\":\"amd64\"}"));
    Descriptor layer = pushBlob(MediaType.OCI_LAYER_TAR, Bytes.of(new byte[3000]));
    RawManifest fits = ManifestCodec.defaults().encode(ImageManifest.of(config, List.of(layer)));
    HttpResponse<String> stored = putManifest("v1", fits);
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);

    RawManifest big =
        ManifestCodec.defaults()
            .encode(
                ImageManifest.of(config, List.of(layer))
                    .withAnnotations(Map.of("padding", "x".repeat(2000))));
    HttpResponse<String> refused = putManifest("v2", big);
    assertQuotaRefusal(refused, "and this push adds ");
    assertThat(
            send("GET", "/v2/team/app/manifests/v2", HttpRequest.BodyPublishers.noBody())
                .statusCode())
        .isEqualTo(404);
  }
}
