package io.wharf.examples;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.server.Access;
import io.wharf.oci.server.Action;
import io.wharf.oci.server.Admission;
import io.wharf.oci.server.Decision;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RegistryEventListener;
import io.wharf.oci.server.jdk.RegistryServer;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.local.LocalStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OCI registry embedded in an application, with the application's own rules:
 *
 * <ul>
 *   <li>storage in a data folder on this machine ({@link LocalStorage}: blobs on disk, metadata in
 *       SQLite), which survives restarts;
 *   <li>one user with a password, checked by {@link BasicAuthenticator};
 *   <li>an {@link io.wharf.oci.server.Authorizer} ({@link #anonymousPullsOnly}): anyone may pull,
 *       only that user may push or delete;
 *   <li>an {@link io.wharf.oci.server.AdmissionGate} ({@link #immutableTags}): once a tag names a
 *       manifest, no push moves it to another;
 *   <li>an {@link AuditLog}: one log line per event, through SLF4J;
 *   <li>the JDK's HTTP server ({@link Registry#listen}): no other dependency.
 * </ul>
 *
 * <p>Run it with {@link #main}; an application calls {@link #start} and, when it stops, {@link
 * #close}, which stops the server, then the registry (delivering the events still queued), then the
 * storage.
 */
public final class EmbeddedRegistry implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedRegistry.class);

  private final RegistryStorage storage;
  private final Registry registry;
  private final RegistryServer server;

  private EmbeddedRegistry(RegistryStorage storage, Registry registry, RegistryServer server) {
    this.storage = storage;
    this.registry = registry;
    this.server = server;
  }

  /**
   * Starts a registry with its data in {@code dataDirectory} (created when missing) on {@code
   * address} (port 0 picks a free port), where {@code user} may push with {@code password}.
   *
   * @param alsoNotify hears every event after the audit log (a webhook, metrics, a test)
   * @throws IOException when the data folder cannot be opened (or another registry has it open) or
   *     the address cannot be bound
   */
  public static EmbeddedRegistry start(
      Path dataDirectory,
      InetSocketAddress address,
      String user,
      String password,
      RegistryEventListener alsoNotify)
      throws IOException {
    BasicAuthenticator users = new BasicAuthenticator(user, password, "wharf example");
    RegistryStorage storage = LocalStorage.open(dataDirectory);
    Registry registry =
        Registry.builder(storage)
            .authenticator(users)
            .authorizer(EmbeddedRegistry::anonymousPullsOnly)
            .addGate(EmbeddedRegistry::immutableTags)
            .addListener(new AuditLog())
            .addListener(alsoNotify)
            .build();
    try {
      RegistryServer server = registry.listen(address);
      return new EmbeddedRegistry(storage, registry, server);
    } catch (IOException | RuntimeException e) {
      registry.close();
      storage.close();
      throw e;
    }
  }

  /**
   * The authorizer: anyone may pull and list the repositories; only a user who logged in may push
   * or delete. {@link Action#LOGIN} ({@code GET /v2/}) needs a user too: that answer's {@code 401}
   * with the Basic challenge is how docker, podman and skopeo learn to send their credentials (they
   * send none to a registry whose {@code /v2/} answered 200). Clients without credentials go on
   * anonymously and may still pull.
   */
  static Decision anonymousPullsOnly(Identity identity, Access access) {
    return switch (access.action()) {
      case PULL, CATALOG -> Decision.allow();
      case LOGIN, PUSH, DELETE ->
          identity.isAnonymous()
              ? Decision.deny("anonymous users may only pull")
              : Decision.allow();
    };
  }

  /**
   * The admission gate: a push may not move a tag that names another manifest already (pushing the
   * same manifest again is fine). Deleting the tag first still frees it; a stricter gate would
   * refuse {@link Action#DELETE} of tags too.
   */
  static Decision immutableTags(Admission admission) throws IOException {
    if (admission.action() != Action.PUSH) {
      return Decision.allow();
    }
    for (Tag tag : admission.tags()) {
      Optional<Digest> current = admission.content().resolve(tag);
      if (current.isPresent() && !current.get().equals(admission.manifest().digest())) {
        return Decision.deny(
            "tag " + tag + " is immutable: it names " + current.get() + "; push a new tag");
      }
    }
    return Decision.allow();
  }

  /** The base URI, {@code http://host:port}. */
  public URI uri() {
    return server.uri();
  }

  /** The port the registry listens on. */
  public int port() {
    return server.port();
  }

  /** Stops the server (letting requests in flight finish), then the registry, then the storage. */
  @Override
  public void close() {
    server.close();
    registry.close();
    try {
      storage.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing the storage failed", e);
    }
  }

  /**
   * Serves a registry on {@code 127.0.0.1:5000} (or the port in the second argument) with its data
   * in {@code ./wharf-data} (or the folder in the first argument), until the process is stopped
   * (Ctrl-C, SIGTERM). The user who may push is {@code WHARF_USER} ({@code admin} when unset) with
   * the password {@code WHARF_PASSWORD} (required: a password on the command line would show in
   * {@code ps}).
   */
  public static void main(String[] args) throws IOException {
    Path data = Path.of(args.length > 0 ? args[0] : "wharf-data");
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    String user = System.getenv().getOrDefault("WHARF_USER", "admin");
    String password = System.getenv("WHARF_PASSWORD");
    if (password == null || password.isEmpty()) {
      System.err.println("set WHARF_PASSWORD to the password of " + user);
      System.exit(2);
    }
    EmbeddedRegistry registry =
        start(data, new InetSocketAddress("127.0.0.1", port), user, password, event -> {});
    Runtime.getRuntime().addShutdownHook(new Thread(registry::close, "registry-shutdown"));
    log.info("serving {} with its data in {}; {} may push", registry.uri(), data, user);
    // The server's threads keep the process running after main returns.
  }
}
