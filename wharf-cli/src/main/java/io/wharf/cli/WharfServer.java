package io.wharf.cli;

import io.wharf.oci.auth.Projects;
import io.wharf.oci.auth.RegistryAuth;
import io.wharf.oci.auth.TokenService;
import io.wharf.oci.policy.Policies;
import io.wharf.oci.policy.PolicyException;
import io.wharf.oci.policy.scanner.ScannerClient;
import io.wharf.oci.server.Access;
import io.wharf.oci.server.Authentication;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.PolicyGate;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RegistryEventListener;
import io.wharf.oci.server.RegistryHandler;
import io.wharf.oci.server.ScanOnPush;
import io.wharf.oci.server.lifecycle.Lifecycle;
import io.wharf.oci.server.lifecycle.LifecycleEndpoint;
import io.wharf.oci.server.lifecycle.RetentionRun;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.lifecycle.GarbageCollector;
import io.wharf.oci.storage.local.LocalStorage;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code wharf serve} runs: the single-node default store ({@link LocalStorage}) in the data
 * folder, the {@link Registry} engine over it, and Jetty with the registry servlet ({@link
 * JettyEndpoint}), which logs one line per request at INFO. {@link #close()} stops the transport
 * gracefully (requests in flight have {@link JettyEndpoint#STOP_TIMEOUT} to finish; uploads cut
 * then keep what arrived) and then closes the store.
 */
public final class WharfServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WharfServer.class);

  /** Who the scanner adapter's pull tokens name. */
  static final String SCANNER = "wharf-scanner";

  private final ServerSettings settings;
  private final Path data;
  private final RegistryStorage storage;
  private final Registry registry;
  private final JettyEndpoint server;
  private final URI uri;
  private final List<Closeable> access;
  private final Optional<PolicyRuntime> policies;
  private final Lifecycle lifecycle;
  private boolean closed;

  private WharfServer(
      ServerSettings settings,
      Path data,
      RegistryStorage storage,
      Registry registry,
      JettyEndpoint server,
      List<Closeable> access,
      Optional<PolicyRuntime> policies,
      Lifecycle lifecycle) {
    this.settings = settings;
    this.lifecycle = lifecycle;
    this.data = data;
    this.storage = storage;
    this.registry = registry;
    this.server = server;
    this.access = List.copyOf(access);
    this.policies = policies;
    this.uri =
        URI.create("http://" + new ListenAddress(settings.listen().host(), server.port()) + "/");
  }

  /**
   * Opens the store and starts serving.
   *
   * @throws IOException when the data folder cannot be opened (or another process has it open), or
   *     the address cannot be bound
   */
  public static WharfServer start(ServerSettings settings) throws IOException {
    return start(settings, UnaryOperator.identity());
  }

  /**
   * Opens the store and starts serving the registry as wrapped by {@code decorate}, which may, for
   * example, observe every request.
   *
   * @throws IOException when the data folder cannot be opened (or another process has it open), or
   *     the address cannot be bound
   */
  public static WharfServer start(ServerSettings settings, UnaryOperator<RegistryHandler> decorate)
      throws IOException {
    return start(settings, builder -> {}, decorate);
  }

  /**
   * Opens the store and starts serving a registry whose builder {@code hooks} has completed (its
   * authenticator, authorizer, gates and listeners), as wrapped by {@code decorate}.
   *
   * @throws IOException when the data folder cannot be opened (or another process has it open), or
   *     the address cannot be bound
   */
  public static WharfServer start(
      ServerSettings settings,
      Consumer<Registry.Builder> hooks,
      UnaryOperator<RegistryHandler> decorate)
      throws IOException {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(hooks, "hooks");
    Objects.requireNonNull(decorate, "decorate");
    Path data = settings.data().toAbsolutePath().normalize();
    Optional<PolicyRuntime> policies = policies(settings);
    RegistryStorage storage;
    try {
      storage = LocalStorage.open(data);
    } catch (IOException | RuntimeException e) {
      policies.ifPresent(PolicyRuntime::close);
      throw e;
    }
    JettyEndpoint server;
    Registry[] registry = new Registry[1];
    Lifecycle[] lifecycle = new Lifecycle[1];
    List<Closeable> access = new ArrayList<>();
    policies.ifPresent(access::add);
    try {
      server =
          JettyEndpoint.startFor(
              port -> {
                Registry.Builder builder =
                    Registry.builder(storage)
                        .deletesEnabled(settings.deletes())
                        .uploadExpiry(settings.uploadExpiry())
                        .maxUploadsPerClient(settings.maxUploadsPerClient())
                        .maxUploadsPerRepository(settings.maxUploadsPerRepository())
                        .maxManifestBytes(settings.maxManifestBytes());
                Optional<RegistryAuth> auth;
                try {
                  auth = accessControl(settings, storage, data, port, builder, access);
                  gates(settings, storage, port, auth, policies, builder, access);
                  lifecycle[0] =
                      lifecycle(
                          settings,
                          storage,
                          auth,
                          policies,
                          builder,
                          event -> {
                            Registry r = registry[0];
                            if (r != null) {
                              r.publish(event);
                            }
                          });
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
                hooks.accept(builder);
                registry[0] = builder.build();
                lifecycle[0].start();
                return decorate.apply(registry[0]);
              },
              settings.listen().toSocketAddress(),
              settings.http());
    } catch (IOException | RuntimeException e) {
      Exception failure = e instanceof UncheckedIOException u ? u.getCause() : e;
      if (lifecycle[0] != null) {
        lifecycle[0].close();
      }
      if (registry[0] != null) {
        registry[0].close();
      }
      closeAll(access, failure);
      try {
        storage.close();
      } catch (IOException suppressed) {
        failure.addSuppressed(suppressed);
      }
      if (failure instanceof IOException io) {
        throw io;
      }
      throw (RuntimeException) failure;
    }
    WharfServer started =
        new WharfServer(
            settings, data, storage, registry[0], server, access, policies, lifecycle[0]);
    log.info(
        "Wharf {} serving {} with data folder {} (deletes {}, uploads expire after {})",
        Wharf.version(),
        started.uri,
        data,
        settings.deletes() ? "allowed" : "refused",
        Durations.format(settings.uploadExpiry()));
    return started;
  }

  /**
   * The lifecycle jobs of {@code settings}: garbage collection (scheduled when {@code
   * lifecycle.gc.schedule} is set, else on request) and the upload purge over the registry's
   * checked store; with {@code policies}, retention by the policy set in force when each run starts
   * (so a reload applies to the next run), scheduled when {@code lifecycle.retention.schedule} is
   * set; and the lifecycle endpoint on {@code builder} for whom {@code lifecycle.endpoint} says (by
   * default the system administrators of the {@code auth} section, and nobody without one). Not
   * started yet.
   *
   * @throws IOException (caused by a {@link ConfigException}) when the endpoint's mode does not fit
   *     the access control: {@code admins} without {@code auth}, {@code loopback} with it; or a
   *     retention schedule is set without policies
   */
  private static Lifecycle lifecycle(
      ServerSettings settings,
      RegistryStorage storage,
      Optional<RegistryAuth> auth,
      Optional<PolicyRuntime> policies,
      Registry.Builder builder,
      RegistryEventListener events)
      throws IOException {
    LifecycleConfig config = settings.lifecycle();
    LifecycleConfig.EndpointMode mode =
        config
            .endpoint()
            .orElse(
                auth.isPresent()
                    ? LifecycleConfig.EndpointMode.ADMINS
                    : LifecycleConfig.EndpointMode.OFF);
    if (mode == LifecycleConfig.EndpointMode.ADMINS && auth.isEmpty()) {
      throw configError(
          "lifecycle.endpoint: admins needs an auth section (who is an administrator?); without"
              + " access control use loopback, or off");
    }
    if (mode == LifecycleConfig.EndpointMode.LOOPBACK && auth.isPresent()) {
      throw configError(
          "lifecycle.endpoint: loopback would let callers on this machine past the auth section;"
              + " with access control use admins");
    }
    RegistryStorage checked = storage.checked();
    GarbageCollector collector =
        GarbageCollector.builder(checked)
            .gracePeriod(config.gracePeriod())
            .deleteUntagged(config.deleteUntagged())
            .dutyCycle(config.gcDutyCycle())
            .build();
    Lifecycle.Builder b = Lifecycle.builder().events(events).fullEvery(config.fullEvery());
    if (config.gcSchedule().isPresent()) {
      b.garbageCollection(collector, config.gcSchedule().get());
    } else {
      b.garbageCollection(collector);
    }
    if (config.uploadSchedule().isPresent()) {
      b.uploadPurge(checked.blobs(), config.uploadTtl(), config.uploadSchedule().get());
    } else {
      b.uploadPurge(checked.blobs(), config.uploadTtl());
    }
    if (policies.isPresent()) {
      Policies inForce = policies.get().policies();
      RetentionRun retention =
          new RetentionRun(checked.metadata(), inForce::current, Clock.systemDefaultZone());
      if (config.retentionSchedule().isPresent()) {
        b.retention(retention, config.retentionSchedule().get());
      } else {
        b.retention(retention);
      }
    } else if (config.retentionSchedule().isPresent()) {
      throw configError(
          "lifecycle.retention.schedule: retention rules live in the policy documents"
              + " (projects.NAME.retention); without a policies section there is nothing to run");
    }
    Lifecycle lifecycle = b.build();
    switch (mode) {
      case ADMINS -> {
        RegistryAuth a = auth.orElseThrow();
        LifecycleEndpoint.builder(lifecycle)
            .administrators(a.authenticator(), a.projectAuthorizer()::isSystemAdministrator)
            .build()
            .applyTo(builder);
        log.info("lifecycle endpoint {}: system administrators only", LifecycleEndpoint.PATH);
      }
      case LOOPBACK -> {
        LifecycleEndpoint.builder(lifecycle).loopbackOnly().build().applyTo(builder);
        log.warn(
            "lifecycle endpoint {}: open to every caller on this machine, without credentials",
            LifecycleEndpoint.PATH);
      }
      case OFF -> {
        // Not served: `wharf gc --data` works on the folder while the registry is stopped.
      }
    }
    return lifecycle;
  }

  private static IOException configError(String message) {
    return new IOException(message, new ConfigException(message));
  }

  /**
   * The policies of {@code settings}, loaded and watched; none when it has none.
   *
   * @throws IOException when a document is not valid (the message lists every error) or a file
   *     cannot be read
   */
  private static Optional<PolicyRuntime> policies(ServerSettings settings) throws IOException {
    if (!settings.policies().any()) {
      return Optional.empty();
    }
    try {
      PolicyRuntime runtime = PolicyRuntime.start(settings.policies());
      log.info("policies: {}", PolicyRuntime.describe(runtime.policies().current()));
      return Optional.of(runtime);
    } catch (PolicyException e) {
      throw new IOException("the policies are not valid:\n" + e.getMessage(), e);
    } catch (ConfigException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * Loads the policies again and puts them in force if every document is valid (what SIGHUP does);
   * false when the registry has no policies or they were not valid (the errors are logged).
   */
  public boolean reloadPolicies() {
    return policies.map(PolicyRuntime::reload).orElse(false);
  }

  /**
   * Puts the access control of {@code settings} on {@code builder} (nothing without an {@code auth}
   * section) and applies its {@code projects}; what must be closed later goes to {@code opened}.
   */
  private static Optional<RegistryAuth> accessControl(
      ServerSettings settings,
      RegistryStorage storage,
      Path data,
      int port,
      Registry.Builder builder,
      List<Closeable> opened)
      throws IOException {
    if (settings.auth().isEmpty()) {
      if (!settings.projects().isEmpty()) {
        Projects.builder(storage.metadata().access()).build().seed(settings.projects());
      }
      return Optional.empty();
    }
    String realm = localUrl(settings, port) + RegistryAuth.TOKEN_PATH;
    AccessSetup setup =
        AccessSetup.open(settings.auth().get(), storage.metadata().access(), data, realm);
    opened.addAll(setup.closeables());
    setup.auth().applyTo(builder);
    AccessSetup.seed(setup, settings.projects());
    log.info(
        "access control: {} mode{}",
        settings.auth().get().mode().name().toLowerCase(java.util.Locale.ROOT),
        settings.auth().get().mode() == AuthConfig.Mode.TOKEN ? ", tokens at " + realm : "");
    return Optional.of(setup.auth());
  }

  /** {@code http://host:port} of this server, with 127.0.0.1 for a wildcard address. */
  private static String localUrl(ServerSettings settings, int port) {
    String host = settings.listen().host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.isEmpty()) {
      host = "127.0.0.1";
    }
    return "http://" + new ListenAddress(host, port);
  }

  /**
   * The policy gate of {@code policies} and the scan on push of {@code settings.scanner()} on
   * {@code builder}: the gate asks the scanner for scans its rules want; the scanner's stored
   * reports reach the gate's cache.
   */
  private static void gates(
      ServerSettings settings,
      RegistryStorage storage,
      int port,
      Optional<RegistryAuth> auth,
      Optional<PolicyRuntime> policies,
      Registry.Builder builder,
      List<Closeable> opened)
      throws IOException {
    ScanOnPush[] scans = new ScanOnPush[1];
    Optional<PolicyGate> gate = Optional.empty();
    if (policies.isPresent()) {
      // Signatures name the registry as clients write it (cosign's docker-reference, Notation's
      // registryScopes): the configured name, else the address it listens on.
      PolicyGate.Builder g =
          PolicyGate.builder(policies.get().policies())
              .registryName(
                  settings.policies().registryName().orElse(settings.listen().host() + ":" + port));
      if (settings.scanner().isPresent()) {
        g.scans((repository, digest) -> scans[0].request(repository, digest));
        // The adapter pulls what it scans, which has no report yet, with a service token only
        // this registry can make (TokenService#serviceToken).
        g.exempt(
            identity ->
                identity.name().equals(Optional.of(SCANNER))
                    && "service".equals(identity.attributes().get("kind")));
      }
      gate = Optional.of(g.build());
      gate.get().applyTo(builder);
    }
    if (settings.scanner().isEmpty()) {
      return;
    }
    ScannerConfig config = settings.scanner().get();
    ScannerClient.Builder client = ScannerClient.builder(config.url());
    if (config.authorizationFile().isPresent()) {
      try {
        client.authorization(PolicyConfig.readFile(config.authorizationFile().get()).strip());
      } catch (ConfigException e) {
        throw new IOException("scanner.authorizationFile: " + e.getMessage(), e);
      }
    }
    Optional<TokenService> tokens = auth.flatMap(RegistryAuth::tokenService);
    Optional<String> secret = Optional.empty();
    if (auth.isEmpty()) {
      // Everyone may pull, but the gate judges every caller: the adapter is told apart by a
      // random secret of this process, so that its pulls (of images without a report yet) pass.
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String value = "Bearer " + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      secret = Optional.of(value);
      byte[] expected = value.getBytes(StandardCharsets.US_ASCII);
      Identity scanner =
          new Identity(Optional.of(SCANNER), Set.of(), Map.of("kind", "service"), Optional.empty());
      builder.authenticator(
          (request, headers) ->
              headers
                      .first("Authorization")
                      .filter(
                          v ->
                              MessageDigest.isEqual(
                                  v.getBytes(StandardCharsets.US_ASCII), expected))
                      .isPresent()
                  ? Authentication.of(scanner)
                  : Authentication.anonymous());
    }
    Optional<String> ownSecret = secret;
    URI registryUrl = config.registryUrl().orElseGet(() -> URI.create(localUrl(settings, port)));
    ScanOnPush.Builder scanner =
        ScanOnPush.builder(client.build(), registryUrl, storage)
            .threads(config.threads())
            .pullAuthorization(
                repository ->
                    tokens
                        .map(
                            t ->
                                "Bearer "
                                    + t.serviceToken(
                                        SCANNER, Set.of(Access.pull(repository)), Instant.now()))
                        .or(() -> ownSecret));
    gate.ifPresent(scanner::addListener);
    scans[0] = scanner.build();
    opened.add(scans[0]::close);
    if (config.scanOnPush()) {
      builder.addListener(scans[0]);
    }
    log.info(
        "scanner: {}{}, adapter pulls from {}",
        config.url(),
        config.scanOnPush() ? ", scanning every pushed image" : ", scanning on request",
        registryUrl);
  }

  private static void closeAll(List<Closeable> closeables, Exception failure) {
    for (Closeable c : closeables) {
      try {
        c.close();
      } catch (IOException suppressed) {
        failure.addSuppressed(suppressed);
      }
    }
  }

  /** The registry's base URL, e.g. {@code http://127.0.0.1:5000/}, with the port bound. */
  public URI uri() {
    return uri;
  }

  /** The port the server listens on (the one the system chose, for port 0). */
  public int port() {
    return server.port();
  }

  /** The data folder, absolute. */
  public Path dataDirectory() {
    return data;
  }

  /** The settings it runs with. */
  public ServerSettings settings() {
    return settings;
  }

  /**
   * Stops accepting requests, lets those in flight finish (up to the transport's shutdown timeout),
   * then closes the store. Idempotent.
   *
   * @throws UncheckedIOException when the store fails to close
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.info("Wharf stopping: finishing requests in flight");
    try {
      server.close();
    } finally {
      try {
        lifecycle.close(); // waits for a run going on (bounded), then interrupts it
        registry.close(); // delivers the events still queued
        for (Closeable c : access) {
          c.close(); // the audit log (after the last event), the LDAP pool
        }
        storage.close();
      } catch (IOException e) {
        throw new UncheckedIOException("closing the data folder " + data + " failed", e);
      }
    }
    log.info("Wharf stopped; data folder {} closed", data);
  }
}
