package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.server.RegistryConformanceContract.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Requests to a registry called directly, for the hook tests. */
final class Calls {

  private final RegistryHandler registry;
  private final Headers headers;

  Calls(RegistryHandler registry) {
    this(registry, Headers.empty());
  }

  private Calls(RegistryHandler registry, Headers headers) {
    this.registry = registry;
    this.headers = headers;
  }

  /** These calls with {@code name: value} on every request (credentials). */
  Calls with(String name, String value) {
    return new Calls(registry, headers.toBuilder().set(name, value).build());
  }

  Reply call(HttpMethod method, String target) throws IOException {
    return call(method, target, Headers.empty(), Bytes.empty());
  }

  Reply call(HttpMethod method, String target, Headers extra, Bytes body) throws IOException {
    int q = target.indexOf('?');
    Headers.Builder h = headers.toBuilder();
    extra.asMap().forEach((name, values) -> values.forEach(v -> h.add(name, v)));
    RegistryResponse r =
        registry.handle(
            new RegistryRequest(
                method,
                q < 0 ? target : target.substring(0, q),
                q < 0 ? "" : target.substring(q + 1),
                h.build(),
                body.openStream()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (r.body().isPresent()) {
      r.body().get().writeTo(out);
    }
    return new Reply(r.status(), r.headers(), Bytes.of(out.toByteArray()));
  }

  Descriptor pushBlob(String repo, MediaType type, Bytes content) throws IOException {
    Digest d = Digest.sha256(content);
    Reply r =
        call(
            HttpMethod.POST,
            "/v2/" + repo + "/blobs/uploads/?digest=" + d,
            Headers.empty(),
            content);
    assertThat(r.status()).as("blob push: %s", r.body().utf8()).isEqualTo(201);
    return Descriptor.of(type, d, content.size());
  }

  /** An image's blobs pushed to {@code repo}, and its manifest (not pushed). */
  RawManifest image(String repo, String seed, Map<String, String> annotations) throws IOException {
    Descriptor config =
        pushBlob(repo, MediaType.OCI_IMAGE_CONFIG, Bytes.utf8("{\"seed\":\"" + seed + "\"}"));
    Descriptor layer = pushBlob(repo, MediaType.OCI_LAYER_TAR, Bytes.utf8("layer " + seed));
    return ManifestCodec.defaults()
        .encode(ImageManifest.of(config, List.of(layer)).withAnnotations(annotations));
  }

  Reply putManifest(String repo, String reference, RawManifest m) throws IOException {
    return call(
        HttpMethod.PUT,
        "/v2/" + repo + "/manifests/" + reference,
        Headers.builder().set("Content-Type", m.mediaType().value()).build(),
        m.bytes());
  }
}
