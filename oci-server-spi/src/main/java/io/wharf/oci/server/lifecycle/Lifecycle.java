package io.wharf.oci.server.lifecycle;

import io.wharf.oci.model.Digest;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.RegistryEvent;
import io.wharf.oci.server.RegistryEventListener;
import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.lifecycle.GarbageCollector;
import io.wharf.oci.storage.lifecycle.GcReport;
import io.wharf.oci.storage.lifecycle.GcRequest;
import io.wharf.oci.storage.lifecycle.UploadPurge;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the registry's lifecycle jobs on cron {@link Schedule}s while it serves: garbage collection
 * ({@value #GC}: a {@link GarbageCollector}, incremental, and a full run every {@linkplain
 * Builder#fullEvery Nth} scheduled run; a dry run is never scheduled), the purge of abandoned
 * uploads ({@value #UPLOADS}: an {@link UploadPurge}), retention ({@value #RETENTION}: a {@link
 * RetentionRun}; a scheduled run applies the rules, as Harbor's scheduled retention does), and any
 * other {@link LifecycleJob}. Each job also runs on request ({@link #runNow}, {@link
 * #collectGarbage}, {@link #applyRetention}), which the {@link LifecycleEndpoint}, {@code wharf gc}
 * and {@code wharf retention} use.
 *
 * <p>One daemon thread ({@code wharf-lifecycle}) runs every run, scheduled or requested, one after
 * the other: runs never overlap, so a long collection delays the next purge but never races it. A
 * job that is running or waiting to run is not asked again: its schedule skips that time, and a
 * request is refused ({@link JobBusyException}). A run that fails is logged at WARN and recorded
 * ({@link #jobs()}); the job runs again at its next scheduled time. A run late past its time (the
 * thread was busy, the machine slept) runs once, then the schedule goes on from the clock's time:
 * missed times are not made up.
 *
 * <p>Every run, whatever its end, is told to the {@linkplain Builder#events listener} (the
 * registry's {@link io.wharf.oci.server.Registry#publish}) as a {@link
 * RegistryEvent.Kind#LIFECYCLE_RUN} event: the run's id, who started it ({@link #ACTOR} for a
 * scheduled run), status 200 or 500, and its summary as the reasons. A retention run that deleted
 * artifacts first tells each as a {@link RegistryEvent.Kind#MANIFEST_DELETED} event (see {@link
 * #applyRetention(boolean, Caller)}), so that an audit log records every deletion.
 *
 * <p>Nothing runs before {@link #start()}; {@link #close()} stops the schedules and waits (at most
 * {@linkplain Builder#closeTimeout a bound}) for a run going on, then interrupts it. Thread-safe.
 */
public final class Lifecycle implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

  /**
   * Who starts scheduled runs, in their events: {@code wharf-lifecycle}, of kind {@code system}.
   */
  public static final Identity ACTOR =
      Identity.named("wharf-lifecycle").withAttributes(Map.of("kind", "system"));

  /** The name of the garbage collection job. */
  public static final String GC = "gc";

  /** The name of the abandoned-upload purge job. */
  public static final String UPLOADS = "uploads";

  /** The name of the retention job. */
  public static final String RETENTION = "retention";

  /** The first reason of the {@link RegistryEvent.Kind#MANIFEST_DELETED} event of a retention. */
  static final String RETENTION_REASON = "retention: ";

  /** By default every 7th scheduled collection is a full one (the first one too). */
  public static final int DEFAULT_FULL_EVERY = 7;

  /**
   * The share of the time a collection in a serving registry works, the rest paused ({@link
   * io.wharf.oci.storage.lifecycle.GarbageCollector.Builder#dutyCycle}): 0.1. Measured with {@code
   * benchmarks/run-gc.sh}: at this share a collection loop raises the p99 latency of concurrent
   * manifest GETs by less than 20% on two cores; flat out it doubles it.
   */
  public static final double DEFAULT_GC_DUTY_CYCLE = 0.1;

  /** The usual schedule of the upload purge: every hour, on the hour. */
  public static final String DEFAULT_UPLOAD_SCHEDULE = "0 * * * *";

  /** How long {@link #close()} waits for a run going on by default: 30 seconds. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** The most summary lines an event carries. */
  static final int MAX_EVENT_LINES = 64;

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,63}");

  private final Map<String, Job> jobs;
  private final @Nullable GarbageCollector collector;
  private final @Nullable RetentionRun retention;
  private final Clock clock;
  private final RegistryEventListener events;
  private final Duration closeTimeout;
  private final ScheduledThreadPoolExecutor executor;
  private final AtomicLong runIds = new AtomicLong();
  private final Object lock = new Object();
  private boolean started;
  private volatile boolean closed;

  private Lifecycle(Builder b) {
    this.clock = b.clock;
    this.collector = b.collector;
    this.retention = b.retention;
    this.events = b.events;
    this.closeTimeout = b.closeTimeout;
    Map<String, Job> all = new LinkedHashMap<>();
    if (b.collector != null) {
      GarbageCollector collector = b.collector;
      int fullEvery = b.fullEvery;
      AtomicLong scheduled = new AtomicLong();
      all.put(
          GC,
          new Job(
              GC,
              b.gcSchedule,
              (trigger, caller) -> {
                GcRequest request =
                    trigger == JobRun.Trigger.SCHEDULE
                            && scheduled.getAndIncrement() % fullEvery == 0
                        ? GcRequest.fullRun()
                        : GcRequest.incremental();
                return collector.run(request).summary();
              }));
    }
    if (b.uploads != null) {
      UploadPurge purge = new UploadPurge(b.uploads, b.uploadTtl, clock);
      String ttl = b.uploadTtl.toString();
      all.put(
          UPLOADS,
          new Job(
              UPLOADS,
              b.uploadSchedule,
              (trigger, caller) -> {
                UploadPurge.Result r = purge.run();
                return "upload purge removed "
                    + r.purged()
                    + (r.purged() == 1 ? " upload" : " uploads")
                    + " ("
                    + r.bytes()
                    + " bytes) idle for longer than "
                    + ttl;
              }));
    }
    if (b.retention != null) {
      RetentionRun run = b.retention;
      all.put(
          RETENTION,
          new Job(
              RETENTION,
              b.retentionSchedule,
              (trigger, caller) -> retain(run, false, caller).summary()));
    }
    for (Map.Entry<String, Extra> e : b.extra.entrySet()) {
      LifecycleJob job = e.getValue().job();
      all.put(
          e.getKey(), new Job(e.getKey(), e.getValue().schedule(), (trigger, caller) -> job.run()));
    }
    this.jobs = java.util.Collections.unmodifiableMap(all);
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "wharf-lifecycle");
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** A builder of a lifecycle without jobs. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the schedules: each scheduled job is planned for its next time after now. Idempotent.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public void start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the lifecycle is closed");
      }
      if (started) {
        return;
      }
      started = true;
      Instant now = clock.instant();
      for (Job job : jobs.values()) {
        plan(job, now);
      }
      if (!jobs.isEmpty()) {
        log.info("lifecycle jobs: {}", describe());
      }
    }
  }

  private String describe() {
    List<String> parts = new ArrayList<>();
    for (Job job : jobs.values()) {
      parts.add(
          job.name
              + (job.schedule == null ? " on request" : " at '" + job.schedule + "'")
              + (job.next == null ? "" : " (next " + job.next + ")"));
    }
    return String.join(", ", parts);
  }

  /** The job names, in the order they were added. */
  public Set<String> jobNames() {
    return jobs.keySet();
  }

  /** Every job as it stands, in the order they were added. */
  public List<JobStatus> jobs() {
    List<JobStatus> all = new ArrayList<>();
    for (Job job : jobs.values()) {
      all.add(
          new JobStatus(
              job.name,
              Optional.ofNullable(job.schedule),
              Optional.ofNullable(job.next),
              Optional.ofNullable(job.runningSince),
              Optional.ofNullable(job.last)));
    }
    return all;
  }

  /**
   * Runs job {@code name} now, on the lifecycle's thread, and waits for it: garbage collection
   * incrementally, the others as on their schedule (retention applies its rules: for a dry run,
   * {@link #applyRetention(boolean)}). A run that fails is returned as such ({@link
   * JobRun#succeeded()} false), not thrown.
   *
   * @throws IllegalArgumentException when there is no such job
   * @throws JobBusyException when it is running or waiting to run already
   * @throws IllegalStateException when the lifecycle is closed
   * @throws InterruptedException when the caller was interrupted while waiting (the run goes on)
   */
  public JobRun runNow(String name) throws InterruptedException {
    return runNow(name, Caller.of(ACTOR, nextRunId(name)));
  }

  /** As {@link #runNow(String)}, asked by {@code caller}. */
  public JobRun runNow(String name, Caller caller) throws InterruptedException {
    Job job = job(name);
    try {
      return submit(
          job,
          () -> {
            try {
              execute(
                  job,
                  JobRun.Trigger.REQUEST,
                  caller,
                  () -> job.body.run(JobRun.Trigger.REQUEST, caller),
                  s -> s);
            } catch (Exception e) {
              // Recorded in the run; the caller reads it there.
            }
            return Objects.requireNonNull(job.last);
          });
    } catch (IOException e) {
      throw new IllegalStateException("unreachable", e);
    }
  }

  /**
   * Collects garbage now as {@code request} says (a dry run, a full run), on the lifecycle's
   * thread, and waits for the report.
   *
   * @throws IllegalStateException when there is no garbage collection job, or the lifecycle is
   *     closed
   * @throws JobBusyException when a collection is running or waiting to run already
   * @throws IOException when the collection failed (recorded as the job's last run too)
   * @throws InterruptedException when the caller was interrupted while waiting (the run goes on)
   */
  public GcReport collectGarbage(GcRequest request) throws IOException, InterruptedException {
    return collectGarbage(request, Caller.of(ACTOR, nextRunId(GC)));
  }

  /** As {@link #collectGarbage(GcRequest)}, asked by {@code caller}. */
  public GcReport collectGarbage(GcRequest request, Caller caller)
      throws IOException, InterruptedException {
    Objects.requireNonNull(request, "request");
    GarbageCollector collector = this.collector;
    return requested(
        GC,
        collector != null,
        "garbage collection",
        caller,
        () -> Objects.requireNonNull(collector).run(request),
        GcReport::summary);
  }

  /**
   * Runs {@code task} as a requested run of built-in job {@code name}, if it is {@code present}.
   */
  private <T> T requested(
      String name,
      boolean present,
      String what,
      Caller caller,
      Task<T> task,
      Function<? super T, String> summary)
      throws IOException, InterruptedException {
    Job job = jobs.get(name);
    if (job == null || !present) {
      throw new IllegalStateException("this lifecycle has no " + what + " job");
    }
    return submit(job, () -> execute(job, JobRun.Trigger.REQUEST, caller, task, summary));
  }

  /**
   * Applies retention now (or, when {@code dryRun}, only reports what it would delete), on the
   * lifecycle's thread, and waits for the report. The rules are the ones the {@link RetentionRun}'s
   * policies supply when the run starts.
   *
   * @throws IllegalStateException when there is no retention job, or the lifecycle is closed
   * @throws JobBusyException when a retention run is going on or waiting to run already
   * @throws IOException when the run failed (recorded as the job's last run too); what it deleted
   *     before stays deleted
   * @throws InterruptedException when the caller was interrupted while waiting (the run goes on)
   */
  public RetentionReport applyRetention(boolean dryRun) throws IOException, InterruptedException {
    return applyRetention(dryRun, Caller.of(ACTOR, nextRunId(RETENTION)));
  }

  /**
   * As {@link #applyRetention(boolean)}, asked by {@code caller}. An applied run tells every
   * artifact it deleted as a {@link RegistryEvent.Kind#MANIFEST_DELETED} event, before the run's
   * {@link RegistryEvent.Kind#LIFECYCLE_RUN} event: the repository, the digest and the tags it had,
   * {@code caller} as the actor and the request id, and as reasons {@code "retention: "} with why
   * it went, then {@code "with <digest>"} for each referrer or child deleted with it. A dry run
   * tells only its {@code LIFECYCLE_RUN} event.
   */
  public RetentionReport applyRetention(boolean dryRun, Caller caller)
      throws IOException, InterruptedException {
    Objects.requireNonNull(caller, "caller");
    RetentionRun run = this.retention;
    return requested(
        RETENTION,
        run != null,
        "retention",
        caller,
        () -> retain(Objects.requireNonNull(run), dryRun, caller),
        RetentionReport::summary);
  }

  /** Runs {@code run}, then tells each deletion of an applied run. */
  private RetentionReport retain(RetentionRun run, boolean dryRun, Caller caller)
      throws IOException {
    RetentionReport report = run.run(dryRun);
    if (!report.dryRun()) {
      Instant now = clock.instant();
      for (RetentionReport.Outcome outcome : report.deleted()) {
        tell(deletion(outcome, caller, now), "a retention deletion");
      }
    }
    return report;
  }

  /** The {@link RegistryEvent.Kind#MANIFEST_DELETED} event of an artifact retention deleted. */
  static RegistryEvent deletion(RetentionReport.Outcome outcome, Caller caller, Instant time) {
    List<String> reasons = new ArrayList<>();
    reasons.add(RETENTION_REASON + outcome.reason());
    for (Digest follower : outcome.followers()) {
      reasons.add("with " + follower);
    }
    return new RegistryEvent(
        RegistryEvent.Kind.MANIFEST_DELETED,
        time,
        caller.requestId(),
        Optional.empty(),
        caller.identity(),
        caller.clientAddress(),
        Optional.of(outcome.artifact().repository()),
        Optional.of(outcome.artifact().digest()),
        Optional.empty(),
        Optional.empty(),
        Set.copyOf(outcome.artifact().tags()),
        Optional.empty(),
        Optional.empty(),
        200,
        reasons,
        List.of());
  }

  private Job job(String name) {
    Job job = jobs.get(name);
    if (job == null) {
      throw new IllegalArgumentException(
          "no lifecycle job named '" + name + "' (jobs: " + String.join(", ", jobs.keySet()) + ")");
    }
    return job;
  }

  private String nextRunId(String job) {
    return "lifecycle-" + job + "-" + runIds.incrementAndGet();
  }

  /** Runs {@code call} on the lifecycle's thread for {@code job}, which must not be busy. */
  private <T> T submit(Job job, Callable<T> call) throws IOException, InterruptedException {
    if (closed) {
      throw new IllegalStateException("the lifecycle is closed");
    }
    if (!job.busy.compareAndSet(false, true)) {
      throw new JobBusyException(job.name, Optional.ofNullable(job.runningSince));
    }
    Future<T> future;
    try {
      future = executor.submit(call);
    } catch (RejectedExecutionException e) {
      job.busy.set(false);
      throw new IllegalStateException("the lifecycle is closed");
    }
    try {
      return future.get();
    } catch (CancellationException e) {
      throw new IllegalStateException("the lifecycle closed before job " + job.name + " ran");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IOException("lifecycle job " + job.name + " failed: " + cause, cause);
    }
  }

  /** A piece of work that returns a result. */
  @FunctionalInterface
  private interface Task<T> {
    T call() throws Exception;
  }

  /**
   * Runs {@code task} as a run of {@code job}, records it, logs it and tells the listener; the
   * job's busy mark is cleared at the end. A failure is recorded and rethrown.
   */
  private <T> T execute(
      Job job,
      JobRun.Trigger trigger,
      Caller caller,
      Task<T> task,
      Function<? super T, String> summary)
      throws Exception {
    Instant started = clock.instant();
    job.runningSince = started;
    boolean succeeded = false;
    String text = "failed: the run was stopped";
    try {
      T result = task.call();
      text = summary.apply(result);
      succeeded = true;
      return result;
    } catch (Exception e) {
      text = "failed: " + describe(e);
      throw e;
    } finally {
      JobRun run =
          new JobRun(
              job.name,
              caller.requestId(),
              trigger,
              caller.identity(),
              started,
              clock.instant(),
              succeeded,
              text);
      job.last = run;
      job.runningSince = null;
      job.busy.set(false);
      if (succeeded) {
        log.info("lifecycle job {} ({}, {}): {}", job.name, lower(trigger), run.id(), text);
      }
      publish(run, caller.clientAddress());
    }
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.toString() : m;
  }

  private static String lower(JobRun.Trigger trigger) {
    return trigger == JobRun.Trigger.SCHEDULE ? "scheduled" : "requested";
  }

  private void publish(JobRun run, Optional<InetSocketAddress> client) {
    List<String> reasons = new ArrayList<>();
    reasons.add("job " + run.job() + ", " + lower(run.trigger()));
    run.summary()
        .lines()
        .filter(l -> !l.isBlank())
        .limit(MAX_EVENT_LINES - 1L)
        .forEach(reasons::add);
    RegistryEvent event =
        new RegistryEvent(
            RegistryEvent.Kind.LIFECYCLE_RUN,
            run.finishedAt(),
            run.id(),
            Optional.empty(),
            run.actor(),
            client,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Set.of(),
            Optional.empty(),
            Optional.empty(),
            run.succeeded() ? 200 : 500,
            reasons,
            List.of());
    tell(event, "the event of job " + run.job());
  }

  private void tell(RegistryEvent event, String what) {
    try {
      events.onEvent(event);
    } catch (RuntimeException e) {
      log.warn("lifecycle: {} could not be told", what, e);
    }
  }

  // ------------------------------------------------------------------------------ the schedule

  /** Plans {@code job}'s next scheduled run after {@code after}; under {@link #lock}. */
  private void plan(Job job, Instant after) {
    Schedule schedule = job.schedule;
    if (schedule == null || closed) {
      job.next = null;
      return;
    }
    Optional<ZonedDateTime> next = schedule.nextAfter(after.atZone(clock.getZone()));
    if (next.isEmpty()) {
      job.next = null;
      log.warn("lifecycle job {}: schedule '{}' never fires again", job.name, schedule);
      return;
    }
    Instant at = next.get().toInstant();
    job.next = at;
    long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
    try {
      job.planned = executor.schedule(() -> fire(job, at), delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      job.next = null;
    }
  }

  /** The executor's timer went off for {@code job}'s run planned at {@code at}. */
  private void fire(Job job, Instant at) {
    if (closed) {
      return;
    }
    Instant now = clock.instant();
    if (now.isBefore(at)) {
      // The timer runs on the monotonic clock, the schedule on the wall clock: when they
      // drifted apart, wait for the rest.
      synchronized (lock) {
        long delay = Math.max(1, Duration.between(now, at).toMillis());
        try {
          job.planned = executor.schedule(() -> fire(job, at), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
          job.next = null;
        }
      }
      return;
    }
    runScheduled(job.name, at);
  }

  /**
   * Runs job {@code name} as its schedule does for the time {@code plannedAt}, in the calling
   * thread, then plans its next time: the scheduler's own path, which tests drive with a clock of
   * their own.
   *
   * @return the run; empty when the job was busy and this time was skipped
   */
  Optional<JobRun> runScheduled(String name, Instant plannedAt) {
    Job job = job(name);
    try {
      if (!job.busy.compareAndSet(false, true)) {
        log.info(
            "lifecycle job {}: its run at {} is skipped, a run is going on or waiting",
            job.name,
            plannedAt);
        return Optional.empty();
      }
      Caller scheduled = Caller.of(ACTOR, nextRunId(job.name));
      try {
        execute(
            job,
            JobRun.Trigger.SCHEDULE,
            scheduled,
            () -> job.body.run(JobRun.Trigger.SCHEDULE, scheduled),
            s -> s);
      } catch (Exception e) {
        log.warn("lifecycle job {} failed; it runs again at its next scheduled time", job.name, e);
      }
      return Optional.ofNullable(job.last);
    } finally {
      synchronized (lock) {
        Instant now = clock.instant();
        plan(job, now.isAfter(plannedAt) ? now : plannedAt);
      }
    }
  }

  /**
   * Stops the schedules, waits at most {@code timeout} for a run going on, then interrupts it;
   * requested runs that had not started are refused. Idempotent.
   *
   * @return whether every run had ended within {@code timeout}
   */
  public boolean close(Duration timeout) {
    synchronized (lock) {
      closed = true;
      for (Job job : jobs.values()) {
        job.next = null;
        ScheduledFuture<?> planned = job.planned;
        if (planned != null) {
          planned.cancel(false);
        }
      }
    }
    executor.shutdown();
    try {
      if (executor.awaitTermination(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.warn("lifecycle: a run still goes on after {}; interrupting it", timeout);
    executor.shutdownNow();
    return false;
  }

  /** {@link #close(Duration)} with the builder's timeout (default 30 seconds). */
  @Override
  public void close() {
    close(closeTimeout);
  }

  /** What a job does, told whether it is scheduled or requested, and by whom. */
  @FunctionalInterface
  private interface Body {
    String run(JobRun.Trigger trigger, Caller caller) throws Exception;
  }

  /** A job and its state. */
  private static final class Job {
    final String name;
    final @Nullable Schedule schedule;
    final Body body;
    final AtomicBoolean busy = new AtomicBoolean();
    volatile @Nullable Instant runningSince;
    volatile @Nullable JobRun last;
    volatile @Nullable Instant next;
    volatile @Nullable ScheduledFuture<?> planned;

    Job(String name, @Nullable Schedule schedule, Body body) {
      this.name = name;
      this.schedule = schedule;
      this.body = body;
    }
  }

  /** A job added with {@link Builder#job}. */
  private record Extra(@Nullable Schedule schedule, LifecycleJob job) {}

  /** Assembles a {@link Lifecycle}. */
  public static final class Builder {
    private @Nullable GarbageCollector collector;
    private @Nullable Schedule gcSchedule;
    private int fullEvery = DEFAULT_FULL_EVERY;
    private @Nullable BlobStore uploads;
    private Duration uploadTtl = UploadPurge.DEFAULT_TTL;
    private @Nullable Schedule uploadSchedule;
    private @Nullable RetentionRun retention;
    private @Nullable Schedule retentionSchedule;
    private final Map<String, Extra> extra = new LinkedHashMap<>();
    private Clock clock = Clock.systemDefaultZone();
    private RegistryEventListener events = event -> {};
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;

    private Builder() {}

    /** Garbage collection with {@code collector}, as job {@value #GC}, on request only. */
    public Builder garbageCollection(GarbageCollector collector) {
      if (this.collector != null) {
        throw new IllegalStateException("garbage collection is set already");
      }
      this.collector = Objects.requireNonNull(collector, "collector");
      return this;
    }

    /** Garbage collection with {@code collector}, as job {@value #GC}, also on {@code schedule}. */
    public Builder garbageCollection(GarbageCollector collector, Schedule schedule) {
      garbageCollection(collector);
      this.gcSchedule = Objects.requireNonNull(schedule, "schedule");
      return this;
    }

    /**
     * Every how many scheduled collections one is full (default {@value #DEFAULT_FULL_EVERY}: the
     * first after {@link #start()}, then every 7th; 1 makes every scheduled run full). The others
     * are incremental. Requested runs are as asked and do not count.
     */
    public Builder fullEvery(int runs) {
      if (runs < 1 || runs > 10_000) {
        throw new IllegalArgumentException("fullEvery must be 1 to 10000, got " + runs);
      }
      this.fullEvery = runs;
      return this;
    }

    /**
     * The purge of {@code blobs}' uploads idle for longer than {@code ttl}, as job {@value
     * #UPLOADS}, on request only.
     */
    public Builder uploadPurge(BlobStore blobs, Duration ttl) {
      if (this.uploads != null) {
        throw new IllegalStateException("the upload purge is set already");
      }
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("an upload time to live must be positive");
      }
      this.uploads = Objects.requireNonNull(blobs, "blobs");
      this.uploadTtl = ttl;
      return this;
    }

    /**
     * The upload purge, also on {@code schedule} (usually {@value #DEFAULT_UPLOAD_SCHEDULE}, every
     * hour).
     */
    public Builder uploadPurge(BlobStore blobs, Duration ttl, Schedule schedule) {
      uploadPurge(blobs, ttl);
      this.uploadSchedule = Objects.requireNonNull(schedule, "schedule");
      return this;
    }

    /**
     * Retention with {@code run}, as job {@value #RETENTION}, on request only ({@link
     * Lifecycle#applyRetention}).
     */
    public Builder retention(RetentionRun run) {
      if (this.retention != null || extra.containsKey(RETENTION)) {
        throw new IllegalStateException("retention is set already");
      }
      this.retention = Objects.requireNonNull(run, "run");
      return this;
    }

    /**
     * Retention with {@code run}, as job {@value #RETENTION}, also on {@code schedule}: a scheduled
     * run applies the rules (deletes), as Harbor's scheduled retention does.
     */
    public Builder retention(RetentionRun run, Schedule schedule) {
      retention(run);
      this.retentionSchedule = Objects.requireNonNull(schedule, "schedule");
      return this;
    }

    /**
     * Adds job {@code name} (lower-case letters, digits and {@code -}, at most 64), run on request
     * only. {@value #GC} and {@value #UPLOADS} are taken, and {@value #RETENTION} once {@link
     * #retention} is set.
     *
     * @throws IllegalArgumentException for a bad or taken name
     */
    public Builder job(String name, LifecycleJob job) {
      return add(name, null, job);
    }

    /** Adds job {@code name}, run on {@code schedule} and on request. */
    public Builder job(String name, Schedule schedule, LifecycleJob job) {
      return add(name, Objects.requireNonNull(schedule, "schedule"), job);
    }

    private Builder add(String name, @Nullable Schedule schedule, LifecycleJob job) {
      Objects.requireNonNull(job, "job");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "a job name is lower-case letters, digits and '-', starting with a letter: " + name);
      }
      if (name.equals(GC)
          || name.equals(UPLOADS)
          || (name.equals(RETENTION) && retention != null)
          || extra.containsKey(name)) {
        throw new IllegalArgumentException("job " + name + " exists already");
      }
      extra.put(name, new Extra(schedule, job));
      return this;
    }

    /**
     * The clock that dates runs, and whose zone the schedules are read in (default: the system's
     * clock and time zone, as cron does).
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Who hears of every run (default: nobody); typically {@code registry::publish}, so that the
     * registry's listeners (an audit log) get {@link RegistryEvent.Kind#LIFECYCLE_RUN} events.
     * Called on the lifecycle's thread; it must not block.
     */
    public Builder events(RegistryEventListener listener) {
      this.events = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** How long {@link #close()} waits for a run going on (default 30 seconds). */
    public Builder closeTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("a timeout cannot be negative");
      }
      this.closeTimeout = timeout;
      return this;
    }

    /** The lifecycle; nothing runs before {@link Lifecycle#start()}. */
    public Lifecycle build() {
      return new Lifecycle(this);
    }
  }
}
