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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blob endpoints: end-2 (GET/HEAD), end-10 (DELETE), uploads end-4 … end-6, end-11, end-13, end-14.
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

  /** end-2: a blob linked to the repository, whole or a range (206), or its headers (HEAD). */
  RegistryResponse get(Route route, RegistryRequest request) throws IOException {
    RepositoryName repo = route.name();
    Digest digest = Digest.parse(route.target());
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
    Headers.Builder h =
        Headers.builder()
            .set("Content-Type", "application/octet-stream")
            .set("Docker-Content-Digest", digest.toString())
            .set("Accept-Ranges", "bytes")
            .set("ETag", "\"" + digest + "\"");
    ByteRange range = ByteRange.all(info.size());
    int status = 200;
    Optional<String> rangeHeader = request.headers().first("Range");
    if (rangeHeader.isPresent()) {
      range = ByteRange.parse(rangeHeader.get(), info.size());
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

  /** end-10: unlinks the blob from the repository; garbage collection frees the bytes later. */
  RegistryResponse delete(Route route) throws IOException {
    checkDeletes();
    RepositoryName repo = route.name();
    Digest digest = Digest.parse(route.target());
    if (!metadata.unlinkBlob(repo, digest)) {
      throw blobUnknown(repo, digest);
    }
    return RegistryResponse.of(202, Headers.builder().set("Content-Length", "0").build());
  }

  private void checkDeletes() {
    if (!settings.deletesEnabled()) {
      throw new UnsupportedOciException(
          ErrorCode.UNSUPPORTED, "deletes are disabled on this registry", null, 405, null);
    }
  }

  /**
   * end-4a (session), end-4b (monolithic, {@code ?digest=}), end-11 (mount, {@code ?mount=&from=},
   * falling back to a session when the source does not have the blob).
   */
  RegistryResponse startUpload(Route route, RegistryRequest request) throws IOException {
    RepositoryName repo = route.name();
    Optional<String> mount = request.queryParam("mount");
    if (mount.isPresent()) {
      Digest digest = Digest.parse(mount.get());
      Optional<String> from = request.queryParam("from");
      Optional<BlobInfo> mounted = Optional.empty();
      if (from.isPresent()) {
        RepositoryName source = new RepositoryName(from.get());
        if (metadata.isBlobLinked(source, digest)) {
          mounted = blobs.stat(digest);
        }
      } else if (metadata.isBlobLinked(repo, digest)) {
        mounted = blobs.stat(digest);
      }
      if (mounted.isPresent()) {
        metadata.linkBlob(repo, mounted.get());
        return created(repo, digest);
      }
      return sessionStarted(repo, DigestAlgorithm.SHA256);
    }
    Optional<String> digestParam = request.queryParam("digest");
    if (digestParam.isPresent()) {
      Digest digest = Digest.parse(digestParam.get());
      DigestAlgorithm algorithm = digest.requireAlgorithm();
      UploadSessions.Session s = settings.uploads().start(repo, algorithm);
      BlobInfo info;
      try {
        s.lock.lock();
        try {
          s.upload.write(request.body());
          OptionalLong length = request.headers().firstLong("Content-Length");
          info =
              length.isPresent()
                  ? s.upload.commit(digest, length.getAsLong())
                  : s.upload.commit(digest);
        } finally {
          s.lock.unlock();
        }
      } catch (IOException | RuntimeException e) {
        s.upload.cancel();
        throw e;
      } finally {
        end(s);
      }
      metadata.linkBlob(repo, info);
      return created(repo, digest);
    }
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
    return sessionStarted(repo, algorithm);
  }

  private RegistryResponse sessionStarted(RepositoryName repo, DigestAlgorithm algorithm)
      throws IOException {
    UploadSessions.Session s = settings.uploads().start(repo, algorithm);
    return RegistryResponse.of(202, uploadHeaders(repo, s.upload).build());
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
   * end-5: appends a chunk, in order; a chunk at the wrong offset is 416 with the current range.
   */
  RegistryResponse patch(Route route, RegistryRequest request) throws IOException {
    RepositoryName repo = route.name();
    UploadSessions.Session s = settings.uploads().find(repo, route.target());
    s.lock.lock();
    try {
      Optional<String> contentRange = request.headers().first("Content-Range");
      if (contentRange.isPresent()) {
        ChunkRange chunk = ChunkRange.parse(contentRange.get());
        if (chunk.start() != s.upload.offset()) {
          throw outOfOrder(repo, s.upload, chunk.start());
        }
        OptionalLong length = request.headers().firstLong("Content-Length");
        if (length.isPresent() && length.getAsLong() != chunk.length()) {
          throw new InvalidContentException(
              ErrorCode.SIZE_INVALID,
              "Content-Length "
                  + length.getAsLong()
                  + " does not match Content-Range "
                  + contentRange.get());
        }
      }
      s.upload.write(request.body());
      return RegistryResponse.of(202, uploadHeaders(repo, s.upload).build());
    } finally {
      s.lock.unlock();
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
    return new InvalidContentException(
        ErrorCode.BLOB_UPLOAD_INVALID,
        "chunk starts at byte "
            + start
            + " but upload "
            + upload.id()
            + " in "
            + repo
            + " has "
            + upload.offset()
            + " bytes",
        java.util.Map.of("range", "0-" + Math.max(0, upload.offset() - 1)),
        416,
        null);
  }

  /** end-6: the last chunk (optional) and the digest; publishes the blob and links it. */
  RegistryResponse finish(Route route, RegistryRequest request) throws IOException {
    RepositoryName repo = route.name();
    UploadSessions.Session s = settings.uploads().find(repo, route.target());
    String digestText =
        request
            .queryParam("digest")
            .orElseThrow(
                () ->
                    new InvalidContentException(
                        ErrorCode.DIGEST_INVALID, "the digest query parameter is required"));
    Digest digest = Digest.parse(digestText);
    BlobInfo info;
    s.lock.lock();
    try {
      Optional<String> contentRange = request.headers().first("Content-Range");
      if (contentRange.isPresent()) {
        ChunkRange chunk = ChunkRange.parse(contentRange.get());
        if (chunk.start() != s.upload.offset()) {
          throw outOfOrder(repo, s.upload, chunk.start());
        }
      }
      s.upload.write(request.body());
      info = s.upload.commit(digest);
    } finally {
      s.lock.unlock();
    }
    end(s);
    metadata.linkBlob(repo, info);
    return created(repo, digest);
  }

  private void end(UploadSessions.Session s) throws IOException {
    settings.uploads().end(s);
    s.upload.close();
  }

  /** end-13: where the upload stands. */
  RegistryResponse status(Route route) {
    RepositoryName repo = route.name();
    UploadSessions.Session s = settings.uploads().find(repo, route.target());
    s.lock.lock();
    try {
      return RegistryResponse.of(204, uploadHeaders(repo, s.upload).build());
    } finally {
      s.lock.unlock();
    }
  }

  /** end-14: cancels the upload and removes its data. */
  RegistryResponse cancel(Route route) throws IOException {
    RepositoryName repo = route.name();
    UploadSessions.Session s = settings.uploads().find(repo, route.target());
    s.lock.lock();
    try {
      settings.uploads().end(s);
      s.upload.cancel();
    } finally {
      s.lock.unlock();
    }
    return RegistryResponse.of(204, Headers.builder().set("Content-Length", "0").build());
  }
}
