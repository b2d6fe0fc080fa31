package io.wharf.oci.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.PolicyLoader;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.memory.InMemoryMetadataStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retention as the engine executes it: top-level artifacts judged by the project's rules, the
 * deleted ones going with their referrers and the children only they listed, what a kept index
 * needs kept, immutable tags kept, and a dry run that deletes nothing.
 */
class RetentionRunTest {

  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
  private static final RepositoryName APP = RepositoryName.of("team/app");
  private static final RepositoryName ELSEWHERE = RepositoryName.of("other/app");

  private final MetadataStore metadata = new InMemoryMetadataStore();

  private static PolicySet policy(String rules) throws Exception {
    String text =
        "version: 1\n"
            + "rules:\n"
            + "  - name: releases\n"
            + "    match: {tags: [\"v*.*.*\"]}\n"
            + "    immutable: true\n"
            + "projects:\n"
            + "  team:\n"
            + "    retention:\n"
            + "      rules:\n"
            + rules;
    return PolicySet.of(List.of(new PolicyLoader().load("retention.yaml", text)));
  }

  private RetentionRun run(PolicySet set) {
    return new RetentionRun(metadata, () -> set, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static final String KEEP_LATEST_TWO =
      "        - name: latest-two\n"
          + "          repositories: {include: [\"**\"]}\n"
          + "          tags: {include: [\"**\"], untagged: true}\n"
          + "          retain: {mostRecentlyPushed: 2}\n";

  @Test
  void deletesWhatNoRuleRetainsWithItsReferrersAndKeepsTheRest() throws Exception {
    RawManifest oldest = image("oldest");
    push(APP, oldest, days(5), "a");
    RawManifest oldestSbom = artifact("sbom of oldest", oldest);
    push(APP, oldestSbom, days(5));
    RawManifest middle = image("middle");
    push(APP, middle, days(3), "b");
    RawManifest newest = image("newest");
    push(APP, newest, days(1), "c");
    RawManifest newestSbom = artifact("sbom of newest", newest);
    push(APP, newestSbom, days(1));
    RawManifest untouched = image("untouched");
    push(ELSEWHERE, untouched, days(30), "old");

    RetentionReport report = run(policy(KEEP_LATEST_TWO)).run(false);

    assertThat(report.deleted()).hasSize(1);
    RetentionReport.Outcome gone = report.deleted().get(0);
    assertThat(gone.artifact().digest()).isEqualTo(oldest.digest());
    assertThat(gone.followers()).containsExactly(oldestSbom.digest());
    assertThat(metadata.getManifest(APP, oldest.digest())).isEmpty();
    assertThat(metadata.getManifest(APP, oldestSbom.digest())).isEmpty();
    assertThat(metadata.resolveTag(APP, Tag.of("a"))).isEmpty();
    for (RawManifest kept : List.of(middle, newest, newestSbom)) {
      assertThat(metadata.getManifest(APP, kept.digest())).contains(kept);
    }
    assertThat(metadata.getManifest(ELSEWHERE, untouched.digest())).contains(untouched);
    assertThat(report.outcomes())
        .filteredOn(o -> !o.deleted())
        .allSatisfy(o -> assertThat(o.reason()).isNotBlank());
  }

  @Test
  void aDryRunReportsTheSameAndDeletesNothing() throws Exception {
    RawManifest oldest = image("oldest");
    push(APP, oldest, days(5), "a");
    RawManifest sbom = artifact("sbom", oldest);
    push(APP, sbom, days(5));
    push(APP, image("middle"), days(3), "b");
    push(APP, image("newest"), days(1), "c");

    RetentionReport dry = run(policy(KEEP_LATEST_TWO)).run(true);

    assertThat(dry.dryRun()).isTrue();
    assertThat(dry.deleted()).hasSize(1);
    assertThat(dry.deleted().get(0).followers()).containsExactly(sbom.digest());
    assertThat(metadata.getManifest(APP, oldest.digest())).contains(oldest);
    assertThat(dry.toText()).contains("would delete");
    RetentionReport applied = run(policy(KEEP_LATEST_TWO)).run(false);
    assertThat(applied.deleted().get(0).artifact()).isEqualTo(dry.deleted().get(0).artifact());
  }

  @Test
  void anUntaggedIndexGoesWithTheChildrenOnlyItListed() throws Exception {
    RawManifest shared = image("shared child");
    RawManifest own = image("own child");
    push(APP, shared, days(9));
    push(APP, own, days(9));
    RawManifest oldIndex = index(shared, own);
    push(APP, oldIndex, days(9));
    RawManifest keptIndex = index(shared);
    push(APP, keptIndex, days(1), "latest");
    push(APP, image("second"), days(2), "second");

    RetentionReport report = run(policy(KEEP_LATEST_TWO)).run(false);

    assertThat(report.deleted())
        .extracting(o -> o.artifact().digest())
        .containsExactly(oldIndex.digest());
    assertThat(metadata.getManifest(APP, oldIndex.digest())).isEmpty();
    assertThat(metadata.getManifest(APP, own.digest())).isEmpty();
    assertThat(metadata.getManifest(APP, shared.digest())).contains(shared);
    assertThat(metadata.getManifest(APP, keptIndex.digest())).contains(keptIndex);
  }

  @Test
  void anImmutableTagIsNeverRemoved() throws Exception {
    RawManifest release = image("release");
    push(APP, release, days(100), "v1.0.0");
    push(APP, image("b"), days(2), "b");
    push(APP, image("c"), days(1), "c");

    RetentionReport report = run(policy(KEEP_LATEST_TWO)).run(false);

    assertThat(report.deleted()).isEmpty();
    assertThat(metadata.resolveTag(APP, Tag.of("v1.0.0"))).contains(release.digest());
    assertThat(report.outcomes())
        .filteredOn(o -> o.artifact().digest().equals(release.digest()))
        .singleElement()
        .satisfies(o -> assertThat(o.reason()).contains("releases"));
  }

  // ------------------------------------------------------------------------------------ helpers

  private static Instant days(int n) {
    return NOW.minus(Duration.ofDays(n));
  }

  private static RawManifest image(String seed) {
    return Stores.image(seed);
  }

  private static RawManifest artifact(String seed, RawManifest subject) {
    return Stores.artifact(seed, subject);
  }

  private static RawManifest index(RawManifest... children) {
    return ManifestCodec.defaults()
        .encode(ImageIndex.of(Arrays.stream(children).map(RawManifest::descriptor).toList()));
  }

  private void push(RepositoryName repo, RawManifest m, Instant at, String... tags)
      throws IOException {
    Stores.push(metadata, repo, m, at, tags);
  }
}
