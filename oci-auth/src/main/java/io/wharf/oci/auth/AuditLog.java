package io.wharf.oci.auth;

import io.wharf.oci.server.RegistryEvent;
import io.wharf.oci.server.RegistryEventListener;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: every {@link RegistryEvent} (logins and their failures, token grants, pushes,
 * pulls, deletes, tag moves, mounts, denials) as one line of JSON in {@value #FILE_NAME} in a
 * folder, for example:
 *
 * <pre>{@code
 * {"time":"2025-01-02T03:04:05Z","kind":"DENIED","requestId":"r-17","actor":{"name":"alice",
 *  "kind":"user","source":"ldap","groups":["dev"]},"client":"10.0.0.5:50312",
 *  "endpoint":"BLOB_UPLOAD","action":"push","repository":"team/app","status":403,
 *  "reasons":["user alice has role guest in project team; pushing needs role developer or higher"]}
 * }</pre>
 *
 * (one line in the file). The fields are described in the module's {@code PERMISSIONS.md}. The
 * lines are written with a JSON generator, never pieced together, so a name or reason holding
 * quotes or line breaks cannot forge a line; the file is ASCII. Events hold no secret (no password,
 * token or hash) and the log adds none.
 *
 * <p>The file is rotated by size: when a line would take it past {@link Builder#maxFileBytes}
 * (default {@value #DEFAULT_MAX_FILE_BYTES} bytes) it becomes {@code audit.log.1}, the older ones
 * move up ({@code .1} to {@code .2} …) and the one past {@link Builder#maxRotatedFiles} (default
 * {@value #DEFAULT_MAX_ROTATED_FILES}) is deleted. A log opened on an existing file appends to it.
 *
 * <p>Lines are buffered and written in batches: when {@link Builder#batchLines} lines are waiting,
 * and otherwise by a timer once the oldest waiting line is {@link Builder#flushInterval} old
 * (default one second). {@link #close()} writes whatever waits and forces it to disk: close the
 * registry first (it delivers the events it holds), then the log. Thread-safe: the engine delivers
 * events on one thread, but anyone may call {@link #onEvent}.
 *
 * <p>A line that cannot be written (disk full) is logged, counted ({@link #failures()}) and lost;
 * the log keeps trying with the next ones.
 */
public final class AuditLog implements RegistryEventListener, Closeable {

  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

  /** The name of the file written. */
  public static final String FILE_NAME = "audit.log";

  /** The default size at which the file is rotated: 64 MiB. */
  public static final long DEFAULT_MAX_FILE_BYTES = 64L * 1024 * 1024;

  /** The default number of rotated files kept. */
  public static final int DEFAULT_MAX_ROTATED_FILES = 10;

  /** The default number of waiting lines that are written at once. */
  public static final int DEFAULT_BATCH_LINES = 256;

  /** The default longest time a line waits in memory. */
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);

  private final Path folder;
  private final Path file;
  private final long maxFileBytes;
  private final int maxRotatedFiles;
  private final Set<RegistryEvent.Kind> kinds;
  private final int batchLines;
  private final Duration flushInterval;
  private final Clock clock;
  private final @Nullable ScheduledExecutorService timer;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong lastFailureLog = new AtomicLong(Long.MIN_VALUE);

  // Guarded by this.
  private final AuditLines.Encoder encoder = new AuditLines.Encoder();
  private @Nullable FileChannel channel;
  private @Nullable OutputStream out;
  private long size;
  private int waiting;
  private long oldestWaitingMillis;
  private long written;
  private boolean closed;

  private AuditLog(Builder b) throws IOException {
    this.folder = b.folder;
    this.file = b.folder.resolve(FILE_NAME);
    this.maxFileBytes = b.maxFileBytes;
    this.maxRotatedFiles = b.maxRotatedFiles;
    this.kinds = Set.copyOf(b.kinds);
    this.batchLines = b.batchLines;
    this.flushInterval = b.flushInterval;
    this.clock = b.clock;
    Files.createDirectories(folder);
    open();
    if (flushInterval.isZero() || !b.timer) {
      this.timer = null;
    } else {
      this.timer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "wharf-audit-flush");
                t.setDaemon(true);
                return t;
              });
      long period = Math.max(1, flushInterval.toMillis() / 4);
      timer.scheduleWithFixedDelay(this::flushQuietly, period, period, TimeUnit.MILLISECONDS);
    }
  }

  /** A builder for an audit log in {@code folder} (created when missing). */
  public static Builder builder(Path folder) {
    return new Builder(folder);
  }

  /** The file written to. */
  public Path file() {
    return file;
  }

  /** The kinds it logs: the registry makes no other event for it. */
  @Override
  public Set<RegistryEvent.Kind> kinds() {
    return kinds;
  }

  /** Writes {@code event} as a line, if its kind is logged. Never throws. */
  @Override
  public void onEvent(RegistryEvent event) {
    if (!kinds.contains(event.kind())) {
      return;
    }
    synchronized (this) {
      AuditLines.Encoder line;
      try {
        line = encoder.encode(event);
      } catch (RuntimeException e) {
        failed("cannot encode a " + event.kind() + " event", e);
        return;
      }
      try {
        write(line);
      } catch (IOException | RuntimeException e) {
        failed("cannot write a " + event.kind() + " event (request " + event.requestId() + ")", e);
      }
    }
  }

  private void write(AuditLines.Encoder line) throws IOException {
    if (closed) {
      throw new IllegalStateException("the audit log is closed");
    }
    if (out == null) {
      open(); // a rotation that failed to open the new file: try again
    }
    if (size > 0 && size + line.size() > maxFileBytes) {
      rotate();
    }
    OutputStream o = Objects.requireNonNull(out);
    line.writeTo(o);
    size += line.size();
    written++;
    if (waiting++ == 0) {
      oldestWaitingMillis = clock.millis();
    }
    if (waiting >= batchLines || flushInterval.isZero()) {
      flush();
    }
  }

  /** Writes the waiting lines to the file (not forced to disk). */
  public synchronized void flush() throws IOException {
    if (out != null && waiting > 0) {
      out.flush();
      waiting = 0;
    }
  }

  /** Writes the waiting lines when the oldest has waited a flush interval: the timer's task. */
  synchronized void flushIfDue() throws IOException {
    if (waiting > 0 && clock.millis() - oldestWaitingMillis >= flushInterval.toMillis()) {
      flush();
    }
  }

  private void flushQuietly() {
    try {
      flushIfDue();
    } catch (IOException | RuntimeException e) {
      failed("cannot flush", e);
    }
  }

  /** How many lines were written since this log was opened. */
  public synchronized long written() {
    return written;
  }

  /** How many events could not be written. */
  public long failures() {
    return failures.get();
  }

  private void open() throws IOException {
    FileChannel c =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    channel = c;
    size = c.size();
    out = new BufferedOutputStream(Channels.newOutputStream(c), 64 * 1024);
  }

  /** Writes and forces what waits, and closes the file. */
  private void closeFile() throws IOException {
    OutputStream o = out;
    FileChannel c = channel;
    out = null;
    channel = null;
    waiting = 0;
    if (o == null || c == null) {
      return;
    }
    try (c) {
      o.flush();
      c.force(false);
    }
  }

  private void rotate() throws IOException {
    closeFile();
    if (maxRotatedFiles == 0) {
      Files.delete(file);
    } else {
      Files.deleteIfExists(rotated(maxRotatedFiles));
      for (int i = maxRotatedFiles - 1; i >= 1; i--) {
        Path from = rotated(i);
        if (Files.exists(from)) {
          Files.move(from, rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
    }
    open();
    log.info("audit log rotated: {} started", file);
  }

  private Path rotated(int n) {
    return folder.resolve(FILE_NAME + "." + n);
  }

  private void failed(String what, Exception e) {
    long n = failures.incrementAndGet();
    long now = System.nanoTime();
    long last = lastFailureLog.get();
    if ((last == Long.MIN_VALUE || now - last >= TimeUnit.SECONDS.toNanos(10))
        && lastFailureLog.compareAndSet(last, now)) {
      log.error("audit log {}: {} ({} lines lost in all)", file, what, n, e);
    }
  }

  /**
   * Writes whatever waits, forces the file to disk and closes it; events after this are counted as
   * failures. Idempotent.
   */
  @Override
  public void close() throws IOException {
    if (timer != null) {
      timer.shutdownNow();
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      closeFile();
    }
  }

  /** The file and the settings. */
  @Override
  public String toString() {
    return "AuditLog[" + file + ", maxFileBytes=" + maxFileBytes + ", kinds=" + kinds + "]";
  }

  /** Settings of an {@link AuditLog}. */
  public static final class Builder {
    private final Path folder;
    private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;
    private int maxRotatedFiles = DEFAULT_MAX_ROTATED_FILES;
    private Set<RegistryEvent.Kind> kinds = EnumSet.allOf(RegistryEvent.Kind.class);
    private int batchLines = DEFAULT_BATCH_LINES;
    private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
    private Clock clock = Clock.systemUTC();
    private boolean timer = true;

    private Builder(Path folder) {
      this.folder = Objects.requireNonNull(folder, "folder");
    }

    /** The size at which the file is rotated (default 64 MiB; at least 4 KiB). */
    public Builder maxFileBytes(long bytes) {
      if (bytes < 4096) {
        throw new IllegalArgumentException("maxFileBytes is at least 4096");
      }
      this.maxFileBytes = bytes;
      return this;
    }

    /** How many rotated files ({@code audit.log.1} …) are kept (default 10; 0 keeps none). */
    public Builder maxRotatedFiles(int files) {
      if (files < 0 || files > 1000) {
        throw new IllegalArgumentException("maxRotatedFiles is 0 to 1000");
      }
      this.maxRotatedFiles = files;
      return this;
    }

    /** Logs only events of {@code kinds} (default all). */
    public Builder kinds(Set<RegistryEvent.Kind> kinds) {
      if (kinds.isEmpty()) {
        throw new IllegalArgumentException("an audit log logs at least one kind of event");
      }
      this.kinds = EnumSet.copyOf(kinds);
      return this;
    }

    /** How many waiting lines are written at once (default 256; 1 writes each line at once). */
    public Builder batchLines(int lines) {
      if (lines < 1 || lines > 100_000) {
        throw new IllegalArgumentException("batchLines is 1 to 100000");
      }
      this.batchLines = lines;
      return this;
    }

    /**
     * The longest a line waits in memory before it is written (default one second); zero writes
     * each line at once.
     */
    public Builder flushInterval(Duration interval) {
      if (interval.isNegative()) {
        throw new IllegalArgumentException("the flush interval is not negative");
      }
      this.flushInterval = interval;
      return this;
    }

    /** The clock that times the flush interval (default the system's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Without the timer thread: waiting lines are written only in batches and at close. Tests. */
    Builder withoutTimer() {
      this.timer = false;
      return this;
    }

    /**
     * Opens the log, creating the folder and the file when missing.
     *
     * @throws IOException when the file cannot be opened
     */
    public AuditLog build() throws IOException {
      return new AuditLog(this);
    }
  }
}
