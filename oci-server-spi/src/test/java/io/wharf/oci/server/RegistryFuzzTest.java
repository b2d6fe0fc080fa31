package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.error.ErrorResponse;
import io.wharf.oci.storage.RegistryStorage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a stranger sends (paths, queries, headers, bodies), the engine answers with a status
 * and, for errors, the spec's error body; no exception other than {@link IOException} escapes.
 */
class RegistryFuzzTest {

  private final Registry registry = Registry.builder(RegistryStorage.inMemory()).build();

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment =
        Arbitraries.oneOf(
            Arbitraries.of(
                "v2",
                "blobs",
                "uploads",
                "manifests",
                "tags",
                "list",
                "referrers",
                "_catalog",
                "latest",
                "sha256:" + "a".repeat(64),
                "..",
                ".",
                "",
                "library",
                "a-b",
                "UP"),
            Arbitraries.strings().ofMaxLength(12));
    return segment.list().ofMaxSize(8).map(s -> "/" + String.join("/", s));
  }

  @Provide
  Arbitrary<String> queries() {
    Arbitrary<String> pair =
        Combinators.combine(
                Arbitraries.of(
                    "n",
                    "last",
                    "digest",
                    "mount",
                    "from",
                    "tag",
                    "artifactType",
                    "digest-algorithm",
                    "x"),
                Arbitraries.strings().ofMaxLength(20))
            .as((k, v) -> k + "=" + v);
    return pair.list().ofMaxSize(4).map(l -> String.join("&", l));
  }

  @Property(tries = 400)
  void anyRequestGetsAnAnswer(
      @ForAll HttpMethod method,
      @ForAll("paths") String path,
      @ForAll("queries") String query,
      @ForAll String contentType,
      @ForAll String range,
      @ForAll byte[] body)
      throws IOException {
    Headers headers =
        Headers.builder()
            .set("Content-Type", contentType)
            .set("Range", range)
            .set("Content-Range", range)
            .build();
    RegistryResponse r =
        registry.handle(
            new RegistryRequest(method, path, query, headers, new ByteArrayInputStream(body)));
    assertThat(r.status()).isBetween(200, 599);
    if (r.status() >= 400 && r.body().isPresent()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      r.body().get().writeTo(out);
      assertThat(ErrorResponse.parse(io.wharf.oci.model.Bytes.of(out.toByteArray()))).isPresent();
    }
  }
}
