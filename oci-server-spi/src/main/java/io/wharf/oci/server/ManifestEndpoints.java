package io.wharf.oci.server;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.error.UnsupportedOciException;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.ManifestPut;
import io.wharf.oci.storage.ManifestRecord;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.Page;
import io.wharf.oci.storage.PageRequest;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Manifest endpoints (end-3, end-7a/7b, end-9), tag listing (end-8a/8b), referrers (end-12a/12b)
 * and {@code _catalog}.
 */
final class ManifestEndpoints {

  /** The most tags a PUT may set at once (end-7 {@code tag} parameters). */
  static final int MAX_TAGS_PER_PUT = 100;

  /** The default and largest page of {@code _catalog} and tag listings. */
  static final int DEFAULT_PAGE = 1000;

  private final Registry.Settings settings;
  private final MetadataStore metadata;
  private final PullRecorder pulls;

  ManifestEndpoints(Registry.Settings settings) {
    this.settings = settings;
    this.metadata = settings.storage().metadata();
    this.pulls = new PullRecorder(metadata, settings.clock());
  }

  private static boolean isDigest(String reference) {
    return reference.indexOf(':') >= 0;
  }

  private static RepositoryName repository(RequestContext context) {
    return context.repository().orElseThrow();
  }

  private static String reference(RequestContext context) {
    return context.reference().orElse("");
  }

  /**
   * The tag a GET, HEAD or DELETE names: a reference that is not a valid tag names nothing that can
   * exist, so it is MANIFEST_UNKNOWN (404), as the conformance suite expects; only a PUT of it is
   * TAG_INVALID (400).
   */
  private static Tag existingTag(RepositoryName repo, String reference) {
    try {
      return new Tag(reference);
    } catch (InvalidContentException e) {
      throw manifestUnknown(repo, Route.abbreviate(reference));
    }
  }

  /**
   * end-3: by tag or digest, exactly the bytes that were pushed; a GET (not a HEAD) is admitted by
   * the gates first.
   */
  RegistryResponse get(RequestContext context, RegistryRequest request) throws IOException {
    RepositoryName repo = repository(context);
    String reference = reference(context);
    Optional<Tag> tag = Optional.empty();
    Digest digest;
    if (isDigest(reference)) {
      digest = Digest.parse(reference);
    } else {
      tag = Optional.of(existingTag(repo, reference));
      digest =
          metadata.resolveTag(repo, tag.get()).orElseThrow(() -> manifestUnknown(repo, reference));
    }
    RawManifest manifest =
        metadata.getManifest(repo, digest).orElseThrow(() -> manifestUnknown(repo, reference));
    if (!accepts(request, manifest.mediaType())) {
      throw new NotFoundException(
          ErrorCode.MANIFEST_UNKNOWN,
          "manifest "
              + reference
              + " in "
              + repo
              + " is a "
              + manifest.mediaType()
              + ", which the request's Accept header does not list");
    }
    Headers.Builder h =
        Headers.builder()
            .set("Content-Type", manifest.mediaType().value())
            .set("Docker-Content-Digest", manifest.digest().toString())
            .set("ETag", "\"" + manifest.digest() + "\"");
    if (request.method() == HttpMethod.HEAD) {
      h.set("Content-Length", Long.toString(manifest.size()));
      return RegistryResponse.of(200, h.build());
    }
    Set<Tag> tags = tag.map(Set::of).orElse(Set.of());
    settings.gates().admit(Action.PULL, context, manifest, tags);
    pulls.pulled(repo, digest, tag);
    settings
        .events()
        .emit(
            context,
            RegistryEvent.Kind.MANIFEST_PULLED,
            200,
            digest,
            Optional.of(manifest.mediaType()),
            tags);
    return RegistryResponse.of(200, h.build(), manifest.bytes());
  }

  /**
   * Whether the request accepts {@code type}. Image manifests are served whatever the Accept header
   * says (as distribution does, schema 1 conversion aside); an index only to a client that lists
   * its type, {@code * / *} or nothing, since an index-unaware client cannot use it.
   */
  private static boolean accepts(RegistryRequest request, MediaType type) {
    if (!type.isIndex()) {
      return true;
    }
    List<String> accept = request.headers().all("Accept");
    if (accept.isEmpty()) {
      return true;
    }
    for (String header : accept) {
      for (String item : header.split(",")) {
        String essence = item.split(";", 2)[0].strip();
        if (essence.equals("*/*") || essence.equalsIgnoreCase(type.essence())) {
          return true;
        }
      }
    }
    return false;
  }

  private static NotFoundException manifestUnknown(RepositoryName repo, String reference) {
    return new NotFoundException(
        ErrorCode.MANIFEST_UNKNOWN, "manifest " + reference + " is unknown in " + repo);
  }

  /**
   * end-7a/7b: validates the manifest (JSON, media type, size), checks its references ({@link
   * ManifestPut#checkReferences}: every blob and child present in the repository, {@code
   * MANIFEST_BLOB_UNKNOWN}, code-5; every descriptor's size that of the stored content, the
   * subject's too when stored, {@code MANIFEST_INVALID}, code-6, naming the descriptor), asks the
   * gates, checks the project's quota ({@link Quotas}), and records it with its tags and referrer
   * entry in one step, which checks the references again atomically. Each {@code tag} parameter
   * applied is answered with an {@code OCI-Tag} header.
   */
  RegistryResponse put(RequestContext context, RegistryRequest request) throws IOException {
    RepositoryName repo = repository(context);
    String reference = reference(context);
    Set<Tag> tags = new LinkedHashSet<>();
    Optional<Digest> expected = Optional.empty();
    if (isDigest(reference)) {
      expected = Optional.of(Digest.parse(reference));
      expected.get().requireAlgorithm();
    } else {
      tags.add(new Tag(reference));
    }
    List<String> tagParams = request.queryParams("tag");
    if (tagParams.size() > MAX_TAGS_PER_PUT) {
      throw new InvalidContentException(
          ErrorCode.TAG_INVALID, "at most " + MAX_TAGS_PER_PUT + " tags per manifest push");
    }
    for (String t : tagParams) {
      tags.add(new Tag(t));
    }
    Optional<String> contentType = request.headers().first("Content-Type");
    RawManifest read =
        contentType.isPresent() && !contentType.get().isBlank()
            ? settings.codec().read(request.body(), MediaType.parse(contentType.get()))
            : settings.codec().read(request.body());
    RawManifest manifest = read;
    if (expected.isPresent()) {
      Digest actual = Digest.of(expected.get().requireAlgorithm(), read.bytes());
      if (!actual.equals(expected.get())) {
        throw new InvalidContentException(
            ErrorCode.DIGEST_INVALID,
            "manifest has digest " + actual + ", not " + expected.get(),
            Map.of("digest", expected.get().toString()));
      }
      manifest = new RawManifest(read.mediaType(), read.bytes(), actual);
    }
    Manifest parsed = settings.codec().parse(manifest);
    ManifestPut put = ManifestPut.of(manifest, parsed, tags, settings.clock().instant());
    put.checkReferences(repo, d -> linkedBlobSize(repo, d), d -> manifestSize(repo, d));
    settings.gates().admit(Action.PUSH, context, manifest, tags);
    Map<Tag, Digest> moved =
        settings
            .quotas()
            .admitManifest(context, manifest, tags, () -> metadata.putManifest(repo, put));
    Headers.Builder h =
        Headers.builder()
            .set("Location", "/v2/" + repo + "/manifests/" + manifest.digest())
            .set("Docker-Content-Digest", manifest.digest().toString())
            .set("Content-Length", "0");
    for (String t : tagParams) {
      h.add("OCI-Tag", t);
    }
    if (parsed.subject().isPresent()) {
      h.set("OCI-Subject", parsed.subject().get().digest().toString());
    }
    Events events = settings.events();
    if (events.enabled()) {
      events.emit(
          context,
          RegistryEvent.Kind.MANIFEST_PUSHED,
          201,
          manifest.digest(),
          Optional.of(manifest.mediaType()),
          parsed.subject().map(Descriptor::digest),
          tags);
      for (Map.Entry<Tag, Digest> m : moved.entrySet()) {
        events.tagMoved(context, m.getKey(), manifest.digest(), m.getValue());
      }
    }
    return RegistryResponse.of(201, h.build());
  }

  /** The size of {@code blob} when {@code repo} links it and it is stored (one stat, as before). */
  private OptionalLong linkedBlobSize(RepositoryName repo, Digest blob) throws IOException {
    if (!metadata.isBlobLinked(repo, blob)) {
      return OptionalLong.empty();
    }
    return settings.storage().blobs().stat(blob).stream().mapToLong(BlobInfo::size).findFirst();
  }

  /** The size of manifest {@code digest} when {@code repo} has it. */
  private OptionalLong manifestSize(RepositoryName repo, Digest digest) throws IOException {
    return metadata.statManifest(repo, digest).stream().mapToLong(ManifestRecord::size).findFirst();
  }

  /**
   * end-9: a manifest by digest (with its tags), or a tag. With gates or listeners, the manifest
   * and its tags are read first, for them. A manifest that an index of the repository lists is not
   * deleted: the store's {@link io.wharf.oci.storage.StillReferencedException} is answered {@code
   * 409 DENIED} naming the index (delete the index first). Tag deletes are never refused so.
   */
  RegistryResponse delete(RequestContext context) throws IOException {
    if (!settings.deletesEnabled()) {
      throw new UnsupportedOciException(
          ErrorCode.UNSUPPORTED, "deletes are disabled on this registry", null, 405, null);
    }
    RepositoryName repo = repository(context);
    String reference = reference(context);
    boolean byDigest = isDigest(reference);
    Optional<Digest> digest = byDigest ? Optional.of(Digest.parse(reference)) : Optional.empty();
    Optional<Tag> tag = byDigest ? Optional.empty() : Optional.of(existingTag(repo, reference));
    Optional<RawManifest> manifest = Optional.empty();
    Set<Tag> tags = tag.map(Set::of).orElse(Set.of());
    if (settings.gates().any() || settings.events().enabled()) {
      Optional<Digest> target = byDigest ? digest : metadata.resolveTag(repo, tag.get());
      manifest = target.isEmpty() ? Optional.empty() : metadata.getManifest(repo, target.get());
      if (manifest.isEmpty()) {
        throw manifestUnknown(repo, reference);
      }
      if (byDigest) {
        tags = tagsOf(repo, digest.get());
      }
      settings.gates().admit(Action.DELETE, context, manifest.get(), tags);
    }
    boolean deleted =
        byDigest
            ? metadata.deleteManifest(repo, digest.get())
            : metadata.deleteTag(repo, tag.get());
    if (!deleted) {
      throw manifestUnknown(repo, reference);
    }
    if (manifest.isPresent()) {
      settings
          .events()
          .emit(
              context,
              byDigest ? RegistryEvent.Kind.MANIFEST_DELETED : RegistryEvent.Kind.TAG_DELETED,
              202,
              manifest.get().digest(),
              Optional.of(manifest.get().mediaType()),
              byDigest ? subjectOf(manifest.get()) : Optional.empty(),
              tags);
    }
    return RegistryResponse.of(202, Headers.builder().set("Content-Length", "0").build());
  }

  private Set<Tag> tagsOf(RepositoryName repo, Digest digest) throws IOException {
    return new LinkedHashSet<>(StoreContentView.tagsOf(metadata, repo, digest));
  }

  /** The subject of a stored manifest, for its delete event; none when it cannot be parsed. */
  private Optional<Digest> subjectOf(RawManifest manifest) {
    try {
      return settings.codec().parse(manifest).subject().map(Descriptor::digest);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** end-8a/8b: tags in lexical order, {@code n} at a time after {@code last}, with a Link. */
  RegistryResponse tags(RequestContext context, RegistryRequest request) throws IOException {
    RepositoryName repo = repository(context);
    if (!metadata.repositoryExists(repo)) {
      throw new NotFoundException(ErrorCode.NAME_UNKNOWN, "repository " + repo + " is unknown");
    }
    Listing page = Listing.of(request);
    Page<Tag> tags = page.fetch(p -> metadata.tags(repo, p));
    List<String> names = new ArrayList<>();
    tags.items().forEach(t -> names.add(t.value()));
    Bytes body =
        Bytes.utf8("{\"name\":" + quote(repo.value()) + ",\"tags\":" + quoteAll(names) + "}");
    return listing(request, "/v2/" + repo + "/tags/list", page, tags.next(), body);
  }

  /**
   * {@code _catalog}: repositories in lexical order, {@code n} at a time after {@code last}; only
   * those the authorizer lets the caller pull. Filtering reads at most {@value #CATALOG_SCAN_PAGES}
   * pages of the store per request: a page may then hold fewer than {@code n} names, and its {@code
   * Link} goes on from the last name read.
   */
  RegistryResponse catalog(RequestContext context, RegistryRequest request) throws IOException {
    Listing page = Listing.of(request);
    AccessControl access = settings.access();
    List<String> names = new ArrayList<>();
    Optional<String> after = page.last();
    Optional<String> next = Optional.empty();
    for (int scanned = 0; page.n() > 0 && scanned < CATALOG_SCAN_PAGES; scanned++) {
      Page<RepositoryName> repos = metadata.repositories(new PageRequest(page.n(), after));
      List<RepositoryName> items = repos.items();
      int examined = 0;
      while (examined < items.size() && names.size() < page.n()) {
        RepositoryName r = items.get(examined++);
        if (access.allowsAll() || access.authorizes(context.identity(), Access.pull(r))) {
          names.add(r.value());
        }
      }
      boolean storeHasMore = examined < items.size() || repos.next().isPresent();
      if (examined == 0 || !storeHasMore) {
        next = Optional.empty();
        break;
      }
      after = Optional.of(items.get(examined - 1).value());
      next = after;
      if (names.size() == page.n()) {
        break;
      }
    }
    Bytes body = Bytes.utf8("{\"repositories\":" + quoteAll(names) + "}");
    return listing(request, "/v2/_catalog", page, next, body);
  }

  /** The most store pages one filtered {@code _catalog} request reads. */
  static final int CATALOG_SCAN_PAGES = 10;

  /**
   * {@code n} (default {@value #DEFAULT_PAGE}, at most {@link PageRequest#MAX_LIMIT}; 0 asks for an
   * empty list) and {@code last}.
   */
  private record Listing(int n, Optional<String> last) {
    static Listing of(RegistryRequest request) {
      int n = DEFAULT_PAGE;
      Optional<String> nParam = request.queryParam("n");
      if (nParam.isPresent()) {
        try {
          n = Integer.parseInt(nParam.get());
        } catch (NumberFormatException e) {
          n = -1;
        }
        if (n < 0) {
          throw new InvalidContentException(
              ErrorCode.UNSUPPORTED, "n must be a non-negative integer", null, 400, null);
        }
      }
      return new Listing(
          Math.min(n, PageRequest.MAX_LIMIT), request.queryParam("last").filter(s -> !s.isEmpty()));
    }

    <T> Page<T> fetch(PageSource<T> source) throws IOException {
      return n == 0
          ? new Page<>(List.of(), Optional.empty())
          : source.page(new PageRequest(n, last));
    }
  }

  @FunctionalInterface
  private interface PageSource<T> {
    Page<T> page(PageRequest request) throws IOException;
  }

  private RegistryResponse listing(
      RegistryRequest request, String path, Listing page, Optional<String> next, Bytes body) {
    Headers.Builder h = Registry.json();
    if (next.isPresent()) {
      h.set(
          "Link",
          "<"
              + path
              + "?n="
              + page.n()
              + "&last="
              + URLEncoder.encode(next.get(), StandardCharsets.UTF_8)
              + ">; rel=\"next\"");
    }
    if (request.method() == HttpMethod.HEAD) {
      h.set("Content-Length", Long.toString(body.size()));
      return RegistryResponse.of(200, h.build());
    }
    return RegistryResponse.of(200, h.build(), body);
  }

  /**
   * end-12a/12b: the manifests whose subject is {@code digest}, as an image index; filtered by
   * {@code artifactType} with {@code OCI-Filters-Applied}. An unknown subject gives an empty index.
   */
  RegistryResponse referrers(RequestContext context, RegistryRequest request) throws IOException {
    RepositoryName repo = repository(context);
    Digest subject = Digest.parse(reference(context));
    Optional<MediaType> artifactType =
        request.queryParam("artifactType").filter(s -> !s.isEmpty()).map(MediaType::parse);
    List<Descriptor> referrers = metadata.referrers(repo, subject, artifactType);
    RawManifest index = settings.codec().encode(ImageIndex.of(referrers));
    Headers.Builder h = Headers.builder().set("Content-Type", MediaType.OCI_IMAGE_INDEX.value());
    if (artifactType.isPresent()) {
      h.set("OCI-Filters-Applied", "artifactType");
    }
    return RegistryResponse.of(200, h.build(), index.bytes());
  }

  private static String quoteAll(List<String> items) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < items.size(); i++) {
      sb.append(i > 0 ? "," : "").append(quote(items.get(i)));
    }
    return sb.append(']').toString();
  }

  /** Names and tags are ASCII of a restricted set: no character needs escaping but the quotes. */
  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
