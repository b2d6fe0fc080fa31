package io.wharf.oci.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.model.testing.Await;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.server.Access;
import io.wharf.oci.server.Authentication;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RegistryEvent;
import io.wharf.oci.server.RegistryRequest;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.lifecycle.GarbageCollector;
import io.wharf.oci.storage.lifecycle.GcReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin endpoint on a registry: only a system administrator gets in, a dry run deletes nothing,
 * a parameter it does not know runs nothing, and every run and refusal is an event.
 */
class LifecycleEndpointTest {

  private static final String ALICE = "Basic alice";
  private static final String BOB = "Basic bob";
  private static final String TOKEN = "Bearer alice-token";
  private static final InetSocketAddress REMOTE = new InetSocketAddress("192.0.2.7", 40000);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 40000);
  private static final RepositoryName APP = RepositoryName.of("team/app");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-14T10:15:30Z"));
  private final List<RegistryEvent> events = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private RegistryStorage storage;
  private Digest orphan;
  private Lifecycle lifecycle;
  private Registry registry;
  private boolean retention = true;
  private RawManifest old;
  private RawManifest recent;

  @BeforeEach
  void setUp() throws IOException {
    storage = Stores.inMemory(clock);
    orphan = Stores.orphan(storage, "left behind");
    old = Stores.image("old");
    Stores.push(storage.metadata(), APP, old, clock.instant(), "old");
    clock.advance(Duration.ofDays(1));
    recent = Stores.image("recent");
    Stores.push(storage.metadata(), APP, recent, clock.instant(), "recent");
    clock.advance(Duration.ofDays(1));
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    lifecycle.close(Duration.ofSeconds(5));
    registry.close();
  }

  /** A registry whose authenticator knows alice (an administrator), bob, and alice's token. */
  private void withAdministrators() {
    build(
        endpoint ->
            endpoint.administrators(
                (request, headers) -> {
                  Optional<String> h = headers.first("Authorization");
                  if (h.isEmpty()) {
                    return Authentication.anonymous();
                  }
                  return switch (h.get()) {
                    case ALICE -> Authentication.of(Identity.named("alice"));
                    case BOB -> Authentication.of(Identity.named("bob"));
                    case TOKEN ->
                        Authentication.of(
                            Identity.named("alice").withGrantedAccess(Set.of(Access.login())));
                    default -> Authentication.refused("invalid credentials", Optional.empty());
                  };
                },
                identity -> identity.name().equals(Optional.of("alice"))));
  }

  private void build(java.util.function.Consumer<LifecycleEndpoint.Builder> access) {
    Registry[] holder = new Registry[1];
    Lifecycle.Builder b =
        Lifecycle.builder()
            .clock(clock)
            .events(e -> holder[0].publish(e))
            .garbageCollection(GarbageCollector.builder(storage).clock(clock).build())
            .uploadPurge(storage.blobs(), Duration.ofHours(24))
            .job(
                "slow",
                () -> {
                  release.await();
                  return "slow done";
                });
    if (retention) {
      PolicySet keepOne;
      try {
        keepOne = Stores.keepMostRecent("team", 1);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      b.retention(new RetentionRun(storage.metadata(), () -> keepOne, clock));
    }
    lifecycle = b.build();
    LifecycleEndpoint.Builder endpoint = LifecycleEndpoint.builder(lifecycle);
    access.accept(endpoint);
    registry =
        endpoint
            .build()
            .applyTo(Registry.builder(storage).clock(clock).addListener(events::add))
            .build();
    holder[0] = registry;
  }

  private record Reply(int status, Headers headers, String body) {}

  private Reply call(HttpMethod method, String target, String authorization) throws IOException {
    return call(method, target, authorization, Optional.of(REMOTE));
  }

  private Reply call(
      HttpMethod method, String target, String authorization, Optional<InetSocketAddress> from)
      throws IOException {
    int q = target.indexOf('?');
    Headers headers =
        authorization.isEmpty()
            ? Headers.empty()
            : Headers.builder().set("Authorization", authorization).build();
    RegistryResponse r =
        registry.handle(
            new RegistryRequest(
                method,
                q < 0 ? target : target.substring(0, q),
                q < 0 ? "" : target.substring(q + 1),
                headers,
                Bytes.empty().openStream(),
                from));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (r.body().isPresent()) {
      r.body().get().writeTo(out);
    }
    return new Reply(r.status(), r.headers(), out.toString(StandardCharsets.UTF_8));
  }

  private List<RegistryEvent> delivered(int count) throws InterruptedException {
    Await.until(count + " events", () -> events.size() >= count);
    return events;
  }

  @Test
  void anonymousCallersAreChallengedAndNothingRuns() throws Exception {
    withAdministrators();
    Reply r = call(HttpMethod.POST, "/_wharf/lifecycle/gc", "");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.headers().first("WWW-Authenticate")).contains("Basic realm=\"wharf\"");
    assertThat(r.body()).contains("UNAUTHORIZED");
    assertThat(call(HttpMethod.GET, "/_wharf/lifecycle", "Basic wrong").status()).isEqualTo(401);
    assertThat(storage.blobs().stat(orphan)).isPresent();
    RegistryEvent denied = delivered(1).get(0);
    assertThat(denied.kind()).isEqualTo(RegistryEvent.Kind.DENIED);
    assertThat(denied.status()).isEqualTo(401);
  }

  @Test
  void aNamedCallerWhoIsNotAnAdministratorAndATokenAreRefused() throws Exception {
    withAdministrators();
    Reply bob = call(HttpMethod.POST, "/_wharf/lifecycle/gc", BOB);
    assertThat(bob.status()).isEqualTo(403);
    assertThat(bob.body()).contains("bob is not a system administrator");
    Reply token = call(HttpMethod.GET, "/_wharf/lifecycle", TOKEN);
    assertThat(token.status()).isEqualTo(403);
    assertThat(token.body()).contains("a bearer token grants only its scopes");
    assertThat(storage.blobs().stat(orphan)).isPresent();
    assertThat(delivered(2))
        .extracting(RegistryEvent::kind, e -> e.actor().toString(), RegistryEvent::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(RegistryEvent.Kind.DENIED, "bob", 403),
            org.assertj.core.groups.Tuple.tuple(RegistryEvent.Kind.DENIED, "alice", 403));
  }

  @Test
  void anAdministratorsDryRunReportsTheOrphanAndDeletesNothing() throws Exception {
    withAdministrators();
    Reply r = call(HttpMethod.POST, "/_wharf/lifecycle/gc?dryRun=true", ALICE);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().first("Content-Type")).contains("application/json");
    GcReport report = LifecycleJson.readGcReport(r.body());
    assertThat(report.request().dryRun()).isTrue();
    assertThat(report.request().full()).isTrue();
    assertThat(report.blobsDeleted()).isEqualTo(1);
    assertThat(report.items()).extracting(i -> i.digest()).containsExactly(orphan);
    assertThat(storage.blobs().stat(orphan)).isPresent();

    RegistryEvent run = delivered(1).get(0);
    assertThat(run.kind()).isEqualTo(RegistryEvent.Kind.LIFECYCLE_RUN);
    assertThat(run.actor()).isEqualTo(Identity.named("alice"));
    assertThat(run.requestId())
        .isEqualTo(r.headers().first(Registry.REQUEST_ID_HEADER).orElseThrow());
    assertThat(run.clientAddress()).contains(REMOTE);
    assertThat(run.reasons().get(0)).isEqualTo("job gc, requested");

    Reply applied = call(HttpMethod.POST, "/_wharf/lifecycle/gc?full=true&dryRun=false", ALICE);
    assertThat(applied.status()).isEqualTo(200);
    assertThat(LifecycleJson.readGcReport(applied.body()).blobsDeleted()).isEqualTo(1);
    assertThat(storage.blobs().stat(orphan)).isEmpty();
  }

  @Test
  void aParameterItDoesNotKnowOrAValueNotTrueOrFalseRunsNothing() throws Exception {
    withAdministrators();
    for (String query :
        List.of(
            "dryrun=true",
            "dry-run=true",
            "dryRun=yes",
            "dryRun=TRUE",
            "dryRun",
            "dryRun=true&dryRun=false",
            "full=true&force=1")) {
      Reply r = call(HttpMethod.POST, "/_wharf/lifecycle/gc?" + query, ALICE);
      assertThat(r.status()).as(query).isEqualTo(400);
      assertThat(r.body()).as(query).contains("nothing was run");
    }
    assertThat(call(HttpMethod.GET, "/_wharf/lifecycle?verbose=1", ALICE).status()).isEqualTo(400);
    assertThat(storage.blobs().stat(orphan)).isPresent();
    assertThat(lifecycle.jobs()).allSatisfy(j -> assertThat(j.lastRun()).isEmpty());
  }

  @Test
  void wrongMethodsAreRefusedWithAllow() throws Exception {
    withAdministrators();
    Reply get = call(HttpMethod.GET, "/_wharf/lifecycle/gc?dryRun=true", ALICE);
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.headers().first("Allow")).contains("POST");
    Reply post = call(HttpMethod.POST, "/_wharf/lifecycle", ALICE);
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.headers().first("Allow")).contains("GET");
    assertThat(storage.blobs().stat(orphan)).isPresent();
  }

  @Test
  void theJobsAreListedAndAnyJobRunsByName() throws Exception {
    withAdministrators();
    Reply run = call(HttpMethod.POST, "/_wharf/lifecycle/run?job=uploads", ALICE);
    assertThat(run.status()).isEqualTo(200);
    assertThat(run.body())
        .contains("\"job\":\"uploads\"", "\"trigger\":\"request\"", "\"actor\":\"alice\"")
        .contains("\"succeeded\":true");
    Reply list = call(HttpMethod.GET, "/_wharf/lifecycle", ALICE);
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body())
        .startsWith("{\"jobs\":[{\"name\":\"gc\"}")
        .contains("{\"name\":\"uploads\",\"lastRun\":{\"job\":\"uploads\"");
    assertThat(call(HttpMethod.POST, "/_wharf/lifecycle/run?job=nope", ALICE).status())
        .isEqualTo(404);
    assertThat(call(HttpMethod.POST, "/_wharf/lifecycle/run", ALICE).status()).isEqualTo(400);
  }

  @Test
  void aJobAlreadyRunningIsConflict() throws Exception {
    withAdministrators();
    AtomicReference<Reply> first = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                first.set(call(HttpMethod.POST, "/_wharf/lifecycle/run?job=slow", ALICE));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    t.start();
    Await.until(
        "slow runs",
        () ->
            lifecycle.jobs().stream()
                .anyMatch(j -> j.name().equals("slow") && j.runningSince().isPresent()));
    Reply second = call(HttpMethod.POST, "/_wharf/lifecycle/run?job=slow", ALICE);
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.body()).contains("is running since");
    release.countDown();
    t.join();
    assertThat(first.get().status()).isEqualTo(200);
  }

  @Test
  void withoutAccessControlOnlyLoopbackCallersGetIn() throws Exception {
    build(LifecycleEndpoint.Builder::loopbackOnly);
    assertThat(call(HttpMethod.GET, "/_wharf/lifecycle", "", Optional.of(REMOTE)).status())
        .isEqualTo(403);
    assertThat(call(HttpMethod.POST, "/_wharf/lifecycle/gc", "", Optional.empty()).status())
        .isEqualTo(403);
    assertThat(storage.blobs().stat(orphan)).isPresent();
    Reply local = call(HttpMethod.POST, "/_wharf/lifecycle/gc?full=true", "", Optional.of(LOCAL));
    assertThat(local.status()).isEqualTo(200);
    assertThat(storage.blobs().stat(orphan)).isEmpty();
    Reply v6 =
        call(
            HttpMethod.GET,
            "/_wharf/lifecycle",
            "",
            Optional.of(new InetSocketAddress("::1", 40000)));
    assertThat(v6.status()).isEqualTo(200);
  }

  @Test
  void whoMayCallIsChosenExplicitly() {
    lifecycle = Lifecycle.builder().build();
    registry = Registry.builder(storage).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> LifecycleEndpoint.builder(lifecycle).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("administrators(...) or loopbackOnly()");
  }

  // -------------------------------------------------------------------------------- retention

  private boolean stored(RawManifest m) throws IOException {
    return storage.metadata().getManifest(APP, m.digest()).isPresent();
  }

  @Test
  void retentionIsForAdministratorsOnly() throws Exception {
    withAdministrators();
    assertThat(call(HttpMethod.POST, "/_wharf/lifecycle/retention?dryRun=false", "").status())
        .isEqualTo(401);
    Reply bob = call(HttpMethod.POST, "/_wharf/lifecycle/retention?dryRun=false", BOB);
    assertThat(bob.status()).isEqualTo(403);
    assertThat(bob.body()).contains("bob is not a system administrator");
    Reply token = call(HttpMethod.POST, "/_wharf/lifecycle/retention?dryRun=false", TOKEN);
    assertThat(token.status()).isEqualTo(403);
    assertThat(stored(old)).isTrue();
    assertThat(delivered(3))
        .extracting(RegistryEvent::kind)
        .containsOnly(RegistryEvent.Kind.DENIED);
  }

  @Test
  void retentionNeedsDryRunSaidAndRunsNothingOnAnythingElse() throws Exception {
    withAdministrators();
    for (String query :
        List.of(
            "",
            "?dryrun=false",
            "?dryRun=no",
            "?dryRun",
            "?dryRun=false&dryRun=false",
            "?dryRun=true&full=true")) {
      Reply r = call(HttpMethod.POST, "/_wharf/lifecycle/retention" + query, ALICE);
      assertThat(r.status()).as(query).isEqualTo(400);
      assertThat(r.body()).as(query).contains("nothing was run");
    }
    assertThat(call(HttpMethod.POST, "/_wharf/lifecycle/retention", ALICE).body())
        .contains("say dryRun=true (report only) or dryRun=false (delete)");
    Reply byName = call(HttpMethod.POST, "/_wharf/lifecycle/run?job=retention", ALICE);
    assertThat(byName.status()).isEqualTo(400);
    assertThat(byName.body()).contains("/_wharf/lifecycle/retention?dryRun=true");
    Reply get = call(HttpMethod.GET, "/_wharf/lifecycle/retention?dryRun=true", ALICE);
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.headers().first("Allow")).contains("POST");
    assertThat(stored(old)).isTrue();
    assertThat(lifecycle.jobs()).allSatisfy(j -> assertThat(j.lastRun()).isEmpty());
  }

  @Test
  void anAdministratorsRetentionDryRunReportsAndDeletesNothingThenAnApplyDeletes()
      throws Exception {
    withAdministrators();
    Reply dry = call(HttpMethod.POST, "/_wharf/lifecycle/retention?dryRun=true", ALICE);
    assertThat(dry.status()).as(dry.body()).isEqualTo(200);
    assertThat(dry.headers().first("Content-Type")).contains("application/json");
    RetentionReport report = LifecycleJson.readRetentionReport(dry.body());
    assertThat(report.dryRun()).isTrue();
    assertThat(report.projects()).containsExactly("team");
    assertThat(report.deleted())
        .singleElement()
        .satisfies(o -> assertThat(o.artifact().digest()).isEqualTo(old.digest()));
    assertThat(stored(old)).isTrue();
    RegistryEvent run = delivered(1).get(0);
    assertThat(run.kind()).isEqualTo(RegistryEvent.Kind.LIFECYCLE_RUN);
    assertThat(run.reasons().get(0)).isEqualTo("job retention, requested");

    Reply applied = call(HttpMethod.POST, "/_wharf/lifecycle/retention?dryRun=false", ALICE);
    assertThat(applied.status()).isEqualTo(200);
    assertThat(LifecycleJson.readRetentionReport(applied.body()).deleted()).hasSize(1);
    assertThat(stored(old)).isFalse();
    assertThat(stored(recent)).isTrue();
    List<RegistryEvent> all = delivered(3);
    RegistryEvent deleted = all.get(1);
    assertThat(deleted.kind()).isEqualTo(RegistryEvent.Kind.MANIFEST_DELETED);
    assertThat(deleted.actor()).isEqualTo(Identity.named("alice"));
    assertThat(deleted.clientAddress()).contains(REMOTE);
    assertThat(deleted.requestId())
        .isEqualTo(applied.headers().first(Registry.REQUEST_ID_HEADER).orElseThrow());
    assertThat(deleted.tags()).containsExactly(Tag.of("old"));
    assertThat(deleted.reasons().get(0)).startsWith("retention: ");
    assertThat(all.get(2).kind()).isEqualTo(RegistryEvent.Kind.LIFECYCLE_RUN);
    assertThat(all).filteredOn(e -> e.kind() == RegistryEvent.Kind.MANIFEST_DELETED).hasSize(1);
  }

  @Test
  void withoutARetentionJobTheEndpointSaysSo() throws Exception {
    retention = false;
    build(LifecycleEndpoint.Builder::loopbackOnly);
    Reply r =
        call(HttpMethod.POST, "/_wharf/lifecycle/retention?dryRun=true", "", Optional.of(LOCAL));
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.body()).contains("NAME_UNKNOWN", "no retention job");
  }
}
