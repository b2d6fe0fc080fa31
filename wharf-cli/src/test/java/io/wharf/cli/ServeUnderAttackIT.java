package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wharf serve} in its own JVM under two attacks of issue 11: many concurrent GETs of a large
 * manifest with little direct memory, and a stop while an upload trickles.
 */
class ServeUnderAttackIT {

  private static final Pattern SERVING =
      Pattern.compile("serving http://127\\.0\\.0\\.1:(\\d+)/ with data folder");
  private static final String EMPTY_CONFIG =
      "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process p : started) {
      if (p.isAlive()) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** {@code wharf serve} on a free port with {@code jvmOptions}; returns its port. */
  private int serve(Path log, String... jvmOptions) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(List.of(jvmOptions));
    command.addAll(
        List.of(
            "-jar",
            Path.of(System.getProperty("wharf.jar", "target/wharf.jar"))
                .toAbsolutePath()
                .toString(),
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--data",
            "data"));
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    p.getOutputStream().close();
    started.add(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Matcher m = SERVING.matcher(Files.readString(log));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
      Thread.sleep(50);
    }
    throw new AssertionError("wharf did not start:\n" + Files.readString(log));
  }

  @Test
  void concurrentGetsOfA4MiBManifestNeedNoMoreDirectMemoryThanBounded() throws Exception {
    Path log = dir.resolve("serve.log");
    // 150 x 4 MiB would be 600 MiB of cached direct buffers; 32 MiB is what the JVM gets.
    int port = serve(log, "-Xmx512m", "-XX:MaxDirectMemorySize=32m");
    String base = "http://127.0.0.1:" + port;
    HttpResponse<String> config =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        base + "/v2/big/blobs/uploads/?digest=" + EMPTY_CONFIG.replace(":", "%3A")))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(config.statusCode()).as(config.body()).isEqualTo(201);
    String head =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
            + EMPTY_CONFIG
            + "\",\"size\":2},\"layers\":[],\"annotations\":{\"pad\":\"";
    String json = head + "x".repeat(4_100_000 - head.length()) + "\"}}";
    byte[] manifest = json.getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> put =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v2/big/manifests/v1"))
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    String digest = Digest.sha256(Bytes.of(manifest)).toString();

    List<CompletableFuture<HttpResponse<byte[]>>> gets = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      gets.add(
          http.sendAsync(
              HttpRequest.newBuilder(URI.create(base + "/v2/big/manifests/" + digest))
                  .header("Accept", "application/vnd.oci.image.manifest.v1+json")
                  .timeout(Duration.ofSeconds(120))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray()));
    }
    for (CompletableFuture<HttpResponse<byte[]>> f : gets) {
      HttpResponse<byte[]> r = f.get(180, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).hasSize(manifest.length);
    }
    // And the server still takes uploads afterwards.
    HttpResponse<String> session = startUpload(base + "/v2/big/blobs/uploads/");
    assertThat(session.statusCode()).isEqualTo(202);
    assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError").doesNotContain(" 500 ");
  }

  @Test
  void sigtermWithAnUploadTricklingStopsWithinTheBoundAndExitsZero() throws Exception {
    Path log = dir.resolve("serve.log");
    int port = serve(log);
    String base = "http://127.0.0.1:" + port;
    HttpResponse<String> session = startUpload(base + "/v2/it/app/blobs/uploads/");
    assertThat(session.statusCode()).isEqualTo(202);
    String upload =
        URI.create(base)
            .resolve(session.headers().firstValue("Location").orElseThrow())
            .getRawPath();
    Process wharf = started.get(0);
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("PATCH "
                  + upload
                  + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                  + "Content-Length: 1048576\r\nExpect: 100-continue\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // Jetty says 100 Continue when the registry starts reading the body: the upload is in
      // flight.
      InputStream in = s.getInputStream();
      assertThat(line(in)).startsWith("HTTP/1.1 100");
      line(in);
      out.write(new byte[10]);
      out.flush();
      // A slow upload, not a silent one: 2 KiB every half second, above the minimum body rate
      // and never idle long enough for Jetty to close it, until the server closes the connection.
      Thread trickle =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 200; i++) {
                    out.write(new byte[2048]);
                    out.flush();
                    Thread.sleep(500);
                  }
                } catch (java.io.IOException | InterruptedException closed) {
                  // The server cut it, or the test ended.
                }
              },
              "trickle");
      trickle.setDaemon(true);
      trickle.start();

      long signalled = System.nanoTime();
      wharf.destroy(); // SIGTERM while the upload trickles
      assertThat(wharf.waitFor(25, TimeUnit.SECONDS))
          .as("stopped within the 5 s grace and a margin:%n%s", Files.readString(log))
          .isTrue();
      System.out.printf(
          "stop with a trickling upload took %d ms%n", (System.nanoTime() - signalled) / 1_000_000);
    }
    assertThat(wharf.exitValue()).as(Files.readString(log)).isZero();
    assertThat(Files.readString(log))
        .doesNotContain("stopping the HTTP server failed")
        .contains("Wharf stopped");
  }

  private HttpResponse<String> startUpload(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String line(InputStream in) throws java.io.IOException {
    StringBuilder b = new StringBuilder();
    for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
      b.append((char) c);
    }
    return b.toString().strip();
  }
}
