package io.wharf.oci.server;

import static io.wharf.oci.model.testing.OciGenerators.anyByteArrays;
import static io.wharf.oci.model.testing.OciGenerators.anyStrings;
import static io.wharf.oci.model.testing.OciGenerators.escaped;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static io.wharf.oci.model.testing.OciGenerators.oneOf;
import static io.wharf.oci.model.testing.OciGenerators.pick;
import static io.wharf.oci.model.testing.OciGenerators.unchecked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.error.ErrorResponse;
import io.wharf.oci.storage.RegistryStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Whatever a stranger sends (paths, queries, headers, bodies), the engine answers with a status
 * and, for errors, the spec's error body; no exception other than {@link IOException} escapes.
 */
class RegistryFuzzTest {

  private final Registry registry = Registry.builder(RegistryStorage.inMemory()).build();

  /** What a stranger sends; {@code range} goes in both Range and Content-Range. */
  record Request(
      HttpMethod method, String path, String query, String contentType, String range, Bytes body) {
    @Override
    public String toString() {
      return String.join(
          " ",
          method.toString(),
          escaped(path),
          escaped(query),
          escaped(contentType),
          escaped(range),
          Arrays.toString(body.toByteArray()));
    }
  }

  private static Gen<String> paths() {
    Gen<String> segment =
        oneOf(
            pick(
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
            anyStrings(0, 12));
    return lists(segment, 0, 8).map(s -> "/" + String.join("/", s));
  }

  private static Gen<String> queries() {
    Gen<String> pair =
        pick("n", "last", "digest", "mount", "from", "tag", "artifactType", "digest-algorithm", "x")
            .zip(anyStrings(0, 20), (k, v) -> k + "=" + v);
    return lists(pair, 0, 4).map(l -> String.join("&", l));
  }

  private static Gen<Request> requests() {
    Gen<HttpMethod> methods = Generate.enumValues(HttpMethod.class);
    Gen<String> paths = paths();
    Gen<String> queries = queries();
    Gen<String> strings = anyStrings();
    Gen<byte[]> bodies = anyByteArrays();
    return in ->
        new Request(
            methods.generate(in),
            paths.generate(in),
            queries.generate(in),
            strings.generate(in),
            strings.generate(in),
            Bytes.of(bodies.generate(in)));
  }

  @Test
  void anyRequestGetsAnAnswer() {
    qt().withExamples(400)
        .forAll(requests())
        .checkAssert(request -> unchecked(() -> answers(request)));
  }

  private void answers(Request request) throws IOException {
    Headers headers =
        Headers.builder()
            .set("Content-Type", request.contentType())
            .set("Range", request.range())
            .set("Content-Range", request.range())
            .build();
    RegistryResponse r =
        registry.handle(
            new RegistryRequest(
                request.method(),
                request.path(),
                request.query(),
                headers,
                request.body().openStream()));
    assertThat(r.status()).isBetween(200, 599);
    if (r.status() >= 400 && r.body().isPresent()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      r.body().get().writeTo(out);
      assertThat(ErrorResponse.parse(Bytes.of(out.toByteArray()))).isPresent();
    }
  }
}
