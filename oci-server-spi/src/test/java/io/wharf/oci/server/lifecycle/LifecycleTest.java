package io.wharf.oci.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.testing.Await;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.RegistryEvent;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.lifecycle.GarbageCollector;
import io.wharf.oci.storage.lifecycle.GcReport;
import io.wharf.oci.storage.lifecycle.GcRequest;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler, driven through its own scheduled path on a test clock (no sleeps): next times, the
 * full collection every Nth run, failures retried at the next time, runs that never overlap, events
 * for every run, and closing.
 */
class LifecycleTest {

  /** Far from any full hour or minute boundary, so that the real timer never fires in a test. */
  private static final Instant T0 = Instant.parse("2026-03-14T10:15:30Z");

  private final MutableClock clock = new MutableClock(T0);
  private final List<RegistryEvent> events = new CopyOnWriteArrayList<>();
  private Lifecycle lifecycle;

  @AfterEach
  void close() {
    if (lifecycle != null) {
      lifecycle.close(Duration.ofSeconds(5));
    }
  }

  private Lifecycle.Builder builder() {
    return Lifecycle.builder().clock(clock).events(events::add);
  }

  private static JobStatus status(Lifecycle lifecycle, String name) {
    return lifecycle.jobs().stream().filter(j -> j.name().equals(name)).findFirst().orElseThrow();
  }

  /** Asks for a run of {@code job} on another thread; returns once it has started. */
  private Thread startRun(String job) throws InterruptedException {
    Thread requester =
        new Thread(
            () -> {
              try {
                lifecycle.runNow(job);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    requester.start();
    Await.until("the run started", () -> status(lifecycle, job).runningSince().isPresent());
    return requester;
  }

  @Test
  void startPlansEachScheduledJobAtItsNextTime() throws IOException {
    RegistryStorage storage = Stores.inMemory(clock);
    lifecycle =
        builder()
            .garbageCollection(
                GarbageCollector.builder(storage).clock(clock).build(), Schedule.parse("0 3 * * *"))
            .uploadPurge(storage.blobs(), Duration.ofHours(24), Schedule.parse("0 * * * *"))
            .job("retention", () -> "nothing")
            .build();
    assertThat(status(lifecycle, Lifecycle.GC).nextRun()).isEmpty();
    lifecycle.start();
    assertThat(lifecycle.jobs())
        .extracting(JobStatus::name)
        .containsExactly("gc", "uploads", "retention");
    assertThat(status(lifecycle, "gc").nextRun()).contains(Instant.parse("2026-03-15T03:00:00Z"));
    assertThat(status(lifecycle, "uploads").nextRun())
        .contains(Instant.parse("2026-03-14T11:00:00Z"));
    assertThat(status(lifecycle, "retention").nextRun()).isEmpty();
    assertThat(status(lifecycle, "retention").schedule()).isEmpty();
  }

  @Test
  void aScheduledRunPlansTheNextTimeAfterItsOwnAndMissedTimesAreNotMadeUp() {
    lifecycle = builder().job("tick", Schedule.parse("0 * * * *"), () -> "ticked").build();
    lifecycle.start();
    Instant planned = Instant.parse("2026-03-14T11:00:00Z");
    clock.set(planned);
    assertThat(lifecycle.runScheduled("tick", planned)).isPresent();
    assertThat(status(lifecycle, "tick").nextRun()).contains(Instant.parse("2026-03-14T12:00:00Z"));
    // The thread was busy for five hours: the run is late, it runs once, the next is after now.
    clock.set(Instant.parse("2026-03-14T17:20:00Z"));
    assertThat(lifecycle.runScheduled("tick", Instant.parse("2026-03-14T12:00:00Z"))).isPresent();
    assertThat(status(lifecycle, "tick").nextRun()).contains(Instant.parse("2026-03-14T18:00:00Z"));
  }

  @Test
  void everyNthScheduledCollectionIsFullTheFirstToo() throws Exception {
    RegistryStorage storage = Stores.inMemory(clock);
    lifecycle =
        builder()
            .garbageCollection(
                GarbageCollector.builder(storage).clock(clock).build(), Schedule.parse("0 3 * * *"))
            .fullEvery(3)
            .build();
    lifecycle.start();
    StringBuilder kinds = new StringBuilder();
    for (int day = 0; day < 7; day++) {
      Instant at = Instant.parse("2026-03-15T03:00:00Z").plus(Duration.ofDays(day));
      clock.set(at);
      JobRun run = lifecycle.runScheduled(Lifecycle.GC, at).orElseThrow();
      assertThat(run.succeeded()).isTrue();
      assertThat(run.summary()).contains("(applied, ");
      kinds.append(run.summary().contains("(applied, full)") ? 'F' : 'i');
    }
    assertThat(kinds).hasToString("FiiFiiF");
    // A requested run is incremental unless asked otherwise, and does not count.
    assertThat(lifecycle.runNow(Lifecycle.GC).summary()).contains("incremental");
  }

  @Test
  void aFailingJobIsRecordedToldAndRunsAgainAtItsNextTime() {
    AtomicInteger calls = new AtomicInteger();
    lifecycle =
        builder()
            .job(
                "flaky",
                Schedule.parse("*/10 * * * *"),
                () -> {
                  if (calls.incrementAndGet() == 1) {
                    throw new IOException("the database went away");
                  }
                  return "done\nsecond line";
                })
            .build();
    lifecycle.start();
    Instant first = Instant.parse("2026-03-14T10:20:00Z");
    assertThat(status(lifecycle, "flaky").nextRun()).contains(first);
    clock.set(first);
    JobRun failed = lifecycle.runScheduled("flaky", first).orElseThrow();
    assertThat(failed.succeeded()).isFalse();
    assertThat(failed.summary()).isEqualTo("failed: the database went away");
    assertThat(status(lifecycle, "flaky").lastRun()).contains(failed);
    Instant second = Instant.parse("2026-03-14T10:30:00Z");
    assertThat(status(lifecycle, "flaky").nextRun()).contains(second);
    clock.set(second);
    JobRun ok = lifecycle.runScheduled("flaky", second).orElseThrow();
    assertThat(ok.succeeded()).isTrue();

    assertThat(events).hasSize(2);
    RegistryEvent bad = events.get(0);
    assertThat(bad.kind()).isEqualTo(RegistryEvent.Kind.LIFECYCLE_RUN);
    assertThat(bad.status()).isEqualTo(500);
    assertThat(bad.actor()).isEqualTo(Lifecycle.ACTOR);
    assertThat(bad.actor().attributes()).containsEntry("kind", "system");
    assertThat(bad.requestId()).isEqualTo(failed.id()).startsWith("lifecycle-flaky-");
    assertThat(bad.reasons())
        .containsExactly("job flaky, scheduled", "failed: the database went away");
    assertThat(bad.endpoint()).isEmpty();
    RegistryEvent good = events.get(1);
    assertThat(good.status()).isEqualTo(200);
    assertThat(good.reasons()).containsExactly("job flaky, scheduled", "done", "second line");
    assertThat(good.time()).isEqualTo(second);
  }

  @Test
  void runsOfAJobNeverOverlapASecondRequestIsRefusedAndAScheduledTimeSkipped() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    lifecycle =
        builder()
            .job(
                "slow",
                Schedule.parse("0 * * * *"),
                () -> {
                  runs.incrementAndGet();
                  release.await();
                  return "slow done";
                })
            .build();
    lifecycle.start();
    AtomicReference<JobRun> first = new AtomicReference<>();
    Thread requester =
        new Thread(
            () -> {
              try {
                first.set(lifecycle.runNow("slow", Caller.of(Identity.named("alice"), "r-1")));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    requester.start();
    Await.until("the run started", () -> status(lifecycle, "slow").runningSince().isPresent());
    assertThat(status(lifecycle, "slow").runningSince()).contains(T0);

    assertThatThrownBy(() -> lifecycle.runNow("slow"))
        .isInstanceOf(JobBusyException.class)
        .hasMessageContaining("lifecycle job slow is running since " + T0);
    Instant planned = Instant.parse("2026-03-14T11:00:00Z");
    assertThat(lifecycle.runScheduled("slow", planned)).isEmpty();
    assertThat(status(lifecycle, "slow").nextRun()).contains(Instant.parse("2026-03-14T12:00:00Z"));

    release.countDown();
    requester.join();
    assertThat(runs).hasValue(1);
    assertThat(first.get().succeeded()).isTrue();
    assertThat(first.get().trigger()).isEqualTo(JobRun.Trigger.REQUEST);
    assertThat(first.get().actor()).isEqualTo(Identity.named("alice"));
    assertThat(first.get().id()).isEqualTo("r-1");
    assertThat(status(lifecycle, "slow").runningSince()).isEmpty();
    assertThat(lifecycle.runNow("slow").summary()).isEqualTo("slow done");
    assertThat(runs).hasValue(2);
  }

  @Test
  void closeWaitsForTheRunGoingOn() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean finished = new AtomicBoolean();
    lifecycle =
        builder()
            .job(
                "slow",
                () -> {
                  release.await();
                  finished.set(true);
                  return "done";
                })
            .build();
    Thread requester = startRun("slow");
    AtomicBoolean closedInTime = new AtomicBoolean();
    AtomicBoolean finishedWhenClosed = new AtomicBoolean();
    Thread closer =
        new Thread(
            () -> {
              closedInTime.set(lifecycle.close(Duration.ofMinutes(1)));
              finishedWhenClosed.set(finished.get());
            });
    closer.start();
    Await.until(
        "close waits", () -> closer.getState() == Thread.State.TIMED_WAITING || !closer.isAlive());
    release.countDown();
    closer.join();
    requester.join();
    assertThat(closedInTime).isTrue();
    assertThat(finishedWhenClosed).isTrue();
    assertThatThrownBy(() -> lifecycle.runNow("slow"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(lifecycle::start).isInstanceOf(IllegalStateException.class);
    assertThat(lifecycle.jobs()).allSatisfy(j -> assertThat(j.nextRun()).isEmpty());
  }

  @Test
  void closeIsBoundedAndThenInterruptsTheRun() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    lifecycle =
        builder()
            .job(
                "stuck",
                () -> {
                  try {
                    never.await();
                  } catch (InterruptedException e) {
                    interrupted.set(true);
                    throw e;
                  }
                  return "never";
                })
            .build();
    Thread requester = startRun("stuck");
    assertThat(lifecycle.close(Duration.ofMillis(50))).isFalse();
    requester.join();
    Await.until("the run was interrupted", interrupted::get);
    Await.until(
        "the interrupted run is recorded", () -> status(lifecycle, "stuck").lastRun().isPresent());
    assertThat(status(lifecycle, "stuck").lastRun().orElseThrow().succeeded()).isFalse();
  }

  @Test
  void requestedCollectionsDryRunDeletesNothingAndAnApplyDeletesTheOldOrphan() throws Exception {
    RegistryStorage storage = Stores.inMemory(clock);
    Digest orphan = Stores.orphan(storage, "an upload nobody pushed a manifest with");
    clock.advance(Duration.ofDays(2));
    lifecycle =
        builder().garbageCollection(GarbageCollector.builder(storage).clock(clock).build()).build();

    GcReport dry = lifecycle.collectGarbage(GcRequest.dryRunOnly());
    assertThat(dry.blobsDeleted()).isEqualTo(1);
    assertThat(dry.request().dryRun()).isTrue();
    assertThat(storage.blobs().stat(orphan)).isPresent();

    GcReport applied =
        lifecycle.collectGarbage(GcRequest.fullRun(), Caller.of(Identity.named("alice"), "req-9"));
    assertThat(applied.blobsDeleted()).isEqualTo(1);
    assertThat(storage.blobs().stat(orphan)).isEmpty();
    assertThat(status(lifecycle, Lifecycle.GC).lastRun().orElseThrow().summary())
        .isEqualTo(applied.summary());
    assertThat(events).hasSize(2);
    assertThat(events.get(1).actor()).isEqualTo(Identity.named("alice"));
    assertThat(events.get(1).requestId()).isEqualTo("req-9");
    assertThat(events.get(1).reasons()).containsExactly("job gc, requested", applied.summary());
  }

  @Test
  void theUploadPurgeRemovesIdleUploadsOnly() throws Exception {
    RegistryStorage storage = Stores.inMemory(clock);
    storage.blobs().newUpload().close();
    clock.advance(Duration.ofHours(25));
    storage.blobs().newUpload().close();
    lifecycle = builder().uploadPurge(storage.blobs(), Duration.ofHours(24)).build();
    JobRun run = lifecycle.runNow(Lifecycle.UPLOADS);
    assertThat(run.summary())
        .isEqualTo("upload purge removed 1 upload (0 bytes) idle for longer than PT24H");
    assertThat(storage.blobs().uploads()).hasSize(1);
  }

  @Test
  void jobsAreNamedOnceAndKnown() {
    Lifecycle.Builder b = builder().job("retention", () -> "");
    assertThatThrownBy(() -> b.job("retention", () -> ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exists already");
    assertThatThrownBy(() -> b.job("gc", () -> "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.job("Bad Name", () -> ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.fullEvery(0)).isInstanceOf(IllegalArgumentException.class);
    lifecycle = b.build();
    assertThatThrownBy(() -> lifecycle.runNow("nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no lifecycle job named 'nope' (jobs: retention)");
    assertThatThrownBy(() -> lifecycle.collectGarbage(GcRequest.incremental()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no garbage collection job");
  }
}
