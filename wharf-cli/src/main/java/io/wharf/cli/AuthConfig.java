package io.wharf.cli;

import io.wharf.oci.server.RegistryEvent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code auth} section of {@code wharf.yaml}: who may log in and how. Without it (and without
 * {@code --htpasswd}) the registry lets everyone do everything, as before.
 *
 * <pre>
 * auth:
 *   mode: token                 # token (the Docker token service at /token) or basic
 *   service: wharf              # the token audience; distribution's auth.token.service
 *   issuer: wharf               # the token issuer; distribution's auth.token.issuer
 *   realm: https://reg.example/token   # default http://LISTEN/token
 *   tokenLifetime: 5m
 *   signingKey: key.pem         # PKCS#8 PEM; default: made on first start in the data folder
 *   signingCert: cert.pem       # its certificate (distribution's rootcertbundle)
 *   htpasswd: users.htpasswd    # bcrypt lines, as htpasswd -B writes them
 *   users:                      # static users, bcrypt hashes only
 *     - {name: ci, bcrypt: "$2y$10$...", groups: [builders]}
 *   ldap: {url: ldap://ldap:389, userBase: "ou=people,dc=example,dc=org", ...}
 *   oidc: {issuer: https://login.example, audience: wharf}
 *   trustedIssuers:             # external token services whose tokens Wharf accepts
 *     - {name: corp-auth, jwksUrl: https://auth.example/jwks.json, service: wharf}
 *   admins: {users: [alice], groups: [registry-admins]}
 *   audit: {enabled: true, maxFileSize: 64MiB, files: 10, exclude: [MANIFEST_PULLED]}
 * </pre>
 *
 * @param mode how clients authenticate with the registry
 * @param service the token service's name (audience)
 * @param issuer the issuer name in Wharf's tokens
 * @param realm where clients get tokens; empty: {@code http://<listen>/token}
 * @param tokenLifetime how long a token is valid
 * @param signingKey a PEM private key to sign tokens with; empty: made in the data folder
 * @param signingCert the signing key's certificate (with {@code signingKey})
 * @param htpasswd an htpasswd file
 * @param users static users
 * @param ldap an LDAP directory
 * @param oidc an OIDC issuer
 * @param trustedIssuers external token issuers
 * @param adminUsers system administrators, by user name
 * @param adminGroups system administrators, by group
 * @param audit the audit log
 * @param htpasswdUsersAreAdmins whether every user of the htpasswd file is a system administrator
 *     (the quick case, {@code --htpasswd}; never from a config file)
 */
public record AuthConfig(
    Mode mode,
    String service,
    String issuer,
    Optional<URI> realm,
    Duration tokenLifetime,
    Optional<Path> signingKey,
    Optional<Path> signingCert,
    Optional<Path> htpasswd,
    List<StaticUser> users,
    Optional<Ldap> ldap,
    Optional<Oidc> oidc,
    List<Issuer> trustedIssuers,
    Set<String> adminUsers,
    Set<String> adminGroups,
    Audit audit,
    boolean htpasswdUsersAreAdmins) {

  static final Set<String> KEYS =
      keys(
          "mode",
          "service",
          "issuer",
          "realm",
          "tokenLifetime",
          "signingKey",
          "signingCert",
          "htpasswd",
          "users",
          "ldap",
          "oidc",
          "trustedIssuers",
          "admins",
          "audit");

  /** How clients authenticate with the registry. */
  public enum Mode {
    /** The Docker token service: clients log in at {@code /token} and send bearer tokens. */
    TOKEN,
    /** Basic credentials on every request (checked once, then cached for a minute). */
    BASIC
  }

  /** A user given in the config, by bcrypt hash. */
  public record StaticUser(String name, String bcrypt, Set<String> groups) {
    static final Set<String> KEYS = keys("name", "bcrypt", "groups");
  }

  /** An LDAP directory. */
  public record Ldap(
      URI url,
      Optional<String> bindDn,
      Optional<Path> bindPasswordFile,
      String userBase,
      String userFilter,
      Optional<String> groupBase,
      String groupFilter,
      String groupAttribute,
      boolean startTls) {
    static final Set<String> KEYS =
        keys(
            "url",
            "bindDn",
            "bindPasswordFile",
            "userBase",
            "userFilter",
            "groupBase",
            "groupFilter",
            "groupAttribute",
            "startTls");
  }

  /** An OIDC issuer whose tokens are accepted as passwords and as bearer tokens. */
  public record Oidc(
      URI issuer,
      String audience,
      Optional<URI> jwksUrl,
      String usernameClaim,
      String groupsClaim) {
    static final Set<String> KEYS =
        keys("issuer", "audience", "jwksUrl", "usernameClaim", "groupsClaim");
  }

  /** An external token issuer: its name, and its keys as a JWKS URL or a PEM file. */
  public record Issuer(
      String name, Optional<URI> jwksUrl, Optional<Path> publicKey, String service) {
    static final Set<String> KEYS = keys("name", "jwksUrl", "publicKey", "service");
  }

  /**
   * The audit log in the data folder.
   *
   * @param enabled whether it is written
   * @param maxFileSize the size at which {@code audit.log} is rotated
   * @param files how many rotated files are kept
   * @param exclude the kinds of event left out of it (Harbor's {@code
   *     disabled_audit_log_event_types}; none by default): {@code [MANIFEST_PULLED]} spares a busy
   *     registry a line per pull
   */
  public record Audit(
      boolean enabled, int maxFileSize, int files, Set<RegistryEvent.Kind> exclude) {
    static final Set<String> KEYS = keys("enabled", "maxFileSize", "files", "exclude");

    /** Copies. */
    public Audit {
      exclude = Set.copyOf(exclude);
    }

    static Audit defaults() {
      return new Audit(true, 64 << 20, 10, Set.of());
    }

    /** The kinds written: all but {@link #exclude}. */
    public Set<RegistryEvent.Kind> kinds() {
      Set<RegistryEvent.Kind> kinds = EnumSet.allOf(RegistryEvent.Kind.class);
      kinds.removeAll(exclude);
      return kinds;
    }
  }

  /** Copies. */
  public AuthConfig {
    Objects.requireNonNull(mode, "mode");
    users = List.copyOf(users);
    trustedIssuers = List.copyOf(trustedIssuers);
    adminUsers = Set.copyOf(adminUsers);
    adminGroups = Set.copyOf(adminGroups);
  }

  /** Token mode, htpasswd {@code file}'s users as system administrators: {@code --htpasswd}. */
  static AuthConfig htpasswdAdmins(Path file) {
    return new AuthConfig(
        Mode.TOKEN,
        "wharf",
        "wharf",
        Optional.empty(),
        Duration.ofMinutes(5),
        Optional.empty(),
        Optional.empty(),
        Optional.of(file),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        List.of(),
        Set.of(),
        Set.of(),
        Audit.defaults(),
        true);
  }

  /** The event kinds listed at {@code key}, by their names in the audit log. */
  private static Set<RegistryEvent.Kind> eventKinds(ConfigNode node, String key)
      throws ConfigException {
    Set<RegistryEvent.Kind> kinds = EnumSet.noneOf(RegistryEvent.Kind.class);
    for (String name : node.strings(key, 64)) {
      try {
        kinds.add(RegistryEvent.Kind.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw node.error(
            key,
            "unknown event kind '"
                + name
                + "'; the kinds are "
                + Arrays.toString(RegistryEvent.Kind.values()));
      }
    }
    return kinds;
  }

  /** Reads the {@code auth} section. */
  static AuthConfig parse(ConfigNode auth) throws ConfigException {
    String modeName = auth.string("mode", 16).orElse("token");
    Mode mode =
        switch (modeName) {
          case "token" -> Mode.TOKEN;
          case "basic" -> Mode.BASIC;
          default -> throw auth.error("mode", "expected token or basic, found '" + modeName + "'");
        };
    List<StaticUser> users = new ArrayList<>();
    for (ConfigNode u : auth.nodes("users", StaticUser.KEYS)) {
      String bcrypt = u.required("bcrypt", 128);
      if (!bcrypt.matches("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
        throw u.error("bcrypt", "expected a bcrypt hash ($2y$10$ and 53 characters)");
      }
      users.add(
          new StaticUser(
              u.required("name", 256), bcrypt, new LinkedHashSet<>(u.strings("groups", 256))));
    }
    Optional<Ldap> ldap = Optional.empty();
    Optional<ConfigNode> l = auth.node("ldap", Ldap.KEYS);
    if (l.isPresent()) {
      ConfigNode n = l.get();
      ldap =
          Optional.of(
              new Ldap(
                  n.uri("url", Set.of("ldap", "ldaps"))
                      .orElseThrow(() -> n.error("url", "is required")),
                  n.string("bindDn", 1024),
                  n.file("bindPasswordFile"),
                  n.required("userBase", 1024),
                  n.string("userFilter", 1024).orElse("(uid={0})"),
                  n.string("groupBase", 1024),
                  n.string("groupFilter", 1024).orElse("(member={dn})"),
                  n.string("groupAttribute", 256).orElse("cn"),
                  n.bool("startTls").orElse(false)));
      if (ldap.get().bindDn().isPresent() != ldap.get().bindPasswordFile().isPresent()) {
        throw n.error("bindDn", "bindDn and bindPasswordFile go together");
      }
    }
    Optional<Oidc> oidc = Optional.empty();
    Optional<ConfigNode> o = auth.node("oidc", Oidc.KEYS);
    if (o.isPresent()) {
      ConfigNode n = o.get();
      oidc =
          Optional.of(
              new Oidc(
                  n.uri("issuer", Set.of("http", "https"))
                      .orElseThrow(() -> n.error("issuer", "is required")),
                  n.required("audience", 256),
                  n.uri("jwksUrl", Set.of("http", "https")),
                  n.string("usernameClaim", 256).orElse("preferred_username"),
                  n.string("groupsClaim", 256).orElse("groups")));
    }
    String service = auth.string("service", 256).orElse("wharf");
    List<Issuer> issuers = new ArrayList<>();
    for (ConfigNode i : auth.nodes("trustedIssuers", Issuer.KEYS)) {
      Issuer issuer =
          new Issuer(
              i.required("name", 256),
              i.uri("jwksUrl", Set.of("http", "https")),
              i.file("publicKey"),
              i.string("service", 256).orElse(service));
      if (issuer.jwksUrl().isPresent() == issuer.publicKey().isPresent()) {
        throw i.error("jwksUrl", "give exactly one of jwksUrl and publicKey");
      }
      issuers.add(issuer);
    }
    Set<String> adminUsers = Set.of();
    Set<String> adminGroups = Set.of();
    Optional<ConfigNode> admins = auth.node("admins", keys("users", "groups"));
    if (admins.isPresent()) {
      adminUsers = new LinkedHashSet<>(admins.get().strings("users", 256));
      adminGroups = new LinkedHashSet<>(admins.get().strings("groups", 256));
    }
    Audit audit = Audit.defaults();
    Optional<ConfigNode> a = auth.node("audit", Audit.KEYS);
    if (a.isPresent()) {
      audit =
          new Audit(
              a.get().bool("enabled").orElse(true),
              a.get().size("maxFileSize").orElse(audit.maxFileSize()),
              a.get().count("files", 1000).orElse(audit.files()),
              eventKinds(a.get(), "exclude"));
      if (audit.enabled() && audit.kinds().isEmpty()) {
        throw a.get().error("exclude", "leaves nothing to log; write enabled: false instead");
      }
    }
    Optional<Path> key = auth.file("signingKey");
    Optional<Path> cert = auth.file("signingCert");
    if (key.isPresent() != cert.isPresent()) {
      throw auth.error("signingKey", "signingKey and signingCert go together");
    }
    Duration lifetime = auth.duration("tokenLifetime").orElse(Duration.ofMinutes(5));
    if (lifetime.compareTo(Duration.ofSeconds(60)) < 0
        || lifetime.compareTo(Duration.ofHours(1)) > 0) {
      throw auth.error("tokenLifetime", "a token lives from 60s to 1h");
    }
    AuthConfig config =
        new AuthConfig(
            mode,
            service,
            auth.string("issuer", 256).orElse("wharf"),
            auth.uri("realm", Set.of("http", "https")),
            lifetime,
            key,
            cert,
            auth.file("htpasswd"),
            users,
            ldap,
            oidc,
            issuers,
            adminUsers,
            adminGroups,
            audit,
            false);
    if (config.htpasswd().isEmpty()
        && users.isEmpty()
        && ldap.isEmpty()
        && oidc.isEmpty()
        && issuers.isEmpty()) {
      throw auth.error("no identities: give htpasswd, users, ldap, oidc or trustedIssuers");
    }
    return config;
  }

  static Set<String> keys(String... keys) {
    return new LinkedHashSet<>(List.of(keys));
  }
}
