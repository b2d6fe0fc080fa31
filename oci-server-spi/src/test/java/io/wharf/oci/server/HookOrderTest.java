package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.RawManifest;
import io.wharf.oci.server.RegistryConformanceContract.Reply;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Pins the order in which the engine calls its hooks (ARCHITECTURE.md, "The order of the hooks"):
 * route, authenticate, authorise, the handler with the admission gates before the store is changed
 * (push, delete) or after it was read (pull), then the events.
 */
class HookOrderTest {

  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final Semaphore events = new Semaphore(0);
  private final StorageProbe storage = new StorageProbe(RegistryStorage.inMemory());

  private Registry registry(Decision authorization, Decision admission) {
    storage.onCall(
        name -> {
          if (name.equals("putManifest")
              || name.equals("getManifest")
              || name.equals("deleteTag")) {
            calls.add("store " + name);
          }
        });
    return Registry.builder(storage.storage())
        .authenticator(
            new Authenticator() {
              @Override
              public Authentication authenticate(RequestContext request, Headers headers) {
                calls.add("authenticate " + request.endpoint());
                return Authentication.of(Identity.named("robot"));
              }

              @Override
              public Optional<Challenge> challenge(RequestContext request) {
                return Optional.of(Challenge.basic("test"));
              }
            })
        .authorizer(
            (identity, access) -> {
              calls.add("authorize " + identity + " " + access);
              return authorization;
            })
        .addGate(
            a -> {
              calls.add("gate " + a.action() + " " + a.request().identity());
              return admission;
            })
        .addListener(
            e -> {
              calls.add("event " + e.kind());
              events.release();
            })
        .build();
  }

  @Test
  void pushPullAndDeleteCallTheHooksInTheDocumentedOrder() throws IOException {
    RawManifest m =
        new Calls(Registry.builder(storage.storage()).build()).image("app", "1", Map.of());
    Registry registry = registry(Decision.allow(), Decision.allow());
    Calls c = new Calls(registry);
    calls.clear();
    // Events are delivered asynchronously: each request waits for its event before the next.
    assertThat(c.putManifest("app", "v1", m).status()).isEqualTo(201);
    awaitEvent();
    assertThat(c.call(HttpMethod.GET, "/v2/app/manifests/v1").status()).isEqualTo(200);
    awaitEvent();
    assertThat(c.call(HttpMethod.DELETE, "/v2/app/manifests/v1").status()).isEqualTo(202);
    awaitEvent();
    registry.close();
    assertThat(calls)
        .containsExactly(
            "authenticate MANIFEST_PUT",
            "authorize robot repository:app:push",
            "gate PUSH robot",
            "store putManifest",
            "event MANIFEST_PUSHED",
            "authenticate MANIFEST_GET",
            "authorize robot repository:app:pull",
            "store getManifest",
            "gate PULL robot",
            "event MANIFEST_PULLED",
            "authenticate MANIFEST_DELETE",
            "authorize robot repository:app:delete",
            "store getManifest",
            "gate DELETE robot",
            "store deleteTag",
            "event TAG_DELETED");
  }

  private void awaitEvent() {
    try {
      assertThat(events.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aDenialStopsTheRequestBeforeTheHandlerAndTheGates() throws IOException {
    RawManifest m =
        new Calls(Registry.builder(storage.storage()).build()).image("app", "1", Map.of());
    Registry registry = registry(Decision.deny("no"), Decision.allow());
    calls.clear();
    Reply r = new Calls(registry).putManifest("app", "v1", m);
    registry.close();
    assertThat(r.status()).isEqualTo(403);
    assertThat(calls)
        .containsExactly(
            "authenticate MANIFEST_PUT", "authorize robot repository:app:push", "event DENIED");
  }

  @Test
  void aGateDenialStopsThePushBeforeTheStore() throws IOException {
    RawManifest m =
        new Calls(Registry.builder(storage.storage()).build()).image("app", "1", Map.of());
    Registry registry = registry(Decision.allow(), Decision.deny("not this one"));
    calls.clear();
    Reply r = new Calls(registry).putManifest("app", "v1", m);
    registry.close();
    assertThat(r.status()).isEqualTo(403);
    assertThat(calls)
        .containsExactly(
            "authenticate MANIFEST_PUT",
            "authorize robot repository:app:push",
            "gate PUSH robot",
            "event DENIED");
  }
}
