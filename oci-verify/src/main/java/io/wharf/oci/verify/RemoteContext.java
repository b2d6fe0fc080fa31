package io.wharf.oci.verify;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.RegistryClientException;
import io.wharf.oci.client.Repository;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.PolicyContext;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The policy engine's read-only view ({@link PolicyContext}) of one repository on any registry,
 * read through a {@link RegistryClient}: manifests by digest (end-3), tags resolved with {@code
 * HEAD} (end-2) and listed (end-8), referrers through the referrers API (end-12) or, where the
 * registry has none, the referrers tag schema, and blobs (end-2) verified against their digest as
 * they stream.
 *
 * <p>Made for one verification: what it reads it keeps (manifests, tag lookups, referrer lists,
 * blobs of up to {@link Limits#maxCachedBlobBytes()}), so that several rules and verifiers asking
 * for the same facts cost one request each; it never sees later changes. Every read is bounded
 * ({@link Limits}); going past a bound is an {@link IOException} that names it, never a partial
 * answer that could judge wrongly. Its methods are synchronized, so it may be shared by the threads
 * of one verification.
 */
public final class RemoteContext implements PolicyContext {

  /** Tags that name a digest ({@code sha256-<hex>}, with cosign's suffixes): never an image's. */
  private static final Pattern DIGEST_TAG = Pattern.compile("sha(256|512)-[0-9a-f]{64,128}.*");

  /**
   * How much one verification may read.
   *
   * @param maxBlobBytes the largest blob read (a signature, a report); the stream fails past it
   * @param maxCachedBlobBytes blobs up to this size are read at once, kept, and served again from
   *     memory (signature payloads, small reports)
   * @param maxReferrers the most referrers of one manifest listed (more is an error: a policy that
   *     saw only some could miss the newest report or the one valid signature)
   * @param maxTags the most tags looked up to find those pointing at a digest ({@link #tagsOf})
   */
  public record Limits(long maxBlobBytes, int maxCachedBlobBytes, int maxReferrers, int maxTags) {

    /** 64 MiB blobs, 1 MiB kept, 1000 referrers, 256 tags. */
    public static final Limits DEFAULT = new Limits(64L * 1024 * 1024, 1024 * 1024, 1000, 256);

    /** Checks that every bound is positive and that a kept blob fits the largest one. */
    public Limits {
      if (maxBlobBytes < 1 || maxCachedBlobBytes < 0 || maxReferrers < 1 || maxTags < 1) {
        throw new IllegalArgumentException(
            "limits must be positive: "
                + Arrays.asList(maxBlobBytes, maxCachedBlobBytes, maxReferrers, maxTags));
      }
      if (maxCachedBlobBytes > maxBlobBytes) {
        throw new IllegalArgumentException("maxCachedBlobBytes exceeds maxBlobBytes");
      }
    }
  }

  private record ReferrersKey(Digest subject, Optional<MediaType> artifactType) {}

  private final RegistryClient client;
  private final Repository repository;
  private final Limits limits;
  private final Map<Digest, Optional<RawManifest>> manifests = new HashMap<>();
  private final Map<Tag, Optional<Digest>> tags = new HashMap<>();
  private final Map<ReferrersKey, List<Descriptor>> referrers = new HashMap<>();
  private final Map<Digest, byte[]> blobs = new HashMap<>();
  private @Nullable List<Tag> tagList;

  private RemoteContext(RegistryClient client, Repository repository, Limits limits) {
    this.client = Objects.requireNonNull(client, "client");
    this.repository = Objects.requireNonNull(repository, "repository");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** A view of {@code repository} through {@code client}, within {@link Limits#DEFAULT}. */
  public static RemoteContext of(RegistryClient client, Repository repository) {
    return new RemoteContext(client, repository, Limits.DEFAULT);
  }

  /** A view of {@code repository} through {@code client}, within {@code limits}. */
  public static RemoteContext of(RegistryClient client, Repository repository, Limits limits) {
    return new RemoteContext(client, repository, limits);
  }

  @Override
  public RepositoryName repository() {
    return repository.name();
  }

  /** The repository and the registry it is read from. */
  public Repository remote() {
    return repository;
  }

  /**
   * Manifest {@code digest} (end-3 by digest; the bytes are checked against it); empty when the
   * registry answers 404.
   */
  @Override
  public synchronized Optional<RawManifest> manifest(Digest digest) throws IOException {
    return cached(manifests, digest, () -> Optional.of(client.getManifest(at(digest))));
  }

  /**
   * The digest {@code tag} points at now (end-2, {@code HEAD}); empty when the registry answers
   * 404.
   */
  @Override
  public synchronized Optional<Digest> resolve(Tag tag) throws IOException {
    return cached(
        tags,
        tag,
        () ->
            client
                .headManifest(Reference.of(repository.registry(), repository.name(), tag))
                .map(Descriptor::digest));
  }

  /** A read of the registry that may find nothing. */
  @FunctionalInterface
  private interface Read<V> {
    Optional<V> read() throws IOException;
  }

  /** What {@code cache} keeps under {@code key}, else {@code read}'s (404 is empty), kept. */
  private static <K, V> Optional<V> cached(Map<K, Optional<V>> cache, K key, Read<V> read)
      throws IOException {
    Optional<V> known = cache.get(key);
    if (known != null) {
      return known;
    }
    Optional<V> found;
    try {
      found = read.read();
    } catch (RegistryClientException e) {
      if (!e.isNotFound()) {
        throw e;
      }
      found = Optional.empty();
    }
    cache.put(key, found);
    return found;
  }

  /**
   * The tags pointing at {@code digest}: every tag is listed (end-8) and those that could name an
   * image (not cosign's or the referrers schema's {@code sha256-<hex>} tags) are resolved, in text
   * order.
   *
   * @throws IOException when there are more than {@link Limits#maxTags()} such tags: then which of
   *     them point at the digest is not known (verify by tag instead)
   */
  @Override
  public synchronized List<Tag> tagsOf(Digest digest) throws IOException {
    if (tagList == null) {
      List<Tag> candidates = new ArrayList<>();
      for (Tag tag : client.listTags(repository)) {
        if (!DIGEST_TAG.matcher(tag.value()).matches()) {
          candidates.add(tag);
        }
      }
      if (candidates.size() > limits.maxTags()) {
        throw new IOException(
            repository
                + " has "
                + candidates.size()
                + " tags, more than the "
                + limits.maxTags()
                + " looked up to find those of "
                + digest
                + "; verify the image by tag");
      }
      candidates.sort(null);
      tagList = List.copyOf(candidates);
    }
    List<Tag> of = new ArrayList<>();
    for (Tag tag : tagList) {
      if (resolve(tag).filter(digest::equals).isPresent()) {
        of.add(tag);
      }
    }
    return List.copyOf(of);
  }

  /**
   * The referrers of {@code subject} (end-12a/12b, or the referrers tag schema where the registry
   * has no referrers API).
   *
   * @throws IOException when there are more than {@link Limits#maxReferrers()}
   */
  @Override
  public synchronized List<Descriptor> referrers(Digest subject, Optional<MediaType> artifactType)
      throws IOException {
    ReferrersKey key = new ReferrersKey(subject, artifactType);
    List<Descriptor> known = referrers.get(key);
    if (known != null) {
      return known;
    }
    List<Descriptor> all = referrers.get(new ReferrersKey(subject, Optional.empty()));
    List<Descriptor> found;
    if (all != null && artifactType.isPresent()) {
      MediaType type = artifactType.get();
      found = all.stream().filter(d -> d.artifactType().map(type::is).orElse(false)).toList();
    } else {
      found =
          artifactType.isPresent()
              ? client.referrers(repository, subject, artifactType.get())
              : client.referrers(repository, subject);
      if (found.size() > limits.maxReferrers()) {
        throw new IOException(
            "manifest "
                + subject
                + " of "
                + repository
                + " has "
                + found.size()
                + " referrers, more than the "
                + limits.maxReferrers()
                + " a verification reads");
      }
      found = List.copyOf(found);
    }
    referrers.put(key, found);
    return found;
  }

  /**
   * Blob {@code digest} (end-2), verified against the digest as it streams. A blob of up to {@link
   * Limits#maxCachedBlobBytes()} is read at once and kept; a larger one streams, and fails past
   * {@link Limits#maxBlobBytes()}. The caller closes the stream.
   *
   * @throws NotFoundException (BLOB_UNKNOWN) when the registry answers 404
   */
  @Override
  public synchronized InputStream openBlob(Digest digest) throws IOException {
    byte[] kept = blobs.get(digest);
    if (kept != null) {
      return new ByteArrayInputStream(kept);
    }
    InputStream in;
    try {
      in = client.openBlob(repository, digest, -1);
    } catch (RegistryClientException e) {
      if (e.isNotFound()) {
        throw new NotFoundException(
            ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is not in " + repository, e);
      }
      throw e;
    }
    byte[] head;
    try {
      head = in.readNBytes(limits.maxCachedBlobBytes() + 1);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
    if (head.length <= limits.maxCachedBlobBytes()) {
      // The whole blob was read: the client's stream checked its digest at the end.
      in.close();
      blobs.put(digest, head);
      return new ByteArrayInputStream(head);
    }
    return new Bounded(
        new SequenceInputStream(new ByteArrayInputStream(head), in), limits.maxBlobBytes(), digest);
  }

  private Reference at(Digest digest) {
    return Reference.of(repository.registry(), repository.name(), digest);
  }

  /** A stream that fails when more than {@code max} bytes come out of it. */
  private static final class Bounded extends FilterInputStream {
    private final long max;
    private final Digest digest;
    private long read;

    Bounded(InputStream in, long max, Digest digest) {
      super(in);
      this.max = max;
      this.digest = digest;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count(skipped);
      return skipped;
    }

    private void count(long n) throws IOException {
      read += n;
      if (read > max) {
        throw new IOException("blob " + digest + " is larger than " + max + " bytes");
      }
    }
  }
}
