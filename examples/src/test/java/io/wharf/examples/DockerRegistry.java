package io.wharf.examples;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry} (CNCF distribution), started on loopback as a peer registry:
 * filesystem storage in a temporary folder, deletes enabled, no auth. The package's own service is
 * never used.
 */
final class DockerRegistry implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final int port;

  private DockerRegistry(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Starts a registry with its storage under {@code dir}; skips or fails without the program. */
  static DockerRegistry start(Path dir) throws IOException, InterruptedException {
    Path executable = Tools.require("docker-registry", "/usr/bin/docker-registry");
    int port = freePort();
    Path storage = Files.createDirectories(dir.resolve("storage"));
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "version: 0.1",
            "log:",
            "  level: info",
            "  accesslog:",
            "    disabled: false",
            "storage:",
            "  filesystem:",
            "    rootdirectory: " + storage,
            "  delete:",
            "    enabled: true",
            "http:",
            "  addr: 127.0.0.1:" + port,
            ""),
        StandardCharsets.UTF_8);
    Path log = dir.resolve("docker-registry.log");
    ProcessBuilder pb = new ProcessBuilder(executable.toString(), "serve", config.toString());
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    Process process = pb.start();
    DockerRegistry registry = new DockerRegistry(process, log, port);
    try {
      registry.awaitReady();
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  /** {@code 127.0.0.1:PORT}. */
  String host() {
    return "127.0.0.1:" + port;
  }

  private void awaitReady() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "docker-registry exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (ConnectException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "docker-registry did not answer in 30 s: " + Files.readString(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
