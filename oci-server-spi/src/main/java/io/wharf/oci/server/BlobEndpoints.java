package io.wharf.oci.server;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.error.UnsupportedOciException;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.BlobUpload;
import io.wharf.oci.storage.ByteRange;
import io.wharf.oci.storage.MetadataStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blob endpoints: end-2 (GET/HEAD), end-10 (DELETE), uploads end-4a/4b/4c, end-5, end-6, end-11,
 * end-13, end-14.
 */
final class BlobEndpoints {

  private static final Pattern CONTENT_RANGE =
      Pattern.compile("(?:bytes )?(\\d{1,19})-(\\d{1,19})");

  private static final int COPY_BUFFER = 256 * 1024;

  private final Registry.Settings settings;
  private final BlobStore blobs;
  private final MetadataStore metadata;

  BlobEndpoints(Registry.Settings settings) {
    this.settings = settings;
    this.blobs = settings.storage().blobs();
    this.metadata = settings.storage().metadata();
  }

  private static RepositoryName repository(RequestContext context) {
    return context.repository().orElseThrow();
  }

  private static String target(RequestContext context) {
    return context.reference().orElse("");
  }

  /** end-2: a blob linked to the repository, whole or a range (206), or its headers (HEAD). */
  RegistryResponse get(RequestContext context, RegistryRequest request) throws IOException {
    RepositoryName repo = repository(context);
    Digest digest = Digest.parse(target(context));
    BlobInfo info = linkedBlob(repo, digest);
    Optional<URI> redirect = blobs.redirect(digest);
    if (redirect.isPresent() && request.method() == HttpMethod.GET) {
      return RegistryResponse.of(
          307,
          Headers.builder()
              .set("Location", redirect.get().toString())
              .set("Docker-Content-Digest", digest.toString())
              .build());
    }
    String etag = "\"" + digest + "\"";
    Headers.Builder h =
        Headers.builder()
            .set("Content-Type", "application/octet-stream")
            .set("Docker-Content-Digest", digest.toString())
            .set("Accept-Ranges", "bytes")
            .set("ETag", etag);
    ByteRange range = ByteRange.all(info.size());
    int status = 200;
    // RFC 9110 13.1.5: an If-Range that is not this blob's entity tag (a date: no Last-Modified
    // is sent) asks for the whole blob.
    boolean rangeApplies =
        request.headers().first("If-Range").map(v -> v.strip().equals(etag)).orElse(true);
    Optional<ByteRange> asked =
        request
            .headers()
            .first("Range")
            .filter(r -> rangeApplies)
            .flatMap(r -> ByteRange.resolve(r, info.size()));
    if (asked.isPresent()) {
      range = asked.get();
      status = 206;
      h.set("Content-Range", "bytes " + range.offset() + "-" + range.last() + "/" + info.size());
    }
    if (request.method() == HttpMethod.HEAD) {
      h.set("Content-Length", Long.toString(range.length()));
      return RegistryResponse.of(status, h.build());
    }
    ByteRange slice = range;
    ResponseBody body =
        new ResponseBody() {
          @Override
          public long contentLength() {
            return slice.length();
          }

          @Override
          public void writeTo(OutputStream out) throws IOException {
            // 256 KiB at a time: InputStream.transferTo's 8 KiB buffer costs a servlet
            // container one write call per 8 KiB.
            try (InputStream in = blobs.open(digest, slice)) {
              byte[] buffer = new byte[COPY_BUFFER];
              for (int n; (n = in.read(buffer)) != -1; ) {
                out.write(buffer, 0, n);
              }
            }
          }

          @Override
          public void transferTo(WritableByteChannel channel) throws IOException {
            blobs.transferTo(digest, slice, channel);
          }
        };
    return new RegistryResponse(status, h.build(), Optional.of(body));
  }

  private BlobInfo linkedBlob(RepositoryName repo, Digest digest) throws IOException {
    if (!metadata.isBlobLinked(repo, digest)) {
      throw blobUnknown(repo, digest);
    }
    return blobs.stat(digest).orElseThrow(() -> blobUnknown(repo, digest));
  }

  private static NotFoundException blobUnknown(RepositoryName repo, Digest digest) {
    return new NotFoundException(
        ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is unknown in " + repo, detail(digest));
  }

  private static java.util.Map<String, String> detail(Digest digest) {
    return java.util.Map.of("digest", digest.toString());
  }

  /**
   * end-10: unlinks the blob from the repository; garbage collection frees the bytes later. A blob
   * that a manifest of the repository has as its config or a layer stays: the store's {@link
   * io.wharf.oci.storage.StillReferencedException} is answered {@code 409 DENIED} naming the
   * manifests (delete them first).
   */
  RegistryResponse delete(RequestContext context) throws IOException {
    checkDeletes();
    RepositoryName repo = repository(context);
    Digest digest = Digest.parse(target(context));
    if (!metadata.unlinkBlob(repo, digest)) {
      throw blobUnknown(repo, digest);
    }
    settings
        .events()
        .emit(context, RegistryEvent.Kind.BLOB_DELETED, 202, digest, Optional.empty(), Set.of());
    return RegistryResponse.of(202, Headers.builder().set("Content-Length", "0").build());
  }

  private void checkDeletes() {
    if (!settings.deletesEnabled()) {
      throw new UnsupportedOciException(
          ErrorCode.UNSUPPORTED, "deletes are disabled on this registry", null, 405, null);
    }
  }

  /**
   * end-11: links the blob to the repository when the caller may pull it from the source ({@code
   * from}, or the repository itself without it) and the source has it; otherwise starts an upload
   * session (202), as the spec allows, so that the client uploads the bytes instead. A source the
   * caller may not read is treated as one that does not have the blob: the answer tells nothing
   * about it. A mount that takes the project over its quota ({@link Quotas}) is {@code 403 DENIED}.
   */
  RegistryResponse mount(RequestContext context, RegistryRequest request) throws IOException {
    RepositoryName repo = repository(context);
    Digest digest = Digest.parse(request.queryParam("mount").orElseThrow());
    RepositoryName source =
        context.accesses().size() > 1 ? context.accesses().get(1).repository().orElseThrow() : repo;
    Optional<BlobInfo> mounted = Optional.empty();
    if ((source.equals(repo) || settings.access().allows(context.identity(), Access.pull(source)))
        && metadata.isBlobLinked(source, digest)) {
      mounted = blobs.stat(digest);
    }
    if (mounted.isEmpty()) {
      return sessionStarted(context, DigestAlgorithm.SHA256);
    }
    BlobInfo info = mounted.get();
    boolean linked =
        settings
            .quotas()
            .admitBlob(
                context,
                digest,
                info.size(),
                "this mount",
                () -> BlobLinks.link(metadata, blobs, repo, info));
    if (!linked) {
      // Garbage collection deleted the bytes since they were looked at: upload them instead.
      return sessionStarted(context, DigestAlgorithm.SHA256);
    }
    settings.events().mounted(context, digest, source);
    return created(repo, digest);
  }

  /**
   * end-4b: the whole blob in one POST, verified against {@code digest}. With a quota, a {@code
   * Content-Length} that would take the project over it is refused before a session starts.
   */
  RegistryResponse uploadMonolithic(RequestContext context, RegistryRequest request)
      throws IOException {
    RepositoryName repo = repository(context);
    Digest digest = Digest.parse(request.queryParam("digest").orElseThrow());
    DigestAlgorithm algorithm = digest.requireAlgorithm();
    OptionalLong length = request.headers().firstLong("Content-Length");
    InputStream body =
        settings.quotas().admitUpload(context, Optional.of(digest), 0, length, request.body());
    UploadSessions.Session s = settings.uploads().start(repo, context.clientAddress(), algorithm);
    BlobInfo info;
    try {
      s.lock.lock();
      try {
        s.upload().write(body);
        info = commitAndLink(context, s, digest, length);
      } finally {
        s.lock.unlock();
      }
    } catch (IOException | RuntimeException e) {
      s.upload().cancel();
      throw e;
    } finally {
      end(s);
    }
    return pushed(context, repo, info);
  }

  /**
   * Commits the upload of {@code s} as {@code digest} (of {@code length} bytes, when given) and
   * links it to the repository, under the project's quota ({@link QuotaEnforcer#admitBlob}).
   */
  private BlobInfo commitAndLink(
      RequestContext context, UploadSessions.Session s, Digest digest, OptionalLong length)
      throws IOException {
    BlobUpload upload = s.upload();
    return settings
        .quotas()
        .admitBlob(
            context,
            digest,
            upload.offset(),
            "this upload",
            () -> {
              BlobInfo info =
                  length.isPresent()
                      ? upload.commit(digest, length.getAsLong())
                      : upload.commit(digest);
              if (!BlobLinks.link(metadata, blobs, s.repository, info)) {
                throw new NotFoundException(
                    ErrorCode.BLOB_UPLOAD_UNKNOWN,
                    "blob "
                        + digest
                        + " was garbage-collected while this upload finished; upload it again");
              }
              return info;
            });
  }

  /**
   * end-4a and end-4c: starts an upload session, digested with {@code digest-algorithm} (sha256
   * when not given; the client may still finish it with a digest of another algorithm).
   */
  RegistryResponse startUpload(RequestContext context, RegistryRequest request) throws IOException {
    DigestAlgorithm algorithm =
        request
            .queryParam("digest-algorithm")
            .map(
                name ->
                    DigestAlgorithm.lookup(name)
                        .orElseThrow(
                            () ->
                                new UnsupportedOciException(
                                    ErrorCode.UNSUPPORTED,
                                    "digest algorithm '" + name + "' is not supported",
                                    null,
                                    400,
                                    null)))
            .orElse(DigestAlgorithm.SHA256);
    return sessionStarted(context, algorithm);
  }

  private RegistryResponse sessionStarted(RequestContext context, DigestAlgorithm algorithm)
      throws IOException {
    RepositoryName repo = repository(context);
    UploadSessions.Session s = settings.uploads().start(repo, context.clientAddress(), algorithm);
    return RegistryResponse.of(202, uploadHeaders(repo, s.upload()).build());
  }

  private Headers.Builder uploadHeaders(RepositoryName repo, BlobUpload upload) {
    long offset = upload.offset();
    return Headers.builder()
        .set("Location", "/v2/" + repo + "/blobs/uploads/" + upload.id())
        .set("Docker-Upload-UUID", upload.id().value())
        .set("Range", "0-" + Math.max(0, offset - 1))
        .set("OCI-Chunk-Min-Length", Long.toString(settings.chunkMinLength()))
        .set("Content-Length", "0");
  }

  private static RegistryResponse created(RepositoryName repo, Digest digest) {
    return RegistryResponse.of(
        201,
        Headers.builder()
            .set("Location", "/v2/" + repo + "/blobs/" + digest)
            .set("Docker-Content-Digest", digest.toString())
            .set("Content-Length", "0")
            .build());
  }

  /**
   * end-5: appends a chunk, in order; a chunk at the wrong offset is 416 with the current range,
   * and so is a chunk for a session another request is writing to (it answers at once, without
   * waiting: the client asks where the upload stands and goes on from there). A chunk that takes
   * the project over its quota ({@link Quotas}: by its {@code Content-Range} or {@code
   * Content-Length}, or as its bytes arrive) is {@code 403 DENIED} and cancels the session.
   */
  RegistryResponse patch(RequestContext context, RegistryRequest request) throws IOException {
    RepositoryName repo = repository(context);
    UploadSessions.Session s = lockOrRefuse(repo, settings.uploads().find(repo, target(context)));
    try {
      Optional<String> contentRange = request.headers().first("Content-Range");
      OptionalLong length = request.headers().firstLong("Content-Length");
      if (contentRange.isPresent()) {
        ChunkRange chunk = ChunkRange.parse(contentRange.get());
        if (chunk.start() != s.upload().offset()) {
          throw outOfOrder(repo, s.upload(), chunk.start());
        }
        if (length.isPresent() && length.getAsLong() != chunk.length()) {
          throw new InvalidContentException(
              ErrorCode.SIZE_INVALID,
              "Content-Length "
                  + length.getAsLong()
                  + " does not match Content-Range "
                  + contentRange.get());
        }
        length = OptionalLong.of(chunk.length());
      }
      write(s, guarded(context, s, Optional.empty(), length, request));
      return RegistryResponse.of(202, uploadHeaders(repo, s.upload()).build());
    } catch (QuotaEnforcer.QuotaExceededException e) {
      cancelRefused(s);
      throw e;
    } finally {
      settings.uploads().touch(s);
      s.lock.unlock();
    }
  }

  /**
   * {@code s} locked for this request; when another request holds it (a chunk still arriving, a
   * commit), 416 at once with the range received so far.
   */
  private UploadSessions.Session lockOrRefuse(RepositoryName repo, UploadSessions.Session s) {
    if (!s.lock.tryLock()) {
      BlobUpload upload = s.upload();
      throw rangeRefusal(
          "upload "
              + upload.id()
              + " in "
              + repo
              + " is receiving another request; ask where it stands and go on from there",
          upload);
    }
    return s;
  }

  /**
   * The request's body, refused as soon as it is known to take the project over its quota ({@link
   * QuotaEnforcer#admitUpload}); the bytes of {@code declared}, when known, count after those the
   * session holds.
   */
  private InputStream guarded(
      RequestContext context,
      UploadSessions.Session s,
      Optional<Digest> digest,
      OptionalLong declared,
      RegistryRequest request)
      throws IOException {
    return settings
        .quotas()
        .admitUpload(context, digest, s.upload().offset(), declared, request.body());
  }

  /** Ends a session whose upload a quota refused, and drops its bytes. */
  private void cancelRefused(UploadSessions.Session s) throws IOException {
    settings.uploads().end(s);
    s.upload().cancel();
  }

  /** Writes {@code body}; when the store no longer has the upload, the session ends. */
  private void write(UploadSessions.Session s, InputStream body) throws IOException {
    try {
      s.upload().write(body);
    } catch (NotFoundException e) {
      if (e.code() == ErrorCode.BLOB_UPLOAD_UNKNOWN) {
        settings.uploads().end(s); // cancelled meanwhile, or purged
      }
      throw e;
    }
  }

  /** A chunk's {@code Content-Range}, {@code <start>-<end>} inclusive. */
  private record ChunkRange(long start, long end) {
    static ChunkRange parse(String contentRange) {
      Matcher m = CONTENT_RANGE.matcher(contentRange.strip());
      if (!m.matches()) {
        throw invalidRange("Content-Range must be <start>-<end>");
      }
      try {
        long start = Long.parseLong(m.group(1));
        long end = Long.parseLong(m.group(2));
        if (end < start) {
          throw invalidRange("Content-Range ends before it starts");
        }
        return new ChunkRange(start, end);
      } catch (NumberFormatException e) {
        throw invalidRange("Content-Range numbers are too large");
      }
    }

    long length() {
      return end - start + 1;
    }

    private static InvalidContentException invalidRange(String message) {
      return new InvalidContentException(ErrorCode.BLOB_UPLOAD_INVALID, message, null, 416, null);
    }
  }

  private InvalidContentException outOfOrder(RepositoryName repo, BlobUpload upload, long start) {
    return rangeRefusal(
        "chunk starts at byte "
            + start
            + " but upload "
            + upload.id()
            + " in "
            + repo
            + " has "
            + upload.offset()
            + " bytes",
        upload);
  }

  /**
   * 416 {@code BLOB_UPLOAD_INVALID} with the range received so far (detail {@code range}, which the
   * engine also sends as the {@code Range} header).
   */
  private static InvalidContentException rangeRefusal(String message, BlobUpload upload) {
    return new InvalidContentException(
        ErrorCode.BLOB_UPLOAD_INVALID,
        message,
        java.util.Map.of(Registry.RANGE_DETAIL, "0-" + Math.max(0, upload.offset() - 1)),
        416,
        null);
  }

  /**
   * end-6: the last chunk (optional) and the digest; publishes the blob and links it, unless that
   * takes the project over its quota ({@link Quotas}): then {@code 403 DENIED}, and the session is
   * cancelled.
   */
  RegistryResponse finish(RequestContext context, RegistryRequest request) throws IOException {
    RepositoryName repo = repository(context);
    UploadSessions.Session s = settings.uploads().find(repo, target(context));
    String digestText =
        request
            .queryParam("digest")
            .orElseThrow(
                () ->
                    new InvalidContentException(
                        ErrorCode.DIGEST_INVALID, "the digest query parameter is required"));
    Digest digest = Digest.parse(digestText);
    BlobInfo info;
    lockOrRefuse(repo, s);
    try {
      Optional<String> contentRange = request.headers().first("Content-Range");
      if (contentRange.isPresent()) {
        ChunkRange chunk = ChunkRange.parse(contentRange.get());
        if (chunk.start() != s.upload().offset()) {
          throw outOfOrder(repo, s.upload(), chunk.start());
        }
      }
      write(
          s,
          guarded(
              context,
              s,
              Optional.of(digest),
              request.headers().firstLong("Content-Length"),
              request));
      info = commitAndLink(context, s, digest, OptionalLong.empty());
    } catch (QuotaEnforcer.QuotaExceededException e) {
      cancelRefused(s);
      throw e;
    } finally {
      settings.uploads().touch(s);
      s.lock.unlock();
    }
    end(s);
    return pushed(context, repo, info);
  }

  /** A blob upload is complete and linked: tell the listeners, answer 201. */
  private RegistryResponse pushed(RequestContext context, RepositoryName repo, BlobInfo info) {
    settings
        .events()
        .emit(
            context,
            RegistryEvent.Kind.BLOB_PUSHED,
            201,
            info.digest(),
            Optional.empty(),
            Set.of());
    return created(repo, info.digest());
  }

  private void end(UploadSessions.Session s) throws IOException {
    settings.uploads().end(s);
    s.upload().close();
  }

  /**
   * end-13: where the upload stands; at once, also while a chunk is arriving (then the bytes
   * received so far). After a restart, what the store holds.
   */
  RegistryResponse status(RequestContext context) throws IOException {
    RepositoryName repo = repository(context);
    UploadSessions.Session s = settings.uploads().find(repo, target(context));
    return RegistryResponse.of(204, uploadHeaders(repo, s.upload()).build());
  }

  /**
   * end-14: cancels the upload and removes its data, at once, also while a chunk is arriving: that
   * request then fails with {@code BLOB_UPLOAD_UNKNOWN} as soon as its body moves again.
   */
  RegistryResponse cancel(RequestContext context) throws IOException {
    RepositoryName repo = repository(context);
    UploadSessions.Session s = settings.uploads().find(repo, target(context));
    settings.uploads().end(s);
    s.upload().cancel();
    return RegistryResponse.of(204, Headers.builder().set("Content-Length", "0").build());
  }
}
