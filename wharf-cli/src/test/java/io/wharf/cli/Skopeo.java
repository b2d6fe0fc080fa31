package io.wharf.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code skopeo} against plain-HTTP registries on loopback. Each {@link Skopeo} has
 * its own {@code HOME}, hence its own blob-info cache ({@code
 * ~/.local/share/containers/cache/blob-info-cache-v1.sqlite} for root): one instance is one
 * client's history, and nothing leaks between tests or from the machine's own skopeo use.
 */
final class Skopeo {

  /** What one run printed. */
  record Result(int exitCode, String stdout, String stderr) {}

  private final Path executable;
  private final Path home;
  private final List<String> globalArgs;

  private Skopeo(Path executable, Path home, List<String> globalArgs) {
    this.executable = executable;
    this.home = home;
    this.globalArgs = globalArgs;
  }

  /** A skopeo with a fresh, empty {@code HOME} under {@code temp}; skips or fails without it. */
  static Skopeo fresh(Path temp) throws IOException {
    Path skopeo = Tools.require("skopeo");
    return new Skopeo(
        skopeo, Files.createTempDirectory(temp, "skopeo-home-"), List.of("--insecure-policy"));
  }

  /**
   * Pulls {@code reference} ({@code host/repo:tag}, plain HTTP) into a new OCI layout under {@code
   * temp} with a fresh skopeo; what skopeo said.
   */
  static Result pull(Path temp, String reference) throws IOException, InterruptedException {
    Path into = Files.createTempDirectory(temp, "pulled");
    return fresh(temp)
        .tryRun("copy", "--src-tls-verify=false", "docker://" + reference, "oci:" + into + ":x");
  }

  /**
   * The real {@code podman} (the same containers/image underneath), isolated like skopeo: its own
   * HOME, credentials, image store ({@code vfs}, which needs no kernel support) and runtime folder,
   * no cgroups or event journal; skips or fails without it. Only registry commands ({@code login},
   * {@code pull}, {@code push}, {@code tag}, {@code logout}) are meant to run.
   */
  static Skopeo podman(Path temp) throws IOException {
    Path podman = Tools.require("podman");
    Path home = Files.createTempDirectory(temp, "podman-home-");
    return new Skopeo(
        podman,
        home,
        List.of(
            "--root",
            home.resolve("storage").toString(),
            "--runroot",
            // podman refuses a runroot longer than 50 characters; temp folders can be longer.
            Files.createTempDirectory(Path.of("/tmp"), "podman-").toString(),
            "--storage-driver",
            "vfs",
            "--cgroup-manager",
            "cgroupfs",
            "--events-backend",
            "none"));
  }

  /** Runs {@code args}; fails the test, with skopeo's output, unless it exits 0. */
  String run(String... args) throws IOException, InterruptedException {
    Result r = tryRun(args);
    if (r.exitCode() != 0) {
      throw new AssertionError(
          executable.getFileName()
              + " "
              + String.join(" ", args)
              + " exited "
              + r.exitCode()
              + "\nstdout: "
              + r.stdout()
              + "\nstderr: "
              + r.stderr());
    }
    return r.stdout();
  }

  /** What one run printed, stdout as bytes (for manifests, whose digests depend on each byte). */
  record BytesResult(int exitCode, byte[] stdoutBytes, String stderr) {}

  /** Runs {@code args}; fails the test unless it exits 0; returns stdout's exact bytes. */
  BytesResult tryRunBytes(String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile(home, "stdout-", ".bin");
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(globalArgs);
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    isolate(pb);
    pb.redirectOutput(out.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<String> err = drain(p.getErrorStream());
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(
          executable.getFileName() + " " + String.join(" ", args) + " did not finish in 5 minutes");
    }
    byte[] bytes = Files.readAllBytes(out);
    if (p.exitValue() != 0) {
      throw new AssertionError(
          "skopeo " + String.join(" ", args) + " exited " + p.exitValue() + ": " + err.join());
    }
    return new BytesResult(p.exitValue(), bytes, err.join());
  }

  /** Runs {@code args} and returns what happened. */
  Result tryRun(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(globalArgs);
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    isolate(pb);
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(
          executable.getFileName() + " " + String.join(" ", args) + " did not finish in 5 minutes");
    }
    return new Result(p.exitValue(), out.join(), err.join());
  }

  /**
   * This instance's own HOME, runtime folder and credentials file. Without XDG_RUNTIME_DIR, skopeo
   * reads and writes credentials in the machine-wide /run/containers/UID/auth.json.
   */
  private void isolate(ProcessBuilder pb) throws IOException {
    Path run = Files.createDirectories(home.resolve("run"));
    pb.environment().put("HOME", home.toString());
    pb.environment().remove("XDG_DATA_HOME");
    pb.environment().remove("XDG_CONFIG_HOME");
    pb.environment().put("XDG_RUNTIME_DIR", run.toString());
    pb.environment().put("REGISTRY_AUTH_FILE", home.resolve("auth.json").toString());
  }

  private static CompletableFuture<String> drain(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "(unreadable: " + e + ")";
          }
        });
  }
}
