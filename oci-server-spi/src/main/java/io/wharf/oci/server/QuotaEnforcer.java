package io.wharf.oci.server;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.AccessException;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.ProjectUsage;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Enforces the registry's {@link Quotas} on manifest pushes and blob uploads, as {@link Quotas}
 * describes. Without quotas ({@link Quotas#none()}) every method runs its write at once and reads
 * nothing; for a project without a quota, one map look-up. With a quota, a check reads the
 * project's {@link ProjectUsage} once (on the single-node store one row by primary key, about 0.2
 * ms) and, for content whose digest is known, whether the project holds it.
 *
 * <p>A check and the write it admits run under one of {@value #STRIPES} locks, chosen by the
 * project's name: memory stays bounded whatever the number of projects, and pushes to two projects
 * rarely wait for each other. Deletes take no lock: they only make a concurrent check's figure
 * larger than it is, never smaller.
 */
final class QuotaEnforcer {

  /** How many locks the projects share. */
  static final int STRIPES = 64;

  private final Quotas quotas;
  private final boolean enabled;
  private final MetadataStore metadata;
  private final Events events;
  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

  QuotaEnforcer(Quotas quotas, MetadataStore metadata, Events events) {
    this.quotas = quotas;
    this.enabled = !(quotas instanceof NoQuotas);
    this.metadata = metadata;
    this.events = events;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  /** A write that a check admits. */
  @FunctionalInterface
  interface Write<T> {
    T run() throws IOException;
  }

  /** The quota of a project that limits something. */
  private record Limit(String project, Quota quota) {}

  /** The quota of {@code repository}'s project, when it limits anything. */
  private Optional<Limit> limit(RepositoryName repository) {
    if (!enabled) {
      return Optional.empty();
    }
    String project = ProjectUsage.projectOf(repository);
    return quotas.limit(project).filter(Quota::limits).map(q -> new Limit(project, q));
  }

  /**
   * Runs {@code write}, the store of {@code manifest} in the request's repository, when it keeps
   * the project within its quota: its bytes count when the project holds nothing of its digest, and
   * it is one more artifact when the repository does not store it yet (a manifest pushed again, or
   * a tag moved, adds nothing and always passes).
   *
   * @throws QuotaExceededException {@code 403 DENIED} before anything is stored, after a {@link
   *     RegistryEvent.Kind#DENIED} event
   */
  <T> T admitManifest(RequestContext request, RawManifest manifest, Set<Tag> tags, Write<T> write)
      throws IOException {
    RepositoryName repository = request.repository().orElseThrow();
    Optional<Limit> limit = limit(repository);
    if (limit.isEmpty()) {
      return write.run();
    }
    String project = limit.get().project();
    ReentrantLock lock = lockOf(project);
    lock.lock();
    try {
      Digest digest = manifest.digest();
      if (metadata.statManifest(repository, digest).isEmpty()) {
        long bytes = metadata.projectHolds(project, digest) ? 0 : manifest.size();
        check(
            request,
            limit.get(),
            metadata.projectUsage(project),
            bytes,
            1,
            "this push",
            Optional.of(digest),
            Optional.of(manifest.mediaType()),
            tags);
      }
      return write.run();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs {@code write}, which makes blob {@code digest} of {@code size} bytes readable in the
   * request's repository (commits and links it, or links a mount), when it keeps the project within
   * its quota; a blob the project holds already adds nothing.
   *
   * @param what the operation, in the refusal's words: {@code "this upload"}, {@code "this mount"}
   * @throws QuotaExceededException {@code 403 DENIED}, after a {@link RegistryEvent.Kind#DENIED}
   *     event; {@code write} has not run
   */
  <T> T admitBlob(RequestContext request, Digest digest, long size, String what, Write<T> write)
      throws IOException {
    Optional<Limit> limit = limit(request.repository().orElseThrow());
    if (limit.isEmpty() || limit.get().quota().bytes().isEmpty()) {
      return write.run();
    }
    String project = limit.get().project();
    ReentrantLock lock = lockOf(project);
    lock.lock();
    try {
      if (!metadata.projectHolds(project, digest)) {
        check(
            request,
            limit.get(),
            metadata.projectUsage(project),
            size,
            0,
            what,
            Optional.of(digest),
            Optional.empty(),
            Set.of());
      }
      return write.run();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The body of an upload request, refused as soon as its size is known to take the project over
   * its quota: at once when {@code received} (the bytes the session holds) and {@code declared}
   * (the request's announced length) exceed, else while it is read, when the bytes received so far
   * do. Unchanged without a quota of bytes, or when {@code digest} (known for a monolithic upload
   * or the finishing {@code PUT}) is a blob the project holds already. Reads the usage once, with
   * no lock held: the final check is {@link #admitBlob}'s. The caller cancels the upload when the
   * refusal comes.
   *
   * @throws QuotaExceededException {@code 403 DENIED}, at once or from the stream's {@code read},
   *     after a {@link RegistryEvent.Kind#DENIED} event
   */
  InputStream admitUpload(
      RequestContext request,
      Optional<Digest> digest,
      long received,
      OptionalLong declared,
      InputStream body)
      throws IOException {
    Optional<Limit> limit = limit(request.repository().orElseThrow());
    if (limit.isEmpty() || limit.get().quota().bytes().isEmpty()) {
      return body;
    }
    String project = limit.get().project();
    if (digest.isPresent() && metadata.projectHolds(project, digest.get())) {
      return body;
    }
    ProjectUsage usage = metadata.projectUsage(project);
    if (declared.isPresent()) {
      check(
          request,
          limit.get(),
          usage,
          saturatedSum(received, declared.getAsLong()),
          0,
          "this upload",
          digest,
          Optional.empty(),
          Set.of());
    }
    long room = limit.get().quota().bytes().getAsLong() - usage.bytes() - received;
    return new FilterInputStream(body) {
      private long read;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          counted(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
          counted(n);
        }
        return n;
      }

      private void counted(int n) {
        read += n;
        if (read > room) {
          check(
              request,
              limit.get(),
              usage,
              saturatedSum(received, read),
              0,
              "this upload",
              digest,
              Optional.empty(),
              Set.of());
        }
      }
    };
  }

  private static long saturatedSum(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  private ReentrantLock lockOf(String project) {
    return locks[Math.floorMod(project.hashCode(), STRIPES)];
  }

  /**
   * Refuses, after a {@link RegistryEvent.Kind#DENIED} event, when adding {@code bytes} and {@code
   * artifacts} to {@code usage} goes past a limit; adding nothing always passes.
   */
  private void check(
      RequestContext request,
      Limit limit,
      ProjectUsage usage,
      long bytes,
      long artifacts,
      String what,
      Optional<Digest> digest,
      Optional<MediaType> mediaType,
      Set<Tag> tags) {
    List<String> reasons = new ArrayList<>(2);
    Quota quota = limit.quota();
    if (bytes > 0
        && quota.bytes().isPresent()
        && bytes > quota.bytes().getAsLong() - usage.bytes()) {
      reasons.add(
          exceeded(
              limit.project(),
              size(usage.bytes(), RoundingMode.DOWN),
              size(quota.bytes().getAsLong(), RoundingMode.DOWN),
              what,
              size(bytes, RoundingMode.UP)
                  + " (it would use "
                  + size(saturatedSum(usage.bytes(), bytes), RoundingMode.UP)
                  + ")"));
    }
    if (artifacts > 0
        && quota.artifacts().isPresent()
        && artifacts > quota.artifacts().getAsLong() - usage.artifacts()) {
      reasons.add(
          exceeded(
              limit.project(),
              Long.toString(usage.artifacts()),
              quota.artifacts().getAsLong() + " artifacts",
              what,
              Long.toString(artifacts)));
    }
    if (reasons.isEmpty()) {
      return;
    }
    events.denied(request, 403, reasons, digest, mediaType, tags);
    throw new QuotaExceededException(limit.project(), reasons);
  }

  /** A refusal's words: "quota exceeded: project p has used X of Y, and this push adds Z; …". */
  private static String exceeded(
      String project, String used, String limit, String what, String adds) {
    return "quota exceeded: project "
        + project
        + " has used "
        + used
        + " of "
        + limit
        + ", and "
        + what
        + " adds "
        + adds
        + "; delete artifacts or ask for a larger quota";
  }

  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  /**
   * {@code bytes} for people: {@code 900 B}, {@code 9.9 GiB} (one decimal, rounded as {@code
   * rounding} says, so that a figure under a limit never reads as the limit).
   */
  static String size(long bytes, RoundingMode rounding) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    BigDecimal value = BigDecimal.valueOf(bytes);
    int unit = -1;
    BigDecimal k = BigDecimal.valueOf(1024);
    while (unit < UNITS.length - 1 && value.compareTo(k) >= 0) {
      value = value.divide(k);
      unit++;
    }
    BigDecimal shown = value.setScale(1, rounding).stripTrailingZeros();
    return shown.toPlainString() + " " + UNITS[unit];
  }

  /** {@code 403 DENIED}: a push would take a project over its quota. */
  static final class QuotaExceededException extends AccessException {
    private static final long serialVersionUID = 1L;

    QuotaExceededException(String project, List<String> reasons) {
      super(
          ErrorCode.DENIED,
          String.join("; ", reasons),
          Map.of("reasons", List.copyOf(reasons), "project", project));
    }
  }
}
