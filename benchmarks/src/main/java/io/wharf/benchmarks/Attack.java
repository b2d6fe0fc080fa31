package io.wharf.benchmarks;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hostile clients against a running registry, each while a probe measures what another client gets.
 * Used by {@code benchmarks/run-attacks.sh}; loopback only, bounded in count and time.
 *
 * <p>The attacker connects from 127.0.0.1 and the probe from 127.0.0.2 (Linux answers the whole of
 * 127/8 on loopback), so that the server sees two clients, as it would on a network; the probe runs
 * in a JVM of its own, so that the attack's threads and garbage do not slow it (its latencies are
 * the server's doing, and the machine's). The probe cycles through the requests a registry's other
 * users make: {@code GET /v2/}, a manifest GET, a blob HEAD and a small blob push (POST, then a
 * monolithic PUT) into a repository of its own, {@code -Dprobe.interval} milliseconds apart
 * (default 100), each with a 10 s timeout (a timeout counts as a failure that took 10 s). It prints
 * one line per attack: what the attacker got (statuses), and the probe's count, failures, p50, p99
 * and max in milliseconds.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.wharf.benchmarks.Attack PORT ATTACK [SECONDS]}, with
 * ATTACK one of:
 *
 * <ul>
 *   <li>{@code big-manifest}: 150 clients at once, each GETting a 4 MiB manifest three times (450
 *       requests), and then the probe goes on for SECONDS (default 20) after the attack, since a
 *       server that ran out of direct memory failed for minutes after;
 *   <li>{@code slow-bodies}: 200 connections each start an upload and send its PATCH body one byte
 *       every 15 s, for SECONDS (default 60); reports how long the longest stayed open;
 *   <li>{@code session-flood}: 10,000 empty upload POSTs from 16 threads (at most SECONDS, default
 *       40); then the probe's pushes go on for 10 s more;
 *   <li>{@code busy-session}: 5 uploads whose PATCH stalls after a few bytes; on each, a status
 *       GET, a PUT and a DELETE from another connection, timed (these are the probe);
 *   <li>{@code trickle}: one upload whose PATCH sends a byte a second until the server ends it or
 *       SECONDS (default 600) pass; for the shutdown test, which stops the server meanwhile.
 * </ul>
 */
public final class Attack {

  private static final String ATTACKER = "127.0.0.1";
  private static final String PROBE = "127.0.0.2";
  private static final int TIMEOUT_MS = 10_000;

  private final int port;

  private Attack(int port) {
    this.port = port;
  }

  /** Runs one attack; see the class comment. */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println(
          "usage: Attack PORT big-manifest|slow-bodies|session-flood|busy-session|trickle [SECONDS]");
      System.exit(2);
    }
    Attack attack = new Attack(Integer.parseInt(args[0]));
    String name = args[1];
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : -1;
    switch (name) {
      case "big-manifest" -> attack.bigManifest(seconds < 0 ? 20 : seconds);
      case "slow-bodies" -> attack.slowBodies(seconds < 0 ? 60 : seconds);
      case "session-flood" -> attack.sessionFlood(seconds < 0 ? 40 : seconds);
      case "busy-session" -> attack.busySession();
      case "trickle" -> attack.trickle(seconds < 0 ? 600 : seconds);
      case "probe" -> attack.probeUntilEndOfInput();
      default -> {
        System.err.println("unknown attack " + name);
        System.exit(2);
      }
    }
  }

  /** The child side of {@link ForkedProbe}. */
  private void probeUntilEndOfInput() throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (LocalProbe probe = LocalProbe.start(this)) {
      System.out.println("ready");
      System.out.flush();
      for (String line; (line = in.readLine()) != null; ) {
        if (line.equals("cut")) {
          System.out.println(probe.cut().encode());
          System.out.flush();
        }
      }
    }
  }

  // ---- the attacks

  private void bigManifest(int afterSeconds) throws Exception {
    String config = pushBlob(ATTACKER, "attack/big", "{}".getBytes(StandardCharsets.US_ASCII));
    byte[] manifest = bigManifest(config, 4 * 1024 * 1024 - 1024);
    Response put =
        request(
            ATTACKER,
            "PUT",
            "/v2/attack/big/manifests/v1",
            Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json"),
            manifest,
            false);
    if (put.status != 201) {
      throw new IllegalStateException("could not push the 4 MiB manifest: " + put.status);
    }
    try (Probe probe = Probe.start(this)) {
      Statuses statuses = new Statuses();
      int clients = 150;
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      CountDownLatch go = new CountDownLatch(1);
      for (int i = 0; i < clients; i++) {
        pool.execute(
            () -> {
              awaitQuietly(go);
              for (int r = 0; r < 3; r++) {
                statuses.add(
                    () ->
                        request(
                            ATTACKER,
                            "GET",
                            "/v2/attack/big/manifests/v1",
                            Map.of("Accept", "application/vnd.oci.image.manifest.v1+json"),
                            null,
                            true));
              }
            });
      }
      long start = System.nanoTime();
      go.countDown();
      pool.shutdown();
      pool.awaitTermination(10, TimeUnit.MINUTES);
      double attackSeconds = (System.nanoTime() - start) / 1e9;
      Probe.Result during = probe.cut();
      Thread.sleep(afterSeconds * 1000L);
      Probe.Result after = probe.cut();
      report(
          "big-manifest",
          String.format(Locale.ROOT, "450 GETs of 4 MiB in %.1f s: %s", attackSeconds, statuses),
          during,
          after);
    }
  }

  private void slowBodies(int seconds) throws Exception {
    int connections = 200;
    List<Socket> open = new ArrayList<>();
    AtomicLong longestOpenMs = new AtomicLong();
    AtomicInteger cut = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    try (Probe probe = Probe.start(this)) {
      Statuses starts = new Statuses();
      for (int i = 0; i < connections; i++) {
        String location = startUpload(ATTACKER, "attack/slow", starts);
        if (location == null) {
          continue;
        }
        Thread t =
            new Thread(
                () -> {
                  long begin = System.nanoTime();
                  try (Socket s = connect(ATTACKER)) {
                    synchronized (open) {
                      open.add(s);
                    }
                    OutputStream out = s.getOutputStream();
                    out.write(
                        head(
                            "PATCH",
                            location,
                            Map.of(
                                "Content-Type", "application/octet-stream",
                                "Content-Length", "1000")));
                    out.flush();
                    while (!stop.get()) {
                      out.write('x');
                      out.flush();
                      if (sleepUnless(stop, 15_000)) {
                        break;
                      }
                    }
                  } catch (IOException e) {
                    cut.incrementAndGet();
                  } finally {
                    longestOpenMs.accumulateAndGet(
                        (System.nanoTime() - begin) / 1_000_000, Math::max);
                  }
                },
                "slow-" + i);
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      while (System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      stop.set(true);
      Probe.Result during = probe.cut();
      synchronized (open) {
        for (Socket s : open) {
          s.close();
        }
      }
      for (Thread t : threads) {
        t.join(TIMEOUT_MS);
      }
      report(
          "slow-bodies",
          String.format(
              Locale.ROOT,
              "%d trickling PATCHes for %d s (starts: %s): %d cut by the server, longest open %.1f s",
              threads.size(),
              seconds,
              starts,
              cut.get(),
              longestOpenMs.get() / 1000.0),
          during,
          null);
    }
  }

  private void sessionFlood(int seconds) throws Exception {
    try (Probe probe = Probe.start(this)) {
      Statuses statuses = new Statuses();
      AtomicInteger left = new AtomicInteger(10_000);
      AtomicInteger withRetryAfter = new AtomicInteger();
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      ExecutorService pool = Executors.newFixedThreadPool(16);
      for (int i = 0; i < 16; i++) {
        pool.execute(
            () -> {
              while (left.getAndDecrement() > 0 && System.nanoTime() < deadline) {
                statuses.add(
                    () -> {
                      Response r =
                          request(
                              ATTACKER,
                              "POST",
                              "/v2/attack/flood/blobs/uploads/",
                              Map.of(),
                              null,
                              false);
                      if (r.status == 429 && r.headers.containsKey("retry-after")) {
                        withRetryAfter.incrementAndGet();
                      }
                      return r;
                    });
              }
            });
      }
      long start = System.nanoTime();
      pool.shutdown();
      pool.awaitTermination(seconds + 30L, TimeUnit.SECONDS);
      double took = (System.nanoTime() - start) / 1e9;
      Probe.Result during = probe.cut();
      Thread.sleep(10_000);
      Probe.Result after = probe.cut();
      report(
          "session-flood",
          String.format(
              Locale.ROOT,
              "%d POSTs in %.1f s: %s; 429s with Retry-After: %d",
              statuses.total(),
              took,
              statuses,
              withRetryAfter.get()),
          during,
          after);
    }
  }

  private void busySession() throws Exception {
    List<Long> latencies = new ArrayList<>();
    Statuses statuses = new Statuses();
    int failures = 0;
    for (int i = 0; i < 5; i++) {
      String location = startUpload(ATTACKER, "attack/busy", new Statuses());
      if (location == null) {
        throw new IllegalStateException("could not start an upload");
      }
      try (Socket stalled = connect(ATTACKER)) {
        OutputStream out = stalled.getOutputStream();
        out.write(
            head(
                "PATCH",
                location,
                Map.of("Content-Type", "application/octet-stream", "Content-Length", "1000")));
        out.write("0123456789".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(200); // let the server start reading the body before the others come
        String sep = location.contains("?") ? "&" : "?";
        String empty = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        for (String[] op :
            new String[][] {
              {"GET", location},
              {"PUT", location + sep + "digest=" + empty},
              {"DELETE", location}
            }) {
          long t0 = System.nanoTime();
          try {
            Response r = request(PROBE, op[0], op[1], Map.of(), new byte[0], false);
            statuses.add(op[0] + " " + r.status);
          } catch (IOException e) {
            statuses.add(op[0] + " " + e.getClass().getSimpleName());
            failures++;
          }
          latencies.add((System.nanoTime() - t0) / 1_000_000);
        }
      }
    }
    Probe.Result result = new Probe.Result(latencies, failures);
    report(
        "busy-session", "status GET, PUT, DELETE on 5 stalled uploads: " + statuses, result, null);
  }

  private void trickle(int seconds) throws Exception {
    String location = startUpload(ATTACKER, "attack/trickle", new Statuses());
    if (location == null) {
      throw new IllegalStateException("could not start an upload");
    }
    long begin = System.nanoTime();
    String outcome = "still open after " + seconds + " s";
    try (Socket s = connect(ATTACKER)) {
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write(
          head(
              "PATCH",
              location,
              Map.of("Content-Type", "application/octet-stream", "Content-Length", "100000")));
      out.flush();
      System.out.println("trickling " + location);
      System.out.flush();
      long deadline = begin + seconds * 1_000_000_000L;
      InputStream in = s.getInputStream();
      while (System.nanoTime() < deadline) {
        out.write('x');
        out.flush();
        try {
          int b = in.read();
          outcome = b < 0 ? "closed by the server" : "answered by the server";
          break;
        } catch (SocketTimeoutException e) {
          // nothing from the server yet: send the next byte
        }
      }
    } catch (IOException e) {
      outcome = "cut by the server (" + e.getClass().getSimpleName() + ")";
    }
    System.out.printf(
        Locale.ROOT, "trickle: %s after %.1f s%n", outcome, (System.nanoTime() - begin) / 1e9);
  }

  // ---- the probe

  /**
   * Another client's requests, timed, until closed: by default in a JVM of its own (started from
   * this one's class path), so that the attack's threads and garbage do not count against it;
   * {@code -Dprobe.fork=false} runs it on a thread of this JVM.
   */
  private abstract static class Probe implements AutoCloseable {

    static Probe start(Attack target) throws IOException {
      String commands = System.getProperty("probe.commands");
      if (commands != null) {
        return ForkedProbe.attach(
            Path.of(commands), Path.of(System.getProperty("probe.answers", commands + ".out")));
      }
      if (Boolean.parseBoolean(System.getProperty("probe.fork", "true"))) {
        return ForkedProbe.start(target.port);
      }
      return LocalProbe.start(target);
    }

    /** What was measured since the last cut. */
    abstract Result cut() throws IOException;

    @Override
    public abstract void close() throws IOException, InterruptedException;

    record Result(List<Long> latenciesMs, int failures) {
      String summary() {
        long[] sorted = latenciesMs.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
          return "no probe requests";
        }
        return String.format(
            Locale.ROOT,
            "probe n=%d failed=%d p50=%d ms p99=%d ms max=%d ms",
            sorted.length,
            failures,
            sorted[percentile(sorted.length, 0.50)],
            sorted[percentile(sorted.length, 0.99)],
            sorted[sorted.length - 1]);
      }

      private static int percentile(int n, double p) {
        return Math.min(n - 1, (int) Math.ceil(p * n) - 1);
      }

      /** One line: the failure count, then the latencies. */
      String encode() {
        StringBuilder sb = new StringBuilder("result ").append(failures);
        latenciesMs.forEach(ms -> sb.append(' ').append(ms));
        return sb.toString();
      }

      static Result decode(String line) throws IOException {
        String[] f = line == null ? new String[0] : line.split(" ");
        if (f.length < 2 || !f[0].equals("result")) {
          throw new IOException("the probe process answered " + line);
        }
        List<Long> ms = new ArrayList<>();
        for (int i = 2; i < f.length; i++) {
          ms.add(Long.parseLong(f[i]));
        }
        return new Result(ms, Integer.parseInt(f[1]));
      }
    }
  }

  /**
   * The probe in another JVM ({@code Attack PORT probe}), driven through its standard input: a line
   * {@code cut} answers a {@code result} line, end of input stops it. Either a child of this JVM,
   * or one the script started, reached through two FIFOs ({@code -Dprobe.commands}, {@code
   * -Dprobe.answers}), so that it need not share this JVM's CPU priority.
   */
  private static final class ForkedProbe extends Probe {
    private final Process process; // null when the script started it
    private final BufferedReader answers;
    private final PrintStream commands;

    private ForkedProbe(Process process, InputStream answers, OutputStream commands)
        throws IOException {
      this.process = process;
      this.answers = new BufferedReader(new InputStreamReader(answers, StandardCharsets.UTF_8));
      this.commands = new PrintStream(commands, true, StandardCharsets.UTF_8);
      String ready = this.answers.readLine();
      if (!"ready".equals(ready)) {
        if (process != null) {
          process.destroyForcibly();
        }
        throw new IOException("the probe process did not start: " + ready);
      }
    }

    static ForkedProbe attach(Path commands, Path answers) throws IOException {
      // Opening a FIFO waits for its other end: the commands first, as the probe opens them first.
      OutputStream out = Files.newOutputStream(commands);
      return new ForkedProbe(null, Files.newInputStream(answers), out);
    }

    static ForkedProbe start(int port) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> command = new ArrayList<>(List.of(java, "-Xmx128m"));
      for (String p : List.of("probe.interval", "probe.trace")) {
        if (System.getProperty(p) != null) {
          command.add("-D" + p + "=" + System.getProperty(p));
        }
      }
      command.addAll(
          List.of(
              "-cp",
              System.getProperty("java.class.path"),
              Attack.class.getName(),
              Integer.toString(port),
              "probe"));
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      return new ForkedProbe(process, process.getInputStream(), process.getOutputStream());
    }

    @Override
    Result cut() throws IOException {
      commands.println("cut");
      String line;
      while ((line = answers.readLine()) != null && !line.startsWith("result ")) {
        System.out.println(line); // the probe's failure summary
      }
      return Result.decode(line);
    }

    @Override
    public void close() throws IOException, InterruptedException {
      commands.close();
      answers.close();
      if (process != null && !process.waitFor(TIMEOUT_MS * 3L, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** The probe on a thread of this JVM. */
  private static final class LocalProbe extends Probe {
    private final Attack target;
    private final List<Long> latencies = new ArrayList<>();
    private final Map<String, Integer> failures = new TreeMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;
    private int failed;

    private LocalProbe(Attack target) {
      this.target = target;
      this.thread = new Thread(this::run, "probe");
      thread.setDaemon(true);
    }

    static LocalProbe start(Attack target) throws IOException {
      LocalProbe p = new LocalProbe(target);
      p.warm();
      p.thread.start();
      return p;
    }

    private String manifestPath;
    private String blobPath;

    private void warm() throws IOException {
      String config = target.pushBlob(PROBE, "probe/app", "{\"probe\":1}".getBytes());
      byte[] manifest =
          ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                  + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                  + "\"digest\":\""
                  + config
                  + "\",\"size\":11},\"layers\":[]}")
              .getBytes(StandardCharsets.US_ASCII);
      Response r =
          target.request(
              PROBE,
              "PUT",
              "/v2/probe/app/manifests/v1",
              Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json"),
              manifest,
              false);
      if (r.status != 201) {
        throw new IOException("probe: manifest push answered " + r.status);
      }
      manifestPath = "/v2/probe/app/manifests/v1";
      blobPath = "/v2/probe/app/blobs/" + config;
    }

    private void run() {
      long n = 0;
      while (!stop.get()) {
        int kind = (int) (n++ % 4);
        long t0 = System.nanoTime();
        String failure = null;
        try {
          switch (kind) {
            case 0 ->
                failure = expect(target.request(PROBE, "GET", "/v2/", Map.of(), null, true), 200);
            case 1 ->
                failure =
                    expect(
                        target.request(
                            PROBE,
                            "GET",
                            manifestPath,
                            Map.of("Accept", "application/vnd.oci.image.manifest.v1+json"),
                            null,
                            true),
                        200);
            case 2 ->
                failure =
                    expect(target.request(PROBE, "HEAD", blobPath, Map.of(), null, false), 200);
            default -> target.pushBlob(PROBE, "probe/push", ("probe " + n).getBytes());
          }
        } catch (IOException | RuntimeException e) {
          failure = kind == 3 ? "push: " + e.getMessage() : e.getClass().getSimpleName();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (Boolean.getBoolean("probe.trace")) {
          System.err.println(
              "probe " + kind + " " + ms + " ms" + (failure == null ? "" : " " + failure));
        }
        synchronized (this) {
          latencies.add(ms);
          if (failure != null) {
            failed++;
            failures.merge(failure, 1, Integer::sum);
          }
        }
        sleepUnless(stop, Integer.getInteger("probe.interval", 100));
      }
    }

    private static String expect(Response r, int status) {
      return r.status == status ? null : "status " + r.status;
    }

    @Override
    synchronized Result cut() {
      Result r = new Result(new ArrayList<>(latencies), failed);
      if (!failures.isEmpty()) {
        System.out.println("  probe failures: " + failures);
      }
      latencies.clear();
      failures.clear();
      failed = 0;
      return r;
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join(TIMEOUT_MS * 2L);
    }
  }

  private static void report(String name, String attack, Probe.Result during, Probe.Result after) {
    System.out.println(name + ": " + attack);
    System.out.println("  during: " + during.summary());
    if (after != null) {
      System.out.println("  after:  " + after.summary());
    }
    System.out.flush();
  }

  // ---- HTTP, by hand: the attacks need control of bytes and timing, and a source address

  record Response(int status, Map<String, String> headers, byte[] body) {}

  private Socket connect(String from) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), TIMEOUT_MS);
    s.setSoTimeout(TIMEOUT_MS);
    return s;
  }

  private byte[] head(String method, String target, Map<String, String> headers) {
    StringBuilder sb = new StringBuilder();
    sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    sb.append("Host: 127.0.0.1:").append(port).append("\r\n");
    sb.append("Connection: close\r\n");
    headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    sb.append("\r\n");
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** One request on a new connection; {@code discard} reads the body without keeping it. */
  Response request(
      String from,
      String method,
      String target,
      Map<String, String> headers,
      byte[] body,
      boolean discard)
      throws IOException {
    Map<String, String> all = new LinkedHashMap<>(headers);
    if (body != null) {
      all.put("Content-Length", Integer.toString(body.length));
    }
    try (Socket s = connect(from)) {
      OutputStream out = s.getOutputStream();
      out.write(head(method, target, all));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      InputStream in = s.getInputStream();
      String status = line(in);
      if (status == null || !status.startsWith("HTTP/1.1 ")) {
        throw new IOException("no HTTP answer: " + status);
      }
      Map<String, String> h = new LinkedHashMap<>();
      for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
        int colon = l.indexOf(':');
        if (colon > 0) {
          h.put(
              l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
      }
      int code = Integer.parseInt(status.substring(9, 12));
      byte[] content = new byte[0];
      if (!method.equals("HEAD") && code != 204 && code != 304) {
        long length =
            h.containsKey("content-length") ? Long.parseLong(h.get("content-length")) : -1;
        if ("chunked".equalsIgnoreCase(h.get("transfer-encoding"))) {
          length = -1; // read to close: Connection: close was asked
        }
        content = readBody(in, length, discard);
      }
      return new Response(code, h, content);
    }
  }

  private static byte[] readBody(InputStream in, long length, boolean discard) throws IOException {
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    long left = length < 0 ? Long.MAX_VALUE : length;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        if (length >= 0) {
          throw new IOException("body cut at " + (length - left) + " of " + length + " bytes");
        }
        break;
      }
      if (!discard) {
        kept.write(buf, 0, n);
      }
      left -= n;
    }
    return kept.toByteArray();
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n') {
        int end = sb.length();
        return end > 0 && sb.charAt(end - 1) == '\r' ? sb.substring(0, end - 1) : sb.toString();
      }
      if (sb.length() > 16 * 1024) {
        throw new IOException("header line too long");
      }
      sb.append((char) b);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  /** Starts an upload; its Location, or null when refused (counted in {@code statuses}). */
  private String startUpload(String from, String repository, Statuses statuses) {
    try {
      Response r =
          request(from, "POST", "/v2/" + repository + "/blobs/uploads/", Map.of(), null, false);
      statuses.add("POST " + r.status);
      return r.status == 202 ? r.headers.get("location") : null;
    } catch (IOException e) {
      statuses.add("POST " + e.getClass().getSimpleName());
      return null;
    }
  }

  /** Pushes {@code content} as a blob (POST, monolithic PUT); its digest. */
  String pushBlob(String from, String repository, byte[] content) throws IOException {
    String digest = "sha256:" + sha256(content);
    Response start =
        request(from, "POST", "/v2/" + repository + "/blobs/uploads/", Map.of(), null, false);
    if (start.status != 202) {
      throw new IOException("upload start answered " + start.status);
    }
    String location = start.headers.get("location");
    String sep = location.contains("?") ? "&" : "?";
    Response put =
        request(
            from,
            "PUT",
            location + sep + "digest=" + digest,
            Map.of("Content-Type", "application/octet-stream"),
            content,
            false);
    if (put.status != 201) {
      throw new IOException("upload finish answered " + put.status);
    }
    return digest;
  }

  private static byte[] bigManifest(String config, int size) {
    String head =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
            + config
            + "\",\"size\":2},\"layers\":[],\"annotations\":{\"padding\":\"";
    String tail = "\"}}";
    int pad = size - head.length() - tail.length();
    byte[] bytes = new byte[size];
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(h, 0, bytes, 0, h.length);
    Arrays.fill(bytes, h.length, h.length + pad, (byte) 'a');
    byte[] t = tail.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(t, 0, bytes, h.length + pad, t.length);
    return bytes;
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counts of outcomes, by status or exception name. */
  private static final class Statuses {
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    interface Call {
      Response call() throws IOException;
    }

    void add(Call call) {
      try {
        add(Integer.toString(call.call().status));
      } catch (IOException | RuntimeException e) {
        add(e.getClass().getSimpleName());
      }
    }

    void add(String outcome) {
      counts.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
    }

    int total() {
      return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public String toString() {
      return new TreeMap<>(counts).toString();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sleeps {@code ms} in small steps; true when {@code stop} was set meanwhile. */
  private static boolean sleepUnless(AtomicBoolean stop, long ms) {
    long deadline = System.nanoTime() + ms * 1_000_000;
    while (System.nanoTime() < deadline) {
      if (stop.get()) {
        return true;
      }
      try {
        Thread.sleep(Math.min(100, ms));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return true;
      }
    }
    return stop.get();
  }
}
