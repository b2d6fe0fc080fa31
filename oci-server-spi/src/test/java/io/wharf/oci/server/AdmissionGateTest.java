package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.server.RegistryConformanceContract.Reply;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Admission gates on push, pull and delete, with small real gates. */
class AdmissionGateTest {

  static final String QUARANTINE = "com.example.quarantine";

  /** Refuses manifests that carry the quarantine annotation, with what to do about it. */
  static final AdmissionGate NO_QUARANTINED =
      admission -> {
        String why = admission.manifest().parse().annotations().get(QUARANTINE);
        return why == null
            ? Decision.allow()
            : Decision.deny(
                "manifest "
                    + admission.manifest().digest()
                    + " is quarantined ("
                    + why
                    + "); push a fixed image");
      };

  @Test
  void aPushGateRefusesWithItsReasonAndNothingIsStored() throws IOException {
    Calls calls =
        new Calls(Registry.builder(RegistryStorage.inMemory()).addGate(NO_QUARANTINED).build());
    RawManifest bad = calls.image("app", "bad", Map.of(QUARANTINE, "CVE-2024-3094 in xz-utils"));
    Reply refused = calls.putManifest("app", "v1", bad);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.code()).isEqualTo("DENIED");
    assertThat(refused.body().utf8())
        .contains("is quarantined (CVE-2024-3094 in xz-utils); push a fixed image");
    assertThat(calls.call(HttpMethod.GET, "/v2/app/manifests/v1").status()).isEqualTo(404);
    assertThat(calls.call(HttpMethod.GET, "/v2/app/manifests/" + bad.digest()).status())
        .isEqualTo(404);
    assertThat(calls.call(HttpMethod.GET, "/v2/app/tags/list").body().utf8())
        .isEqualTo("{\"name\":\"app\",\"tags\":[]}");

    RawManifest good = calls.image("app", "good", Map.of());
    assertThat(calls.putManifest("app", "v1", good).status()).isEqualTo(201);
  }

  @Test
  void everyGateIsAskedAndEveryReasonIsReported() throws IOException {
    List<String> asked = new CopyOnWriteArrayList<>();
    Calls calls =
        new Calls(
            Registry.builder(RegistryStorage.inMemory())
                .addGate(
                    a -> {
                      asked.add("first");
                      return Decision.deny("first reason");
                    })
                .addGate(
                    a -> {
                      asked.add("second");
                      return Decision.allow();
                    })
                .addGate(
                    a -> {
                      asked.add("third");
                      return Decision.deny("third reason", "and another");
                    })
                .build());
    Reply refused = calls.putManifest("app", "v1", calls.image("app", "x", Map.of()));
    assertThat(asked).containsExactly("first", "second", "third");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body().utf8())
        .contains("\"message\":\"first reason; third reason; and another\"")
        .contains("\"reasons\":[\"first reason\",\"third reason\",\"and another\"]");
  }

  @Test
  void aPullGateRefusesGetButNotHead() throws IOException {
    RegistryStorage storage = RegistryStorage.inMemory();
    Calls writer = new Calls(Registry.builder(storage).build());
    RawManifest bad = writer.image("app", "bad", Map.of(QUARANTINE, "unscanned"));
    writer.putManifest("app", "v1", bad);
    List<Admission> seen = new CopyOnWriteArrayList<>();
    Calls reader =
        new Calls(
            Registry.builder(storage)
                .addGate(
                    a -> {
                      seen.add(a);
                      return NO_QUARANTINED.admit(a);
                    })
                .build());
    Reply head = reader.call(HttpMethod.HEAD, "/v2/app/manifests/v1");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Docker-Content-Digest")).isEqualTo(bad.digest().toString());
    assertThat(seen).isEmpty();
    for (String reference : List.of("v1", bad.digest().toString())) {
      Reply get = reader.call(HttpMethod.GET, "/v2/app/manifests/" + reference);
      assertThat(get.status()).isEqualTo(403);
      assertThat(get.body().utf8()).contains("is quarantined (unscanned)");
    }
    assertThat(seen).extracting(Admission::action).containsOnly(Action.PULL);
    assertThat(seen.get(0).tags()).containsExactly(new Tag("v1"));
    assertThat(seen.get(1).tags()).isEmpty();
    // Blobs are not gated: the manifest is what a client needs to pull an image.
    Descriptor layer = ((ImageManifest) bad.parse()).layers().get(0);
    assertThat(reader.call(HttpMethod.GET, "/v2/app/blobs/" + layer.digest()).status())
        .isEqualTo(200);
  }

  @Test
  void aDeleteGateKeepsProtectedTags() throws IOException {
    AdmissionGate keepProd =
        a ->
            a.action() == Action.DELETE && a.tags().contains(new Tag("prod"))
                ? Decision.deny("tag prod is protected; move it instead of deleting it")
                : Decision.allow();
    Calls calls = new Calls(Registry.builder(RegistryStorage.inMemory()).addGate(keepProd).build());
    RawManifest m = calls.image("app", "1", Map.of());
    Reply put =
        calls.call(
            HttpMethod.PUT,
            "/v2/app/manifests/" + m.digest() + "?tag=prod&tag=test",
            Headers.builder().set("Content-Type", m.mediaType().value()).build(),
            m.bytes());
    assertThat(put.status()).as(put.body().utf8()).isEqualTo(201);
    assertThat(calls.call(HttpMethod.DELETE, "/v2/app/manifests/prod").status()).isEqualTo(403);
    Reply byDigest = calls.call(HttpMethod.DELETE, "/v2/app/manifests/" + m.digest());
    assertThat(byDigest.status()).isEqualTo(403);
    assertThat(byDigest.body().utf8()).contains("tag prod is protected");
    assertThat(calls.call(HttpMethod.DELETE, "/v2/app/manifests/test").status()).isEqualTo(202);
    assertThat(calls.call(HttpMethod.GET, "/v2/app/tags/list").body().utf8())
        .isEqualTo("{\"name\":\"app\",\"tags\":[\"prod\"]}");
  }

  @Test
  void aGateSeesTheRepositoryBeforeThePushAndOnlyThatRepository() throws IOException {
    RegistryStorage storage = RegistryStorage.inMemory();
    Calls writer = new Calls(Registry.builder(storage).build());
    Descriptor elsewhere =
        writer.pushBlob("other", MediaType.OCTET_STREAM, Bytes.utf8("not yours"));
    RawManifest first = writer.image("app", "1", Map.of());
    writer.putManifest("app", "v1", first);
    writer.putManifest("app", "latest", first);
    RawManifest signature =
        ManifestCodec.defaults()
            .encode(
                ImageManifest.artifact(
                        MediaType.parse("application/vnd.example.signature"),
                        List.of(
                            writer.pushBlob(
                                "app", MediaType.OCTET_STREAM, Bytes.utf8("signed: 1"))))
                    .withSubject(first.descriptor()));
    writer.pushBlob("app", MediaType.OCI_EMPTY_JSON, Bytes.utf8("{}"));
    assertThat(writer.putManifest("app", signature.digest().toString(), signature).status())
        .isEqualTo(201);

    List<String> facts = new CopyOnWriteArrayList<>();
    AdmissionGate inspecting =
        a -> {
          ContentView view = a.content();
          facts.add("repository " + view.repository());
          facts.add("v1 -> " + view.resolve(new Tag("v1")).map(Object::toString).orElse("none"));
          facts.add("referrers of v1: " + view.referrers(first.digest(), Optional.empty()).size());
          facts.add("tags of v1's manifest: " + view.tagsOf(first.digest()));
          facts.add("tags of the signature: " + view.tagsOf(signature.digest()));
          Descriptor sigLayer = ((ImageManifest) signature.parse()).layers().get(0);
          try (InputStream in = view.openBlob(sigLayer.digest())) {
            facts.add("signature says " + new String(in.readAllBytes(), "UTF-8"));
          }
          assertThatThrownBy(() -> view.openBlob(elsewhere.digest()))
              .isInstanceOf(NotFoundException.class);
          facts.add("other repository's blob: " + view.blobSize(elsewhere.digest()));
          return Decision.allow();
        };
    Calls gated = new Calls(Registry.builder(storage).addGate(inspecting).build());
    RawManifest second = gated.image("app", "2", Map.of());
    assertThat(gated.putManifest("app", "v1", second).status()).isEqualTo(201);
    assertThat(facts)
        .containsExactly(
            "repository app",
            "v1 -> " + first.digest(),
            "referrers of v1: 1",
            "tags of v1's manifest: [latest, v1]",
            "tags of the signature: []",
            "signature says signed: 1",
            "other repository's blob: Optional.empty");
  }

  @Test
  void aGateThatFailsRefusesTheRequestWith500() throws IOException {
    Calls calls =
        new Calls(
            Registry.builder(RegistryStorage.inMemory())
                .addGate(
                    a -> {
                      throw new IOException("the scanner is unreachable");
                    })
                .build());
    RawManifest m = calls.image("app", "1", Map.of());
    Reply r = calls.putManifest("app", "v1", m);
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.code()).isEqualTo("UNKNOWN");
    assertThat(calls.call(HttpMethod.HEAD, "/v2/app/manifests/v1").status()).isEqualTo(404);
    Calls buggy =
        new Calls(
            Registry.builder(RegistryStorage.inMemory())
                .addGate(
                    a -> {
                      throw new IllegalStateException("a bug in the gate");
                    })
                .build());
    RawManifest m2 = buggy.image("app", "1", Map.of());
    assertThat(buggy.putManifest("app", "v1", m2).status()).isEqualTo(500);
    assertThat(buggy.call(HttpMethod.HEAD, "/v2/app/manifests/v1").status()).isEqualTo(404);
  }
}
