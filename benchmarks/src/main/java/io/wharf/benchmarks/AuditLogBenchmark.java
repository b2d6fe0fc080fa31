package io.wharf.benchmarks;

import io.wharf.oci.auth.AuditLog;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.server.Endpoint;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.RegistryEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the audit log costs per event, on the event thread: {@link AuditLog#onEvent} of the event
 * every manifest GET makes (a pull by a named user with a token, by tag), encoded as its JSON line
 * and appended to the file (batched writes, as in {@code wharf serve}). Each call gets a new
 * instant, as events do. Mode AverageTime in nanoseconds.
 *
 * <pre>java -jar target/benchmarks.jar AuditLogBenchmark</pre>
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class AuditLogBenchmark {

  private Path dir;
  private AuditLog log;
  private Identity actor;
  private long nanos;
  private final Instant start = Instant.parse("2026-12-04T15:00:00Z");
  private final Optional<InetSocketAddress> client =
      Optional.of(new InetSocketAddress("127.0.0.1", 50312));
  private final Optional<RepositoryName> repository = Optional.of(RepositoryName.of("bench/img"));
  private final Optional<Digest> digest = Optional.of(Digest.sha256(Bytes.utf8("manifest")));

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("wharf-audit-bench");
    log = AuditLog.builder(dir).build();
    actor =
        Identity.named("bench")
            .withGroups(Set.of("wharf:htpasswd-admins"))
            .withAttributes(Map.of("kind", "user", "source", "token"));
  }

  @TearDown
  public void tearDown() throws IOException {
    log.close();
    BenchFiles.deleteRecursively(dir);
  }

  /** One pull event, encoded and appended. */
  @Benchmark
  public void pullEvent() {
    nanos += 1_234_567; // a new instant each time, with a fraction
    log.onEvent(
        new RegistryEvent(
            RegistryEvent.Kind.MANIFEST_PULLED,
            start.plusNanos(nanos),
            "4a81578b-e",
            Optional.of(Endpoint.MANIFEST_GET),
            actor,
            client,
            repository,
            digest,
            Optional.of(MediaType.OCI_IMAGE_MANIFEST),
            Optional.empty(),
            Set.of(Tag.of("v1")),
            Optional.empty(),
            Optional.empty(),
            200,
            List.of(),
            List.of()));
  }
}
