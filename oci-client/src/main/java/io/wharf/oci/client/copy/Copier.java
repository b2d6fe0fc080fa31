package io.wharf.oci.client.copy;

import io.wharf.oci.client.Repository;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.Platform;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.NotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies what a {@link CopyRequest} names from its {@link ImageSource} to its {@link
 * ImageDestination}: reads the manifests first (the root, an index's children, referrers when
 * asked), then moves every distinct blob (in parallel, skipping those the destination has and
 * mounting those it can), then writes the manifests children first, the root with its tag, then the
 * referrers, and commits. Manifests keep their exact bytes. Non-distributable layers are not
 * copied, as in skopeo.
 *
 * <p>Immutable and thread-safe; each {@link #copy} uses its own threads.
 */
public final class Copier {

  /** The most nested indexes followed (an index of indexes of ...). */
  static final int MAX_DEPTH = 8;

  /** The default of {@link Builder#maxManifests(int, long)}: manifests one copy holds. */
  public static final int MAX_MANIFESTS = 10_000;

  /** The default of {@link Builder#maxManifests(int, long)}: their bytes, 256 MiB. */
  public static final long MAX_MANIFEST_BYTES = 256L << 20;

  private final int parallelism;
  private final CopyListener listener;
  private final int maxManifests;
  private final long maxManifestBytes;

  private Copier(Builder b) {
    this.parallelism = b.parallelism;
    this.listener = b.listener;
    this.maxManifests = b.maxManifests;
    this.maxManifestBytes = b.maxManifestBytes;
  }

  /** A builder: parallelism 4, no listener. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Copies. The source and destination are not closed.
   *
   * @throws CopyException naming the step and digest that failed, with the cause
   */
  public CopyResult copy(CopyRequest request) throws IOException {
    long start = System.nanoTime();
    Run run = new Run(request);
    RawManifest root = run.selectRoot();
    run.walk(root, ManifestRole.ROOT, 0);
    if (request.referrers()) {
      run.addReferrers();
    }
    run.transferBlobs();
    List<Descriptor> written = run.writeManifests();
    try {
      request.destination().commit();
    } catch (IOException | RuntimeException e) {
      throw new CopyException(
          CopyException.Step.COMMIT,
          Optional.of(root.digest()),
          "cannot commit the copy to " + request.destination() + ": " + message(e),
          e);
    }
    return new CopyResult(
        root.descriptor(),
        written,
        run.copied.get(),
        run.existing.get(),
        run.mounted.get(),
        run.bytesCopied.get(),
        Duration.ofNanos(System.nanoTime() - start));
  }

  /** Settings of a {@link Copier}. */
  public static final class Builder {
    private int parallelism = 4;
    private CopyListener listener = CopyListener.NONE;
    private int maxManifests = MAX_MANIFESTS;
    private long maxManifestBytes = MAX_MANIFEST_BYTES;

    private Builder() {}

    /**
     * The most manifests (indexes, images, referrers) one copy holds in memory, and their bytes;
     * {@link #MAX_MANIFESTS} and {@link #MAX_MANIFEST_BYTES} by default. A source that mints
     * indexes or referrers without end then fails with a {@link CopyException} instead of filling
     * memory.
     */
    public Builder maxManifests(int count, long bytes) {
      if (count < 1 || bytes < 1) {
        throw new IllegalArgumentException("the manifest limits must be positive");
      }
      this.maxManifests = count;
      this.maxManifestBytes = bytes;
      return this;
    }

    /** Blobs moved at once; 4 by default, at most 64. */
    public Builder parallelism(int parallelism) {
      if (parallelism < 1 || parallelism > 64) {
        throw new IllegalArgumentException("parallelism must be from 1 to 64");
      }
      this.parallelism = parallelism;
      return this;
    }

    /** Who hears of progress. */
    public Builder listener(CopyListener listener) {
      this.listener = Objects.requireNonNull(listener);
      return this;
    }

    /** The copier. */
    public Copier build() {
      return new Copier(this);
    }
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /** One copy's state. */
  private final class Run {
    private final CopyRequest request;
    private final ImageSource source;
    private final ImageDestination destination;
    private final Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
    private final List<RawManifest> manifests = new ArrayList<>();
    private final List<ManifestRole> roles = new ArrayList<>();
    private final Set<Digest> seen = new HashSet<>();
    private long manifestBytes;
    private final AtomicInteger copied = new AtomicInteger();
    private final AtomicInteger existing = new AtomicInteger();
    private final AtomicInteger mounted = new AtomicInteger();
    private final AtomicInteger blobsDone = new AtomicInteger();
    private final AtomicLong bytesDone = new AtomicLong();
    private final AtomicLong bytesCopied = new AtomicLong();
    private long bytesTotal;

    Run(CopyRequest request) {
      this.request = request;
      this.source = request.source();
      this.destination = request.destination();
    }

    RawManifest selectRoot() throws IOException {
      RawManifest root;
      try {
        root = source.root();
      } catch (IOException | RuntimeException e) {
        throw new CopyException(
            CopyException.Step.READ_ROOT,
            Optional.empty(),
            "cannot read " + source + ": " + message(e),
            e);
      }
      PlatformSelection platforms = request.platforms();
      if (platforms.isAll() || !(root.parse() instanceof ImageIndex index)) {
        return root;
      }
      List<Descriptor> chosen = new ArrayList<>();
      for (Platform p : platforms.platforms()) {
        Descriptor d =
            index
                .manifestFor(p)
                .orElseThrow(
                    () ->
                        new CopyException(
                            CopyException.Step.SELECT_PLATFORM,
                            Optional.of(root.digest()),
                            source
                                + " has no manifest for platform "
                                + p
                                + " (it has: "
                                + platformsOf(index)
                                + ")",
                            new NotFoundException(
                                ErrorCode.MANIFEST_UNKNOWN, "no manifest for " + p)));
        if (chosen.stream().noneMatch(c -> c.digest().equals(d.digest()))) {
          chosen.add(d);
        }
      }
      if (chosen.size() == 1) {
        return readManifest(chosen.get(0));
      }
      return ManifestCodec.defaults().encode(index.withManifests(chosen));
    }

    private String platformsOf(ImageIndex index) {
      List<String> names = new ArrayList<>();
      for (Descriptor d : index.manifests()) {
        d.platform().ifPresent(p -> names.add(p.toString()));
      }
      return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private RawManifest readManifest(Descriptor d) throws IOException {
      try {
        return source.manifest(d);
      } catch (IOException | RuntimeException e) {
        throw new CopyException(
            CopyException.Step.READ_MANIFEST,
            Optional.of(d.digest()),
            "cannot read manifest " + d.digest() + " from " + source + ": " + message(e),
            e);
      }
    }

    /** Adds {@code m}'s blobs and child manifests, then {@code m} itself: children first. */
    void walk(RawManifest m, ManifestRole role, int depth) throws IOException {
      if (!seen.add(m.digest())) {
        return;
      }
      if (depth > MAX_DEPTH) {
        throw new CopyException(
            CopyException.Step.READ_MANIFEST,
            Optional.of(m.digest()),
            "indexes nest deeper than " + MAX_DEPTH + " levels at " + m.digest(),
            new IOException("too deep"));
      }
      manifestBytes += m.size();
      if (seen.size() > maxManifests || manifestBytes > maxManifestBytes) {
        throw new CopyException(
            CopyException.Step.READ_MANIFEST,
            Optional.of(m.digest()),
            "the copy would hold more than "
                + maxManifests
                + " manifests or "
                + maxManifestBytes
                + " bytes of them, at "
                + m.digest(),
            new IOException("too many manifests"));
      }
      Manifest parsed = m.parse();
      if (parsed instanceof ImageIndex index) {
        for (Descriptor child : index.manifests()) {
          if (child.mediaType().isManifest()) {
            walk(readManifest(child), ManifestRole.CHILD, depth + 1);
          } else {
            addBlob(child);
          }
        }
      } else {
        ImageManifest image = (ImageManifest) parsed;
        addBlob(image.config());
        for (Descriptor layer : image.layers()) {
          if (layer.mediaType().isDistributable()) {
            addBlob(layer);
          }
        }
      }
      manifests.add(m);
      roles.add(role);
    }

    private void addBlob(Descriptor d) {
      d.digest().requireAlgorithm();
      if (blobs.putIfAbsent(d.digest(), d) == null) {
        bytesTotal += d.size();
      }
    }

    /** The referrers of every manifest in the copy, and theirs, breadth first. */
    void addReferrers() throws IOException {
      for (int i = 0; i < manifests.size(); i++) {
        RawManifest subject = manifests.get(i);
        List<Descriptor> referrers;
        try {
          referrers = source.referrers(subject.descriptor());
        } catch (IOException | RuntimeException e) {
          throw new CopyException(
              CopyException.Step.LIST_REFERRERS,
              Optional.of(subject.digest()),
              "cannot list the referrers of "
                  + subject.digest()
                  + " in "
                  + source
                  + ": "
                  + message(e),
              e);
        }
        for (Descriptor r : referrers) {
          if (!seen.contains(r.digest())) {
            walk(
                readManifest(Descriptor.of(r.mediaType(), r.digest(), r.size())),
                ManifestRole.REFERRER,
                0);
          }
        }
      }
    }

    private CopyProgress totals() {
      return new CopyProgress(blobsDone.get(), blobs.size(), bytesDone.get(), bytesTotal);
    }

    void transferBlobs() throws IOException {
      safely(() -> listener.planned(totals()));
      List<Descriptor> todo = new ArrayList<>(blobs.values());
      if (todo.isEmpty()) {
        return;
      }
      int threads = destination.parallelWrites() ? Math.min(parallelism, todo.size()) : 1;
      if (threads == 1) {
        for (Descriptor blob : todo) {
          transfer(blob);
        }
        return;
      }
      AtomicInteger counter = new AtomicInteger();
      ExecutorService pool =
          Executors.newFixedThreadPool(
              threads,
              r -> {
                Thread t = new Thread(r, "wharf-copy-" + counter.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      try {
        List<Future<Void>> futures = new ArrayList<>();
        for (Descriptor blob : todo) {
          futures.add(
              pool.submit(
                  () -> {
                    transfer(blob);
                    return null;
                  }));
        }
        for (Future<Void> f : futures) {
          try {
            f.get();
          } catch (ExecutionException e) {
            pool.shutdownNow();
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
              throw io;
            }
            if (cause instanceof RuntimeException re) {
              throw re;
            }
            throw new IOException(cause);
          } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while copying blobs");
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }

    private void transfer(Descriptor blob) throws CopyException {
      safely(() -> listener.blobStarted(blob));
      BlobOutcome outcome;
      try {
        Optional<Repository> from = source.repository();
        if (destination.hasBlob(blob)) {
          outcome = BlobOutcome.EXISTED;
          existing.incrementAndGet();
        } else if (from.isPresent() && destination.mountBlob(blob, from.get())) {
          outcome = BlobOutcome.MOUNTED;
          mounted.incrementAndGet();
        } else {
          Progress progress = new Progress(blob);
          boolean verifying = destination.verifiesBlobs();
          destination.writeBlob(
              blob,
              () ->
                  progress.reset(
                      verifying
                          ? source.openBlobForVerifyingDestination(blob)
                          : source.openBlob(blob)));
          outcome = BlobOutcome.COPIED;
          copied.incrementAndGet();
          bytesCopied.addAndGet(blob.size());
          progress.complete();
        }
      } catch (IOException | RuntimeException e) {
        throw new CopyException(
            CopyException.Step.COPY_BLOB,
            Optional.of(blob.digest()),
            "cannot copy blob "
                + blob.digest()
                + " from "
                + source
                + " to "
                + destination
                + ": "
                + message(e),
            e);
      }
      if (outcome != BlobOutcome.COPIED) {
        bytesDone.addAndGet(blob.size());
      }
      blobsDone.incrementAndGet();
      BlobOutcome o = outcome;
      safely(() -> listener.blobFinished(blob, o, totals()));
    }

    List<Descriptor> writeManifests() throws IOException {
      List<Descriptor> written = new ArrayList<>();
      for (int i = 0; i < manifests.size(); i++) {
        RawManifest m = manifests.get(i);
        ManifestRole role = roles.get(i);
        try {
          destination.writeManifest(m, role);
        } catch (IOException | RuntimeException e) {
          throw new CopyException(
              CopyException.Step.WRITE_MANIFEST,
              Optional.of(m.digest()),
              "cannot write manifest " + m.digest() + " to " + destination + ": " + message(e),
              e);
        }
        written.add(m.descriptor());
        safely(() -> listener.manifestWritten(m.descriptor(), role));
      }
      return written;
    }

    /**
     * Counts one blob's bytes as they are read; the copy's total grows only past the most read
     * before (a blob read again after a failure is not counted twice).
     */
    private final class Progress {
      private final Descriptor blob;
      private long position;
      private long counted;

      Progress(Descriptor blob) {
        this.blob = blob;
      }

      synchronized InputStream reset(InputStream in) {
        position = 0;
        return new FilterInputStream(in) {
          @Override
          public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
              advance(1);
            }
            return b;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
              advance(n);
            }
            return n;
          }
        };
      }

      private void advance(long n) {
        long done;
        synchronized (this) {
          position += n;
          done = position;
          if (position > counted) {
            bytesDone.addAndGet(position - counted);
            counted = position;
          }
        }
        safely(() -> listener.blobProgressed(blob, done, totals()));
      }

      synchronized void complete() {
        if (counted < blob.size()) {
          bytesDone.addAndGet(blob.size() - counted);
          counted = blob.size();
        }
      }
    }
  }

  private static void safely(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      // A listener's failure never fails a copy.
    }
  }
}
