package io.wharf.oci.client;

import io.wharf.oci.client.auth.CredentialProvider;
import io.wharf.oci.client.internal.Authenticator;
import io.wharf.oci.client.internal.Exchanger;
import io.wharf.oci.client.internal.HttpRequest;
import io.wharf.oci.client.internal.HttpResponse;
import io.wharf.oci.client.internal.HttpTransport;
import io.wharf.oci.client.internal.Json;
import io.wharf.oci.client.internal.LinkHeader;
import io.wharf.oci.client.internal.RemoteErrors;
import io.wharf.oci.client.internal.Retrier;
import io.wharf.oci.client.internal.Scope;
import io.wharf.oci.client.internal.TokenClient;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for OCI registries (distribution-spec v1.1): manifests, blobs, uploads, mounts, tags,
 * the catalog and referrers, with the Docker auth handshake (Basic, or tokens from the realm of a
 * {@code Bearer} challenge, cached per scope), retries with backoff, redirects that never carry the
 * registry's credentials to another host, resumed downloads and uploads, and progress.
 *
 * <pre>{@code
 * try (RegistryClient client = RegistryClient.builder()
 *     .credentials(DockerConfig.load())
 *     .build()) {
 *   Reference ref = ReferenceParser.docker().parse("ghcr.io/org/app:1.0");
 *   RawManifest manifest = client.getManifest(ref);
 *   for (Descriptor layer : ((ImageManifest) manifest.parse()).layers()) {
 *     try (InputStream in = client.openBlob(Repository.of(ref), layer.digest(), layer.size())) {
 *       in.transferTo(out); // verified against the digest while it streams
 *     }
 *   }
 * }
 * }</pre>
 *
 * HTTPS everywhere, except for loopback registries (as docker does) and hosts named with {@link
 * Builder#plainHttp(RegistryHost)}. Thread-safe: one client serves many threads over one connection
 * pool. Close it to release the pool.
 *
 * <p>Failures: {@link IOException} when bytes could not move (after the retries), {@link
 * RegistryClientException} when a registry or token server answered no, {@link
 * InvalidContentException} when content fails verification (a digest that does not match, a
 * malformed manifest).
 */
public final class RegistryClient implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RegistryClient.class);

  /** What {@link #getManifest(Reference)} accepts: OCI manifest and index, Docker v2 and list. */
  public static final List<MediaType> DEFAULT_ACCEPT =
      List.of(
          MediaType.OCI_IMAGE_MANIFEST,
          MediaType.OCI_IMAGE_INDEX,
          MediaType.DOCKER_MANIFEST_V2,
          MediaType.DOCKER_MANIFEST_LIST);

  /** The largest page of a tag, catalog or referrers listing read. */
  static final int MAX_LIST_PAGE_BYTES = 16 * 1024 * 1024;

  private final Builder settings;
  private final HttpTransport transport;
  private final Exchanger exchanger;
  private final Retrier retrier;
  private final Listeners listeners;
  private final ManifestCodec codec;

  private RegistryClient(Builder b) {
    this.settings = b.copy();
    this.transport =
        HttpTransport.create(
            new HttpTransport.Settings(
                b.connectTimeout,
                b.readTimeout,
                b.maxConnections,
                b.maxConnectionsPerRegistry,
                b.userAgent,
                b.proxy,
                List.copyOf(b.trusted)));
    this.retrier = new Retrier(b.retryPolicy, b.sleeper, b.clock);
    TokenClient tokens =
        new TokenClient(transport, retrier, this::plainHttpAllowed, b.clock, b.oauth2PasswordGrant);
    Authenticator auth = new Authenticator(b.credentials, tokens, b.clock);
    this.exchanger =
        new Exchanger(transport, auth, retrier, this::plainHttpAllowed, this::base, b.clock);
    this.listeners = new Listeners(b.listener);
    this.codec = ManifestCodec.defaults().withMaxBytes(b.maxManifestBytes);
  }

  /** A builder with the defaults: anonymous, HTTPS except loopback, {@link RetryPolicy#DEFAULT}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder with this client's settings, for a new client (which has its own pool). */
  public Builder toBuilder() {
    return settings.copy();
  }

  // ---------------------------------------------------------------- ping

  /**
   * end-1: {@code GET /v2/}. Checks that {@code registry} speaks the distribution API and learns
   * how it wants to be authenticated.
   *
   * @return whether it answered 200 without credentials (false: it asked for them, 401)
   * @throws RegistryClientException when it answered anything else
   */
  public boolean ping(RegistryHost registry) throws IOException {
    return exchanger.ping(registry) == 200;
  }

  // ---------------------------------------------------------------- manifests

  /** end-3: the manifest at {@code reference} (tag or digest), with {@link #DEFAULT_ACCEPT}. */
  public RawManifest getManifest(Reference reference) throws IOException {
    return getManifest(reference, DEFAULT_ACCEPT);
  }

  /**
   * end-3: {@code GET /v2/<name>/manifests/<reference>} with {@code accept} as the Accept list. The
   * bytes are validated ({@link ManifestCodec}) and returned exactly; when the reference has a
   * digest, the bytes must have it, and when the registry sends {@code Docker-Content-Digest}, the
   * bytes must have that.
   *
   * @throws RegistryClientException when the registry answers otherwise than 200 (404
   *     MANIFEST_UNKNOWN for a missing one)
   * @throws InvalidContentException when the bytes are not a valid manifest or not the digest asked
   *     for (DIGEST_INVALID)
   */
  public RawManifest getManifest(Reference reference, List<MediaType> accept) throws IOException {
    Repository repo = Repository.of(reference);
    HttpRequest get =
        HttpRequest.of("GET", manifestUrl(reference)).withHeader("Accept", acceptHeader(accept));
    HttpResponse r = exchange(repo, get, pull(repo), Retrier.Mode.IDEMPOTENT);
    if (r.status() != 200) {
      throw RemoteErrors.toException(r, "GET", "get manifest " + reference, clock());
    }
    Bytes bytes;
    try (r) {
      OptionalLong length = r.contentLength();
      if (length.isPresent() && length.getAsLong() > codec.maxBytes()) {
        throw tooLarge(reference, length.getAsLong());
      }
      bytes = r.readBody(codec.maxBytes());
    } catch (Bytes.TooLargeException e) {
      throw tooLarge(reference, e.limit() + 1);
    }
    RawManifest raw = readManifest(bytes, r.header("Content-Type"));
    Optional<Digest> wanted = reference.digest();
    if (wanted.isEmpty()) {
      wanted = r.header("Docker-Content-Digest").flatMap(RegistryClient::parseDigest);
    }
    if (wanted.isPresent()) {
      Digest actual = Digest.of(wanted.get().requireAlgorithm(), bytes);
      if (!actual.equals(wanted.get())) {
        throw new InvalidContentException(
            ErrorCode.DIGEST_INVALID,
            "manifest " + reference + " has digest " + actual + ", expected " + wanted.get());
      }
      return new RawManifest(raw.mediaType(), raw.bytes(), wanted.get());
    }
    return raw;
  }

  /**
   * end-2: {@code HEAD /v2/<name>/manifests/<reference>}: the manifest's descriptor (media type,
   * digest, size) without its bytes, or empty when the registry answers 404. When a registry sends
   * no {@code Docker-Content-Digest} for a tag, the manifest is fetched to compute it.
   */
  public Optional<Descriptor> headManifest(Reference reference) throws IOException {
    Repository repo = Repository.of(reference);
    HttpRequest head =
        HttpRequest.of("HEAD", manifestUrl(reference))
            .withHeader("Accept", acceptHeader(DEFAULT_ACCEPT));
    HttpResponse r = exchange(repo, head, pull(repo), Retrier.Mode.IDEMPOTENT);
    if (r.status() == 404) {
      r.discard();
      return Optional.empty();
    }
    if (r.status() != 200) {
      throw RemoteErrors.toException(r, "HEAD", "head manifest " + reference, clock());
    }
    r.discard();
    Optional<Digest> digest =
        reference
            .digest()
            .or(() -> r.header("Docker-Content-Digest").flatMap(RegistryClient::parseDigest));
    OptionalLong size = r.contentLength();
    Optional<MediaType> type = r.header("Content-Type").flatMap(RegistryClient::parseMediaType);
    if (digest.isEmpty() || size.isEmpty() || type.isEmpty()) {
      log.warn(
          "{} answered HEAD {} without digest, length or type; fetching it",
          repo.registry(),
          reference);
      return Optional.of(getManifest(reference).descriptor());
    }
    return Optional.of(Descriptor.of(type.get(), digest.get(), size.getAsLong()));
  }

  /**
   * end-7: {@code PUT /v2/<name>/manifests/<reference>} with the exact bytes of {@code manifest}
   * and its media type as Content-Type. The reference's tag (or digest, which must be the
   * manifest's) names it.
   *
   * @return the manifest's digest
   * @throws RegistryClientException when the registry refuses it (MANIFEST_INVALID,
   *     MANIFEST_BLOB_UNKNOWN, …)
   */
  public Digest putManifest(Reference reference, RawManifest manifest) throws IOException {
    if (reference.digest().isPresent()) {
      Digest d = reference.digest().get();
      if (!Digest.of(d.requireAlgorithm(), manifest.bytes()).equals(d)) {
        throw new IllegalArgumentException(
            "reference "
                + reference
                + " names another digest than the manifest's "
                + manifest.digest());
      }
    } else if (reference.tag().isEmpty()) {
      throw new IllegalArgumentException("reference " + reference + " has neither tag nor digest");
    }
    Repository repo = Repository.of(reference);
    Bytes bytes = manifest.bytes();
    HttpRequest put =
        HttpRequest.of("PUT", manifestUrl(reference))
            .withHeader("Content-Type", manifest.mediaType().value())
            .withBody(HttpRequest.Body.of(bytes));
    HttpResponse r = exchange(repo, put, push(repo), Retrier.Mode.IDEMPOTENT);
    if (r.status() != 201 && r.status() != 200 && r.status() != 202) {
      throw RemoteErrors.toException(r, "PUT", "put manifest " + reference, clock());
    }
    Optional<Digest> told = r.header("Docker-Content-Digest").flatMap(RegistryClient::parseDigest);
    r.discard();
    if (told.isPresent()
        && told.get().algorithm().equals(manifest.digest().algorithm())
        && !told.get().equals(manifest.digest())) {
      throw new InvalidContentException(
          ErrorCode.DIGEST_INVALID,
          "registry stored manifest "
              + reference
              + " as "
              + told.get()
              + ", not "
              + manifest.digest());
    }
    return manifest.digest();
  }

  /**
   * end-9: {@code DELETE /v2/<name>/manifests/<reference>}: by digest deletes the manifest, by tag
   * (where the registry supports it) only the tag.
   *
   * @throws RegistryClientException when the registry refuses (404, 405 UNSUPPORTED when deletes
   *     are disabled)
   */
  public void deleteManifest(Reference reference) throws IOException {
    Repository repo = Repository.of(reference);
    HttpResponse r =
        exchange(
            repo,
            HttpRequest.of("DELETE", manifestUrl(reference)),
            delete(repo),
            Retrier.Mode.IDEMPOTENT);
    if (r.status() != 202 && r.status() != 200 && r.status() != 204) {
      throw RemoteErrors.toException(r, "DELETE", "delete manifest " + reference, clock());
    }
    r.discard();
  }

  // ---------------------------------------------------------------- blobs

  /**
   * end-2: {@code HEAD /v2/<name>/blobs/<digest>} (following redirects): the blob's size, or empty
   * when the registry answers 404; -1 when it answered 200 without a Content-Length.
   */
  public OptionalLong statBlob(Repository repo, Digest digest) throws IOException {
    HttpResponse r =
        exchange(
            repo,
            HttpRequest.of("HEAD", blobUrl(repo, digest)),
            pull(repo),
            Retrier.Mode.IDEMPOTENT,
            true);
    if (r.status() == 404) {
      r.discard();
      return OptionalLong.empty();
    }
    if (r.status() != 200) {
      throw RemoteErrors.toException(r, "HEAD", "stat blob " + digest + " in " + repo, clock());
    }
    r.discard();
    OptionalLong size = r.contentLength();
    if (size.isEmpty()) {
      log.warn("{} answered HEAD for blob {} without Content-Length", repo.registry(), digest);
      return OptionalLong.of(-1);
    }
    return size;
  }

  /**
   * end-2: the blob's bytes, streamed and verified: the stream fails ({@link
   * InvalidContentException} SIZE_INVALID or DIGEST_INVALID) when the bytes are not {@code size}
   * bytes with {@code digest}, at the latest at their end, so read to the end before trusting them.
   * Redirects to other hosts are followed without the registry's credentials; a broken connection
   * is resumed with a {@code Range} request from the last byte received. The caller closes the
   * stream.
   *
   * @param size the blob's size, or -1 when unknown (then only the digest is checked)
   * @throws RegistryClientException when the registry answers otherwise (404 BLOB_UNKNOWN)
   */
  public InputStream openBlob(Repository repo, Digest digest, long size) throws IOException {
    digest.requireAlgorithm();
    Transfer transfer = new Transfer(Transfer.Direction.PULL, repo, Optional.of(digest), size);
    return BlobPull.open(
        offset -> openBlobAt(repo, digest, offset, -1),
        digest,
        size,
        settings.retryPolicy.maxAttempts() * 2,
        transfer,
        listeners);
  }

  /**
   * A ranged read, {@code Range: bytes=offset-(offset+length-1)}: {@code length} bytes of the blob
   * from {@code offset}, not verified (a part of a blob has no digest to check). A registry that
   * ignores the range is tolerated: the bytes before {@code offset} are skipped. The caller closes
   * the stream.
   *
   * @param length the number of bytes, or -1 for the rest of the blob
   */
  public InputStream openBlob(Repository repo, Digest digest, long offset, long length)
      throws IOException {
    if (offset < 0 || length < -1) {
      throw new IllegalArgumentException("offset and length must not be negative");
    }
    InputStream in = openBlobAt(repo, digest, offset, length);
    return length < 0 ? in : new BoundedInputStream(in, length);
  }

  /** A {@link BlobSource} that reads the blob from this registry with ranged requests. */
  public BlobSource blobSource(Repository repo, Descriptor blob) {
    return new BlobSource() {
      @Override
      public long size() {
        return blob.size();
      }

      @Override
      public InputStream open(long offset) throws IOException {
        return openBlob(repo, blob.digest(), offset, blob.size() - offset);
      }

      @Override
      public String toString() {
        return "BlobSource[" + repo + "@" + blob.digest() + "]";
      }
    };
  }

  private InputStream openBlobAt(Repository repo, Digest digest, long offset, long length)
      throws IOException {
    HttpRequest get = HttpRequest.of("GET", blobUrl(repo, digest));
    if (offset > 0 || length >= 0) {
      get =
          get.withHeader(
              "Range", "bytes=" + offset + "-" + (length >= 0 ? offset + length - 1 : ""));
    }
    HttpResponse r = exchange(repo, get, pull(repo), Retrier.Mode.IDEMPOTENT, true);
    if (r.status() != 200 && r.status() != 206) {
      throw RemoteErrors.toException(r, "GET", "get blob " + digest + " from " + repo, clock());
    }
    try {
      return BlobPull.positioned(r, offset);
    } catch (IOException | RuntimeException e) {
      r.close();
      throw e;
    }
  }

  /**
   * Uploads a blob whose digest is known (end-4a then end-6 for blobs up to {@link
   * Builder#monolithicMaxBytes(long)}, end-4a, end-5 chunks and end-6 above), resuming after
   * failures from where the registry says the upload stands.
   *
   * @throws RegistryClientException when the registry refuses (DIGEST_INVALID when the source's
   *     bytes do not have {@code digest})
   */
  public void pushBlob(Repository repo, Digest digest, BlobSource source) throws IOException {
    digest.requireAlgorithm();
    BlobPush push = new BlobPush(this, repo, Optional.of(digest), source);
    push.run(push.start());
  }

  /**
   * Uploads a blob whose digest is not known yet: chunked, the sha256 digest computed while the
   * bytes are sent.
   *
   * @return the blob's digest
   */
  public Digest pushBlob(Repository repo, BlobSource source) throws IOException {
    BlobPush push = new BlobPush(this, repo, Optional.empty(), source);
    return push.run(push.start());
  }

  /**
   * end-11: mounts blob {@code digest} from repository {@code from} of the same registry into
   * {@code target} ({@code POST ?mount=&from=}), with one token for pull on the source and push on
   * the target. When the registry cannot mount (202 with an upload session), the blob is uploaded
   * from {@code fallback} into that session.
   *
   * @return true when mounted, false when uploaded
   */
  public boolean mountBlob(Repository target, Repository from, Digest digest, BlobSource fallback)
      throws IOException {
    Optional<BlobPush.Session> session = mount(target, from, digest);
    if (session.isEmpty()) {
      return true;
    }
    new BlobPush(this, target, Optional.of(digest), fallback).run(session.get());
    return false;
  }

  /**
   * end-11 without a fallback: true when mounted; false when the registry could not mount, in which
   * case the session it opened is cancelled (end-14).
   */
  public boolean mountBlob(Repository target, Repository from, Digest digest) throws IOException {
    Optional<BlobPush.Session> session = mount(target, from, digest);
    if (session.isEmpty()) {
      return true;
    }
    try {
      HttpResponse r =
          exchange(
              target,
              HttpRequest.of("DELETE", session.get().location()),
              push(target),
              Retrier.Mode.IDEMPOTENT);
      r.discard();
    } catch (IOException | RegistryClientException e) {
      log.debug("cancelling the upload session of a failed mount failed: {}", e.toString());
    }
    return false;
  }

  private Optional<BlobPush.Session> mount(Repository target, Repository from, Digest digest)
      throws IOException {
    if (!target.registry().equals(from.registry())) {
      throw new IllegalArgumentException("a mount needs both repositories on one registry");
    }
    URI uri =
        TokenClient.withQuery(
            url(target, "blobs/uploads/"),
            "mount=" + encode(digest.toString()) + "&from=" + encode(from.name().value()));
    Set<Scope> scopes = new HashSet<>(push(target));
    scopes.add(Scope.repository(from.name().value(), "pull"));
    HttpResponse r =
        exchange(target, HttpRequest.of("POST", uri), Scope.merge(scopes), Retrier.Mode.NOT_SENT);
    if (r.status() == 201) {
      r.discard();
      return Optional.empty();
    }
    if (r.status() == 202) {
      BlobPush.Session s = BlobPush.session(r);
      r.discard();
      return Optional.of(s);
    }
    throw RemoteErrors.toException(
        r, "POST", "mount " + digest + " from " + from + " into " + target, clock());
  }

  /** end-10: {@code DELETE /v2/<name>/blobs/<digest>}. */
  public void deleteBlob(Repository repo, Digest digest) throws IOException {
    HttpResponse r =
        exchange(
            repo,
            HttpRequest.of("DELETE", blobUrl(repo, digest)),
            delete(repo),
            Retrier.Mode.IDEMPOTENT);
    if (r.status() != 202 && r.status() != 200 && r.status() != 204) {
      throw RemoteErrors.toException(r, "DELETE", "delete blob " + digest + " in " + repo, clock());
    }
    r.discard();
  }

  // ---------------------------------------------------------------- listings

  /** end-8a/8b: every tag of the repository, following {@code Link} pages. */
  public List<Tag> listTags(Repository repo) throws IOException {
    List<Tag> tags = new ArrayList<>();
    for (String t :
        pages(
            repo.registry(),
            url(repo, "tags/list?n=" + settings.pageSize),
            pull(repo),
            "tags",
            "tags of " + repo)) {
      tags.add(Tag.of(t));
    }
    return tags;
  }

  /** {@code GET /v2/_catalog}: every repository of the registry, following {@code Link} pages. */
  public List<RepositoryName> listRepositories(RegistryHost registry) throws IOException {
    List<RepositoryName> names = new ArrayList<>();
    URI first = base(registry).resolve("_catalog?n=" + settings.pageSize);
    for (String n :
        pages(
            registry,
            first,
            Set.of(Scope.catalog()),
            "repositories",
            "repositories of " + registry)) {
      names.add(RepositoryName.of(n));
    }
    return names;
  }

  /**
   * Every entry of the JSON array {@code field} over the pages from {@code first}; {@code listed}
   * names what is listed in messages ("tags of HOST/REPO"), so an error names the repository.
   */
  private List<String> pages(
      RegistryHost registry, URI first, Set<Scope> scopes, String field, String listed)
      throws IOException {
    List<String> all = new ArrayList<>();
    URI next = first;
    for (int page = 0; ; page++) {
      if (page >= settings.maxPages) {
        throw new IOException(
            "listing " + listed + " has more than " + settings.maxPages + " pages");
      }
      HttpResponse r =
          exchanger.execute(
              new Exchanger.Call(
                  registry, HttpRequest.of("GET", next), scopes, Retrier.Mode.IDEMPOTENT, false));
      if (r.status() != 200) {
        throw RemoteErrors.toException(r, "GET", "list " + listed, clock());
      }
      Optional<String> link = LinkHeader.next(r.headers("Link"));
      // The bound on entries is checked while the page is read: a page never grows the heap
      // past it.
      try (r) {
        byte[] body = r.readBody(MAX_LIST_PAGE_BYTES).toByteArray();
        String what = "listing " + listed;
        all.addAll(Json.readStringArray(body, field, all.size(), settings.maxListEntries, what));
      }
      if (link.isEmpty()) {
        return all;
      }
      next = LinkHeader.resolveSameOrigin(next, link.get());
    }
  }

  /**
   * end-12a: the referrers of {@code subject}: {@code GET /v2/<name>/referrers/<digest>}, every
   * page; where the registry answers 404 (no referrers API), the referrers tag schema ({@code
   * <alg>-<hex>} tag holding an index). Empty when there are none.
   */
  public List<Descriptor> referrers(Repository repo, Digest subject) throws IOException {
    return referrers(repo, subject, Optional.empty());
  }

  /**
   * end-12b: the referrers of {@code subject} whose artifact type is {@code artifactType}; the
   * filter is applied here when the registry did not apply it ({@code OCI-Filters-Applied}).
   */
  public List<Descriptor> referrers(Repository repo, Digest subject, MediaType artifactType)
      throws IOException {
    return referrers(repo, subject, Optional.of(artifactType));
  }

  private List<Descriptor> referrers(Repository repo, Digest subject, Optional<MediaType> type)
      throws IOException {
    URI next = url(repo, "referrers/" + subject);
    if (type.isPresent()) {
      next = TokenClient.withQuery(next, "artifactType=" + encode(type.get().value()));
    }
    List<Descriptor> all = new ArrayList<>();
    boolean filtered = true;
    for (int page = 0; ; page++) {
      if (page >= settings.maxPages) {
        throw new IOException(
            "referrers of " + subject + " have more than " + settings.maxPages + " pages");
      }
      HttpResponse r =
          exchange(repo, HttpRequest.of("GET", next), pull(repo), Retrier.Mode.IDEMPOTENT);
      if (r.status() == 404 && page == 0) {
        r.discard();
        return referrersByTag(repo, subject, type);
      }
      if (r.status() != 200) {
        throw RemoteErrors.toException(
            r, "GET", "referrers of " + subject + " in " + repo, clock());
      }
      filtered &=
          r.headers("OCI-Filters-Applied").stream().anyMatch(h -> h.contains("artifactType"));
      Optional<String> link = LinkHeader.next(r.headers("Link"));
      Bytes body;
      try (r) {
        body = r.readBody(MAX_LIST_PAGE_BYTES);
      }
      all.addAll(index(body).manifests());
      if (all.size() > settings.maxListEntries) {
        throw new IOException("referrers of " + subject + " exceed " + settings.maxListEntries);
      }
      if (link.isEmpty()) {
        break;
      }
      next = LinkHeader.resolveSameOrigin(next, link.get());
    }
    return filtered ? all : filter(all, type);
  }

  private List<Descriptor> referrersByTag(Repository repo, Digest subject, Optional<MediaType> type)
      throws IOException {
    Tag tag = Tag.of(subject.algorithm() + "-" + subject.encoded());
    Reference ref = Reference.of(repo.registry(), repo.name(), tag);
    RawManifest raw;
    try {
      raw = getManifest(ref, List.of(MediaType.OCI_IMAGE_INDEX));
    } catch (RegistryClientException e) {
      if (e.isNotFound()) {
        return List.of();
      }
      throw e;
    }
    Manifest m = raw.parse();
    if (!(m instanceof ImageIndex index)) {
      throw new InvalidContentException(
          ErrorCode.MANIFEST_INVALID, "referrers tag " + ref + " does not hold an image index");
    }
    return filter(index.manifests(), type);
  }

  private static List<Descriptor> filter(List<Descriptor> all, Optional<MediaType> type) {
    if (type.isEmpty()) {
      return List.copyOf(all);
    }
    return all.stream()
        .filter(d -> d.artifactType().map(t -> t.is(type.get())).orElse(false))
        .collect(Collectors.toUnmodifiableList());
  }

  private ImageIndex index(Bytes body) {
    Manifest m = codec.read(body, MediaType.OCI_IMAGE_INDEX).parse();
    if (!(m instanceof ImageIndex index)) {
      throw new InvalidContentException(
          ErrorCode.MANIFEST_INVALID, "referrers answer is not an index");
    }
    return index;
  }

  @Override
  public void close() throws IOException {
    transport.close();
  }

  // ---------------------------------------------------------------- package-private machinery

  HttpResponse exchange(Repository repo, HttpRequest request, Set<Scope> scopes, Retrier.Mode mode)
      throws IOException {
    return exchange(repo, request, scopes, mode, false);
  }

  HttpResponse exchange(
      Repository repo, HttpRequest request, Set<Scope> scopes, Retrier.Mode mode, boolean redirects)
      throws IOException {
    return exchanger.execute(new Exchanger.Call(repo.registry(), request, scopes, mode, redirects));
  }

  Clock clock() {
    return settings.clock;
  }

  Listeners listeners() {
    return listeners;
  }

  RetryPolicy retryPolicy() {
    return settings.retryPolicy;
  }

  Retrier.Sleeper sleeper() {
    return settings.sleeper;
  }

  long chunkBytes() {
    return settings.chunkBytes;
  }

  long monolithicMaxBytes() {
    return settings.monolithicMaxBytes;
  }

  URI url(Repository repo, String rest) {
    return base(repo.registry()).resolve(repo.name().value() + "/" + rest);
  }

  private URI manifestUrl(Reference reference) {
    if (!reference.hasIdentifier()) {
      throw new IllegalArgumentException("reference " + reference + " has neither tag nor digest");
    }
    return url(Repository.of(reference), "manifests/" + reference.identifier());
  }

  private URI blobUrl(Repository repo, Digest digest) {
    return url(repo, "blobs/" + digest);
  }

  URI base(RegistryHost host) {
    String scheme = settings.speaksPlainHttp(host) ? "http" : "https";
    return URI.create(scheme + "://" + host.value() + "/v2/");
  }

  private boolean plainHttpAllowed(URI uri) {
    String host = uri.getHost();
    if (host == null) {
      return false;
    }
    try {
      String value = uri.getPort() >= 0 ? host + ":" + uri.getPort() : host;
      return settings.speaksPlainHttp(new RegistryHost(value))
          || settings.speaksPlainHttp(new RegistryHost(host));
    } catch (InvalidContentException e) {
      return false;
    }
  }

  private static Set<Scope> pull(Repository repo) {
    return Set.of(Scope.repository(repo.name().value(), "pull"));
  }

  private static Set<Scope> push(Repository repo) {
    return Set.of(Scope.repository(repo.name().value(), "pull", "push"));
  }

  private static Set<Scope> delete(Repository repo) {
    return Set.of(Scope.repository(repo.name().value(), "delete"));
  }

  private static String acceptHeader(List<MediaType> accept) {
    if (accept.isEmpty()) {
      throw new IllegalArgumentException("the Accept list must not be empty");
    }
    return accept.stream().map(MediaType::value).collect(Collectors.joining(", "));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private RawManifest readManifest(Bytes bytes, Optional<String> contentType) {
    Optional<MediaType> declared = contentType.flatMap(RegistryClient::parseMediaType);
    return declared.isPresent() ? codec.read(bytes, declared.get()) : codec.read(bytes);
  }

  private InvalidContentException tooLarge(Reference reference, long size) {
    return new InvalidContentException(
        ErrorCode.MANIFEST_INVALID,
        "manifest " + reference + " is larger than " + codec.maxBytes() + " bytes (" + size + ")");
  }

  private static Optional<Digest> parseDigest(String value) {
    try {
      Digest d = Digest.parse(value.trim());
      return d.algorithmKind().isPresent() ? Optional.of(d) : Optional.empty();
    } catch (InvalidContentException e) {
      log.warn("registry sent a malformed Docker-Content-Digest");
      return Optional.empty();
    }
  }

  private static Optional<MediaType> parseMediaType(String value) {
    try {
      return Optional.of(MediaType.parse(value.trim()));
    } catch (InvalidContentException e) {
      return Optional.empty();
    }
  }

  /** At most {@code limit} bytes of a stream. */
  private static final class BoundedInputStream extends java.io.FilterInputStream {
    private long left;

    BoundedInputStream(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(Math.min(n, left));
      left -= skipped;
      return skipped;
    }
  }

  // ---------------------------------------------------------------- builder

  /**
   * Settings of a {@link RegistryClient}. Not thread-safe; {@link #build()} copies them, so a
   * builder can make several clients.
   */
  public static final class Builder {
    private CredentialProvider credentials = CredentialProvider.anonymous();
    private final Set<RegistryHost> plainHttpHosts = new HashSet<>();
    private boolean plainHttpForLoopback = true;
    private final List<X509Certificate> trusted = new ArrayList<>();
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration readTimeout = Duration.ofMinutes(2);
    private int maxConnections = 64;
    private int maxConnectionsPerRegistry = 16;
    private String userAgent = "wharf-oci-client";
    private @Nullable ProxySelector proxy;
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private Clock clock = Clock.systemUTC();
    private Retrier.Sleeper sleeper = d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
    private TransferListener listener = TransferListener.NONE;
    private long chunkBytes = 32L * 1024 * 1024;
    private long monolithicMaxBytes = 32L * 1024 * 1024;
    private int maxManifestBytes = ManifestCodec.DEFAULT_MAX_BYTES;
    private int pageSize = 1000;
    private int maxPages = 10_000;
    private int maxListEntries = 1_000_000;
    private boolean oauth2PasswordGrant;

    private Builder() {}

    private Builder copy() {
      Builder b = new Builder();
      b.credentials = credentials;
      b.plainHttpHosts.addAll(plainHttpHosts);
      b.plainHttpForLoopback = plainHttpForLoopback;
      b.trusted.addAll(trusted);
      b.connectTimeout = connectTimeout;
      b.readTimeout = readTimeout;
      b.maxConnections = maxConnections;
      b.maxConnectionsPerRegistry = maxConnectionsPerRegistry;
      b.userAgent = userAgent;
      b.proxy = proxy;
      b.retryPolicy = retryPolicy;
      b.clock = clock;
      b.sleeper = sleeper;
      b.listener = listener;
      b.chunkBytes = chunkBytes;
      b.monolithicMaxBytes = monolithicMaxBytes;
      b.maxManifestBytes = maxManifestBytes;
      b.pageSize = pageSize;
      b.maxPages = maxPages;
      b.maxListEntries = maxListEntries;
      b.oauth2PasswordGrant = oauth2PasswordGrant;
      return b;
    }

    private boolean speaksPlainHttp(RegistryHost host) {
      return plainHttpHosts.contains(host) || plainHttpForLoopback && host.isLoopback();
    }

    /** Where credentials come from; anonymous by default. See {@code DockerConfig}. */
    public Builder credentials(CredentialProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials);
      return this;
    }

    /**
     * Whether a user name and password are exchanged at a token server with an OAuth2 password
     * grant ({@code POST grant_type=password&access_type=offline}, as {@code docker login} does)
     * instead of Basic credentials on a {@code GET}; off by default. The refresh token the server
     * hands out then serves every later scope, so the password goes over the wire once per token
     * server. A realm that answers the POST with 404 or 405 is asked with GET instead.
     */
    public Builder oauth2PasswordGrant(boolean enabled) {
      this.oauth2PasswordGrant = enabled;
      return this;
    }

    /** Speak plain HTTP to {@code host} (and send its credentials in clear): only when asked. */
    public Builder plainHttp(RegistryHost host) {
      plainHttpHosts.add(host);
      return this;
    }

    /**
     * Whether loopback registries ({@code localhost}, {@code 127.*}, {@code [::1]}) get plain HTTP;
     * true by default, as in docker.
     */
    public Builder plainHttpForLoopback(boolean enabled) {
      this.plainHttpForLoopback = enabled;
      return this;
    }

    /** Trust {@code certificate} as a CA, besides the system's trust anchors. */
    public Builder trustCertificate(X509Certificate certificate) {
      trusted.add(certificate);
      return this;
    }

    /** Trust every certificate in a PEM file as a CA, besides the system's trust anchors. */
    public Builder trustCertificates(Path pemFile) throws IOException {
      byte[] pem = Files.readAllBytes(pemFile);
      try {
        var certs =
            CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem));
        if (certs.isEmpty()) {
          throw new IOException(pemFile + " holds no certificate");
        }
        for (var c : certs) {
          trusted.add((X509Certificate) c);
        }
      } catch (CertificateException e) {
        throw new IOException(pemFile + " is not a PEM certificate file: " + e.getMessage(), e);
      }
      return this;
    }

    /** The TCP and TLS connect timeout; 30 s by default. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** The longest wait for bytes on an open connection; 2 min by default. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /** Pooled connections in all (64) and per registry (16). */
    public Builder connectionPool(int total, int perRegistry) {
      if (total < 1 || perRegistry < 1 || perRegistry > total) {
        throw new IllegalArgumentException("need 1 <= perRegistry <= total");
      }
      this.maxConnections = total;
      this.maxConnectionsPerRegistry = perRegistry;
      return this;
    }

    /** The User-Agent header. */
    public Builder userAgent(String userAgent) {
      if (userAgent.isBlank() || userAgent.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
        throw new IllegalArgumentException("a User-Agent is printable ASCII");
      }
      this.userAgent = userAgent;
      return this;
    }

    /** Connect through the HTTP proxy that {@code selector} chooses per URI. */
    public Builder proxy(ProxySelector selector) {
      this.proxy = selector;
      return this;
    }

    /** Connect through one HTTP proxy. */
    public Builder proxy(InetSocketAddress address) {
      return proxy(ProxySelector.of(address));
    }

    /** How failures are retried; {@link RetryPolicy#DEFAULT} by default. */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy);
      return this;
    }

    /** The clock for token lifetimes and {@code Retry-After} dates. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** Who hears of blob transfers; nobody by default. */
    public Builder transferListener(TransferListener listener) {
      this.listener = Objects.requireNonNull(listener);
      return this;
    }

    /**
     * The PATCH size of chunked uploads (raised to the registry's OCI-Chunk-Min-Length); 32 MiB.
     */
    public Builder chunkBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("chunkBytes must be positive");
      }
      this.chunkBytes = bytes;
      return this;
    }

    /** Blobs up to this size with a known digest go in one PUT; 32 MiB by default. */
    public Builder monolithicMaxBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("monolithicMaxBytes must not be negative");
      }
      this.monolithicMaxBytes = bytes;
      return this;
    }

    /** The largest manifest accepted; {@link ManifestCodec#DEFAULT_MAX_BYTES} by default. */
    public Builder maxManifestBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxManifestBytes must be positive");
      }
      this.maxManifestBytes = bytes;
      return this;
    }

    /**
     * Listings: entries asked for per page ({@code n}, 1000), and the bounds on pages (10 000) and
     * entries (1 000 000) beyond which a listing fails rather than grow without end.
     */
    public Builder listing(int pageSize, int maxPages, int maxEntries) {
      if (pageSize < 1 || maxPages < 1 || maxEntries < 1) {
        throw new IllegalArgumentException("listing bounds must be positive");
      }
      this.pageSize = pageSize;
      this.maxPages = maxPages;
      this.maxListEntries = maxEntries;
      return this;
    }

    /** The client. */
    public RegistryClient build() {
      return new RegistryClient(this);
    }

    private static Duration positive(Duration d, String name) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return d;
    }
  }
}
