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
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.ErrorResponse;
import io.wharf.oci.server.RegistryConformanceContract.Reply;
import io.wharf.oci.storage.RegistryStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Whatever a stranger sends (paths, queries, headers, bodies), the engine answers with a status
 * and, for errors, the spec's error body; no exception other than {@link IOException} escapes, and
 * no request ends in the engine's catch-all (500 {@code UNKNOWN}), which is where a bug would land.
 * Each example runs against a fresh registry holding an image, a tag and an open upload session,
 * and the generated paths, queries and bodies name them ({@code {blob}}, {@code {manifest}}, {@code
 * {upload}} are replaced), so that requests reach the handlers' work and not only the router.
 */
class RegistryFuzzTest {

  private static final String REPO = "library/app";

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

  /** A fresh registry, its content, and the names that stand in the generated requests. */
  private static final class Seeded {
    final Registry registry = Registry.builder(RegistryStorage.inMemory()).build();
    final Calls calls = new Calls(registry);
    final Map<String, String> names;

    Seeded() throws IOException {
      RawManifest image = calls.image(REPO, "fuzz", Map.of());
      Reply put =
          calls.call(
              HttpMethod.PUT,
              "/v2/" + REPO + "/manifests/latest",
              Headers.builder().set("Content-Type", image.mediaType().toString()).build(),
              image.bytes());
      assertThat(put.status()).as(put.body().utf8()).isEqualTo(201);
      Reply post = calls.call(HttpMethod.POST, "/v2/" + REPO + "/blobs/uploads/");
      assertThat(post.status()).isEqualTo(202);
      String location = post.header("Location");
      names =
          Map.of(
              "{blob}", image.parse().references().get(1).digest().toString(),
              "{manifest}", image.digest().toString(),
              "{upload}", location.substring(location.lastIndexOf('/') + 1),
              "{uploads}", location.substring(0, location.lastIndexOf('/')));
    }

    String named(String text) {
      String s = text;
      for (Map.Entry<String, String> e : names.entrySet()) {
        s = s.replace(e.getKey(), e.getValue());
      }
      return s;
    }
  }

  /** The bytes of the image the registry holds: a body that parses, to put or to patch. */
  private static final Bytes MANIFEST;

  static {
    try {
      MANIFEST = new Seeded().calls.image(REPO, "fuzz", Map.of()).bytes();
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
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
                "library",
                "app",
                "{blob}",
                "{manifest}",
                "{upload}",
                "sha256:" + "a".repeat(64),
                "..",
                ".",
                "",
                "a-b",
                "UP"),
            anyStrings(0, 12));
    Gen<String> random = lists(segment, 0, 8).map(s -> "/" + String.join("/", s));
    Gen<String> endpoints =
        pick(
            "/v2/",
            "/v2/_catalog",
            "/v2/" + REPO + "/tags/list",
            "/v2/" + REPO + "/manifests/latest",
            "/v2/" + REPO + "/manifests/{manifest}",
            "/v2/" + REPO + "/manifests/other",
            "/v2/" + REPO + "/blobs/{blob}",
            "/v2/" + REPO + "/blobs/{manifest}",
            "/v2/" + REPO + "/blobs/uploads/",
            "{uploads}/{upload}",
            "/v2/" + REPO + "/referrers/{manifest}",
            "/v2/other/blobs/uploads/{upload}",
            "/v2/other/blobs/{blob}");
    // Three in four requests aim at an endpoint with the registry's names, to reach the handlers.
    return oneOf(endpoints, endpoints, endpoints, random);
  }

  private static Gen<String> queries() {
    Gen<String> value =
        oneOf(pick("{blob}", "{manifest}", REPO, "1", "0", "-1"), anyStrings(0, 20));
    Gen<String> pair =
        pick("n", "last", "digest", "mount", "from", "tag", "artifactType", "digest-algorithm", "x")
            .zip(value, (k, v) -> k + "=" + v);
    return lists(pair, 0, 4).map(l -> String.join("&", l));
  }

  private static Gen<Request> requests() {
    Gen<HttpMethod> methods = Generate.enumValues(HttpMethod.class);
    Gen<String> paths = paths();
    Gen<String> queries = queries();
    Gen<String> contentTypes =
        oneOf(
            pick(
                MediaType.OCI_IMAGE_MANIFEST.toString(),
                MediaType.OCI_IMAGE_INDEX.toString(),
                MediaType.DOCKER_MANIFEST_V2.toString(),
                "application/octet-stream"),
            anyStrings());
    Gen<String> ranges = oneOf(pick("0-0", "0-9", "bytes=0-", "bytes=5-1", "10-5"), anyStrings());
    Gen<Bytes> bodies = oneOf(pick(MANIFEST, Bytes.empty()), anyByteArrays().map(b -> Bytes.of(b)));
    return in ->
        new Request(
            methods.generate(in),
            paths.generate(in),
            queries.generate(in),
            contentTypes.generate(in),
            ranges.generate(in),
            bodies.generate(in));
  }

  @Test
  void anyRequestGetsAnAnswerAndNoneIsAnInternalError() {
    qt().withExamples(1000)
        .forAll(requests())
        .checkAssert(request -> unchecked(() -> answers(request)));
  }

  private static void answers(Request request) throws IOException {
    Seeded seeded = new Seeded();
    Headers headers =
        Headers.builder()
            .set("Content-Type", request.contentType())
            .set("Range", request.range())
            .set("Content-Range", request.range())
            .build();
    RegistryResponse r =
        seeded.registry.handle(
            new RegistryRequest(
                request.method(),
                seeded.named(request.path()),
                seeded.named(request.query()),
                headers,
                request.body().openStream()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (r.body().isPresent()) {
      r.body().get().writeTo(out);
    }
    String body = out.toString(StandardCharsets.UTF_8);
    assertThat(r.status()).isBetween(200, 599);
    if (r.status() >= 400 && r.body().isPresent()) {
      ErrorResponse errors = ErrorResponse.parse(Bytes.of(out.toByteArray())).orElseThrow();
      assertThat(errors.errors())
          .as("an answer of the engine's catch-all: %s", body)
          .noneMatch(e -> e.code().equals(ErrorCode.UNKNOWN.name()));
    }
    assertThat(r.status()).as("answer %s", body).isNotEqualTo(500);
  }
}
