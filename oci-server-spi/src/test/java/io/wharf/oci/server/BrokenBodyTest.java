package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.error.ErrorResponse;
import io.wharf.oci.storage.RegistryStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A request body that breaks off is the client's failure, and loses nothing received before. */
class BrokenBodyTest {

  /** A body that yields {@code good} bytes, then fails as a dropped connection does. */
  private static InputStream breakingAfter(int good) {
    return new InputStream() {
      private int sent;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (sent >= good) {
          throw new IOException("Connection reset by peer");
        }
        int n = Math.min(len, good - sent);
        Arrays.fill(b, off, off + n, (byte) 'a');
        sent += n;
        return n;
      }
    };
  }

  private static RegistryResponse send(
      Registry r, HttpMethod m, String path, String query, Headers headers, InputStream body)
      throws IOException {
    return r.handle(new RegistryRequest(m, path, query, headers, body));
  }

  private static String code(RegistryResponse r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    r.body().orElseThrow().writeTo(out);
    return ErrorResponse.parse(Bytes.of(out.toByteArray())).orElseThrow().errors().get(0).code();
  }

  @Test
  void aPatchThatBreaksOffIs400AndKeepsTheBytesReceived() throws IOException {
    Registry registry = Registry.builder(RegistryStorage.inMemory()).build();
    RegistryResponse start =
        send(
            registry,
            HttpMethod.POST,
            "/v2/app/blobs/uploads/",
            "",
            Headers.empty(),
            InputStream.nullInputStream());
    String location = start.headers().first("Location").orElseThrow();
    RegistryResponse broken =
        send(
            registry,
            HttpMethod.PATCH,
            location,
            "",
            Headers.builder().set("Content-Length", "1000000").build(),
            breakingAfter(70_000));
    assertThat(broken.status()).isEqualTo(400);
    assertThat(code(broken)).isEqualTo("BLOB_UPLOAD_INVALID");
    RegistryResponse status =
        send(
            registry, HttpMethod.GET, location, "", Headers.empty(), InputStream.nullInputStream());
    assertThat(status.status()).isEqualTo(204);
    assertThat(status.headers().first("Range")).contains("0-69999");
  }

  @Test
  void aMonolithicUploadThatBreaksOffIs400AndStoresNothing() throws IOException {
    Registry registry = Registry.builder(RegistryStorage.inMemory()).build();
    byte[] whole = new byte[100_000];
    Arrays.fill(whole, (byte) 'a');
    Digest digest = Digest.sha256(Bytes.of(whole));
    RegistryResponse broken =
        send(
            registry,
            HttpMethod.POST,
            "/v2/app/blobs/uploads/",
            "digest=" + digest,
            Headers.builder().set("Content-Length", "100000").build(),
            breakingAfter(50_000));
    assertThat(broken.status()).isEqualTo(400);
    assertThat(code(broken)).isEqualTo("BLOB_UPLOAD_INVALID");
    assertThat(
            send(
                    registry,
                    HttpMethod.HEAD,
                    "/v2/app/blobs/" + digest,
                    "",
                    Headers.empty(),
                    InputStream.nullInputStream())
                .status())
        .isEqualTo(404);
  }

  @Test
  void aManifestBodyThatBreaksOffIsTheClientsFailure() throws IOException {
    Registry registry = Registry.builder(RegistryStorage.inMemory()).build();
    RegistryResponse broken =
        send(
            registry,
            HttpMethod.PUT,
            "/v2/app/manifests/v1",
            "",
            Headers.builder()
                .set("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .build(),
            breakingAfter(10));
    assertThat(broken.status()).isBetween(400, 499);
  }
}
