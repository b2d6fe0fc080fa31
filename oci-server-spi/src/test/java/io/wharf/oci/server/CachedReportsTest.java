package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.PolicyContext;
import io.wharf.oci.policy.vuln.ReportFormat;
import io.wharf.oci.policy.vuln.ReportSource;
import io.wharf.oci.policy.vuln.VulnerabilityReport;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachedReportsTest {

  private static final RepositoryName APP = RepositoryName.of("team/app");
  private static final Digest IMAGE = Digest.sha256(Bytes.utf8("image"));
  private static final VulnerabilityReport REPORT =
      new VulnerabilityReport(
          ReportFormat.TRIVY, Optional.empty(), Optional.empty(), List.of(), List.of());

  private final PolicyContext app = context(APP);
  private final AtomicInteger reads = new AtomicInteger();
  private final ReportSource counting =
      (context, manifest) -> {
        reads.incrementAndGet();
        return Optional.of(REPORT);
      };

  @Test
  void aManifestsReportIsReadOncePerRepository() throws Exception {
    CachedReports cache = new CachedReports(counting, 100);
    assertThat(cache.report(app, IMAGE)).contains(REPORT);
    assertThat(cache.report(app, IMAGE)).contains(REPORT);
    assertThat(reads).hasValue(1);
    cache.report(context(RepositoryName.of("team/other")), IMAGE);
    assertThat(reads).hasValue(2);
  }

  @Test
  void noReportIsRememberedToo() throws Exception {
    AtomicInteger none = new AtomicInteger();
    CachedReports cache =
        new CachedReports(
            (c, m) -> {
              none.incrementAndGet();
              return Optional.empty();
            },
            100);
    assertThat(cache.report(app, IMAGE)).isEmpty();
    assertThat(cache.report(app, IMAGE)).isEmpty();
    assertThat(none).hasValue(1);
  }

  @Test
  void aReferrerPushedOrDeletedForgetsItsSubjectsReportOnly() throws Exception {
    CachedReports cache = new CachedReports(counting, 100);
    Digest other = Digest.sha256(Bytes.utf8("other"));
    cache.report(app, IMAGE);
    cache.report(app, other);
    cache.onEvent(event(RegistryEvent.Kind.MANIFEST_PUSHED, APP, Optional.of(IMAGE)));
    cache.report(app, IMAGE);
    cache.report(app, other);
    assertThat(reads).hasValue(3);
    cache.onEvent(event(RegistryEvent.Kind.MANIFEST_DELETED, APP, Optional.of(IMAGE)));
    cache.report(app, IMAGE);
    assertThat(reads).hasValue(4);
  }

  @Test
  void otherEventsForgetNothing() throws Exception {
    CachedReports cache = new CachedReports(counting, 100);
    cache.report(app, IMAGE);
    cache.onEvent(event(RegistryEvent.Kind.MANIFEST_PUSHED, APP, Optional.empty()));
    cache.onEvent(event(RegistryEvent.Kind.MANIFEST_PULLED, APP, Optional.of(IMAGE)));
    cache.onEvent(
        event(RegistryEvent.Kind.MANIFEST_PUSHED, RepositoryName.of("x"), Optional.of(IMAGE)));
    cache.report(app, IMAGE);
    assertThat(reads).hasValue(1);
  }

  @Test
  void aReportReadWhileAReferrerArrivesIsNotKept() throws Exception {
    CachedReports[] self = new CachedReports[1];
    self[0] =
        new CachedReports(
            (c, m) -> {
              reads.incrementAndGet();
              if (reads.get() == 1) {
                self[0].invalidate(APP, IMAGE); // a report attached while this one was read
              }
              return Optional.empty();
            },
            100);
    assertThat(self[0].report(app, IMAGE)).isEmpty();
    assertThat(self[0].size()).isZero();
    self[0].report(app, IMAGE);
    assertThat(reads).hasValue(2);
    assertThat(self[0].size()).isEqualTo(1);
  }

  @Test
  void theCacheStaysWithinItsBound() throws Exception {
    CachedReports cache = new CachedReports(counting, 8);
    for (int i = 0; i < 100; i++) {
      cache.report(app, Digest.sha256(Bytes.utf8("m" + i)));
      assertThat(cache.size()).isLessThanOrEqualTo(8);
    }
    cache.clear();
    assertThat(cache.size()).isZero();
  }

  private static RegistryEvent event(
      RegistryEvent.Kind kind, RepositoryName repository, Optional<Digest> subject) {
    return new RegistryEvent(
        kind,
        Instant.EPOCH,
        "r-1",
        Optional.of(Endpoint.MANIFEST_PUT),
        Identity.ANONYMOUS,
        Optional.empty(),
        Optional.of(repository),
        Optional.of(Digest.sha256(Bytes.utf8("referrer"))),
        Optional.of(MediaType.OCI_IMAGE_MANIFEST),
        subject,
        Set.of(),
        Optional.empty(),
        Optional.empty(),
        201,
        List.of(),
        List.of());
  }

  private static PolicyContext context(RepositoryName repository) {
    return new PolicyContext() {
      @Override
      public RepositoryName repository() {
        return repository;
      }

      @Override
      public Optional<RawManifest> manifest(Digest digest) {
        return Optional.empty();
      }

      @Override
      public Optional<Digest> resolve(Tag tag) {
        return Optional.empty();
      }

      @Override
      public List<Tag> tagsOf(Digest digest) {
        return List.of();
      }

      @Override
      public List<Descriptor> referrers(Digest subject, Optional<MediaType> artifactType) {
        return List.of();
      }

      @Override
      public InputStream openBlob(Digest digest) {
        throw new UnsupportedOperationException("a report source in these tests reads no blob");
      }
    };
  }
}
