package io.wharf.oci.client;

import io.wharf.oci.client.internal.Exchanger;
import io.wharf.oci.client.internal.HttpRequest;
import io.wharf.oci.client.internal.HttpResponse;
import io.wharf.oci.client.internal.RemoteErrors;
import io.wharf.oci.client.internal.Retrier;
import io.wharf.oci.client.internal.Scope;
import io.wharf.oci.client.internal.TokenClient;
import io.wharf.oci.client.internal.Urls;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.model.Digester;
import io.wharf.oci.model.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One blob upload (distribution-spec "Pushing blobs"): a session (end-4a POST, or the session a
 * mount fell back to), then either one PUT with the whole body (end-6, small blobs with a known
 * digest) or PATCHes of chunks (end-5, with {@code Content-Range}, no smaller than the registry's
 * {@code OCI-Chunk-Min-Length}) closed by a PUT with the digest (end-6). A {@linkplain
 * BlobSource#streamed() streamed} source (a copy's download) goes in one PATCH of the whole blob,
 * chunks only after a 413.
 *
 * <p>A PATCH is never resent as it was: after a failure, the client asks where the upload stands
 * (end-13, {@code GET} the session: {@code Range: 0-N}) and continues from byte N+1, re-reading the
 * source from there. An unknown digest is computed while the bytes are sent, once; after a resume
 * from an earlier offset it is recomputed up to that offset from the source. When the registry no
 * longer knows the session (404 {@code BLOB_UPLOAD_UNKNOWN}: it expired or was cancelled), the
 * upload starts over in a new session, a bounded number of times. Progress never goes back.
 */
final class BlobPush {

  private static final Logger log = LoggerFactory.getLogger(BlobPush.class);

  /** Copy buffer of a request body. */
  private static final int BUFFER = 128 * 1024;

  /** The largest {@code OCI-Chunk-Min-Length} honoured. */
  static final long MAX_CHUNK_MIN_LENGTH = 1L << 30;

  private final RegistryClient client;
  private final Repository repo;
  private final BlobSource source;
  private final Transfer transfer;
  private final Set<Scope> scopes;
  private Digester digester;

  /** The highest byte count reported to listeners: progress never goes back. */
  private long reported;

  BlobPush(RegistryClient client, Repository repo, Optional<Digest> expected, BlobSource source) {
    this.client = client;
    this.repo = repo;
    this.source = source;
    this.transfer = new Transfer(Transfer.Direction.PUSH, repo, expected, source.size());
    this.scopes = Set.of(Scope.repository(repo.name().value(), "pull", "push"));
    this.digester =
        Digester.of(expected.map(Digest::requireAlgorithm).orElse(DigestAlgorithm.SHA256));
  }

  /** An upload session: where to send bytes, and the registry's smallest chunk. */
  record Session(URI location, long chunkMinLength) {}

  /** Starts a session (end-4a). */
  Session start() throws IOException {
    URI uri = client.url(repo, "blobs/uploads/");
    HttpResponse r =
        client.exchange(repo, HttpRequest.of("POST", uri), scopes, Retrier.Mode.NOT_SENT);
    if (r.status() != 202) {
      throw RemoteErrors.toException(r, "POST", "start blob upload to " + repo, client.clock());
    }
    Session s = session(r);
    r.discard();
    return s;
  }

  /** The session of a 202 answer (to a POST, or to a mount that fell back). */
  /** The session {@code r} started; when {@code r} is refused, it is discarded first. */
  static Session session(HttpResponse r) throws IOException {
    return orDiscard(r, BlobPush::sessionOf);
  }

  /** A fact read from a response. */
  private interface Read<T> {
    T from(HttpResponse r) throws IOException;
  }

  /** {@code read} of {@code r}; when it fails, {@code r} is discarded, or its connection leaks. */
  private static <T> T orDiscard(HttpResponse r, Read<T> read) throws IOException {
    try {
      return read.from(r);
    } catch (IOException | RuntimeException e) {
      r.discard();
      throw e;
    }
  }

  private static Session sessionOf(HttpResponse r) throws IOException {
    URI location = locationOf(r);
    long min = 0;
    Optional<String> header = r.header("OCI-Chunk-Min-Length");
    if (header.isPresent()) {
      try {
        min = Long.parseLong(header.get().trim());
      } catch (NumberFormatException e) {
        log.warn("{} sent an OCI-Chunk-Min-Length that is not a number", Urls.redact(r.uri()));
      }
      if (min < 0 || min > MAX_CHUNK_MIN_LENGTH) {
        throw new IOException("OCI-Chunk-Min-Length " + min + " is out of bounds");
      }
    }
    return new Session(location, min);
  }

  /** Where {@code r} says the upload goes on; when that is refused, {@code r} is discarded. */
  private static URI location(HttpResponse r) throws IOException {
    return orDiscard(r, BlobPush::locationOf);
  }

  private static URI locationOf(HttpResponse r) throws IOException {
    String value =
        r.header("Location")
            .orElseThrow(
                () -> new IOException(Urls.redact(r.uri()) + " answered without a Location"));
    if (value.length() > Exchanger.MAX_LOCATION_LENGTH) {
      throw new IOException("upload Location is too long");
    }
    try {
      URI resolved = r.uri().resolve(new URI(value.trim()));
      if (resolved.getHost() == null) {
        throw new IOException("upload Location has no host");
      }
      return resolved;
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new IOException("upload Location is not a URI");
    }
  }

  /** Uploads the whole source into {@code session} and returns the blob's digest. */
  Digest run(Session session) throws IOException {
    client.listeners().started(transfer);
    try {
      Digest d;
      if (transfer.digest().isPresent() && source.size() <= client.monolithicMaxBytes()) {
        d = monolithic(session);
      } else {
        d = chunked(session);
      }
      client.listeners().finished(transfer);
      return d;
    } catch (IOException | RuntimeException e) {
      client.listeners().failed(transfer, e);
      throw e;
    }
  }

  private Digest monolithic(Session first) throws IOException {
    Digest digest = transfer.digest().orElseThrow();
    Session session = first;
    int attempt = 1;
    while (true) {
      try {
        HttpRequest put =
            HttpRequest.of("PUT", withDigest(session.location(), digest))
                .withHeader("Content-Type", "application/octet-stream")
                .withBody(body(0, source.size()));
        HttpResponse r = client.exchange(repo, put, scopes, Retrier.Mode.NEVER);
        if (r.status() == 201) {
          r.discard();
          return digest;
        }
        if (r.status() == 404) {
          RegistryClientException e =
              RemoteErrors.toException(
                  r, "PUT", "upload blob " + digest + " to " + repo, client.clock());
          if (!isUploadUnknown(e) || attempt >= client.retryPolicy().maxAttempts()) {
            throw e;
          }
          log.debug("upload session of blob {} is gone ({}); starting a new one", digest, e.code());
        } else if (!isTransient(r.status())) {
          throw RemoteErrors.toException(
              r, "PUT", "upload blob " + digest + " to " + repo, client.clock());
        } else {
          r.discard();
          log.debug("PUT of blob {} answered {}", digest, r.status());
        }
      } catch (IOException e) {
        if (e instanceof Retrier.FinalIOException || isInterrupt(e)) {
          throw e;
        }
        log.debug("PUT of blob {} failed: {}", digest, e.toString());
        if (attempt >= client.retryPolicy().maxAttempts()) {
          throw e;
        }
      }
      if (attempt >= client.retryPolicy().maxAttempts()) {
        throw new IOException("upload of blob " + digest + " to " + repo + " kept failing");
      }
      // The PUT may have completed before the answer was lost.
      if (client.statBlob(repo, digest).isPresent()) {
        return digest;
      }
      backoff(attempt++);
      session = start();
      client.listeners().resumed(transfer, 0);
    }
  }

  /**
   * Chunked upload into {@code first}; when the registry no longer knows the session (404 {@code
   * BLOB_UPLOAD_UNKNOWN} to a PATCH, a status request or the closing PUT: it expired, or the
   * registry cancelled it), the upload starts over in a new session, at most {@code maxAttempts}
   * sessions in all.
   */
  private Digest chunked(Session first) throws IOException {
    Session session = first;
    for (int sessions = 1; ; sessions++) {
      try {
        return chunkedIn(session);
      } catch (SessionLost lost) {
        if (sessions >= client.retryPolicy().maxAttempts()) {
          throw lost.answer;
        }
        log.debug(
            "upload session in {} is gone ({}), starting over in a new one ({} of {})",
            repo,
            lost.answer.code().map(Enum::name).orElse(Integer.toString(lost.answer.status())),
            sessions + 1,
            client.retryPolicy().maxAttempts());
        backoff(sessions);
        session = start();
        client.listeners().resumed(transfer, 0);
      }
    }
  }

  /** The registry answered 404 BLOB_UPLOAD_UNKNOWN for the session: it must start over. */
  private static final class SessionLost extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient RegistryClientException answer;

    SessionLost(RegistryClientException answer) {
      super(answer.getMessage(), null);
      this.answer = answer;
    }
  }

  /** A 404 about the upload itself (not the repository): the session is unknown or invalid. */
  private static boolean isUploadUnknown(RegistryClientException e) {
    return e.status() == 404
        && e.code()
            .map(c -> c == ErrorCode.BLOB_UPLOAD_UNKNOWN || c == ErrorCode.BLOB_UPLOAD_INVALID)
            .orElse(true);
  }

  /** Maps a 404 to {@link SessionLost} when it is about the session, else to its exception. */
  private IOException lostOr(HttpResponse r, String method, String what) {
    RegistryClientException e = RemoteErrors.toException(r, method, what, client.clock());
    if (isUploadUnknown(e)) {
      return new SessionLost(e);
    }
    throw e;
  }

  private Digest chunkedIn(Session session) throws IOException {
    long size = source.size();
    long chunks = Math.max(client.chunkBytes(), session.chunkMinLength());
    // A streamed source goes as one body (the rest of the blob), as skopeo sends it.
    long chunk = source.streamed() ? Math.max(size, chunks) : chunks;
    URI location = session.location();
    long offset = 0;
    int failures = 0;
    while (offset < size) {
      long length = Math.min(chunk, size - offset);
      boolean failed;
      try {
        HttpRequest patch =
            HttpRequest.of("PATCH", location)
                .withHeader("Content-Type", "application/octet-stream")
                .withHeader("Content-Range", offset + "-" + (offset + length - 1))
                .withBody(body(offset, length));
        HttpResponse r = client.exchange(repo, patch, scopes, Retrier.Mode.NEVER);
        if (r.status() == 202) {
          location = location(r);
          long end = r.header("Range").flatMap(BlobPush::rangeEnd).orElse(offset + length - 1);
          r.discard();
          if (end >= offset + length || end < offset - 1) {
            throw new IOException(
                "registry reports upload end "
                    + end
                    + " after sending bytes "
                    + offset
                    + "-"
                    + (offset + length - 1));
          }
          offset = end + 1;
          continue;
        }
        if (r.status() == 404) {
          throw lostOr(r, "PATCH", "upload blob chunk to " + repo);
        }
        if (r.status() == 413 && chunk > chunks) {
          // The registry (or a proxy before it) refused so large a body as a whole, storing
          // none of it: chunks from the same offset on.
          log.debug("PATCH of {} bytes answered 413; sending {}-byte chunks", length, chunks);
          r.discard();
          chunk = chunks;
          client.listeners().resumed(transfer, offset);
          continue;
        }
        if (r.status() != 416 && !isTransient(r.status())) {
          throw RemoteErrors.toException(
              r, "PATCH", "upload blob chunk to " + repo, client.clock());
        }
        log.debug("PATCH at {} answered {}; asking where the upload stands", offset, r.status());
        r.discard();
        failed = true;
      } catch (IOException e) {
        if (e instanceof SessionLost || e instanceof Retrier.FinalIOException || isInterrupt(e)) {
          throw e;
        }
        log.debug("PATCH at {} failed ({}); asking where the upload stands", offset, e.toString());
        failed = true;
      }
      if (failed) {
        if (++failures >= client.retryPolicy().maxAttempts()) {
          throw new IOException(
              "upload to " + repo + " failed " + failures + " times at byte " + offset);
        }
        backoff(failures);
        Standing standing = status(location);
        location = standing.location();
        offset = standing.offset();
        client.listeners().resumed(transfer, offset);
      }
    }
    Digest digest = transfer.digest().orElseGet(this::computedDigest);
    return finish(location, digest);
  }

  private Digest computedDigest() {
    return digester.digest();
  }

  /** Where an upload stands: the next byte the registry wants, and where to send it. */
  private record Standing(long offset, URI location) {}

  private Standing status(URI location) throws IOException {
    HttpResponse r =
        client.exchange(repo, HttpRequest.of("GET", location), scopes, Retrier.Mode.IDEMPOTENT);
    if (r.status() == 404) {
      throw lostOr(r, "GET", "upload status in " + repo);
    }
    if (r.status() != 204 && r.status() != 202 && r.status() != 200) {
      throw RemoteErrors.toException(r, "GET", "upload status in " + repo, client.clock());
    }
    long next = r.header("Range").flatMap(BlobPush::rangeEnd).map(e -> e + 1).orElse(0L);
    URI newLocation = r.header("Location").isPresent() ? location(r) : location;
    r.discard();
    if (next < 0 || next > source.size()) {
      throw new IOException("registry reports an upload offset " + next + " outside the blob");
    }
    log.debug("upload to {} stands at byte {}", repo, next);
    return new Standing(next, newLocation);
  }

  private Digest finish(URI location, Digest digest) throws IOException {
    HttpRequest put = HttpRequest.of("PUT", withDigest(location, digest));
    HttpResponse r;
    try {
      r = client.exchange(repo, put, scopes, Retrier.Mode.NOT_SENT);
    } catch (IOException e) {
      if (client.statBlob(repo, digest).isPresent()) {
        return digest; // the PUT went through before the answer was lost
      }
      throw e;
    }
    if (r.status() == 404) {
      throw lostOr(r, "PUT", "complete upload of " + digest + " to " + repo);
    }
    if (r.status() != 201) {
      throw RemoteErrors.toException(
          r, "PUT", "complete upload of " + digest + " to " + repo, client.clock());
    }
    r.discard();
    return digest;
  }

  /** A body of source bytes [offset, offset+length), digested on the way when needed. */
  private HttpRequest.Body body(long offset, long length) {
    return new HttpRequest.Body() {
      @Override
      public long length() {
        return length;
      }

      @Override
      public void writeTo(OutputStream out) throws IOException {
        boolean digesting = transfer.digest().isEmpty();
        if (digesting && digester.size() != offset) {
          redigest(offset);
        }
        byte[] buffer = new byte[BUFFER];
        long left = length;
        long done = offset;
        try (InputStream in = source.open(offset)) {
          while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
              throw new IOException("blob source ended " + left + " bytes early");
            }
            out.write(buffer, 0, n);
            if (digesting) {
              digester.update(buffer, 0, n);
            }
            left -= n;
            done += n;
            progressed(done);
          }
        }
      }
    };
  }

  /** Reports {@code done} bytes when that is more than reported before. */
  private void progressed(long done) {
    if (done > reported) {
      reported = done;
      client.listeners().progressed(transfer, done);
    }
  }

  /** Digests source bytes [0, offset) afresh, after a resume from an earlier offset. */
  private void redigest(long offset) throws IOException {
    digester = Digester.of(digester.algorithm());
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = source.open(0)) {
      long left = offset;
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new IOException("blob source is shorter than " + offset + " bytes");
        }
        digester.update(buffer, 0, n);
        left -= n;
      }
    }
  }

  private static boolean isTransient(int status) {
    return status == 429 || status >= 500;
  }

  private static boolean isInterrupt(IOException e) {
    return e instanceof InterruptedIOException && !(e instanceof java.net.SocketTimeoutException);
  }

  private void backoff(int attempt) throws IOException {
    Duration d = client.retryPolicy().backoff(attempt, ThreadLocalRandom.current().nextDouble());
    try {
      client.sleeper().sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during upload");
    }
  }

  static URI withDigest(URI location, Digest digest) throws IOException {
    return TokenClient.withQuery(
        location, "digest=" + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8));
  }

  /** The end of {@code Range: 0-END} (or {@code bytes=0-END}); empty when malformed. */
  static Optional<Long> rangeEnd(String value) {
    String v = value.trim();
    if (v.startsWith("bytes=")) {
      v = v.substring("bytes=".length());
    }
    int dash = v.indexOf('-');
    if (dash <= 0 || v.length() > 60) {
      return Optional.empty();
    }
    try {
      long start = Long.parseLong(v.substring(0, dash));
      long end = Long.parseLong(v.substring(dash + 1));
      return start == 0 && end >= -1 ? Optional.of(end) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
