package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.testing.Await;
import java.io.IOException;
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
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The program as users run it: {@code wharf-cli/target/wharf.jar} in its own JVM. It prints where
 * it serves, logs one line per request, and on SIGTERM lets a request in flight finish and closes
 * the store, so that {@code wharf fsck} (which needs the folder's lock) finds it clean afterwards.
 */
class WharfProgramIT {

  private static final Pattern SERVING =
      Pattern.compile("serving http://127\\.0\\.0\\.1:(\\d+)/ with data folder (\\S+)");

  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process p : started) {
      if (p.isAlive()) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static Path jar() {
    Path jar = Path.of(System.getProperty("wharf.jar", "target/wharf.jar"));
    assertThat(jar).as("the shaded jar (mvn package builds it)").exists();
    return jar;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private Process wharf(Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", jar().toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    started.add(p);
    return p;
  }

  private static Matcher awaitServing(Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Matcher m = SERVING.matcher(Files.readString(log));
      if (m.find()) {
        return m;
      }
      if (!p.isAlive()) {
        throw new AssertionError(
            "wharf exited with " + p.exitValue() + ":\n" + Files.readString(log));
      }
      Thread.sleep(50);
    }
    throw new AssertionError("wharf did not start in 60 s:\n" + Files.readString(log));
  }

  @Test
  void servesLogsEachRequestAndStopsCleanlyOnSigterm() throws Exception {
    Files.writeString(dir.resolve("wharf.yaml"), "listen: 127.0.0.1:0\ndata: ./registry-data\n");
    Path log = dir.resolve("serve.log");
    Process wharf = wharf(log, "serve", "--config", "wharf.yaml");
    Matcher serving = awaitServing(wharf, log);
    int port = Integer.parseInt(serving.group(1));
    assertThat(Path.of(serving.group(2))).isEqualTo(dir.toRealPath().resolve("registry-data"));
    String base = "http://127.0.0.1:" + port;

    assertThat(send(HttpRequest.newBuilder(URI.create(base + "/v2/"))).statusCode()).isEqualTo(200);
    Bytes blob = Bytes.utf8("a blob pushed through the program");
    Digest digest = Digest.sha256(blob);
    HttpResponse<String> pushed =
        send(
            HttpRequest.newBuilder(
                    URI.create(
                        base
                            + "/v2/it/app/blobs/uploads/?digest="
                            + digest.toString().replace(":", "%3A")))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(blob.toByteArray())));
    assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
    HttpResponse<String> session =
        send(
            HttpRequest.newBuilder(URI.create(base + "/v2/it/app/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(session.statusCode()).isEqualTo(202);
    String location = session.headers().firstValue("Location").orElseThrow();
    String uploadPath = URI.create(base).resolve(location).getRawPath();

    // A PATCH in flight when SIGTERM arrives: half its body is sent and read by the server, then
    // the signal, then (once the stop has begun) the rest.
    byte[] chunk = new byte[256 * 1024];
    String statusLine;
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("PATCH "
                  + uploadPath
                  + " HTTP/1.1\r\nHost: 127.0.0.1:"
                  + port
                  + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                  + chunk.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(chunk, 0, chunk.length / 2);
      out.flush();
      int client = socket.getLocalPort();
      Await.until("the server to read what was sent", () -> serverHasReadAll(port, client));

      wharf.destroy(); // SIGTERM
      Await.until("the stop to begin", () -> refusesConnections(port) || !wharf.isAlive());
      assertThat(wharf.isAlive()).as("still finishing the request in flight").isTrue();

      out.write(chunk, chunk.length / 2, chunk.length - chunk.length / 2);
      out.flush();
      statusLine = readLine(socket.getInputStream());
    }
    assertThat(wharf.waitFor(30, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
    assertThat(statusLine)
        .as("the PATCH's answer; the server's log:%n%s", Files.readString(log))
        .startsWith("HTTP/1.1 202");
    assertThat(wharf.exitValue()).as("exit status after a clean stop").isZero();

    String output = Files.readString(log);
    assertThat(output)
        .containsPattern("INFO RegistryServlet - GET /v2/ 200 2B \\d+ms")
        .containsPattern("INFO RegistryServlet - POST /v2/it/app/blobs/uploads/ 201 0B \\d+ms")
        .containsPattern(
            "INFO RegistryServlet - PATCH " + Pattern.quote(uploadPath) + " 202 0B \\d+ms")
        .contains("Wharf stopping")
        .contains(
            "Wharf stopped; data folder " + dir.toRealPath().resolve("registry-data") + " closed");
    // The PATCH was logged before the store closed.
    assertThat(output.indexOf("PATCH " + uploadPath)).isLessThan(output.indexOf("Wharf stopped"));

    // The lock is released and the store is consistent: fsck can open it and finds nothing wrong.
    Path fsckLog = dir.resolve("fsck.log");
    Process fsck = wharf(fsckLog, "fsck", "--data", "registry-data");
    assertThat(fsck.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(fsck.exitValue()).as(Files.readString(fsckLog)).isZero();
    assertThat(Files.readString(fsckLog)).contains("1 blobs verified").contains("no problems");
  }

  @Test
  void gcAsksTheRunningRegistryThroughItsLifecycleEndpoint() throws Exception {
    Files.writeString(
        dir.resolve("wharf.yaml"),
        "listen: 127.0.0.1:0\ndata: ./registry-data\nlifecycle:\n  endpoint: loopback\n");
    Path log = dir.resolve("serve.log");
    Process wharf = wharf(log, "serve", "--config", "wharf.yaml");
    int port = Integer.parseInt(awaitServing(wharf, log).group(1));
    String url = "http://127.0.0.1:" + port;

    Path gcLog = dir.resolve("gc.log");
    Process gc = wharf(gcLog, "gc", "--registry", url, "--dry-run", "--json");
    assertThat(gc.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(gc.exitValue()).as(Files.readString(gcLog)).isZero();
    assertThat(Files.readString(gcLog))
        .startsWith("{\"summary\":\"garbage collection (dry run, full) would delete 0 manifests");
    // The folder is the running registry's: a local run is refused, and says what to do.
    WharfRun local = WharfRun.of("gc", "--data", dir.resolve("registry-data").toString());
    assertThat(local.status()).isEqualTo(1);
    assertThat(local.err()).contains("is 'wharf serve' running on it? then use --registry URL");

    Await.until("the run's log line", () -> logContains(log, "lifecycle job gc (requested, "));
    assertThat(Files.readString(log))
        .contains("lifecycle jobs: gc on request, uploads at '0 * * * *'")
        .contains("lifecycle endpoint /_wharf/lifecycle: open to every caller on this machine");
    wharf.destroy();
    assertThat(wharf.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(wharf.exitValue()).isZero();
  }

  /**
   * Whether the server's end of the loopback connection {@code serverPort} ↔ {@code clientPort} has
   * nothing left to read (its receive queue in {@code /proc/net/tcp} or {@code tcp6} is empty):
   * what the client sent has reached the server process.
   */
  private static boolean serverHasReadAll(int serverPort, int clientPort) {
    String local = String.format(":%04X", serverPort);
    String remote = String.format(":%04X", clientPort);
    try {
      // Java's sockets are IPv6 ones, with IPv4-mapped addresses, where the machine has IPv6.
      for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 4 && f[1].endsWith(local) && f[2].endsWith(remote)) {
            return Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16) == 0;
          }
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return false;
  }

  /** Whether a new connection to {@code port} is refused. */
  private static boolean refusesConnections(int port) {
    try {
      new Socket("127.0.0.1", port).close();
      return false;
    } catch (java.net.ConnectException e) {
      return true;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aSecondServerOnTheSameFolderFailsClearly() throws Exception {
    Path log = dir.resolve("first.log");
    Process first = wharf(log, "serve", "--listen", "127.0.0.1:0", "--data", "shared");
    awaitServing(first, log);

    Path secondLog = dir.resolve("second.log");
    Process second = wharf(secondLog, "serve", "--listen", "127.0.0.1:0", "--data", "shared");
    assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).isEqualTo(1);
    assertThat(Files.readString(secondLog))
        .contains("wharf serve: cannot start on 127.0.0.1:0 with data folder")
        .contains("is open by another process");

    first.destroy();
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(log)).contains("Wharf stopped");
  }

  @Test
  void theLauncherScriptRunsTheJar() throws Exception {
    Path script = Path.of(System.getProperty("wharf.launcher", "../wharf"));
    assertThat(script).isExecutable();
    Process p =
        new ProcessBuilder(script.toString(), "--version").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).startsWith("wharf ");
  }

  @Test
  void theLauncherServesWithTheParallelCollectorUnlessJavaOptsNamesOne() throws Exception {
    assertThat(servedCollectors(Map.of())).containsExactly("-XX:+UseParallelGC");
    assertThat(servedCollectors(Map.of("JAVA_OPTS", "-Xmx200m")))
        .containsExactly("-XX:+UseParallelGC");
    // Two collectors would stop the JVM before it serves: the one named wins alone.
    assertThat(servedCollectors(Map.of("JAVA_OPTS", "-Xmx200m -XX:+UseSerialGC")))
        .containsExactly("-XX:+UseSerialGC");
  }

  /** The collector options of the JVM the launcher runs for {@code serve}, once it serves. */
  private List<String> servedCollectors(Map<String, String> env) throws Exception {
    Path script = Path.of(System.getProperty("wharf.launcher", "../wharf"));
    Path log = Files.createTempFile(dir, "launcher-serve", ".log");
    Path data = Files.createTempDirectory(dir, "launcher-data");
    ProcessBuilder pb =
        new ProcessBuilder(
                script.toString(), "serve", "--listen", "127.0.0.1:0", "--data", data.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().remove("JAVA_OPTS");
    pb.environment().putAll(env);
    Process p = pb.start();
    started.add(p);
    p.getOutputStream().close();
    awaitServing(p, log);
    // The launcher execs java: the process started is the JVM.
    String[] arguments = p.toHandle().info().arguments().orElseThrow();
    p.destroy();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return Arrays.stream(arguments).filter(a -> a.matches("-XX:\\+Use\\w*GC")).toList();
  }

  @Test
  void theLauncherRecordsItsStartUpArchiveFromTheTrainingOncePerBuild() throws Exception {
    // A copy of the launcher and the jar, so the archive is made afresh in a folder of our own.
    Path root = dir.resolve("launcher-copy");
    Path target = Files.createDirectories(root.resolve("wharf-cli/target"));
    Path script = root.resolve("wharf");
    Files.copy(Path.of(System.getProperty("wharf.launcher", "../wharf")), script);
    Files.copy(jar(), target.resolve("wharf.jar"));
    Path archive = target.resolve("wharf.jsa");

    Process serving = wharf(dir.resolve("archive-serve.log"), "serve", "--listen", "127.0.0.1:0");
    String host = "127.0.0.1:" + awaitServing(serving, dir.resolve("archive-serve.log")).group(1);

    LauncherRun first = launch(script, "tags", "docker://" + host + "/none/here");
    assertThat(first.exit()).as(first.out()).isEqualTo(1); // no such repository: NAME_UNKNOWN
    // Standard error is a pipe here, not a terminal: the launcher says why the command waits.
    assertThat(first.out().lines())
        .first()
        .isEqualTo("wharf: recording the start-up archive (once per build, a few seconds)");
    assertThat(first.out()).contains("wharf tags: ").contains("NAME_UNKNOWN");
    assertThat(archive).as("recorded by the training before the first client command").exists();
    assertThat(Files.size(archive)).isGreaterThan(1 << 20);
    // It holds the classes of a copy into a layout, which `tags` never loads.
    assertThat(new String(Files.readAllBytes(archive), StandardCharsets.ISO_8859_1))
        .contains("io/wharf/oci/client/copy/LayoutDestination");
    FileTime recorded = Files.getLastModifiedTime(archive);

    LauncherRun second = launch(script, "inspect", "docker://" + host + "/none/here:v1");
    assertThat(second.exit()).as(second.out()).isEqualTo(1);
    assertThat(second.out()).doesNotContain("recording");
    assertThat(Files.getLastModifiedTime(archive))
        .as("used, not recorded again")
        .isEqualTo(recorded);

    // No archive, and a training that fails (no temporary folder): the command still runs,
    // without an archive, and the launcher does not try again until the next build.
    Files.delete(archive);
    String noTmp = "-Xmx256m -Djava.io.tmpdir=" + dir.resolve("no-such-folder");
    LauncherRun failed =
        launch(script, Map.of("JAVA_OPTS", noTmp), "tags", "docker://" + host + "/none/here");
    assertThat(failed.exit()).as(failed.out()).isEqualTo(1);
    assertThat(failed.out().lines())
        .as(failed.out())
        .hasSize(2)
        .first()
        .asString()
        .startsWith("wharf: recording the start-up archive");
    assertThat(archive).doesNotExist();
    Path marker = target.resolve("wharf.jsa.failed");
    assertThat(marker).exists();
    FileTime failedAt = Files.getLastModifiedTime(marker);
    Thread.sleep(1100);
    LauncherRun again =
        launch(script, Map.of("JAVA_OPTS", noTmp), "tags", "docker://" + host + "/none/here");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.out().lines()).as(again.out()).hasSize(1);
    assertThat(Files.getLastModifiedTime(marker)).as("not tried again").isEqualTo(failedAt);
  }

  record LauncherRun(int exit, String out) {}

  private static LauncherRun launch(Path script, String... args) throws Exception {
    return launch(script, Map.of(), args);
  }

  private static LauncherRun launch(Path script, Map<String, String> env, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    return new LauncherRun(p.exitValue(), out);
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  // ------------------------------------------------- upload sessions across a SIGKILL

  /** {@code wharf serve} on 127.0.0.1:{@code port} with {@code ./resume-data}, serving. */
  private Process serveOn(int port, Path log) throws Exception {
    Files.writeString(
        dir.resolve("resume.yaml"), "listen: 127.0.0.1:" + port + "\ndata: ./resume-data\n");
    Process p = wharf(log, "serve", "--config", "resume.yaml");
    awaitServing(p, log);
    return p;
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void kill(Process p) throws InterruptedException {
    p.destroyForcibly(); // SIGKILL: nothing is closed, nothing is flushed by the program
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("killed").isTrue();
  }

  private HttpResponse<String> patch(String url, byte[] content, int from, int to)
      throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/octet-stream")
            .header("Content-Range", from + "-" + (to - 1))
            .method(
                "PATCH",
                HttpRequest.BodyPublishers.ofByteArray(
                    java.util.Arrays.copyOfRange(content, from, to))));
  }

  private List<Path> uploadFolders() throws IOException {
    Path uploads =
        io.wharf.oci.storage.local.LocalStorage.blobDirectory(dir.resolve("resume-data"))
            .resolve("uploads");
    try (java.util.stream.Stream<Path> folders = Files.list(uploads)) {
      return folders.toList();
    }
  }

  @Test
  void anUploadGoesOnWhereTheStoreSaysAfterASigkillAndACancelFreesItsBytes() throws Exception {
    int port = freePort();
    String base = "http://127.0.0.1:" + port;
    byte[] content = new byte[300_000];
    new java.util.Random(5).nextBytes(content);
    Digest digest = Digest.sha256(Bytes.of(content));
    Process first = serveOn(port, dir.resolve("first.log"));
    String kept = startSession(base);
    String cancelled = startSession(base);
    assertThat(patch(kept, content, 0, 100_000).statusCode()).isEqualTo(202);
    assertThat(patch(cancelled, content, 0, 100_000).statusCode()).isEqualTo(202);
    kill(first);

    serveOn(port, dir.resolve("second.log"));
    HttpResponse<String> status = send(HttpRequest.newBuilder(URI.create(kept)));
    assertThat(status.statusCode()).as(status.body()).isEqualTo(204);
    assertThat(status.headers().firstValue("Range")).contains("0-99999");
    assertThat(patch(kept, content, 100_000, content.length).statusCode()).isEqualTo(202);
    HttpResponse<String> put =
        send(
            HttpRequest.newBuilder(
                    URI.create(kept + "?digest=" + digest.toString().replace(":", "%3A")))
                .PUT(HttpRequest.BodyPublishers.noBody()));
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    HttpResponse<byte[]> blob =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v2/it/resume/blobs/" + digest)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(blob.body()).isEqualTo(content);

    assertThat(uploadFolders()).hasSize(1);
    assertThat(send(HttpRequest.newBuilder(URI.create(cancelled)).DELETE()).statusCode())
        .isEqualTo(204);
    assertThat(uploadFolders()).isEmpty();
  }

  private String startSession(String base) throws Exception {
    HttpResponse<String> session =
        send(
            HttpRequest.newBuilder(URI.create(base + "/v2/it/resume/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(session.statusCode()).as(session.body()).isEqualTo(202);
    return URI.create(base)
        .resolve(session.headers().firstValue("Location").orElseThrow())
        .toString();
  }

  @Test
  void theClientFinishesItsUploadInTheSameSessionAcrossASigkill() throws Exception {
    int port = freePort();
    byte[] content = new byte[3 * 64 * 1024 + 123];
    new java.util.Random(6).nextBytes(content);
    Digest digest = Digest.sha256(Bytes.of(content));
    java.util.concurrent.CountDownLatch secondChunk = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch restarted = new java.util.concurrent.CountDownLatch(1);
    // The second chunk is read only once the server was killed and started again.
    io.wharf.oci.client.BlobSource source =
        new io.wharf.oci.client.BlobSource() {
          @Override
          public long size() {
            return content.length;
          }

          @Override
          public InputStream open(long offset) throws IOException {
            if (offset > 0 && restarted.getCount() > 0) {
              secondChunk.countDown();
              try {
                if (!restarted.await(120, TimeUnit.SECONDS)) {
                  throw new IOException("the test did not restart the server");
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
              }
            }
            return new java.io.ByteArrayInputStream(
                content, (int) offset, content.length - (int) offset);
          }
        };
    Path firstLog = dir.resolve("client-first.log");
    Path secondLog = dir.resolve("client-second.log");
    Process first = serveOn(port, firstLog);
    io.wharf.oci.client.Repository repo =
        new io.wharf.oci.client.Repository(
            new io.wharf.oci.model.ref.RegistryHost("127.0.0.1:" + port),
            io.wharf.oci.model.ref.RepositoryName.of("it/client"));
    List<Long> resumedAt = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (io.wharf.oci.client.RegistryClient client =
        io.wharf.oci.client.RegistryClient.builder()
            .transferListener(
                new io.wharf.oci.client.TransferListener() {
                  @Override
                  public void resumed(io.wharf.oci.client.Transfer transfer, long offset) {
                    resumedAt.add(offset);
                  }
                })
            .chunkBytes(64 * 1024)
            .monolithicMaxBytes(1)
            .build()) {
      java.util.concurrent.CompletableFuture<Void> push =
          java.util.concurrent.CompletableFuture.runAsync(
              () -> {
                try {
                  client.pushBlob(repo, digest, source);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      assertThat(secondChunk.await(120, TimeUnit.SECONDS)).as("first chunk sent").isTrue();
      kill(first);
      serveOn(port, secondLog);
      restarted.countDown();
      push.get(120, TimeUnit.SECONDS);
      assertThat(client.statBlob(repo, digest)).hasValue(content.length);
    }
    // The restarted server found the session in the store, and the client went on in it (a new
    // session would have been reported as a resume from byte 0). The server writes its log out
    // every 100 ms (DeferredStderr), so the line may reach the file after the push has ended.
    Await.until(
        "the restarted server to log the resumed session",
        () -> logContains(secondLog, "resumed 1 upload sessions kept in the store"));
    assertThat(resumedAt).as("offsets the client resumed from").doesNotContain(0L);
    assertThat(uploadFolders()).isEmpty();
  }

  private static boolean logContains(Path log, String line) {
    try {
      return Files.readString(log).contains(line);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
