package io.wharf.cli;

import io.wharf.oci.model.ManifestCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@code wharf serve} runs with. {@link #defaults()} are what it runs with when neither a
 * config file nor a flag says otherwise.
 *
 * @param listen where the server listens
 * @param data the data folder of the single-node store (created when missing)
 * @param deletes whether clients may delete manifests, tags and blobs
 * @param uploadExpiry how long an idle upload session lives
 * @param maxManifestBytes the largest manifest accepted
 */
public record ServerSettings(
    ListenAddress listen, Path data, boolean deletes, Duration uploadExpiry, int maxManifestBytes) {

  /** The default data folder, relative to the working directory. */
  public static final Path DEFAULT_DATA = Path.of("wharf-data");

  /** Checks the values. */
  public ServerSettings {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(uploadExpiry, "uploadExpiry");
    if (uploadExpiry.isNegative() || uploadExpiry.isZero()) {
      throw new IllegalArgumentException("uploadExpiry must be positive");
    }
    if (maxManifestBytes <= 0) {
      throw new IllegalArgumentException("maxManifestBytes must be positive");
    }
  }

  /**
   * 127.0.0.1:5000, {@code ./wharf-data}, deletes allowed, uploads expire after 24 hours, manifests
   * up to 4 MiB.
   */
  public static ServerSettings defaults() {
    return new ServerSettings(
        ListenAddress.DEFAULT,
        DEFAULT_DATA,
        true,
        Duration.ofHours(24),
        ManifestCodec.DEFAULT_MAX_BYTES);
  }

  /**
   * The defaults on a free loopback port (127.0.0.1:0) with data folder {@code data}: a server for
   * the training run and for tests.
   */
  public static ServerSettings loopback(Path data) {
    return defaults().withListen(new ListenAddress("127.0.0.1", 0)).withData(data);
  }

  /** These settings listening on {@code listen}. */
  public ServerSettings withListen(ListenAddress listen) {
    return new ServerSettings(listen, data, deletes, uploadExpiry, maxManifestBytes);
  }

  /** These settings with data folder {@code data}. */
  public ServerSettings withData(Path data) {
    return new ServerSettings(listen, data, deletes, uploadExpiry, maxManifestBytes);
  }

  /** These settings with deletes allowed or not. */
  public ServerSettings withDeletes(boolean deletes) {
    return new ServerSettings(listen, data, deletes, uploadExpiry, maxManifestBytes);
  }

  /** These settings with upload sessions expiring after {@code uploadExpiry}. */
  public ServerSettings withUploadExpiry(Duration uploadExpiry) {
    return new ServerSettings(listen, data, deletes, uploadExpiry, maxManifestBytes);
  }

  /** These settings accepting manifests up to {@code maxManifestBytes}. */
  public ServerSettings withMaxManifestBytes(int maxManifestBytes) {
    return new ServerSettings(listen, data, deletes, uploadExpiry, maxManifestBytes);
  }
}
