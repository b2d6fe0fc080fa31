package io.wharf.oci.auth;

import static io.wharf.oci.auth.TestAccess.T0;
import static io.wharf.oci.auth.TestAccess.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wharf.oci.auth.TestAccess.Caller;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.model.testing.OciGenerators;
import io.wharf.oci.server.Endpoint;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RegistryEvent;
import io.wharf.oci.server.RegistryEvent.Kind;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.access.Principal;
import io.wharf.oci.storage.access.ProjectRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log: its lines, their safety, batching, rotation, reopening and concurrency. */
class AuditLogTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static RegistryEvent event(
      Kind kind, Identity actor, String requestId, String... reasons) {
    return new RegistryEvent(
        kind,
        T0,
        requestId,
        Optional.of(Endpoint.MANIFEST_PUT),
        actor,
        Optional.of(new InetSocketAddress("203.0.113.7", 50312)),
        Optional.of(RepositoryName.of("team/app")),
        Optional.of(Digest.sha256(Bytes.utf8("m"))),
        Optional.of(MediaType.OCI_IMAGE_MANIFEST),
        Optional.empty(),
        Set.of(Tag.of("v1"), Tag.of("latest")),
        Optional.empty(),
        Optional.empty(),
        kind == Kind.DENIED ? 403 : 201,
        List.of(reasons),
        List.of());
  }

  private List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.US_ASCII) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<JsonNode> entries(Path file) {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : lines(file)) {
      try {
        nodes.add(JSON.readTree(line));
      } catch (IOException e) {
        throw new AssertionError("not one JSON object: " + line, e);
      }
    }
    return nodes;
  }

  private Path file() {
    return dir.resolve(AuditLog.FILE_NAME);
  }

  @Test
  void writesEachEventAsOneJsonLineWithItsFields() throws IOException {
    Identity alice =
        user("alice", "devs").withAttributes(Map.of("kind", "user", "source", "ldap", "x", "y"));
    try (AuditLog log = AuditLog.builder(dir).build()) {
      log.onEvent(event(Kind.MANIFEST_PUSHED, alice, "r-1"));
      log.onEvent(event(Kind.DENIED, Identity.ANONYMOUS, "r-2", "log in first"));
    }

    List<JsonNode> entries = entries(file());
    assertThat(entries).hasSize(2);
    JsonNode push = entries.get(0);
    assertThat(push.get("time").asText()).isEqualTo("2025-01-01T00:00:00Z");
    assertThat(push.get("kind").asText()).isEqualTo("MANIFEST_PUSHED");
    assertThat(push.get("requestId").asText()).isEqualTo("r-1");
    assertThat(push.get("actor").toString())
        .isEqualTo(
            "{\"name\":\"alice\",\"kind\":\"user\",\"source\":\"ldap\",\"groups\":[\"devs\"]}");
    assertThat(push.get("client").asText()).isEqualTo("203.0.113.7:50312");
    assertThat(push.get("endpoint").asText()).isEqualTo("MANIFEST_PUT");
    assertThat(push.get("action").asText()).isEqualTo("push");
    assertThat(push.get("repository").asText()).isEqualTo("team/app");
    assertThat(push.get("digest").asText()).startsWith("sha256:");
    assertThat(push.get("tags").toString()).isEqualTo("[\"latest\",\"v1\"]");
    assertThat(push.get("status").asInt()).isEqualTo(201);
    assertThat(push.has("reasons")).isFalse();
    JsonNode denied = entries.get(1);
    assertThat(denied.get("actor").toString()).isEqualTo("{\"anonymous\":true}");
    assertThat(denied.get("reasons").toString()).isEqualTo("[\"log in first\"]");
  }

  @Test
  void aLifecycleRunIsALineWithTheSystemActorItsStatusAndSummary() throws Exception {
    try (AuditLog log = AuditLog.builder(dir).build()) {
      try (io.wharf.oci.server.lifecycle.Lifecycle lifecycle =
          io.wharf.oci.server.lifecycle.Lifecycle.builder()
              .events(log)
              .job("retention", () -> "kept 3 tags\ndeleted 1 tag")
              .job(
                  "broken",
                  () -> {
                    throw new IOException("disk full");
                  })
              .build()) {
        lifecycle.runNow("retention");
        lifecycle.runNow("broken");
      }
    }
    List<JsonNode> entries = entries(file());
    assertThat(entries).hasSize(2);
    JsonNode run = entries.get(0);
    assertThat(run.get("kind").asText()).isEqualTo("LIFECYCLE_RUN");
    assertThat(run.get("requestId").asText()).startsWith("lifecycle-retention-");
    assertThat(run.get("actor").toString())
        .isEqualTo("{\"name\":\"wharf-lifecycle\",\"kind\":\"system\"}");
    assertThat(run.has("endpoint")).isFalse();
    assertThat(run.has("client")).isFalse();
    assertThat(run.get("status").asInt()).isEqualTo(200);
    assertThat(run.get("reasons").toString())
        .isEqualTo("[\"job retention, requested\",\"kept 3 tags\",\"deleted 1 tag\"]");
    JsonNode failed = entries.get(1);
    assertThat(failed.get("status").asInt()).isEqualTo(500);
    assertThat(failed.get("reasons").toString())
        .isEqualTo("[\"job broken, requested\",\"failed: disk full\"]");
  }

  @Test
  void quotesAndLineBreaksInNamesAndReasonsCannotForgeALine() throws IOException {
    String forgedName = "alice\",\"kind\":\"LOGIN\"} {\"x\":\"";
    String forgedReason =
        "no\n{\"kind\":\"MANIFEST_PUSHED\",\"actor\":{\"name\":\"root\"}}\r\u2028\u0085\u007f\u001b[2J";
    try (AuditLog log = AuditLog.builder(dir).build()) {
      log.onEvent(event(Kind.DENIED, user(forgedName), "r-1", forgedReason));
    }

    String text = new String(Files.readAllBytes(file()), StandardCharsets.ISO_8859_1);
    assertThat(text).endsWith("\n");
    assertThat(text.substring(0, text.length() - 1)).matches("[\\x20-\\x7e]*");
    assertThat(lines(file())).hasSize(1);
    JsonNode entry = entries(file()).get(0);
    assertThat(entry.get("kind").asText()).isEqualTo("DENIED");
    assertThat(entry.get("actor").get("name").asText()).isEqualTo(forgedName);
    assertThat(entry.get("reasons").get(0).asText()).isEqualTo(forgedReason);
  }

  @Test
  void anyTextInAnEventIsOneLineThatReadsBackAsWritten() {
    // One encoder for every example, as the log reuses one: each line as a fresh one writes it.
    AuditLines.Encoder reused = new AuditLines.Encoder();
    qt().withExamples(300)
        .forAll(
            OciGenerators.anyStrings(1, 256).map(s -> s.replaceAll("[\\x00-\\x1f\\x7f]", "?")),
            OciGenerators.anyStrings(0, 300))
        .checkAssert(
            (name, reason) -> {
              RegistryEvent event = event(Kind.DENIED, user(name), "r", reason);
              byte[] line = reused.encode(event).toByteArray();
              assertThat(line).isEqualTo(AuditLines.encode(event));
              String text = new String(line, StandardCharsets.US_ASCII);
              assertThat(text.indexOf('\n')).isEqualTo(text.length() - 1);
              try {
                JsonNode entry = JSON.readTree(text);
                assertThat(entry.get("actor").get("name").asText()).isEqualTo(name);
                assertThat(entry.get("reasons").get(0).asText()).isEqualTo(reason);
              } catch (IOException e) {
                throw new AssertionError(text, e);
              }
            });
  }

  @Test
  void everyKindEndpointClientAndStatusIsWrittenAsAFreshEncoderWritesIt() {
    // The encoder writes kinds, endpoints and actions from bytes made once and keeps each client
    // address's text in a slot: a reused one must write what a new one does, whatever the
    // sequence, and the fields must read back as the event has them.
    List<InetSocketAddress> clients = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      clients.add(new InetSocketAddress("10.0." + (i / 100) + "." + i, 40000 + i));
    }
    clients.add(new InetSocketAddress("2001:db8::1", 443));
    clients.add(InetSocketAddress.createUnresolved("host\"name", 0));
    Kind[] kinds = Kind.values();
    Endpoint[] endpoints = Endpoint.values();
    AuditLines.Encoder reused = new AuditLines.Encoder();
    qt().withExamples(2_000)
        .forAll(
            integers().between(0, clients.size() - 1),
            integers().between(0, kinds.length - 1),
            integers().between(-1, endpoints.length - 1),
            integers().between(0, Integer.MAX_VALUE))
        .checkAssert(
            (client, kind, endpoint, status) -> {
              InetSocketAddress address = clients.get(client);
              RegistryEvent event =
                  new RegistryEvent(
                      kinds[kind],
                      T0,
                      "r-" + status,
                      endpoint < 0 ? Optional.empty() : Optional.of(endpoints[endpoint]),
                      Identity.ANONYMOUS,
                      Optional.of(address),
                      Optional.of(RepositoryName.of("team/app-" + kind)),
                      Optional.of(Digest.sha256(Bytes.utf8("m" + status))),
                      Optional.empty(),
                      Optional.empty(),
                      Set.of(Tag.of("v" + client)),
                      Optional.empty(),
                      Optional.empty(),
                      status % 3 == 0 ? status % 1000 : status,
                      List.of(),
                      List.of());
              byte[] line = reused.encode(event).toByteArray();
              assertThat(new String(line, StandardCharsets.US_ASCII))
                  .isEqualTo(new String(AuditLines.encode(event), StandardCharsets.US_ASCII));
              JsonNode entry;
              try {
                entry = JSON.readTree(line);
              } catch (IOException e) {
                throw new AssertionError(new String(line, StandardCharsets.US_ASCII), e);
              }
              assertThat(entry.get("kind").asText()).isEqualTo(event.kind().name());
              assertThat(entry.get("client").asText())
                  .isEqualTo(address.getHostString() + ":" + address.getPort());
              assertThat(entry.get("status").asLong()).isEqualTo(event.status());
              assertThat(entry.get("repository").asText())
                  .isEqualTo(event.repository().orElseThrow().value());
              assertThat(entry.get("digest").asText())
                  .isEqualTo(event.digest().orElseThrow().toString());
              assertThat(entry.get("tags").get(0).asText()).isEqualTo("v" + client);
              if (endpoint < 0) {
                assertThat(entry.has("endpoint")).isFalse();
                assertThat(entry.has("action")).isFalse();
              } else {
                assertThat(entry.get("endpoint").asText()).isEqualTo(endpoints[endpoint].name());
                assertThat(entry.get("action").asText())
                    .isEqualTo(endpoints[endpoint].action().name().toLowerCase(Locale.ROOT));
              }
            });
  }

  @Test
  void anEncoderThatKeepsTheLastActorWritesEachLineAsAFreshOneDoes() {
    // The encoder keeps the last actor's object: lines of actors that alternate, come back or
    // are anonymous must be what a new encoder writes.
    Identity alice = user("alice", "devs").withAttributes(Map.of("kind", "user"));
    Identity robot = Identity.named("robot$ci").withAttributes(Map.of("kind", "robot"));
    AuditLines.Encoder reused = new AuditLines.Encoder();
    for (Identity actor : List.of(alice, alice, robot, Identity.ANONYMOUS, alice, robot, robot)) {
      RegistryEvent event = event(Kind.MANIFEST_PULLED, actor, "r-1");
      assertThat(new String(reused.encode(event).toByteArray(), StandardCharsets.US_ASCII))
          .isEqualTo(new String(AuditLines.encode(event), StandardCharsets.US_ASCII));
    }
    String line =
        new String(
            reused.encode(event(Kind.MANIFEST_PULLED, alice, "r-2")).toByteArray(),
            StandardCharsets.US_ASCII);
    assertThat(line)
        .contains("\"actor\":{\"name\":\"alice\",\"kind\":\"user\",\"groups\":[\"devs\"]},");
  }

  @Test
  void longStringsAndListsAreCut() throws IOException {
    String[] reasons = IntStream.range(0, 100).mapToObj(i -> "r" + i).toArray(String[]::new);
    reasons[0] = "x".repeat(10_000);
    try (AuditLog log = AuditLog.builder(dir).build()) {
      log.onEvent(event(Kind.DENIED, user("alice"), "r-1", reasons));
    }
    JsonNode written = entries(file()).get(0).get("reasons");
    assertThat(written).hasSize(AuditLines.MAX_ITEMS + 1);
    assertThat(written.get(0).asText()).hasSize(AuditLines.MAX_STRING + 1).endsWith("…");
    assertThat(written.get(AuditLines.MAX_ITEMS).asText()).isEqualTo("… 36 more");
  }

  @Test
  void aLoginWithAPasswordLeavesNoTraceOfThePassword() throws IOException {
    RegistryStorage storage = RegistryStorage.inMemory();
    ProjectAuthorizer authorizer = ProjectAuthorizer.builder(storage.metadata().access()).build();
    authorizer.projects().create("team", false);
    authorizer.projects().putMember("team", Principal.user("alice"), ProjectRole.GUEST);
    AuditLog log = AuditLog.builder(dir).build();
    String password = TestAccess.password("alice");
    try (Registry registry =
        Registry.builder(storage)
            .authenticator(TestAccess.authenticator(List.of(user("alice"))))
            .authorizer(authorizer)
            .addListener(log)
            .build()) {
      Caller caller = Caller.anonymous(registry);
      String right = "Basic " + base64("alice:" + password);
      String wrong = "Basic " + base64("alice:" + password + "-wrong");
      for (String credentials : List.of(right, wrong)) {
        Headers headers = Headers.builder().set("Authorization", credentials).build();
        caller.send(HttpMethod.GET, "/v2/", headers, Bytes.empty());
        caller.send(HttpMethod.POST, "/v2/team/app/blobs/uploads/", headers, Bytes.empty());
      }
    }
    log.close();

    String text = Files.readString(file());
    assertThat(text)
        .doesNotContain(password)
        .doesNotContain(base64("alice:" + password))
        .doesNotContain(base64("alice:" + password + "-wrong"))
        .doesNotContain("Basic");
    assertThat(entries(file()))
        .extracting(e -> e.get("kind").asText() + " " + e.get("status").asInt())
        .containsExactly("LOGIN 200", "DENIED 403", "DENIED 401", "DENIED 401");
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void linesWaitForABatchOrTheFlushIntervalAndCloseLosesNone() throws IOException {
    MutableClock clock = new MutableClock(T0);
    AuditLog log = AuditLog.builder(dir).batchLines(3).clock(clock).withoutTimer().build();
    log.onEvent(event(Kind.LOGIN, user("a"), "r-1"));
    log.onEvent(event(Kind.LOGIN, user("a"), "r-2"));
    assertThat(lines(file())).isEmpty();
    log.onEvent(event(Kind.LOGIN, user("a"), "r-3"));
    assertThat(lines(file())).hasSize(3);

    log.onEvent(event(Kind.LOGIN, user("a"), "r-4"));
    log.flushIfDue();
    assertThat(lines(file())).hasSize(3);
    clock.advance(AuditLog.DEFAULT_FLUSH_INTERVAL);
    log.flushIfDue();
    assertThat(lines(file())).hasSize(4);

    log.onEvent(event(Kind.LOGIN, user("a"), "r-5"));
    log.close();
    assertThat(lines(file())).hasSize(5);
    log.onEvent(event(Kind.LOGIN, user("a"), "r-6"));
    assertThat(log.failures()).isEqualTo(1);
    assertThat(log.written()).isEqualTo(5);
  }

  @Test
  void rotatesBySizeAndKeepsTheNewestFiles() throws IOException {
    try (AuditLog log =
        AuditLog.builder(dir).maxFileBytes(4096).maxRotatedFiles(2).batchLines(1).build()) {
      for (int i = 0; i < 200; i++) {
        log.onEvent(event(Kind.LOGIN, user("alice"), "r-" + i));
      }
    }

    Path one = dir.resolve("audit.log.1");
    Path two = dir.resolve("audit.log.2");
    assertThat(dir.resolve("audit.log.3")).doesNotExist();
    for (Path p : List.of(file(), one, two)) {
      assertThat(Files.size(p)).as(p.toString()).isPositive().isLessThanOrEqualTo(4096);
    }
    List<String> ids = new ArrayList<>();
    for (Path p : List.of(two, one, file())) {
      entries(p).forEach(e -> ids.add(e.get("requestId").asText()));
    }
    int first = 200 - ids.size();
    assertThat(ids)
        .as("the newest lines, in order, none lost between the files")
        .isEqualTo(IntStream.range(first, 200).mapToObj(i -> "r-" + i).toList());
  }

  @Test
  void aReopenedLogAppends() throws IOException {
    try (AuditLog log = AuditLog.builder(dir).build()) {
      log.onEvent(event(Kind.LOGIN, user("a"), "r-1"));
    }
    try (AuditLog log = AuditLog.builder(dir).build()) {
      log.onEvent(event(Kind.LOGIN, user("a"), "r-2"));
    }
    assertThat(entries(file()))
        .extracting(e -> e.get("requestId").asText())
        .containsExactly("r-1", "r-2");
  }

  @Test
  void logsOnlyTheKindsItIsGiven() throws IOException {
    try (AuditLog log = AuditLog.builder(dir).kinds(Set.of(Kind.DENIED, Kind.LOGIN)).build()) {
      log.onEvent(event(Kind.MANIFEST_PUSHED, user("a"), "r-1"));
      log.onEvent(event(Kind.DENIED, user("a"), "r-2", "no"));
      log.onEvent(event(Kind.MANIFEST_PULLED, user("a"), "r-3"));
    }
    assertThat(entries(file())).extracting(e -> e.get("requestId").asText()).containsExactly("r-2");
  }

  @Test
  void concurrentWritersNeitherLoseNorInterleaveLines() throws Exception {
    int threads = 4;
    int each = 500;
    try (AuditLog log =
        AuditLog.builder(dir).maxFileBytes(64 * 1024).maxRotatedFiles(100).batchLines(7).build()) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          done.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < each; i++) {
                      log.onEvent(
                          event(Kind.MANIFEST_PULLED, user("u" + thread), thread + "-" + i));
                    }
                  }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
      assertThat(log.failures()).isZero();
    }
    List<String> ids = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        entries(p).forEach(e -> ids.add(e.get("requestId").asText()));
      }
    }
    assertThat(ids).hasSize(threads * each).doesNotHaveDuplicates();
  }

  @Test
  void refusesSettingsOutOfRange() {
    var builder = AuditLog.builder(dir);
    assertThatThrownBy(() -> builder.maxFileBytes(100))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.kinds(Set.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.flushInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
