package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.ManifestPut;
import io.wharf.oci.storage.memory.InMemoryMetadataStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PullRecorderTest {

  @Test
  void recordsAPullAtMostOncePerMinute() throws Exception {
    InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    RepositoryName repo = RepositoryName.of("app");
    Descriptor blob = Descriptor.of(MediaType.OCI_LAYER_TAR, Bytes.utf8("x"));
    RawManifest m =
        ManifestCodec.defaults()
            .encode(ImageManifest.of(Descriptor.EMPTY_JSON.withoutData(), List.of(blob)));
    Instant t0 = Instant.parse("2026-11-26T00:00:00Z");
    ManifestPut put = ManifestPut.of(m, Set.of(Tag.LATEST), t0);
    for (Descriptor d : put.blobs()) {
      metadata.linkBlob(repo, new BlobInfo(d.digest(), d.size()));
    }
    metadata.putManifest(repo, put);
    MutableClock clock = new MutableClock(t0.plusSeconds(10));
    PullRecorder pulls = new PullRecorder(metadata, clock);
    pulls.pulled(repo, m.digest(), Optional.of(Tag.LATEST));
    Instant first = clock.instant();
    assertThat(metadata.statManifest(repo, m.digest()).orElseThrow().pulledAt()).contains(first);
    clock.set(first.plusSeconds(30));
    pulls.pulled(repo, m.digest(), Optional.of(Tag.LATEST));
    assertThat(metadata.statManifest(repo, m.digest()).orElseThrow().pulledAt()).contains(first);
    clock.set(first.plus(Duration.ofMinutes(2)));
    pulls.pulled(repo, m.digest(), Optional.of(Tag.LATEST));
    assertThat(metadata.statManifest(repo, m.digest()).orElseThrow().pulledAt())
        .contains(clock.instant());
    assertThat(metadata.tagRecords(repo).get(0).pulledAt()).contains(clock.instant());
  }
}
