package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.Platform;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorResponse;
import io.wharf.oci.model.testing.Concurrently;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.StorageCheck;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * The distribution-spec workflows (end-1 … end-14, {@code _catalog}) end to end against {@link
 * Registry}, through whatever carries requests: called directly, or over HTTP on each transport. An
 * adapter extends this class and says how a request reaches the registry.
 */
public abstract class RegistryConformanceContract {

  /** Starts {@code registry} behind the transport under test. */
  protected abstract void start(Registry registry) throws Exception;

  /** Sends one request; the body of a HEAD response is empty. */
  protected abstract Reply exchange(
      HttpMethod method, String path, String query, Headers headers, Bytes body) throws IOException;

  /** Stops what {@link #start} started. */
  protected abstract void stop() throws Exception;

  /** Whether the transport tells the engine the client's address (HTTP transports do). */
  protected boolean knowsClientAddress() {
    return true;
  }

  @org.junit.jupiter.api.BeforeEach
  void startRegistry() throws Exception {
    start(Registry.builder(RegistryStorage.inMemory()).build());
  }

  @org.junit.jupiter.api.AfterEach
  void stopRegistry() throws Exception {
    stop();
  }

  /** One response, its body read whole. */
  public record Reply(int status, Headers headers, Bytes body) {
    String header(String name) {
      return headers.first(name).orElse(null);
    }

    String code() {
      return ErrorResponse.parse(body).orElseThrow().errors().get(0).code();
    }
  }

  private Reply call(HttpMethod method, String target, Headers headers, Bytes body)
      throws IOException {
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? "" : target.substring(q + 1);
    Reply reply = exchange(method, path, query, headers, body);
    assertThat(reply.headers().first("Docker-Distribution-API-Version")).contains("registry/2.0");
    return reply;
  }

  private Reply call(HttpMethod method, String target) throws IOException {
    return call(method, target, Headers.empty(), Bytes.empty());
  }

  private Descriptor pushBlob(String repo, MediaType type, Bytes content) throws IOException {
    Digest d = Digest.sha256(content);
    Reply r =
        call(
            HttpMethod.POST,
            "/v2/" + repo + "/blobs/uploads/?digest=" + d,
            Headers.empty(),
            content);
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.header("Docker-Content-Digest")).isEqualTo(d.toString());
    return Descriptor.of(type, d, content.size());
  }

  private RawManifest image(String repo, String seed) throws IOException {
    Descriptor config =
        pushBlob(repo, MediaType.OCI_IMAGE_CONFIG, Bytes.utf8("{\"s\":\"" + seed + "\"}"));
    Descriptor layer = pushBlob(repo, MediaType.OCI_LAYER_TAR, Bytes.utf8("layer " + seed));
    return ManifestCodec.defaults().encode(ImageManifest.of(config, List.of(layer)));
  }

  private Reply putManifest(String repo, String reference, RawManifest m) throws IOException {
    return call(
        HttpMethod.PUT,
        "/v2/" + repo + "/manifests/" + reference,
        Headers.builder().set("Content-Type", m.mediaType().value()).build(),
        m.bytes());
  }

  @Test
  void end1_versionCheck() throws IOException {
    Reply r = call(HttpMethod.GET, "/v2/");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().utf8()).isEqualTo("{}");
  }

  @Test
  void end2_blobGetHeadAndRanges() throws IOException {
    Bytes content = Bytes.utf8("0123456789");
    Descriptor d = pushBlob("a/b", MediaType.OCTET_STREAM, content);
    Reply get = call(HttpMethod.GET, "/v2/a/b/blobs/" + d.digest());
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.body()).isEqualTo(content);
    Reply head = call(HttpMethod.HEAD, "/v2/a/b/blobs/" + d.digest());
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).isEqualTo("10");
    assertThat(head.body().isEmpty()).isTrue();
    Reply range =
        call(
            HttpMethod.GET,
            "/v2/a/b/blobs/" + d.digest(),
            Headers.builder().set("Range", "bytes=2-4").build(),
            Bytes.empty());
    assertThat(range.status()).isEqualTo(206);
    assertThat(range.body().utf8()).isEqualTo("234");
    assertThat(range.header("Content-Range")).isEqualTo("bytes 2-4/10");
    Reply past =
        call(
            HttpMethod.GET,
            "/v2/a/b/blobs/" + d.digest(),
            Headers.builder().set("Range", "bytes=10-").build(),
            Bytes.empty());
    assertThat(past.status()).isEqualTo(416);
    assertThat(past.code()).isEqualTo("RANGE_INVALID");
    assertThat(past.header("Content-Range")).isEqualTo("bytes */10");
  }

  /**
   * RFC 9110 section 14.2: a Range the server does not apply (another unit, a malformed value,
   * several ranges, an If-Range that does not match) is ignored and the whole blob sent; one whose
   * ranges all miss the blob is 416 with {@code Content-Range: bytes *}{@code /<size>}.
   */
  @Test
  void rangesTheServerDoesNotApplyAreIgnored() throws IOException {
    Bytes content = Bytes.utf8("0123456789");
    Descriptor d = pushBlob("a/b", MediaType.OCTET_STREAM, content);
    String path = "/v2/a/b/blobs/" + d.digest();
    for (String ignored :
        List.of("items=0-1", "bytes=5-3", "bytes=x", "bytes=0-1,4-5", "bytes=-1,20-")) {
      Reply whole =
          call(
              HttpMethod.GET, path, Headers.builder().set("Range", ignored).build(), Bytes.empty());
      assertThat(whole.status()).as(ignored).isEqualTo(200);
      assertThat(whole.body()).as(ignored).isEqualTo(content);
      assertThat(whole.header("Content-Range")).as(ignored).isNull();
    }
    Reply stale =
        call(
            HttpMethod.GET,
            path,
            Headers.builder()
                .set("Range", "bytes=2-4")
                .set("If-Range", "\"sha256:" + "0".repeat(64) + "\"")
                .build(),
            Bytes.empty());
    assertThat(stale.status()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo(content);
    Reply current =
        call(
            HttpMethod.GET,
            path,
            Headers.builder()
                .set("Range", "bytes=2-4")
                .set("If-Range", "\"" + d.digest() + "\"")
                .build(),
            Bytes.empty());
    assertThat(current.status()).isEqualTo(206);
    assertThat(current.body().utf8()).isEqualTo("234");
    Reply none =
        call(
            HttpMethod.HEAD,
            path,
            Headers.builder().set("Range", "bytes=20-30,40-").build(),
            Bytes.empty());
    assertThat(none.status()).isEqualTo(416);
    assertThat(none.header("Content-Range")).isEqualTo("bytes */10");
  }

  @Test
  void blobsAreReadableOnlyWhereTheyAreLinked() throws IOException {
    Descriptor d = pushBlob("team/one", MediaType.OCTET_STREAM, Bytes.utf8("secret"));
    Reply other = call(HttpMethod.GET, "/v2/team/two/blobs/" + d.digest());
    assertThat(other.status()).isEqualTo(404);
    assertThat(other.code()).isEqualTo("BLOB_UNKNOWN");
  }

  // ---------------------------------------------------------------------------------------------
  // Isolation between repositories and clients, through whatever carries the requests

  @Test
  void headAndDeleteOfAnotherRepositorysBlobAreBlobUnknownAndDeleteNothing() throws IOException {
    Bytes content = Bytes.utf8("team one's");
    Descriptor d = pushBlob("team/one", MediaType.OCTET_STREAM, content);
    call(
        HttpMethod.POST,
        "/v2/team/two/blobs/uploads/?digest=" + Digest.sha256(Bytes.utf8("2")),
        Headers.empty(),
        Bytes.utf8("2"));
    String other = "/v2/team/two/blobs/" + d.digest();
    Reply head = call(HttpMethod.HEAD, other);
    assertThat(head.status()).isEqualTo(404);
    assertThat(head.header("Docker-Content-Digest")).isNull();
    Reply delete = call(HttpMethod.DELETE, other);
    assertThat(delete.status()).isEqualTo(404);
    assertThat(delete.code()).isEqualTo("BLOB_UNKNOWN");
    Reply never = call(HttpMethod.DELETE, "/v2/team/nowhere/blobs/" + d.digest());
    assertThat(never.status()).isEqualTo(404);
    assertThat(never.code()).isIn("BLOB_UNKNOWN", "NAME_UNKNOWN");
    Reply owner = call(HttpMethod.GET, "/v2/team/one/blobs/" + d.digest());
    assertThat(owner.status()).isEqualTo(200);
    assertThat(owner.body()).isEqualTo(content);
    assertThat(call(HttpMethod.HEAD, "/v2/team/one/blobs/" + d.digest()).status()).isEqualTo(200);
  }

  @Test
  void end11_aMountFromARepositoryThatDoesNotLinkTheBlobIsAPlainUpload() throws IOException {
    Descriptor d = pushBlob("src/one", MediaType.OCTET_STREAM, Bytes.utf8("only in src/one"));
    pushBlob("src/two", MediaType.OCTET_STREAM, Bytes.utf8("src/two's own"));
    Reply mount =
        call(HttpMethod.POST, "/v2/dst/app/blobs/uploads/?mount=" + d.digest() + "&from=src/two");
    assertThat(mount.status()).isEqualTo(202);
    assertThat(mount.header("Location")).startsWith("/v2/dst/app/blobs/uploads/");
    Reply absent = call(HttpMethod.GET, "/v2/dst/app/blobs/" + d.digest());
    assertThat(absent.status()).isEqualTo(404);
    assertThat(absent.code()).isEqualTo("BLOB_UNKNOWN");
    // Nor from a repository that does not exist.
    Reply nowhere =
        call(HttpMethod.POST, "/v2/dst/app/blobs/uploads/?mount=" + d.digest() + "&from=src/none");
    assertThat(nowhere.status()).isEqualTo(202);
    assertThat(call(HttpMethod.HEAD, "/v2/dst/app/blobs/" + d.digest()).status()).isEqualTo(404);
  }

  @Test
  void anUploadSessionUsedFromAnotherRepositoryIsUnknownThere() throws IOException {
    String location = call(HttpMethod.POST, "/v2/mine/blobs/uploads/").header("Location");
    String id = location.substring(location.lastIndexOf('/') + 1);
    String theirs = "/v2/theirs/blobs/uploads/" + id;
    Bytes content = Bytes.utf8("mine, not theirs");
    Digest digest = Digest.sha256(content);
    Headers range = Headers.builder().set("Content-Range", "0-" + (content.size() - 1)).build();
    for (Reply r :
        List.of(
            call(HttpMethod.GET, theirs),
            call(HttpMethod.PATCH, theirs, range, content),
            call(HttpMethod.PUT, theirs + "?digest=" + digest, Headers.empty(), content),
            call(HttpMethod.DELETE, theirs))) {
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.code()).isEqualTo("BLOB_UPLOAD_UNKNOWN");
    }
    assertThat(call(HttpMethod.GET, "/v2/theirs/blobs/" + digest).status()).isEqualTo(404);
    // The session is untouched in its own repository.
    Reply status = call(HttpMethod.GET, location);
    assertThat(status.status()).isEqualTo(204);
    assertThat(status.header("Range")).isIn(null, "0-0"); // nothing written
    Reply done = call(HttpMethod.PUT, location + "?digest=" + digest, Headers.empty(), content);
    assertThat(done.status()).isEqualTo(201);
    assertThat(call(HttpMethod.GET, "/v2/mine/blobs/" + digest).body()).isEqualTo(content);
    assertThat(call(HttpMethod.GET, "/v2/theirs/blobs/" + digest).status()).isEqualTo(404);
  }

  @Test
  void theSameBlobPushedByManyClientsAtOnceIsStoredOnce() throws Exception {
    byte[] raw = new byte[256 * 1024 + 7];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) (i * 31 + i / 977);
    }
    Bytes blob = Bytes.of(raw);
    Digest digest = Digest.sha256(blob);
    int clients = 8;
    List<Callable<String>> pushes = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      String repo = c % 2 == 0 ? "same/a" : "same/b";
      pushes.add(() -> pushInTwoChunks(repo, blob, digest));
    }
    assertThat(Concurrently.all(pushes)).containsOnly(digest.toString());
    for (String repo : List.of("same/a", "same/b")) {
      Reply get = call(HttpMethod.GET, "/v2/" + repo + "/blobs/" + digest);
      assertThat(get.status()).isEqualTo(200);
      assertThat(get.body()).isEqualTo(blob);
      assertThat(get.header("Docker-Content-Digest")).isEqualTo(digest.toString());
    }
  }

  /** A chunked upload (POST, PATCH, PUT with the rest); the digest the registry answered. */
  private String pushInTwoChunks(String repo, Bytes blob, Digest digest) throws IOException {
    Reply start = call(HttpMethod.POST, "/v2/" + repo + "/blobs/uploads/");
    assertThat(start.status()).isEqualTo(202);
    byte[] all = blob.toByteArray();
    int half = all.length / 2;
    Reply patch =
        call(
            HttpMethod.PATCH,
            start.header("Location"),
            Headers.builder().set("Content-Range", "0-" + (half - 1)).build(),
            Bytes.of(java.util.Arrays.copyOfRange(all, 0, half)));
    assertThat(patch.status()).isEqualTo(202);
    Reply put =
        call(
            HttpMethod.PUT,
            patch.header("Location")
                + (patch.header("Location").contains("?") ? "&" : "?")
                + "digest="
                + digest,
            Headers.empty(),
            Bytes.of(java.util.Arrays.copyOfRange(all, half, all.length)));
    assertThat(put.status()).as(put.body().utf8()).isEqualTo(201);
    return put.header("Docker-Content-Digest");
  }

  @Test
  void aTagMovedDuringGetsAnswersTheOldOrTheNewManifestWhole() throws Exception {
    RawManifest one = image("moving", "1");
    RawManifest two = image("moving", "2");
    assertThat(putManifest("moving", "v1", one).status()).isEqualTo(201);
    assertThat(putManifest("moving", "v1", two).status()).isEqualTo(201);
    Map<String, RawManifest> byDigest =
        Map.of(one.digest().toString(), one, two.digest().toString(), two);
    int moves = 40;
    java.util.concurrent.atomic.AtomicBoolean moving =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    List<Callable<Integer>> work = new ArrayList<>();
    work.add(
        () -> {
          try {
            for (int i = 0; i < moves; i++) {
              Reply r = putManifest("moving", "v1", i % 2 == 0 ? one : two);
              assertThat(r.status()).isEqualTo(201);
            }
          } finally {
            moving.set(false);
          }
          return moves;
        });
    for (int reader = 0; reader < 3; reader++) {
      work.add(
          () -> {
            int reads = 0;
            // At least a few reads each, and then as long as the tag moves (a bounded time).
            while (reads < 5 || moving.get()) {
              Reply get = call(HttpMethod.GET, "/v2/moving/manifests/v1");
              assertThat(get.status()).isEqualTo(200);
              String digest = get.header("Docker-Content-Digest");
              assertThat(byDigest).containsKey(digest);
              RawManifest served = byDigest.get(digest);
              assertThat(get.body()).as("the bytes of %s", digest).isEqualTo(served.bytes());
              assertThat(get.header("Content-Type")).isEqualTo(served.mediaType().value());
              reads++;
            }
            return reads;
          });
    }
    assertThat(Concurrently.all(work)).allSatisfy(n -> assertThat(n).isPositive());
  }

  @Test
  void end4a_end5_end13_end6_chunkedUploadInOrder() throws IOException {
    Reply start = call(HttpMethod.POST, "/v2/x/blobs/uploads/");
    assertThat(start.status()).isEqualTo(202);
    String location = start.header("Location");
    assertThat(location).startsWith("/v2/x/blobs/uploads/");
    assertThat(start.header("OCI-Chunk-Min-Length")).isNotNull();
    Reply first =
        call(
            HttpMethod.PATCH,
            location,
            Headers.builder().set("Content-Range", "0-4").build(),
            Bytes.utf8("hello"));
    assertThat(first.status()).isEqualTo(202);
    assertThat(first.header("Range")).isEqualTo("0-4");
    Reply wrong =
        call(
            HttpMethod.PATCH,
            location,
            Headers.builder().set("Content-Range", "3-5").build(),
            Bytes.utf8("xyz"));
    assertThat(wrong.status()).isEqualTo(416);
    assertThat(wrong.code()).isEqualTo("BLOB_UPLOAD_INVALID");
    Reply mismatched =
        call(
            HttpMethod.PATCH,
            location,
            Headers.builder().set("Content-Range", "5-9").set("Content-Length", "3").build(),
            Bytes.utf8("abc"));
    assertThat(mismatched.code()).isIn("SIZE_INVALID", "BLOB_UPLOAD_INVALID");
    Reply status = call(HttpMethod.GET, location);
    assertThat(status.status()).isEqualTo(204);
    assertThat(status.header("Range")).isEqualTo("0-4");
    Digest digest = Digest.sha256(Bytes.utf8("hello world"));
    Reply done =
        call(HttpMethod.PUT, location + "?digest=" + digest, Headers.empty(), Bytes.utf8(" world"));
    assertThat(done.status()).isEqualTo(201);
    assertThat(done.header("Location")).isEqualTo("/v2/x/blobs/" + digest);
    assertThat(call(HttpMethod.GET, "/v2/x/blobs/" + digest).body().utf8())
        .isEqualTo("hello world");
    assertThat(call(HttpMethod.GET, location).code()).isEqualTo("BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void end6_wrongDigestIsRefusedAndNothingIsVisible() throws IOException {
    String location = call(HttpMethod.POST, "/v2/x/blobs/uploads/").header("Location");
    Digest wrong = Digest.sha256(Bytes.utf8("other"));
    Reply done =
        call(HttpMethod.PUT, location + "?digest=" + wrong, Headers.empty(), Bytes.utf8("data"));
    assertThat(done.status()).isEqualTo(400);
    assertThat(done.code()).isEqualTo("DIGEST_INVALID");
    assertThat(call(HttpMethod.HEAD, "/v2/x/blobs/" + wrong).status()).isEqualTo(404);
    assertThat(call(HttpMethod.HEAD, "/v2/x/blobs/" + Digest.sha256(Bytes.utf8("data"))).status())
        .isEqualTo(404);
  }

  @Test
  void end4b_monolithicPostRejectsWrongDigest() throws IOException {
    Digest wrong = Digest.sha256(Bytes.utf8("not this"));
    Reply r =
        call(
            HttpMethod.POST,
            "/v2/x/blobs/uploads/?digest=" + wrong,
            Headers.empty(),
            Bytes.utf8("this"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("DIGEST_INVALID");
  }

  @Test
  void digestAlgorithmSha512() throws IOException {
    Reply start = call(HttpMethod.POST, "/v2/x/blobs/uploads/?digest-algorithm=sha512");
    Bytes content = Bytes.utf8("sha512 content");
    Digest digest = Digest.of(DigestAlgorithm.SHA512, content);
    Reply done =
        call(
            HttpMethod.PUT,
            start.header("Location") + "?digest=" + digest,
            Headers.empty(),
            content);
    assertThat(done.status()).isEqualTo(201);
    assertThat(call(HttpMethod.GET, "/v2/x/blobs/" + digest).body()).isEqualTo(content);
    assertThat(call(HttpMethod.POST, "/v2/x/blobs/uploads/?digest-algorithm=md5").status())
        .isEqualTo(400);
  }

  @Test
  void end14_cancelRemovesTheUpload() throws IOException {
    String location = call(HttpMethod.POST, "/v2/x/blobs/uploads/").header("Location");
    assertThat(call(HttpMethod.DELETE, location).status()).isEqualTo(204);
    assertThat(call(HttpMethod.GET, location).status()).isEqualTo(404);
    assertThat(
            call(
                    HttpMethod.GET,
                    "/v2/y/blobs/uploads/" + location.substring(location.lastIndexOf('/') + 1))
                .code())
        .isEqualTo("BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void end11_mountLinksOrFallsBackToAnUpload() throws IOException {
    Descriptor d = pushBlob("src/repo", MediaType.OCTET_STREAM, Bytes.utf8("shared"));
    Reply mounted =
        call(HttpMethod.POST, "/v2/dst/repo/blobs/uploads/?mount=" + d.digest() + "&from=src/repo");
    assertThat(mounted.status()).isEqualTo(201);
    assertThat(call(HttpMethod.GET, "/v2/dst/repo/blobs/" + d.digest()).body().utf8())
        .isEqualTo("shared");
    Reply fallback =
        call(
            HttpMethod.POST,
            "/v2/dst/other/blobs/uploads/?mount="
                + Digest.sha256(Bytes.utf8("none"))
                + "&from=src/repo");
    assertThat(fallback.status()).isEqualTo(202);
    assertThat(fallback.header("Location")).startsWith("/v2/dst/other/blobs/uploads/");
  }

  @Test
  void end7_end3_manifestPushAndPullByTagAndDigest() throws IOException {
    RawManifest m = image("app", "1");
    Reply put = putManifest("app", "v1", m);
    assertThat(put.status()).isEqualTo(201);
    assertThat(put.header("Docker-Content-Digest")).isEqualTo(m.digest().toString());
    for (String ref : List.of("v1", m.digest().toString())) {
      Reply get = call(HttpMethod.GET, "/v2/app/manifests/" + ref);
      assertThat(get.status()).isEqualTo(200);
      assertThat(get.body()).isEqualTo(m.bytes());
      assertThat(get.header("Content-Type")).isEqualTo(m.mediaType().value());
      Reply head = call(HttpMethod.HEAD, "/v2/app/manifests/" + ref);
      assertThat(head.header("Content-Length")).isEqualTo(Long.toString(m.size()));
    }
    assertThat(call(HttpMethod.GET, "/v2/app/manifests/v2").code()).isEqualTo("MANIFEST_UNKNOWN");
  }

  @Test
  void end7_missingBlobsAndChildrenAreRefused() throws IOException {
    RawManifest m = image("other", "x");
    Reply put = putManifest("app", "v1", m);
    assertThat(put.status()).isEqualTo(400);
    assertThat(put.code()).isEqualTo("MANIFEST_BLOB_UNKNOWN");
    RawManifest index =
        ManifestCodec.defaults()
            .encode(
                ImageIndex.of(List.of(m.descriptor().withPlatform(Platform.of("linux", "amd64")))));
    assertThat(putManifest("app", "multi", index).code()).isEqualTo("MANIFEST_BLOB_UNKNOWN");
    assertThat(putManifest("other", "v1", m).status()).isEqualTo(201);
    assertThat(putManifest("other", "multi", index).status()).isEqualTo(201);
  }

  @Test
  void end7_schema1AndOversizedAndMismatchedManifestsAreRefused() throws IOException {
    Reply schema1 =
        call(
            HttpMethod.PUT,
            "/v2/app/manifests/old",
            Headers.builder()
                .set("Content-Type", MediaType.DOCKER_MANIFEST_V1_SIGNED.value())
                .build(),
            Bytes.utf8("{\"schemaVersion\":1}"));
    assertThat(schema1.status()).isEqualTo(400);
    assertThat(schema1.code()).isEqualTo("MANIFEST_INVALID");
    Registry small = Registry.builder(RegistryStorage.inMemory()).maxManifestBytes(16).build();
    RegistryResponse big =
        small.handle(
            new RegistryRequest(
                HttpMethod.PUT,
                "/v2/app/manifests/big",
                "",
                Headers.empty(),
                new ByteArrayInputStream(new byte[1024])));
    assertThat(big.status()).isEqualTo(413);
    RawManifest m = image("app", "d");
    Digest wrong = Digest.sha256(Bytes.utf8("x"));
    assertThat(putManifest("app", wrong.toString(), m).code()).isEqualTo("DIGEST_INVALID");
  }

  @Test
  void end7_manifestsThatGoClientsReadDifferentlyAreRefused() throws IOException {
    RawManifest m = image("app", "go");
    String missing = Digest.sha256(Bytes.utf8("not pushed")).toString();
    // Go's encoding/json (skopeo, containerd) would read "Layers" as the layers: a missing blob.
    String layers =
        m.bytes()
            .utf8()
            .replace(
                "\"layers\":",
                "\"Layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
                    + missing
                    + "\",\"size\":5}],\"layers\":");
    Map<String, String> named =
        Map.of(layers, "\"Layers\"", "\ufeff" + m.bytes().utf8(), "byte order mark");
    for (var body : named.entrySet()) {
      Reply put =
          call(
              HttpMethod.PUT,
              "/v2/app/manifests/ambiguous",
              Headers.builder().set("Content-Type", m.mediaType().value()).build(),
              Bytes.utf8(body.getKey()));
      assertThat(put.status()).isEqualTo(400);
      assertThat(put.code()).isEqualTo("MANIFEST_INVALID");
      assertThat(ErrorResponse.parse(put.body()).orElseThrow().errors().get(0).message())
          .contains(body.getValue());
    }
    assertThat(call(HttpMethod.GET, "/v2/app/manifests/ambiguous").code())
        .isEqualTo("MANIFEST_UNKNOWN");
  }

  @Test
  void end7_putByDigestWithSeveralTags() throws IOException {
    RawManifest m = image("app", "t");
    Reply put =
        call(
            HttpMethod.PUT,
            "/v2/app/manifests/" + m.digest() + "?tag=a&tag=b&tag=c",
            Headers.builder().set("Content-Type", m.mediaType().value()).build(),
            m.bytes());
    assertThat(put.status()).isEqualTo(201);
    assertThat(call(HttpMethod.GET, "/v2/app/tags/list").body().utf8())
        .isEqualTo("{\"name\":\"app\",\"tags\":[\"a\",\"b\",\"c\"]}");
  }

  @Test
  void end7b_eachTagAppliedIsAnsweredWithAnOciTagHeader() throws IOException {
    RawManifest m = image("app", "oci-tag");
    Reply put =
        call(
            HttpMethod.PUT,
            "/v2/app/manifests/" + m.digest() + "?tag=1.2.3&tag=1.2&tag=latest",
            Headers.builder().set("Content-Type", m.mediaType().value()).build(),
            m.bytes());
    assertThat(put.status()).isEqualTo(201);
    // RFC 9110 lets several header lines be folded into one list: both forms count.
    List<String> tags = new java.util.ArrayList<>();
    put.headers().all("OCI-Tag").forEach(v -> tags.addAll(List.of(v.split("\\s*,\\s*"))));
    assertThat(tags).containsExactly("1.2.3", "1.2", "latest");
    Reply byTag = putManifest("app", "plain", m);
    assertThat(byTag.status()).isEqualTo(201);
    assertThat(byTag.headers().all("OCI-Tag")).isEmpty();
  }

  @Test
  void end7a_anImageManifestWithoutLayersIsStored() throws IOException {
    Descriptor config =
        pushBlob("empty", MediaType.OCI_IMAGE_CONFIG, Bytes.utf8("{\"architecture\":\"amd64\"}"));
    RawManifest m = ManifestCodec.defaults().encode(ImageManifest.of(config, List.of()));
    assertThat(m.bytes().utf8()).contains("\"layers\":[]");
    Reply put = putManifest("empty", "v1", m);
    assertThat(put.status()).isEqualTo(201);
    assertThat(call(HttpMethod.GET, "/v2/empty/manifests/v1").body()).isEqualTo(m.bytes());
  }

  @Test
  void end3_end9_aReferenceThatIsNoValidTagIsManifestUnknown() throws IOException {
    for (String bad : List.of("bad!tag", ".INVALID_MANIFEST_NAME", "-x", "a".repeat(129))) {
      for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.DELETE)) {
        Reply r = call(method, "/v2/a/manifests/" + bad);
        assertThat(r.status()).as("%s %s", method, bad).isEqualTo(404);
        assertThat(r.code()).as("%s %s", method, bad).isEqualTo("MANIFEST_UNKNOWN");
      }
      Reply head = call(HttpMethod.HEAD, "/v2/a/manifests/" + bad);
      assertThat(head.status()).isEqualTo(404);
      // Nothing can be stored there, so a PUT stays a client error.
      RawManifest m = image("a", "bad-tag");
      Reply put = putManifest("a", bad, m);
      assertThat(put.status()).as("PUT %s", bad).isEqualTo(400);
      assertThat(put.code()).isEqualTo("TAG_INVALID");
    }
  }

  @Test
  void end4a_end6_aSessionStartedWithoutAnAlgorithmFinishesWithSha512() throws IOException {
    Bytes content = Bytes.utf8("0123456789".repeat(10_000));
    Digest sha512 = Digest.of(DigestAlgorithm.SHA512, content);
    // post + put
    String location = call(HttpMethod.POST, "/v2/x/blobs/uploads/").header("Location");
    Reply done = call(HttpMethod.PUT, location + "?digest=" + sha512, Headers.empty(), content);
    assertThat(done.status()).isEqualTo(201);
    assertThat(done.header("Docker-Content-Digest")).isEqualTo(sha512.toString());
    assertThat(call(HttpMethod.GET, "/v2/x/blobs/" + sha512).body()).isEqualTo(content);
    // chunked: two PATCHes, then the PUT
    String chunked = call(HttpMethod.POST, "/v2/y/blobs/uploads/").header("Location");
    int half = content.size() / 2;
    Bytes first = Bytes.of(java.util.Arrays.copyOfRange(content.toByteArray(), 0, half));
    Bytes second =
        Bytes.of(java.util.Arrays.copyOfRange(content.toByteArray(), half, content.size()));
    assertThat(
            call(
                    HttpMethod.PATCH,
                    chunked,
                    Headers.builder().set("Content-Range", "0-" + (half - 1)).build(),
                    first)
                .status())
        .isEqualTo(202);
    assertThat(
            call(
                    HttpMethod.PATCH,
                    chunked,
                    Headers.builder()
                        .set("Content-Range", half + "-" + (content.size() - 1))
                        .build(),
                    second)
                .status())
        .isEqualTo(202);
    assertThat(call(HttpMethod.PUT, chunked + "?digest=" + sha512).status()).isEqualTo(201);
    assertThat(call(HttpMethod.GET, "/v2/y/blobs/" + sha512).body()).isEqualTo(content);
    // a mount of a blob the source lacks falls back to a session, which ends with sha512 too
    Bytes other = Bytes.utf8("other content");
    Digest other512 = Digest.of(DigestAlgorithm.SHA512, other);
    String fallback =
        call(HttpMethod.POST, "/v2/z/blobs/uploads/?mount=" + other512 + "&from=x")
            .header("Location");
    assertThat(
            call(HttpMethod.PUT, fallback + "?digest=" + other512, Headers.empty(), other).status())
        .isEqualTo(201);
    // a wrong sha512 is refused and stores nothing
    String wrong = call(HttpMethod.POST, "/v2/x/blobs/uploads/").header("Location");
    Digest bad = Digest.of(DigestAlgorithm.SHA512, Bytes.utf8("not this"));
    Reply refused = call(HttpMethod.PUT, wrong + "?digest=" + bad, Headers.empty(), other);
    assertThat(refused.code()).isEqualTo("DIGEST_INVALID");
    assertThat(call(HttpMethod.HEAD, "/v2/x/blobs/" + bad).status()).isEqualTo(404);
  }

  @Test
  void end12_referrersWithSubjectAndFilter() throws IOException {
    RawManifest subject = image("app", "s");
    putManifest("app", "v1", subject);
    Descriptor empty = pushBlob("app", MediaType.OCI_EMPTY_JSON, Bytes.utf8("{}"));
    RawManifest sbom =
        ManifestCodec.defaults()
            .encode(
                new ImageManifest(
                        2,
                        MediaType.OCI_IMAGE_MANIFEST,
                        java.util.Optional.of(MediaType.parse("application/vnd.example.sbom")),
                        empty,
                        List.of(empty),
                        java.util.Optional.empty(),
                        Map.of())
                    .withSubject(subject.descriptor()));
    Reply put = putManifest("app", sbom.digest().toString(), sbom);
    assertThat(put.status()).isEqualTo(201);
    assertThat(put.header("OCI-Subject")).isEqualTo(subject.digest().toString());
    Reply all = call(HttpMethod.GET, "/v2/app/referrers/" + subject.digest());
    assertThat(all.status()).isEqualTo(200);
    ImageIndex index = (ImageIndex) ManifestCodec.defaults().read(all.body()).parse();
    assertThat(index.manifests()).extracting(Descriptor::digest).containsExactly(sbom.digest());
    Reply filtered =
        call(
            HttpMethod.GET,
            "/v2/app/referrers/" + subject.digest() + "?artifactType=application/x-other");
    assertThat(filtered.header("OCI-Filters-Applied")).isEqualTo("artifactType");
    assertThat(((ImageIndex) ManifestCodec.defaults().read(filtered.body()).parse()).manifests())
        .isEmpty();
    Reply unknown =
        call(HttpMethod.GET, "/v2/app/referrers/" + Digest.sha256(Bytes.utf8("nothing")));
    assertThat(unknown.status()).isEqualTo(200);
  }

  @Test
  void end8_tagsAndCatalogArePagedWithLinks() throws IOException {
    RawManifest m = image("pages", "p");
    for (String tag : List.of("b", "a", "c", "D")) {
      putManifest("pages", tag, m);
    }
    Reply first = call(HttpMethod.GET, "/v2/pages/tags/list?n=2");
    assertThat(first.body().utf8()).isEqualTo("{\"name\":\"pages\",\"tags\":[\"D\",\"a\"]}");
    assertThat(first.header("Link")).isEqualTo("</v2/pages/tags/list?n=2&last=a>; rel=\"next\"");
    Reply second = call(HttpMethod.GET, "/v2/pages/tags/list?n=2&last=a");
    assertThat(second.body().utf8()).isEqualTo("{\"name\":\"pages\",\"tags\":[\"b\",\"c\"]}");
    assertThat(second.header("Link")).isNull();
    assertThat(call(HttpMethod.GET, "/v2/pages/tags/list?n=0").body().utf8())
        .isEqualTo("{\"name\":\"pages\",\"tags\":[]}");
    assertThat(call(HttpMethod.GET, "/v2/nothing/tags/list").code()).isEqualTo("NAME_UNKNOWN");
    assertThat(call(HttpMethod.GET, "/v2/_catalog").body().utf8())
        .isEqualTo("{\"repositories\":[\"pages\"]}");
  }

  @Test
  void end9_end10_deletes() throws IOException {
    RawManifest m = image("del", "1");
    putManifest("del", "v1", m);
    putManifest("del", "v2", m);
    assertThat(call(HttpMethod.DELETE, "/v2/del/manifests/v1").status()).isEqualTo(202);
    assertThat(call(HttpMethod.GET, "/v2/del/manifests/v2").status()).isEqualTo(200);
    assertThat(call(HttpMethod.DELETE, "/v2/del/manifests/" + m.digest()).status()).isEqualTo(202);
    assertThat(call(HttpMethod.GET, "/v2/del/manifests/v2").status()).isEqualTo(404);
    Digest layer = ((ImageManifest) m.parse()).layers().get(0).digest();
    assertThat(call(HttpMethod.DELETE, "/v2/del/blobs/" + layer).status()).isEqualTo(202);
    assertThat(call(HttpMethod.GET, "/v2/del/blobs/" + layer).status()).isEqualTo(404);
    Registry readOnly = Registry.builder(RegistryStorage.inMemory()).deletesEnabled(false).build();
    RegistryResponse r =
        readOnly.handle(
            new RegistryRequest(
                HttpMethod.DELETE,
                "/v2/x/manifests/v1",
                "",
                Headers.empty(),
                InputStream.nullInputStream()));
    assertThat(r.status()).isEqualTo(405);
  }

  /** An SBOM artifact of {@code subject}, its empty blob pushed to {@code repo}. */
  private RawManifest sbom(String repo, Descriptor subject) throws IOException {
    Descriptor empty = pushBlob(repo, MediaType.OCI_EMPTY_JSON, Bytes.utf8("{}"));
    return ManifestCodec.defaults()
        .encode(
            ImageManifest.artifact(MediaType.parse("application/vnd.example.sbom"), List.of(empty))
                .withSubject(subject));
  }

  /** The error message of a refusal. */
  private static String message(Reply r) {
    return ErrorResponse.parse(r.body()).orElseThrow().errors().get(0).message();
  }

  @Test
  void end7_descriptorSizesMustBeThoseOfTheStoredContent() throws Exception {
    RegistryStorage storage = RegistryStorage.inMemory();
    restartWith(Registry.builder(storage).build());
    Descriptor config = pushBlob("sizes", MediaType.OCI_IMAGE_CONFIG, Bytes.utf8("{\"s\":1}"));
    Descriptor layer =
        pushBlob("sizes", MediaType.OCI_LAYER_TAR_GZIP, Bytes.utf8("x".repeat(100_053)));
    Descriptor shortLayer = Descriptor.of(layer.mediaType(), layer.digest(), 5);
    RawManifest lying =
        ManifestCodec.defaults().encode(ImageManifest.of(config, List.of(shortLayer)));
    Reply refused = putManifest("sizes", "v1", lying);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("MANIFEST_INVALID");
    assertThat(message(refused))
        .contains("layers[0]", layer.digest().toString(), "5 bytes", "100053");
    Descriptor bigConfig = Descriptor.of(config.mediaType(), config.digest(), config.size() + 1);
    RawManifest lyingConfig =
        ManifestCodec.defaults().encode(ImageManifest.of(bigConfig, List.of(layer)));
    Reply configRefused = putManifest("sizes", "v1", lyingConfig);
    assertThat(configRefused.code()).isEqualTo("MANIFEST_INVALID");
    assertThat(message(configRefused)).contains("config", config.digest().toString());
    assertThat(call(HttpMethod.GET, "/v2/sizes/manifests/v1").status()).isEqualTo(404);

    RawManifest child = ManifestCodec.defaults().encode(ImageManifest.of(config, List.of(layer)));
    assertThat(putManifest("sizes", "v1", child).status()).isEqualTo(201);
    Descriptor wrongChild = Descriptor.of(child.mediaType(), child.digest(), child.size() + 7);
    RawManifest lyingIndex = ManifestCodec.defaults().encode(ImageIndex.of(List.of(wrongChild)));
    Reply indexRefused = putManifest("sizes", "multi", lyingIndex);
    assertThat(indexRefused.code()).isEqualTo("MANIFEST_INVALID");
    assertThat(message(indexRefused)).contains("manifests[0]", child.digest().toString());

    Descriptor wrongSubject = Descriptor.of(child.mediaType(), child.digest(), child.size() - 1);
    RawManifest referrer = sbom("sizes", wrongSubject);
    Reply subjectRefused = putManifest("sizes", referrer.digest().toString(), referrer);
    assertThat(subjectRefused.code()).isEqualTo("MANIFEST_INVALID");
    assertThat(message(subjectRefused)).contains("subject");
    assertThat(StorageCheck.check(storage).problems()).isEmpty();
  }

  @Test
  void end9_end10_deletesThatWouldBreakAStoredManifestAreRefused() throws Exception {
    RegistryStorage storage = RegistryStorage.inMemory();
    restartWith(Registry.builder(storage).build());
    RawManifest m = image("keep", "1");
    assertThat(putManifest("keep", "v1", m).status()).isEqualTo(201);
    RawManifest index =
        ManifestCodec.defaults()
            .encode(
                ImageIndex.of(List.of(m.descriptor().withPlatform(Platform.of("linux", "amd64")))));
    assertThat(putManifest("keep", "multi", index).status()).isEqualTo(201);
    Digest layer = ((ImageManifest) m.parse()).layers().get(0).digest();
    Digest config = ((ImageManifest) m.parse()).config().digest();

    Reply child = call(HttpMethod.DELETE, "/v2/keep/manifests/" + m.digest());
    assertThat(child.status()).isEqualTo(409);
    assertThat(child.code()).isEqualTo("DENIED");
    assertThat(message(child)).contains(m.digest().toString(), index.digest().toString());
    assertThat(call(HttpMethod.GET, "/v2/keep/manifests/" + m.digest()).status()).isEqualTo(200);
    Reply blob = call(HttpMethod.DELETE, "/v2/keep/blobs/" + layer);
    assertThat(blob.status()).isEqualTo(409);
    assertThat(blob.code()).isEqualTo("DENIED");
    assertThat(message(blob)).contains(layer.toString(), m.digest().toString(), "layer");
    assertThat(call(HttpMethod.GET, "/v2/keep/blobs/" + layer).status()).isEqualTo(200);
    assertThat(call(HttpMethod.DELETE, "/v2/keep/blobs/" + config).status()).isEqualTo(409);
    // Tag deletes are not refused.
    assertThat(call(HttpMethod.DELETE, "/v2/keep/manifests/v1").status()).isEqualTo(202);
    assertThat(StorageCheck.check(storage).problems()).isEmpty();

    // The referrer first, then what it referred to: every step is allowed, fsck stays clean.
    assertThat(call(HttpMethod.DELETE, "/v2/keep/manifests/" + index.digest()).status())
        .isEqualTo(202);
    assertThat(call(HttpMethod.DELETE, "/v2/keep/manifests/" + m.digest()).status()).isEqualTo(202);
    assertThat(call(HttpMethod.DELETE, "/v2/keep/blobs/" + layer).status()).isEqualTo(202);
    assertThat(call(HttpMethod.DELETE, "/v2/keep/blobs/" + config).status()).isEqualTo(202);
    assertThat(StorageCheck.check(storage).problems()).isEmpty();

    // A subject may go while its referrers stay (the spec lets them dangle).
    RawManifest subject = image("keep", "2");
    assertThat(putManifest("keep", "v2", subject).status()).isEqualTo(201);
    RawManifest sbom = sbom("keep", subject.descriptor());
    assertThat(putManifest("keep", sbom.digest().toString(), sbom).status()).isEqualTo(201);
    assertThat(call(HttpMethod.DELETE, "/v2/keep/manifests/" + subject.digest()).status())
        .isEqualTo(202);
    assertThat(StorageCheck.check(storage).problems()).isEmpty();
  }

  /** Restarts the transport with a registry over {@code storage}. */
  private void restartWith(Registry registry) throws Exception {
    stop();
    start(registry);
  }

  @Test
  void aStorageFailureIsTheSpecsJsonError500() throws Exception {
    StorageProbe failing = new StorageProbe(RegistryStorage.inMemory());
    restartWith(Registry.builder(failing.storage()).build());
    Bytes content = Bytes.utf8("written to a full disk");
    Digest digest = Digest.sha256(content);

    failing.failing().add("write");
    Reply upload =
        call(HttpMethod.POST, "/v2/x/blobs/uploads/?digest=" + digest, Headers.empty(), content);
    assertThat(upload.status()).isEqualTo(500);
    assertThat(upload.header("Content-Type")).isEqualTo("application/json");
    assertThat(upload.code()).isEqualTo("UNKNOWN");
    String requestId = upload.header("X-Request-Id");
    assertThat(requestId).isNotBlank();
    assertThat(upload.body().utf8()).contains(requestId).doesNotContain("No space left");
    assertThat(call(HttpMethod.HEAD, "/v2/x/blobs/" + digest).status()).isEqualTo(404);

    failing.failing().clear();
    RawManifest m = image("x", "before the database failed");
    assertThat(putManifest("x", "v1", m).status()).isEqualTo(201);

    failing.failing().addAll(List.of("resolveTag", "getManifest"));
    Reply get = call(HttpMethod.GET, "/v2/x/manifests/v1");
    assertThat(get.status()).isEqualTo(500);
    assertThat(get.code()).isEqualTo("UNKNOWN");
    Reply head = call(HttpMethod.HEAD, "/v2/x/manifests/v1");
    assertThat(head.status()).isEqualTo(500);
    assertThat(head.body().isEmpty()).isTrue();

    failing.failing().add("putManifest");
    Reply put = putManifest("x", "v2", image("x", "during"));
    assertThat(put.status()).isEqualTo(500);
    assertThat(put.code()).isEqualTo("UNKNOWN");

    // Nothing was damaged: once the store is back, everything answers as before.
    failing.failing().clear();
    assertThat(call(HttpMethod.GET, "/v2/x/manifests/v1").body()).isEqualTo(m.bytes());
    assertThat(
            call(HttpMethod.POST, "/v2/x/blobs/uploads/?digest=" + digest, Headers.empty(), content)
                .status())
        .isEqualTo(201);
  }

  @Test
  void hooksSeeTheRequestContextAndEveryResponseCarriesItsId() throws Exception {
    java.util.List<RequestContext> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    restartWith(
        Registry.builder(RegistryStorage.inMemory())
            .authenticator(
                (request, headers) -> {
                  seen.add(request);
                  return Authentication.anonymous();
                })
            .build());
    Reply ok = call(HttpMethod.GET, "/v2/some/repo/tags/list?n=5");
    Reply refused = call(HttpMethod.GET, "/v2/some/repo/manifests/sha256:zz");
    assertThat(ok.header("X-Request-Id")).isNotBlank();
    assertThat(refused.header("X-Request-Id")).isNotBlank().isNotEqualTo(ok.header("X-Request-Id"));
    RequestContext first = seen.get(0);
    assertThat(first.requestId()).isEqualTo(ok.header("X-Request-Id"));
    assertThat(first.endpoint()).isEqualTo(Endpoint.TAGS_PAGE);
    assertThat(first.repository()).contains(new io.wharf.oci.model.ref.RepositoryName("some/repo"));
    assertThat(first.accesses())
        .containsExactly(Access.pull(new io.wharf.oci.model.ref.RepositoryName("some/repo")));
    assertThat(seen.get(1).reference()).contains("sha256:zz");
    if (knowsClientAddress()) {
      assertThat(first.clientAddress()).isPresent();
      assertThat(first.clientAddress().get().getAddress().isLoopbackAddress()).isTrue();
    } else {
      assertThat(first.clientAddress()).isEmpty();
    }
  }

  @Test
  void badNamesReferencesAndEndpoints() throws IOException {
    assertThat(call(HttpMethod.GET, "/v2/UPPER/tags/list").code()).isEqualTo("NAME_INVALID");
    // A dot segment never reaches a repository: the engine refuses the name, a transport the path.
    assertThat(call(HttpMethod.GET, "/v2/a/../b/tags/list").code())
        .isIn("NAME_INVALID", "NAME_UNKNOWN");
    assertThat(call(HttpMethod.GET, "/v2/a/manifests/bad!tag").code())
        .isEqualTo("MANIFEST_UNKNOWN");
    assertThat(call(HttpMethod.GET, "/v2/a/blobs/sha256:abc").code()).isEqualTo("DIGEST_INVALID");
    assertThat(call(HttpMethod.GET, "/v3/").status()).isEqualTo(404);
    Reply patch = call(HttpMethod.PATCH, "/v2/a/manifests/v1");
    assertThat(patch.status()).isEqualTo(405);
    assertThat(patch.header("Allow")).isEqualTo("GET, HEAD, PUT, DELETE");
    Reply head = call(HttpMethod.HEAD, "/v2/a/manifests/missing");
    assertThat(head.status()).isEqualTo(404);
    assertThat(head.body().isEmpty()).isTrue();
  }
}
