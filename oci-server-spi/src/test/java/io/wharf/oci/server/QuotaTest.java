package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.server.RegistryConformanceContract.Reply;
import io.wharf.oci.storage.ManifestPut;
import io.wharf.oci.storage.ProjectUsage;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Quotas on manifest pushes, blob uploads and mounts, on the engine called directly. */
class QuotaTest {

  private final RegistryStorage storage = RegistryStorage.inMemory();
  private final List<RegistryEvent> events = new CopyOnWriteArrayList<>();

  private Registry registry(Quotas quotas) {
    return Registry.builder(storage).quotas(quotas).addListener(events::add).build();
  }

  private Calls calls(Quota quota) {
    return new Calls(registry(Quotas.of(Map.of("team", quota))));
  }

  private ProjectUsage usage(String project) throws IOException {
    return storage.metadata().projectUsage(project);
  }

  /** The bytes of the blobs {@code m} references. */
  private static long blobBytes(RawManifest m) {
    return ManifestPut.of(m, Set.of(), java.time.Instant.EPOCH).blobs().stream()
        .mapToLong(Descriptor::size)
        .sum();
  }

  private static Bytes content(String seed, int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (seed.hashCode() + i * 31);
    }
    return Bytes.of(b);
  }

  private static void assertQuotaRefusal(Reply r, String... words) {
    assertThat(r.status()).as(r.body().utf8()).isEqualTo(403);
    assertThat(r.code()).isEqualTo("DENIED");
    assertThat(r.body().utf8())
        .contains("quota exceeded: project team has used ")
        .contains("delete artifacts or ask for a larger quota")
        .contains(words);
  }

  // ------------------------------------------------------------------------------ manifests

  @Test
  void aManifestPushOverTheByteQuotaIsRefusedBeforeAnythingIsStored() throws IOException {
    Calls free = new Calls(Registry.builder(RegistryStorage.inMemory()).build());
    RawManifest probe = free.image("team/app", "1", Map.of());
    long needed = blobBytes(probe) + probe.size();

    Registry registry = registry(Quotas.of(Map.of("team", Quota.ofBytes(needed - 1))));
    Calls calls = new Calls(registry);
    RawManifest m = calls.image("team/app", "1", Map.of());
    assertThat(m).isEqualTo(probe);
    ProjectUsage before = usage("team");
    assertThat(before).isEqualTo(new ProjectUsage(blobBytes(m), 0));

    Reply refused = calls.putManifest("team/app", "v1", m);
    assertQuotaRefusal(
        refused,
        "has used " + blobBytes(m) + " B of " + (needed - 1) + " B",
        "this push adds " + m.size() + " B (it would use " + needed + " B)");
    assertThat(refused.body().utf8()).contains("\"project\":\"team\"");
    assertThat(usage("team")).isEqualTo(before);
    assertThat(calls.call(HttpMethod.GET, "/v2/team/app/manifests/v1").status()).isEqualTo(404);
    assertThat(calls.call(HttpMethod.GET, "/v2/team/app/manifests/" + m.digest()).status())
        .isEqualTo(404);
    registry.close();
    RegistryEvent denied = events.get(events.size() - 1);
    assertThat(denied.kind()).isEqualTo(RegistryEvent.Kind.DENIED);
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.digest()).contains(m.digest());
    assertThat(denied.tags()).extracting(t -> t.value()).containsExactly("v1");
    assertThat(denied.reasons()).singleElement().asString().startsWith("quota exceeded");

    // Exactly at the limit is within it.
    Calls roomy = new Calls(Registry.builder(storage).quotas(everyProject(needed)).build());
    assertThat(roomy.putManifest("team/app", "v1", m).status()).isEqualTo(201);
    assertThat(usage("team")).isEqualTo(new ProjectUsage(needed, 1));
  }

  private static Quotas everyProject(long bytes) {
    return Quotas.everyProject(Quota.ofBytes(bytes));
  }

  @Test
  void pushingAgainAndMovingTagsAddNothingAndPassAtTheLimit() throws IOException {
    Calls setup = new Calls(Registry.builder(storage).build());
    RawManifest m = setup.image("team/app", "1", Map.of());
    assertThat(setup.putManifest("team/app", "v1", m).status()).isEqualTo(201);
    ProjectUsage full = usage("team");

    Calls calls = calls(Quota.of(full.bytes(), full.artifacts()));
    assertThat(calls.putManifest("team/app", "v2", m).status()).isEqualTo(201);
    assertThat(calls.putManifest("team/app", m.digest().toString(), m).status()).isEqualTo(201);
    assertThat(calls.putManifest("team/app", "v1", m).status()).isEqualTo(201);
    assertThat(usage("team")).isEqualTo(full);

    // A second image is one artifact too many, and its blobs are refused already.
    Reply blob =
        calls.call(
            HttpMethod.POST,
            "/v2/team/app/blobs/uploads/?digest=" + Digest.sha256(Bytes.utf8("layer 2")),
            Headers.empty(),
            Bytes.utf8("layer 2"));
    assertQuotaRefusal(blob, "this upload adds 7 B");
    // Also after a limit was lowered below the usage, what adds nothing passes.
    Calls lowered = calls(Quota.of(1, 0));
    assertThat(lowered.putManifest("team/app", "latest", m).status()).isEqualTo(201);
    assertThat(usage("team")).isEqualTo(full);
  }

  @Test
  void theArtifactQuotaCountsManifestsPerRepository() throws IOException {
    Calls calls = calls(Quota.ofArtifacts(2));
    RawManifest one = calls.image("team/a", "1", Map.of());
    assertThat(calls.putManifest("team/a", "v1", one).status()).isEqualTo(201);
    // The same image in another repository: its bytes count once, but it is a second artifact.
    calls.image("team/b", "1", Map.of());
    assertThat(calls.putManifest("team/b", "v1", one).status()).isEqualTo(201);
    assertThat(usage("team")).isEqualTo(new ProjectUsage(blobBytes(one) + one.size(), 2));

    RawManifest two = calls.image("team/a", "2", Map.of());
    Reply refused = calls.putManifest("team/a", "v2", two);
    assertQuotaRefusal(refused, "has used 2 of 2 artifacts, and this push adds 1");
    assertThat(usage("team").artifacts()).isEqualTo(2);
    // Another project is not limited.
    RawManifest other = calls.image("other/a", "2", Map.of());
    assertThat(calls.putManifest("other/a", "v2", other).status()).isEqualTo(201);
    // Deleting an artifact makes room.
    assertThat(calls.call(HttpMethod.DELETE, "/v2/team/b/manifests/" + one.digest()).status())
        .isEqualTo(202);
    assertThat(calls.putManifest("team/a", "v2", two).status()).isEqualTo(201);
  }

  @Test
  void aManifestTheProjectHoldsElsewhereAddsNoBytes() throws IOException {
    Calls setup = new Calls(Registry.builder(storage).build());
    RawManifest m = setup.image("team/a", "1", Map.of());
    setup.putManifest("team/a", "v1", m);
    ProjectUsage full = usage("team");
    Calls calls = calls(Quota.ofBytes(full.bytes()));
    for (Descriptor blob : ManifestPut.of(m, Set.of(), java.time.Instant.EPOCH).blobs()) {
      Reply mount =
          calls.call(
              HttpMethod.POST, "/v2/team/b/blobs/uploads/?mount=" + blob.digest() + "&from=team/a");
      assertThat(mount.status()).as("a mount inside the project is free").isEqualTo(201);
    }
    assertThat(calls.putManifest("team/b", "v1", m).status()).isEqualTo(201);
    assertThat(usage("team")).isEqualTo(new ProjectUsage(full.bytes(), 2));
  }

  // ---------------------------------------------------------------------------------- blobs

  @Test
  void aMonolithicUploadOverTheQuotaIsRefusedByItsLengthAndKeepsNothing() throws IOException {
    Calls calls = calls(Quota.ofBytes(1000));
    Bytes big = content("big", 1001);
    Digest digest = Digest.sha256(big);
    Reply refused =
        calls.call(
            HttpMethod.POST,
            "/v2/team/app/blobs/uploads/?digest=" + digest,
            Headers.builder().set("Content-Length", "1001").build(),
            big);
    assertQuotaRefusal(refused, "has used 0 B of 1000 B, and this upload adds 1001 B");
    assertThat(storage.blobs().stat(digest)).isEmpty();
    assertThat(storage.blobs().uploads()).isEmpty();
    assertThat(
            storage
                .metadata()
                .isBlobLinked(io.wharf.oci.model.ref.RepositoryName.of("team/app"), digest))
        .isFalse();

    // Without Content-Length, the bytes are counted as they arrive.
    Reply streamed =
        calls.call(
            HttpMethod.POST, "/v2/team/app/blobs/uploads/?digest=" + digest, Headers.empty(), big);
    assertQuotaRefusal(streamed, "this upload adds");
    assertThat(storage.blobs().stat(digest)).isEmpty();
    assertThat(storage.blobs().uploads()).isEmpty();
    assertThat(usage("team")).isEqualTo(ProjectUsage.NONE);

    Bytes fits = content("fits", 1000);
    assertThat(calls.pushBlob("team/app", MediaType.OCTET_STREAM, fits).size()).isEqualTo(1000);
    // At the limit, the same blob again (here or in another repository of the project) is free.
    assertThat(calls.pushBlob("team/other", MediaType.OCTET_STREAM, fits).size()).isEqualTo(1000);
    assertThat(usage("team")).isEqualTo(new ProjectUsage(1000, 0));
  }

  @Test
  void aChunkOverTheQuotaIsRefusedAndCancelsTheSession() throws IOException {
    Calls calls = calls(Quota.ofBytes(1000));
    String location = start(calls);
    Reply first =
        calls.call(
            HttpMethod.PATCH,
            location,
            Headers.builder().set("Content-Range", "0-599").set("Content-Length", "600").build(),
            content("a", 600));
    assertThat(first.status()).isEqualTo(202);
    Reply second =
        calls.call(
            HttpMethod.PATCH,
            location,
            Headers.builder().set("Content-Range", "600-1099").build(),
            content("b", 500));
    assertQuotaRefusal(second, "has used 0 B of 1000 B, and this upload adds 1.1 KiB");
    assertThat(calls.call(HttpMethod.GET, location).code()).isEqualTo("BLOB_UPLOAD_UNKNOWN");
    assertThat(storage.blobs().uploads()).isEmpty();

    // A chunk without a length is refused once the bytes received go past the limit.
    String again = start(calls);
    Reply streamed = calls.call(HttpMethod.PATCH, again, Headers.empty(), content("c", 5000));
    assertQuotaRefusal(streamed, "this upload adds");
    assertThat(calls.call(HttpMethod.GET, again).code()).isEqualTo("BLOB_UPLOAD_UNKNOWN");
    assertThat(storage.blobs().uploads()).isEmpty();
    assertThat(usage("team")).isEqualTo(ProjectUsage.NONE);
  }

  @Test
  void aPutThatFinishesAnUploadOverTheQuotaIsRefused() throws IOException {
    Calls setup = new Calls(Registry.builder(storage).build());
    setup.pushBlob("team/app", MediaType.OCTET_STREAM, content("held", 600));
    Calls calls = calls(Quota.ofBytes(1000));
    Bytes blob = content("new", 400);
    String location = start(calls);
    assertThat(calls.call(HttpMethod.PATCH, location, Headers.empty(), blob).status())
        .isEqualTo(202);
    // Meanwhile another blob takes room the open session counted on.
    calls.pushBlob("team/app", MediaType.OCTET_STREAM, content("meanwhile", 100));
    Reply refused =
        calls.call(
            HttpMethod.PUT,
            location + "?digest=" + Digest.sha256(blob),
            Headers.empty(),
            Bytes.empty());
    assertQuotaRefusal(refused, "has used 700 B of 1000 B, and this upload adds 400 B");
    assertThat(storage.blobs().stat(Digest.sha256(blob))).isEmpty();
    assertThat(storage.blobs().uploads()).isEmpty();
    assertThat(calls.call(HttpMethod.GET, location).code()).isEqualTo("BLOB_UPLOAD_UNKNOWN");
    assertThat(usage("team")).isEqualTo(new ProjectUsage(700, 0));

    // A PUT whose last chunk fits, fits.
    Bytes small = content("small", 300);
    String fits = start(calls);
    Reply done =
        calls.call(
            HttpMethod.PUT,
            fits + "?digest=" + Digest.sha256(small),
            Headers.builder().set("Content-Length", "300").build(),
            small);
    assertThat(done.status()).isEqualTo(201);
    assertThat(usage("team")).isEqualTo(new ProjectUsage(1000, 0));
  }

  @Test
  void aMountFromAnotherProjectCountsItsSize() throws IOException {
    Calls setup = new Calls(Registry.builder(storage).build());
    Descriptor elsewhere = setup.pushBlob("other/app", MediaType.OCTET_STREAM, content("o", 700));
    Calls calls = calls(Quota.ofBytes(500));
    Reply refused =
        calls.call(
            HttpMethod.POST,
            "/v2/team/app/blobs/uploads/?mount=" + elsewhere.digest() + "&from=other/app");
    assertQuotaRefusal(refused, "this mount adds 700 B");
    assertThat(
            storage
                .metadata()
                .isBlobLinked(
                    io.wharf.oci.model.ref.RepositoryName.of("team/app"), elsewhere.digest()))
        .isFalse();
    assertThat(
            new Calls(registry(Quotas.of(Map.of("team", Quota.ofBytes(700)))))
                .call(
                    HttpMethod.POST,
                    "/v2/team/app/blobs/uploads/?mount=" + elsewhere.digest() + "&from=other/app")
                .status())
        .isEqualTo(201);
    assertThat(usage("team")).isEqualTo(new ProjectUsage(700, 0));
  }

  private static String start(Calls calls) throws IOException {
    Reply started = calls.call(HttpMethod.POST, "/v2/team/app/blobs/uploads/");
    assertThat(started.status()).isEqualTo(202);
    return started.header("Location");
  }

  // ------------------------------------------------------------------------------- the cost

  @Test
  void withoutQuotasNothingIsReadAndWithOneAPushReadsTheUsageOnce() throws IOException {
    StorageProbe probe = new StorageProbe(storage);
    List<String> called = new CopyOnWriteArrayList<>();
    probe.onCall(called::add);
    AtomicInteger asked = new AtomicInteger();
    Quotas counting =
        project -> {
          asked.incrementAndGet();
          return project.equals("team") ? Optional.of(Quota.ofBytes(1 << 20)) : Optional.empty();
        };
    for (Quotas quotas : List.of(Quotas.none(), counting)) {
      called.clear();
      asked.set(0);
      Calls calls = new Calls(Registry.builder(probe.storage()).quotas(quotas).build());
      String seed = quotas == counting ? "counting" : "none";
      RawManifest m = calls.image("team/app", seed, Map.of());
      called.clear();
      assertThat(calls.putManifest("team/app", "v1", m).status()).isEqualTo(201);
      long usageReads = called.stream().filter(n -> n.startsWith("project")).count();
      if (quotas == counting) {
        assertThat(called).containsOnlyOnce("projectUsage");
        assertThat(usageReads).isEqualTo(2); // projectUsage and projectHolds
      } else {
        assertThat(usageReads).isZero();
      }
      called.clear();
      int before = asked.get();
      assertThat(calls.call(HttpMethod.GET, "/v2/team/app/manifests/v1").status()).isEqualTo(200);
      assertThat(called).noneMatch(n -> n.startsWith("project"));
      assertThat(asked.get()).as("a pull never asks the quotas").isEqualTo(before);
    }
    assertThat(asked.get()).isPositive();
  }

  // ------------------------------------------------------------------------------- values

  @Test
  void quotasAreValidated() {
    assertThatThrownBy(() -> Quota.ofBytes(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Quota.ofArtifacts(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Quota(OptionalLong.of(-5), OptionalLong.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Quota.of(10, 2)).isEqualTo(new Quota(OptionalLong.of(10), OptionalLong.of(2)));
    assertThat(Quota.UNLIMITED.limits()).isFalse();
    assertThat(Quota.ofArtifacts(0).limits()).isTrue();
    for (String bad : List.of("team/app", "Team", "", "te%")) {
      assertThatThrownBy(() -> Quotas.of(Map.of(bad, Quota.ofBytes(1))))
          .as(bad)
          .isInstanceOf(InvalidContentException.class);
    }
    assertThat(Quotas.of(Map.of("team", Quota.ofBytes(1))).limit("team-b")).isEmpty();
    assertThat(Quotas.none().limit("team")).isEmpty();
    assertThat(Quotas.everyProject(Quota.ofBytes(3)).limit("any")).contains(Quota.ofBytes(3));
  }

  @Test
  void sizesReadAsPeopleWriteThem() {
    assertThat(QuotaEnforcer.size(0, RoundingMode.DOWN)).isEqualTo("0 B");
    assertThat(QuotaEnforcer.size(1023, RoundingMode.UP)).isEqualTo("1023 B");
    assertThat(QuotaEnforcer.size(1024, RoundingMode.UP)).isEqualTo("1 KiB");
    assertThat(QuotaEnforcer.size(10L << 30, RoundingMode.DOWN)).isEqualTo("10 GiB");
    long almost = (10L << 30) - (40L << 20); // 9.96 GiB: never shown as the limit itself
    assertThat(QuotaEnforcer.size(almost, RoundingMode.DOWN)).isEqualTo("9.9 GiB");
    assertThat(QuotaEnforcer.size((10L << 30) + (40L << 20), RoundingMode.UP))
        .isEqualTo("10.1 GiB");
    assertThat(QuotaEnforcer.size(Long.MAX_VALUE, RoundingMode.DOWN)).isEqualTo("7.9 EiB");
  }
}
