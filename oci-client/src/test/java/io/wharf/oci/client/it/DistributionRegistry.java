package io.wharf.oci.client.it;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code docker-registry} (CNCF distribution) on a free loopback port, with filesystem
 * storage in a test folder and deletes enabled, optionally behind htpasswd Basic auth. Without the
 * program a test is skipped, except under CI ({@code CI=true}), where it fails: {@code
 * scripts/test-services.sh} installs it.
 */
final class DistributionRegistry implements AutoCloseable {

  private static final Path PROGRAM = Path.of("/usr/bin/docker-registry");

  private final Process process;
  private final Path log;
  private final int port;

  private DistributionRegistry(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Starts a registry under {@code dir}; with {@code htpasswd}, Basic auth from that file. */
  static DistributionRegistry start(Path dir, Optional<Path> htpasswd)
      throws IOException, InterruptedException {
    Path executable = require();
    int port = freePort();
    Path storage = Files.createDirectories(dir.resolve("storage"));
    StringBuilder config =
        new StringBuilder()
            .append("version: 0.1\n")
            .append("log:\n  level: warn\n")
            .append("storage:\n  filesystem:\n    rootdirectory: ")
            .append(storage)
            .append("\n  delete:\n    enabled: true\n")
            .append("http:\n  addr: 127.0.0.1:")
            .append(port)
            .append("\n");
    if (htpasswd.isPresent()) {
      config
          .append("auth:\n  htpasswd:\n    realm: test\n    path: ")
          .append(htpasswd.get())
          .append("\n");
    }
    Path configFile = dir.resolve("config.yml");
    Files.writeString(configFile, config, StandardCharsets.UTF_8);
    Path log = dir.resolve("docker-registry.log");
    Process process =
        new ProcessBuilder(executable.toString(), "serve", configFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    DistributionRegistry registry = new DistributionRegistry(process, log, port);
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

  private static Path require() {
    if (Files.isExecutable(PROGRAM)) {
      return PROGRAM;
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        Path p = Path.of(d, "docker-registry");
        if (!d.isEmpty() && Files.isExecutable(p)) {
          return p;
        }
      }
    }
    String message =
        "docker-registry is not installed (scripts/test-services.sh installs it: apt-get install"
            + " docker-registry)";
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(message);
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    URI ping = URI.create("http://" + host() + "/v2/");
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "docker-registry exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try {
        HttpURLConnection c = (HttpURLConnection) ping.toURL().openConnection();
        c.setConnectTimeout(1000);
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
          if (in != null) {
            in.readAllBytes();
          }
        }
        if (status == 200 || status == 401) {
          return;
        }
      } catch (IOException e) {
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
