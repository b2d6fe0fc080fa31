package io.wharf.oci.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.RegistryEvent;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.memory.InMemoryMetadataStore;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retention as a lifecycle job: a scheduled run applies the rules in force when it starts, a
 * requested dry run deletes nothing and tells no deletion, and an applied run tells each deletion
 * as a {@code MANIFEST_DELETED} event before its {@code LIFECYCLE_RUN} event.
 */
class RetentionJobTest {

  /** Far from any full hour or minute boundary, so that the real timer never fires in a test. */
  private static final Instant T0 = Instant.parse("2026-03-14T10:15:30Z");

  private static final RepositoryName APP = RepositoryName.of("team/app");

  private final MutableClock clock = new MutableClock(T0);
  private final List<RegistryEvent> events = new CopyOnWriteArrayList<>();
  private final MetadataStore metadata = new InMemoryMetadataStore(clock);
  private final AtomicReference<PolicySet> policies = new AtomicReference<>();
  private RawManifest oldest;
  private RawManifest sbom;
  private RawManifest middle;
  private RawManifest newest;
  private Lifecycle lifecycle;

  @BeforeEach
  void push() throws Exception {
    policies.set(Stores.keepMostRecent("team", 2));
    oldest = Stores.image("oldest");
    Stores.push(metadata, APP, oldest, T0.minus(Duration.ofDays(5)), "a", "first");
    sbom = Stores.artifact("sbom", oldest);
    Stores.push(metadata, APP, sbom, T0.minus(Duration.ofDays(5)));
    middle = Stores.image("middle");
    Stores.push(metadata, APP, middle, T0.minus(Duration.ofDays(3)), "b");
    newest = Stores.image("newest");
    Stores.push(metadata, APP, newest, T0.minus(Duration.ofDays(1)), "c");
  }

  @AfterEach
  void close() {
    if (lifecycle != null) {
      lifecycle.close(Duration.ofSeconds(5));
    }
  }

  private Lifecycle.Builder builder() {
    return Lifecycle.builder().clock(clock).events(events::add);
  }

  private RetentionRun run() {
    return new RetentionRun(metadata, policies::get, clock);
  }

  private List<RegistryEvent> deletions() {
    return events.stream().filter(e -> e.kind() == RegistryEvent.Kind.MANIFEST_DELETED).toList();
  }

  @Test
  void aScheduledRunAppliesAndTellsEachDeletionThenTheRun() throws Exception {
    lifecycle = builder().retention(run(), Schedule.parse("0 4 * * *")).build();
    lifecycle.start();
    JobStatus status = lifecycle.jobs().get(0);
    assertThat(status.name()).isEqualTo(Lifecycle.RETENTION);
    Instant at = Instant.parse("2026-03-15T04:00:00Z");
    assertThat(status.nextRun()).contains(at);

    clock.set(at);
    JobRun run = lifecycle.runScheduled(Lifecycle.RETENTION, at).orElseThrow();

    assertThat(run.succeeded()).as(run.summary()).isTrue();
    assertThat(run.summary())
        .startsWith("retention (applied) in 1 projects: deleted 1 of 3 artifacts and 1 referrers");
    assertThat(metadata.getManifest(APP, oldest.digest())).isEmpty();
    assertThat(metadata.getManifest(APP, sbom.digest())).isEmpty();
    assertThat(metadata.resolveTag(APP, Tag.of("a"))).isEmpty();
    assertThat(metadata.getManifest(APP, middle.digest())).contains(middle);
    assertThat(metadata.getManifest(APP, newest.digest())).contains(newest);

    assertThat(events).hasSize(2);
    RegistryEvent deleted = events.get(0);
    assertThat(deleted.kind()).isEqualTo(RegistryEvent.Kind.MANIFEST_DELETED);
    assertThat(deleted.repository()).contains(APP);
    assertThat(deleted.digest()).contains(oldest.digest());
    assertThat(deleted.tags()).containsExactlyInAnyOrder(Tag.of("a"), Tag.of("first"));
    assertThat(deleted.actor()).isEqualTo(Lifecycle.ACTOR);
    assertThat(deleted.requestId()).isEqualTo(run.id()).startsWith("lifecycle-retention-");
    assertThat(deleted.endpoint()).isEmpty();
    assertThat(deleted.subject()).isEmpty();
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.time()).isEqualTo(at);
    assertThat(deleted.reasons()).hasSize(2);
    assertThat(deleted.reasons().get(0)).startsWith("retention: ").isNotEqualTo("retention: ");
    assertThat(deleted.reasons().get(1)).isEqualTo("with " + sbom.digest());
    RegistryEvent ran = events.get(1);
    assertThat(ran.kind()).isEqualTo(RegistryEvent.Kind.LIFECYCLE_RUN);
    assertThat(ran.reasons()).containsExactly("job retention, scheduled", run.summary());
    assertThat(lifecycle.jobs().get(0).nextRun()).contains(at.plus(Duration.ofDays(1)));
  }

  @Test
  void aRequestedDryRunDeletesNothingAndTellsOnlyTheRun() throws Exception {
    lifecycle = builder().retention(run()).build();
    InetSocketAddress from = new InetSocketAddress("192.0.2.7", 40000);
    RetentionReport dry =
        lifecycle.applyRetention(
            true, new Caller(Identity.named("alice"), "req-1", Optional.of(from)));

    assertThat(dry.dryRun()).isTrue();
    assertThat(dry.deleted())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.artifact().digest()).isEqualTo(oldest.digest());
              assertThat(o.followers()).containsExactly(sbom.digest());
            });
    for (RawManifest kept : List.of(oldest, sbom, middle, newest)) {
      assertThat(metadata.getManifest(APP, kept.digest())).contains(kept);
    }
    assertThat(deletions()).isEmpty();
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(RegistryEvent.Kind.LIFECYCLE_RUN);
              assertThat(e.actor()).isEqualTo(Identity.named("alice"));
              assertThat(e.requestId()).isEqualTo("req-1");
              assertThat(e.clientAddress()).contains(from);
              assertThat(e.reasons()).containsExactly("job retention, requested", dry.summary());
            });
    JobRun last = lifecycle.jobs().get(0).lastRun().orElseThrow();
    assertThat(last.summary()).isEqualTo(dry.summary()).contains("(dry run)", "would delete 1");
  }

  @Test
  void aRequestedApplyTellsTheCallerAsTheActorOfEachDeletion() throws Exception {
    lifecycle = builder().retention(run()).build();
    InetSocketAddress from = new InetSocketAddress("192.0.2.7", 40000);
    RetentionReport applied =
        lifecycle.applyRetention(
            false, new Caller(Identity.named("alice"), "req-2", Optional.of(from)));

    assertThat(applied.dryRun()).isFalse();
    assertThat(metadata.getManifest(APP, oldest.digest())).isEmpty();
    assertThat(deletions())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.actor()).isEqualTo(Identity.named("alice"));
              assertThat(e.requestId()).isEqualTo("req-2");
              assertThat(e.clientAddress()).contains(from);
              assertThat(e.digest()).contains(oldest.digest());
              assertThat(e.reasons())
                  .containsExactly(
                      "retention: " + applied.deleted().get(0).reason(), "with " + sbom.digest());
            });
    assertThat(events.get(events.size() - 1).kind()).isEqualTo(RegistryEvent.Kind.LIFECYCLE_RUN);
    // Nothing left to delete: the next run tells only itself.
    events.clear();
    assertThat(lifecycle.applyRetention(false).deleted()).isEmpty();
    assertThat(events)
        .singleElement()
        .satisfies(e -> assertThat(e.actor()).isEqualTo(Lifecycle.ACTOR));
  }

  @Test
  void eachRunJudgesByThePoliciesInForceWhenItStarts() throws Exception {
    lifecycle = builder().retention(run()).build();
    policies.set(Stores.keepMostRecent("team", 3));
    assertThat(lifecycle.applyRetention(false).deleted()).isEmpty();
    // A reload puts a stricter rule in force: the next run uses it.
    policies.set(Stores.keepMostRecent("team", 1));
    RetentionReport report = lifecycle.applyRetention(false);
    assertThat(report.deleted())
        .extracting(o -> o.artifact().digest())
        .containsExactlyInAnyOrder(oldest.digest(), middle.digest());
    assertThat(metadata.getManifest(APP, newest.digest())).contains(newest);
    assertThat(deletions()).hasSize(2);
  }

  @Test
  void runNowAppliesAsTheScheduleDoes() throws Exception {
    lifecycle = builder().retention(run()).build();
    JobRun run = lifecycle.runNow(Lifecycle.RETENTION);
    assertThat(run.succeeded()).isTrue();
    assertThat(run.summary()).contains("(applied)");
    assertThat(metadata.getManifest(APP, oldest.digest())).isEmpty();
    assertThat(deletions())
        .singleElement()
        .satisfies(e -> assertThat(e.requestId()).isEqualTo(run.id()));
  }

  @Test
  void theRetentionJobIsBuiltInOnceAndAskedForOnlyWhenThere() {
    Lifecycle.Builder b = builder().retention(run());
    assertThatThrownBy(() -> b.retention(run()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("retention is set already");
    assertThatThrownBy(() -> b.job(Lifecycle.RETENTION, () -> ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exists already");
    Lifecycle.Builder custom = builder().job(Lifecycle.RETENTION, () -> "mine");
    assertThatThrownBy(() -> custom.retention(run())).isInstanceOf(IllegalStateException.class);
    lifecycle = builder().build();
    assertThatThrownBy(() -> lifecycle.applyRetention(true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no retention job");
  }
}
