package io.wharf.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.client.BlobSource;
import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.RegistryClientException;
import io.wharf.oci.client.Repository;
import io.wharf.oci.client.auth.Credential;
import io.wharf.oci.client.auth.CredentialProvider;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.server.RegistryEvent;
import io.wharf.oci.server.RegistryEvent.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EmbeddedRegistry} as its clients see it: anyone pulls, only the user with the password
 * pushes, tags do not move, and every push, pull and refusal reaches the event listeners. The
 * clients are {@link RegistryClient}s, one anonymous and one with the user's Basic credentials.
 */
class EmbeddedRegistryTest {

  static final String USER = "alice";
  static final String PASSWORD = "correct horse battery staple";

  @TempDir Path data;

  private final List<RegistryEvent> events = new CopyOnWriteArrayList<>();
  private @Nullable EmbeddedRegistry registry;
  private RegistryHost host;
  private Repository repo;

  @BeforeEach
  void start() throws IOException {
    registry = startRegistry();
    host = new RegistryHost(registry.uri().getAuthority());
    repo = new Repository(host, RepositoryName.of("demo/app"));
  }

  private EmbeddedRegistry startRegistry() throws IOException {
    return EmbeddedRegistry.start(
        data, new InetSocketAddress("127.0.0.1", 0), USER, PASSWORD, events::add);
  }

  @AfterEach
  void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  /** The events, once the registry has delivered them all: it does when it closes. */
  private List<RegistryEvent> eventsAfterClose() {
    stop();
    registry = null;
    return List.copyOf(events);
  }

  private static RegistryClient anonymous() {
    return RegistryClient.builder().build();
  }

  private static RegistryClient loggedIn(String user, String password) {
    return RegistryClient.builder()
        .credentials(CredentialProvider.of(Credential.basic(user, password)))
        .build();
  }

  /** Pushes a one-layer image as {@code tag}; returns its manifest. */
  private RawManifest pushImage(RegistryClient client, String tag, String layerText)
      throws IOException {
    Bytes config = Bytes.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
    Bytes layer = Bytes.utf8(layerText);
    Descriptor configBlob = Descriptor.of(MediaType.OCI_IMAGE_CONFIG, config);
    Descriptor layerBlob = Descriptor.of(MediaType.OCI_LAYER_TAR, layer);
    client.pushBlob(repo, configBlob.digest(), BlobSource.of(config));
    client.pushBlob(repo, layerBlob.digest(), BlobSource.of(layer));
    RawManifest manifest =
        ManifestCodec.defaults().encode(ImageManifest.of(configBlob, List.of(layerBlob)));
    client.putManifest(Reference.of(host, repo.name(), Tag.of(tag)), manifest);
    return manifest;
  }

  @Test
  void anonymousPushIsAskedToLogInWithABasicChallenge() throws Exception {
    Bytes blob = Bytes.utf8("anonymous bytes");
    try (RegistryClient client = anonymous()) {
      assertThatThrownBy(() -> client.pushBlob(repo, Digest.sha256(blob), BlobSource.of(blob)))
          .isInstanceOfSatisfying(
              RegistryClientException.class,
              e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.code()).contains(ErrorCode.UNAUTHORIZED);
                assertThat(e.getMessage()).contains("authentication required");
              });
    }
    // What the client got: the spec's 401 with the challenge that tells it how to log in.
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(uploads()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .contains("Basic realm=\"wharf example\"");
    assertThat(response.body()).contains("UNAUTHORIZED");
  }

  private URI uploads() {
    return URI.create("http://" + host + "/v2/" + repo.name() + "/blobs/uploads/");
  }

  @Test
  void theUserPushesAndAnyonePulls() throws Exception {
    RawManifest pushed;
    try (RegistryClient client = loggedIn(USER, PASSWORD)) {
      pushed = pushImage(client, "1.0", "layer one");
    }
    try (RegistryClient client = anonymous()) {
      RawManifest pulled = client.getManifest(Reference.of(host, repo.name(), Tag.of("1.0")));
      assertThat(pulled).isEqualTo(pushed);
      Descriptor layer = ((ImageManifest) pulled.parse()).layers().get(0);
      try (InputStream in = client.openBlob(repo, layer.digest(), layer.size())) {
        assertThat(Bytes.of(in.readAllBytes())).isEqualTo(Bytes.utf8("layer one"));
      }
      assertThat(client.listTags(repo)).containsExactly(Tag.of("1.0"));
    }

    List<RegistryEvent> seen = eventsAfterClose();
    assertThat(seen)
        .filteredOn(e -> e.kind() == Kind.BLOB_PUSHED)
        .hasSize(2)
        .allSatisfy(e -> assertThat(e.actor().toString()).isEqualTo(USER));
    assertThat(seen)
        .filteredOn(e -> e.kind() == Kind.MANIFEST_PUSHED)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.actor().toString()).isEqualTo(USER);
              assertThat(e.repository()).contains(repo.name());
              assertThat(e.digest()).contains(pushed.digest());
              assertThat(e.tags()).containsExactly(Tag.of("1.0"));
              assertThat(e.requestId()).isNotBlank();
            });
    assertThat(seen)
        .filteredOn(e -> e.kind() == Kind.MANIFEST_PULLED)
        .singleElement()
        .satisfies(e -> assertThat(e.actor().isAnonymous()).isTrue());
    assertThat(seen).allSatisfy(e -> assertThat(e.toString()).doesNotContain(PASSWORD));
  }

  @Test
  void aWrongPasswordIsRefusedAndAudited() throws Exception {
    try (RegistryClient client = loggedIn(USER, "wrong")) {
      assertThatThrownBy(() -> pushImage(client, "1.0", "layer"))
          .isInstanceOfSatisfying(
              RegistryClientException.class,
              e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.getMessage())
                    .contains("wrong user name or password")
                    .doesNotContain("wrong:");
              });
    }
    assertThat(eventsAfterClose())
        .filteredOn(RegistryEvent::denied)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.reasons()).containsExactly("wrong user name or password");
              assertThat(e.actor().isAnonymous()).isTrue();
            });
  }

  @Test
  void aTagIsNeverMovedToAnotherManifest() throws Exception {
    try (RegistryClient client = loggedIn(USER, PASSWORD)) {
      RawManifest first = pushImage(client, "1.0", "first");
      pushImage(client, "1.0", "first"); // the same manifest again: allowed
      assertThatThrownBy(() -> pushImage(client, "1.0", "second"))
          .isInstanceOfSatisfying(
              RegistryClientException.class,
              e -> {
                assertThat(e.status()).isEqualTo(403);
                assertThat(e.code()).contains(ErrorCode.DENIED);
                assertThat(e.getMessage()).contains("tag 1.0 is immutable");
              });
      assertThat(client.getManifest(Reference.of(host, repo.name(), Tag.of("1.0"))))
          .isEqualTo(first);
    }
    assertThat(eventsAfterClose())
        .filteredOn(RegistryEvent::denied)
        .singleElement()
        .satisfies(e -> assertThat(e.actor().toString()).isEqualTo(USER));
  }

  @Test
  void theContentOutlivesARestart() throws Exception {
    RawManifest pushed;
    try (RegistryClient client = loggedIn(USER, PASSWORD)) {
      pushed = pushImage(client, "1.0", "kept");
    }
    stop();
    registry = startRegistry();
    host = new RegistryHost(registry.uri().getAuthority());
    try (RegistryClient client = anonymous()) {
      assertThat(client.getManifest(Reference.of(host, repo.name(), Tag.of("1.0"))))
          .isEqualTo(pushed);
      assertThat(client.listTags(new Repository(host, repo.name()))).containsExactly(Tag.of("1.0"));
    }
  }
}
