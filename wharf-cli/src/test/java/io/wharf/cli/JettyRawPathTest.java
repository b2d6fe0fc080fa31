package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.error.ErrorResponse;
import io.wharf.oci.server.Registry;
import io.wharf.oci.storage.RegistryStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Paths no HTTP client library would send (an encoded slash, encoded dot segments, NUL, empty
 * segments), written on a raw socket to the Jetty endpoint {@code wharf serve} runs: none is
 * answered 2xx, and none serves a byte of a blob that is in another repository than the path names.
 * (The JDK transport has the same test in oci-server-spi.) Every answer is the spec's JSON error
 * body, never Jetty's own page.
 */
class JettyRawPathTest {

  private static final Bytes SECRET = Bytes.utf8("only in repository b, never through a");
  private static final Digest DIGEST = Digest.sha256(SECRET);

  private JettyEndpoint jetty;

  @BeforeEach
  void start() throws IOException {
    Registry registry = Registry.builder(RegistryStorage.inMemory()).build();
    jetty = JettyEndpoint.start(registry, new InetSocketAddress("127.0.0.1", 0));
    String push =
        raw(
            "POST /v2/b/blobs/uploads/?digest=" + DIGEST + " HTTP/1.1",
            "Content-Length: " + SECRET.size(),
            SECRET.utf8());
    assertThat(push).startsWith("HTTP/1.1 201");
    assertThat(raw("GET /v2/b/blobs/" + DIGEST + " HTTP/1.1", null, ""))
        .startsWith("HTTP/1.1 200")
        .contains(SECRET.utf8());
  }

  @AfterEach
  void stop() {
    jetty.close();
  }

  @Test
  void encodedSlashesDotSegmentsNulAndEmptySegmentsAreNeverServed() throws IOException {
    for (String path :
        List.of(
            "/v2/a%2Fb/blobs/" + DIGEST,
            "/v2/a%2f..%2fb/blobs/" + DIGEST,
            "/v2/a/%2e%2e/b/blobs/" + DIGEST,
            "/v2/a/%2E%2E/b/blobs/" + DIGEST,
            "/v2/a/../b/blobs/" + DIGEST,
            "/v2/a/./../b/blobs/" + DIGEST,
            "/v2/a/..%2Fb/blobs/" + DIGEST,
            "/v2/a%00/../b/blobs/" + DIGEST,
            "/v2/b%00/blobs/" + DIGEST,
            "/v2//b/blobs/" + DIGEST,
            "//v2/b/blobs/" + DIGEST,
            "/v2/a%5C..%5Cb/blobs/" + DIGEST)) {
      String answer = raw("GET " + path + " HTTP/1.1", null, "");
      int status = Integer.parseInt(answer.substring(9, 12));
      assertThat(status).as("%s answered %s", path, answer).isBetween(400, 499);
      assertThat(answer).as(path).doesNotContain(SECRET.utf8()).doesNotContain("<");
      String[] headAndBody = answer.split("\r\n\r\n", 2);
      assertThat(headAndBody[0]).as(path).containsIgnoringCase("Content-Type: application/json");
      assertThat(ErrorResponse.parse(Bytes.utf8(headAndBody[1])))
          .as("%s answered %s", path, answer)
          .hasValueSatisfying(e -> assertThat(e.errors()).isNotEmpty());
    }
  }

  /** One request on its own connection; the whole answer as text. */
  private String raw(String requestLine, String header, String body) throws IOException {
    try (Socket s = new Socket("127.0.0.1", jetty.port())) {
      s.setSoTimeout(30_000);
      String head =
          requestLine
              + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
              + (header == null ? "" : header + "\r\n")
              + "\r\n";
      s.getOutputStream().write((head + body).getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      return all.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
