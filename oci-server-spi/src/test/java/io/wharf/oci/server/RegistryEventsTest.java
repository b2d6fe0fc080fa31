package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.server.RegistryConformanceContract.Reply;
import io.wharf.oci.server.RegistryEvent.Kind;
import io.wharf.oci.storage.RegistryStorage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Events: what the listeners hear, and that they never slow or fail a request. */
class RegistryEventsTest {

  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

  @Test
  void everyKindOfEventCarriesWhatWhoWhereAndTheRequestId() throws IOException {
    List<RegistryEvent> events = new CopyOnWriteArrayList<>();
    Registry registry =
        Registry.builder(RegistryStorage.inMemory())
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .addGate(
                a ->
                    a.tags().contains(new Tag("forbidden"))
                        ? Decision.deny("tag forbidden is reserved")
                        : Decision.allow())
            .addListener(events::add)
            .build();
    Calls calls = new Calls(registry);
    RawManifest first = calls.image("app", "1", Map.of());
    Reply pushed = calls.putManifest("app", "v1", first);
    RawManifest second = calls.image("app", "2", Map.of());
    calls.putManifest("app", "v1", second);
    InetSocketAddress client = new InetSocketAddress("192.0.2.7", 40000);
    RegistryResponse pulled =
        registry.handle(
            new RegistryRequest(
                HttpMethod.GET,
                "/v2/app/manifests/v1",
                "",
                Headers.empty(),
                new ByteArrayInputStream(new byte[0]),
                Optional.of(client)));
    assertThat(pulled.status()).isEqualTo(200);
    Descriptor layer = calls.pushBlob("app", MediaType.OCTET_STREAM, Bytes.utf8("shared"));
    calls.call(HttpMethod.POST, "/v2/copy/blobs/uploads/?mount=" + layer.digest() + "&from=app");
    calls.putManifest("app", "forbidden", second);
    calls.call(HttpMethod.DELETE, "/v2/app/manifests/v1");
    calls.call(HttpMethod.DELETE, "/v2/app/manifests/" + first.digest());
    calls.call(HttpMethod.DELETE, "/v2/copy/blobs/" + layer.digest());
    registry.close();

    assertThat(events)
        .extracting(RegistryEvent::kind)
        .containsExactly(
            Kind.BLOB_PUSHED, // config 1
            Kind.BLOB_PUSHED, // layer 1
            Kind.MANIFEST_PUSHED,
            Kind.BLOB_PUSHED,
            Kind.BLOB_PUSHED,
            Kind.MANIFEST_PUSHED,
            Kind.TAG_MOVED,
            Kind.MANIFEST_PULLED,
            Kind.BLOB_PUSHED,
            Kind.BLOB_MOUNTED,
            Kind.DENIED,
            Kind.TAG_DELETED,
            Kind.MANIFEST_DELETED,
            Kind.BLOB_DELETED);
    RegistryEvent push = events.get(2);
    assertThat(push.requestId()).isEqualTo(pushed.header("X-Request-Id"));
    assertThat(push.endpoint()).contains(Endpoint.MANIFEST_PUT);
    assertThat(push.repository()).contains(new RepositoryName("app"));
    assertThat(push.digest()).contains(first.digest());
    assertThat(push.mediaType()).contains(MediaType.OCI_IMAGE_MANIFEST);
    assertThat(push.tags()).containsExactly(new Tag("v1"));
    assertThat(push.time()).isEqualTo(NOW);
    assertThat(push.status()).isEqualTo(201);
    assertThat(push.actor().isAnonymous()).isTrue();
    RegistryEvent moved = events.get(6);
    assertThat(moved.digest()).contains(second.digest());
    assertThat(moved.previousDigest()).contains(first.digest());
    assertThat(moved.tags()).containsExactly(new Tag("v1"));
    RegistryEvent pull = events.get(7);
    assertThat(pull.clientAddress()).contains(client);
    assertThat(pull.tags()).containsExactly(new Tag("v1"));
    assertThat(pull.status()).isEqualTo(200);
    RegistryEvent mount = events.get(9);
    assertThat(mount.repository()).contains(new RepositoryName("copy"));
    assertThat(mount.sourceRepository()).contains(new RepositoryName("app"));
    RegistryEvent denied = events.get(10);
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.reasons()).containsExactly("tag forbidden is reserved");
    assertThat(denied.digest()).contains(second.digest());
    assertThat(denied.endpoint()).contains(Endpoint.MANIFEST_PUT);
    assertThat(events.get(11).tags()).containsExactly(new Tag("v1"));
    assertThat(events.get(12).digest()).contains(first.digest());
    assertThat(events.stream().map(RegistryEvent::requestId).distinct().count())
        .isEqualTo(events.size() - 1); // the push that moved the tag made two events
  }

  @Test
  void aReferrersPushAndDeleteNameItsSubject() throws IOException {
    List<RegistryEvent> events = new CopyOnWriteArrayList<>();
    Registry registry =
        Registry.builder(RegistryStorage.inMemory()).addListener(events::add).build();
    Calls calls = new Calls(registry);
    RawManifest image = calls.image("app", "1", Map.of());
    calls.putManifest("app", "v1", image);
    calls.pushBlob("app", MediaType.OCI_EMPTY_JSON, Bytes.utf8("{}"));
    RawManifest report =
        ManifestCodec.defaults()
            .encode(
                ImageManifest.artifact(
                        MediaType.parse("application/sarif+json"),
                        List.of(
                            calls.pushBlob(
                                "app",
                                MediaType.parse("application/sarif+json"),
                                Bytes.utf8("{}"))))
                    .withSubject(image.descriptor()));
    calls.putManifest("app", report.digest().toString(), report);
    calls.call(HttpMethod.DELETE, "/v2/app/manifests/" + report.digest());
    registry.close();

    List<RegistryEvent> manifests =
        events.stream()
            .filter(e -> e.kind() == Kind.MANIFEST_PUSHED || e.kind() == Kind.MANIFEST_DELETED)
            .toList();
    assertThat(manifests).hasSize(3);
    assertThat(manifests.get(0).subject()).isEmpty();
    assertThat(manifests.get(1).digest()).contains(report.digest());
    assertThat(manifests.get(1).subject()).contains(image.digest());
    assertThat(manifests.get(2).kind()).isEqualTo(Kind.MANIFEST_DELETED);
    assertThat(manifests.get(2).subject()).contains(image.digest());
  }

  @Test
  void aStuckListenerNeverSlowsARequestAndWhatOverflowsIsCounted() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    AtomicInteger heard = new AtomicInteger();
    Registry registry =
        Registry.builder(RegistryStorage.inMemory())
            .eventQueueCapacity(8)
            .addListener(
                e -> {
                  entered.countDown();
                  try {
                    release.await();
                  } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                  }
                  heard.incrementAndGet();
                })
            .build();
    Calls calls = new Calls(registry);
    calls.pushBlob("app", MediaType.OCTET_STREAM, Bytes.utf8("b0"));
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    // 49 more pushes while the listener is stuck on the first event: every one is answered.
    for (int i = 1; i < 50; i++) {
      assertThat(calls.pushBlob("app", MediaType.OCTET_STREAM, Bytes.utf8("b" + i))).isNotNull();
    }
    assertThat(heard.get()).isZero();
    // One event is with the listener, 8 wait in the queue, the rest were dropped and counted.
    assertThat(registry.droppedEvents()).isEqualTo(50 - 1 - 8);
    release.countDown();
    registry.close();
    assertThat(heard.get()).isEqualTo(9);
  }

  @Test
  void aFailingListenerFailsNoRequestAndKeepsHearing() throws IOException {
    List<Kind> heard = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    Registry registry =
        Registry.builder(RegistryStorage.inMemory())
            .addListener(
                e -> {
                  if (calls.incrementAndGet() % 2 == 1) {
                    throw new IllegalStateException("the webhook is down");
                  }
                })
            .addListener(e -> heard.add(e.kind()))
            .build();
    Calls c = new Calls(registry);
    for (int i = 0; i < 4; i++) {
      assertThat(c.pushBlob("app", MediaType.OCTET_STREAM, Bytes.utf8("x" + i))).isNotNull();
    }
    registry.close();
    assertThat(calls.get()).isEqualTo(4);
    assertThat(heard).hasSize(4).containsOnly(Kind.BLOB_PUSHED);
  }

  @Test
  void withoutListenersNoEventIsMadeAndCloseIsHarmless() throws IOException {
    Registry registry = Registry.builder(RegistryStorage.inMemory()).build();
    new Calls(registry).pushBlob("app", MediaType.OCTET_STREAM, Bytes.utf8("x"));
    assertThat(registry.droppedEvents()).isZero();
    registry.close();
    registry.close();
  }

  @Test
  void eventsAfterCloseAreDroppedAndCounted() throws IOException, InterruptedException {
    CountDownLatch first = new CountDownLatch(1);
    Registry registry =
        Registry.builder(RegistryStorage.inMemory()).addListener(e -> first.countDown()).build();
    Calls calls = new Calls(registry);
    calls.pushBlob("app", MediaType.OCTET_STREAM, Bytes.utf8("before"));
    assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
    registry.close();
    calls.pushBlob("app", MediaType.OCTET_STREAM, Bytes.utf8("after"));
    assertThat(registry.droppedEvents()).isEqualTo(1);
  }
}
