package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.UploadId;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UploadExpiryTest {

  private static RegistryResponse call(
      Registry r, HttpMethod m, String path, String query, Bytes body) throws IOException {
    return r.handle(new RegistryRequest(m, path, query, Headers.empty(), body.openStream()));
  }

  @Test
  void idleUploadsExpireAndTheirDataIsRemoved() throws IOException {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-26T00:00:00Z"));
    RegistryStorage storage = RegistryStorage.inMemory();
    Registry registry =
        Registry.builder(storage).clock(clock).uploadExpiry(Duration.ofHours(1)).build();
    String idle =
        call(registry, HttpMethod.POST, "/v2/x/blobs/uploads/", "", Bytes.empty())
            .headers()
            .first("Location")
            .orElseThrow();
    String busy =
        call(registry, HttpMethod.POST, "/v2/x/blobs/uploads/", "", Bytes.empty())
            .headers()
            .first("Location")
            .orElseThrow();
    call(registry, HttpMethod.PATCH, idle, "", Bytes.utf8("abc"));
    clock.advance(Duration.ofMinutes(50));
    call(registry, HttpMethod.PATCH, busy, "", Bytes.utf8("def"));
    clock.advance(Duration.ofMinutes(20));
    // Starting another upload sweeps: the idle one (70 min) goes, the busy one (20 min) stays.
    call(registry, HttpMethod.POST, "/v2/x/blobs/uploads/", "", Bytes.empty());
    assertThat(call(registry, HttpMethod.GET, idle, "", Bytes.empty()).status()).isEqualTo(404);
    assertThat(
            storage.blobs().resumeUpload(new UploadId(idle.substring(idle.lastIndexOf('/') + 1))))
        .isEmpty();
    assertThat(call(registry, HttpMethod.GET, busy, "", Bytes.empty()).status()).isEqualTo(204);
    Digest digest = Digest.sha256(Bytes.utf8("def"));
    assertThat(call(registry, HttpMethod.PUT, busy, "digest=" + digest, Bytes.empty()).status())
        .isEqualTo(201);
  }

  @Test
  void tooManyOpenUploadsAreRefusedWith429() throws IOException {
    Registry registry = Registry.builder(RegistryStorage.inMemory()).maxOpenUploads(2).build();
    call(registry, HttpMethod.POST, "/v2/x/blobs/uploads/", "", Bytes.empty());
    call(registry, HttpMethod.POST, "/v2/x/blobs/uploads/", "", Bytes.empty());
    RegistryResponse third =
        registry.handle(
            new RegistryRequest(
                HttpMethod.POST,
                "/v2/x/blobs/uploads/",
                "",
                Headers.empty(),
                InputStream.nullInputStream()));
    assertThat(third.status()).isEqualTo(429);
  }
}
