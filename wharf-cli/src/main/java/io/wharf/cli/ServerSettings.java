package io.wharf.cli;

import io.wharf.oci.auth.ProjectSpec;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.server.Registry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code wharf serve} runs with. {@link #defaults()} are what it runs with when neither a
 * config file nor a flag says otherwise.
 *
 * @param listen where the server listens
 * @param data the data folder of the single-node store (created when missing)
 * @param deletes whether clients may delete manifests, tags and blobs
 * @param uploadExpiry how long an idle upload session lives
 * @param maxManifestBytes the largest manifest accepted
 * @param maxUploadsPerClient how many upload sessions one client address may hold open
 * @param maxUploadsPerRepository how many upload sessions may be open in one repository
 * @param http what slow and greedy clients may hold of the HTTP side
 * @param auth who may log in and how; empty: everyone may do everything
 * @param projects projects to create or update at start, with their members
 * @param policies the policy documents in force and where they come from
 * @param scanner the scanner adapter that scans pushed images, if any
 * @param lifecycle when garbage collection and the upload purge run, and who may ask for runs
 */
public record ServerSettings(
    ListenAddress listen,
    Path data,
    boolean deletes,
    Duration uploadExpiry,
    int maxManifestBytes,
    int maxUploadsPerClient,
    int maxUploadsPerRepository,
    HttpLimits http,
    Optional<AuthConfig> auth,
    List<ProjectSpec> projects,
    PolicyConfig policies,
    Optional<ScannerConfig> scanner,
    LifecycleConfig lifecycle) {

  /** The default data folder, relative to the working directory. */
  public static final Path DEFAULT_DATA = Path.of("wharf-data");

  /** Checks the values. */
  public ServerSettings {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(uploadExpiry, "uploadExpiry");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(auth, "auth");
    projects = List.copyOf(projects);
    Objects.requireNonNull(policies, "policies");
    Objects.requireNonNull(scanner, "scanner");
    Objects.requireNonNull(lifecycle, "lifecycle");
    if (uploadExpiry.isNegative() || uploadExpiry.isZero()) {
      throw new IllegalArgumentException("uploadExpiry must be positive");
    }
    if (maxManifestBytes <= 0) {
      throw new IllegalArgumentException("maxManifestBytes must be positive");
    }
    if (maxUploadsPerClient <= 0 || maxUploadsPerRepository <= 0) {
      throw new IllegalArgumentException("upload session limits must be positive");
    }
  }

  /**
   * 127.0.0.1:5000, {@code ./wharf-data}, deletes allowed, idle uploads expire after 10 minutes,
   * manifests up to 4 MiB, at most 256 upload sessions per client and 512 per repository (the
   * engine's defaults), and {@link HttpLimits#defaults()}.
   */
  public static ServerSettings defaults() {
    return new ServerSettings(
        ListenAddress.DEFAULT,
        DEFAULT_DATA,
        true,
        Registry.DEFAULT_UPLOAD_EXPIRY,
        ManifestCodec.DEFAULT_MAX_BYTES,
        Registry.DEFAULT_MAX_UPLOADS_PER_CLIENT,
        Registry.DEFAULT_MAX_UPLOADS_PER_REPOSITORY,
        HttpLimits.defaults(),
        Optional.empty(),
        List.of(),
        PolicyConfig.none(),
        Optional.empty(),
        LifecycleConfig.defaults());
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
    Copy c = new Copy(this);
    c.listen = listen;
    return c.build();
  }

  /** These settings with data folder {@code data}. */
  public ServerSettings withData(Path data) {
    Copy c = new Copy(this);
    c.data = data;
    return c.build();
  }

  /** These settings with deletes allowed or not. */
  public ServerSettings withDeletes(boolean deletes) {
    Copy c = new Copy(this);
    c.deletes = deletes;
    return c.build();
  }

  /** These settings with upload sessions expiring after {@code uploadExpiry}. */
  public ServerSettings withUploadExpiry(Duration uploadExpiry) {
    Copy c = new Copy(this);
    c.uploadExpiry = uploadExpiry;
    return c.build();
  }

  /** These settings accepting manifests up to {@code maxManifestBytes}. */
  public ServerSettings withMaxManifestBytes(int maxManifestBytes) {
    Copy c = new Copy(this);
    c.maxManifestBytes = maxManifestBytes;
    return c.build();
  }

  /** These settings with at most {@code max} upload sessions per client. */
  public ServerSettings withMaxUploadsPerClient(int max) {
    Copy c = new Copy(this);
    c.maxUploadsPerClient = max;
    return c.build();
  }

  /** These settings with at most {@code max} upload sessions per repository. */
  public ServerSettings withMaxUploadsPerRepository(int max) {
    Copy c = new Copy(this);
    c.maxUploadsPerRepository = max;
    return c.build();
  }

  /** These settings with HTTP limits {@code http}. */
  public ServerSettings withHttp(HttpLimits http) {
    Copy c = new Copy(this);
    c.http = http;
    return c.build();
  }

  /** These settings with access control {@code auth} (empty: none). */
  public ServerSettings withAuth(Optional<AuthConfig> auth) {
    Copy c = new Copy(this);
    c.auth = auth;
    return c.build();
  }

  /** These settings seeding {@code projects} at start. */
  public ServerSettings withProjects(List<ProjectSpec> projects) {
    Copy c = new Copy(this);
    c.projects = projects;
    return c.build();
  }

  /** These settings with the policy documents of {@code policies}. */
  public ServerSettings withPolicies(PolicyConfig policies) {
    Copy c = new Copy(this);
    c.policies = policies;
    return c.build();
  }

  /** These settings with scanner adapter {@code scanner} (empty: none). */
  public ServerSettings withScanner(Optional<ScannerConfig> scanner) {
    Copy c = new Copy(this);
    c.scanner = scanner;
    return c.build();
  }

  /** These settings with the lifecycle jobs of {@code lifecycle}. */
  public ServerSettings withLifecycle(LifecycleConfig lifecycle) {
    Copy c = new Copy(this);
    c.lifecycle = lifecycle;
    return c.build();
  }

  /** These settings, one field at a time changed, then checked again by {@link #build}. */
  private static final class Copy {
    private ListenAddress listen;
    private Path data;
    private boolean deletes;
    private Duration uploadExpiry;
    private int maxManifestBytes;
    private int maxUploadsPerClient;
    private int maxUploadsPerRepository;
    private HttpLimits http;
    private Optional<AuthConfig> auth;
    private List<ProjectSpec> projects;
    private PolicyConfig policies;
    private Optional<ScannerConfig> scanner;
    private LifecycleConfig lifecycle;

    Copy(ServerSettings s) {
      listen = s.listen;
      data = s.data;
      deletes = s.deletes;
      uploadExpiry = s.uploadExpiry;
      maxManifestBytes = s.maxManifestBytes;
      maxUploadsPerClient = s.maxUploadsPerClient;
      maxUploadsPerRepository = s.maxUploadsPerRepository;
      http = s.http;
      auth = s.auth;
      projects = s.projects;
      policies = s.policies;
      scanner = s.scanner;
      lifecycle = s.lifecycle;
    }

    ServerSettings build() {
      return new ServerSettings(
          listen,
          data,
          deletes,
          uploadExpiry,
          maxManifestBytes,
          maxUploadsPerClient,
          maxUploadsPerRepository,
          http,
          auth,
          projects,
          policies,
          scanner,
          lifecycle);
    }
  }
}
