package io.wharf.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.client.BlobSource;
import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.RegistryClientException;
import io.wharf.oci.client.Repository;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.server.testing.RegistryExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A unit test with a real OCI registry in it: {@link RegistryExtension#inMemory()} starts a Wharf
 * registry on in-memory storage, on {@code 127.0.0.1} and a free port, before the first test of the
 * class and stops it after the last (in an instance field instead of a static one, each test gets a
 * fresh registry). Tests take its address as a {@link URI} parameter. Copy this to test code that
 * pushes to or pulls from a registry, without Docker and in milliseconds.
 *
 * <p>Needs {@code oci-server-spi} (the extension), {@code oci-client} (the client used here) and
 * JUnit Jupiter, at test scope.
 */
class InMemoryRegistryExampleTest {

  @RegisterExtension static RegistryExtension registry = RegistryExtension.inMemory();

  @Test
  void pushesAnImageThenPullsItByTag(URI registryUri) throws IOException {
    Reference ref = Reference.parse(registryUri.getAuthority() + "/demo/app:1.0");
    Repository repo = Repository.of(ref); // 127.0.0.1:<port>/demo/app
    try (RegistryClient client = RegistryClient.builder().build()) {
      // The config and one layer are blobs; the registry stores any bytes (a real layer is a tar).
      Bytes config = Bytes.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
      Bytes layer = Bytes.utf8("hello, registry");
      Descriptor configBlob = Descriptor.of(MediaType.OCI_IMAGE_CONFIG, config);
      Descriptor layerBlob = Descriptor.of(MediaType.OCI_LAYER_TAR, layer);
      client.pushBlob(repo, configBlob.digest(), BlobSource.of(config));
      client.pushBlob(repo, layerBlob.digest(), BlobSource.of(layer));

      // The manifest names them; its digest is the digest of exactly these bytes.
      RawManifest manifest =
          ManifestCodec.defaults().encode(ImageManifest.of(configBlob, List.of(layerBlob)));
      Digest pushed = client.putManifest(ref, manifest);

      RawManifest pulled = client.getManifest(ref);
      assertThat(pulled.digest()).isEqualTo(pushed).isEqualTo(manifest.digest());
      assertThat(pulled.bytes()).isEqualTo(manifest.bytes());
      Descriptor firstLayer = ((ImageManifest) pulled.parse()).layers().get(0);
      try (InputStream in = client.openBlob(repo, firstLayer.digest(), firstLayer.size())) {
        assertThat(Bytes.of(in.readAllBytes())).isEqualTo(layer); // verified while it streams
      }
      assertThat(client.listTags(repo)).containsExactly(Tag.of("1.0"));
    }
  }

  @Test
  void aMissingTagIsATypedNotFound(URI registryUri) throws IOException {
    Reference missing = Reference.parse(registryUri.getAuthority() + "/demo/other:absent");
    try (RegistryClient client = RegistryClient.builder().build()) {
      assertThatThrownBy(() -> client.getManifest(missing))
          .isInstanceOfSatisfying(
              RegistryClientException.class,
              e -> {
                assertThat(e.isNotFound()).isTrue();
                assertThat(e.code()).contains(ErrorCode.MANIFEST_UNKNOWN);
              });
      assertThat(client.headManifest(missing)).isEmpty();
    }
  }
}
