package io.wharf.cli;

import io.wharf.oci.auth.AuditLog;
import io.wharf.oci.auth.Htpasswd;
import io.wharf.oci.auth.LdapDirectory;
import io.wharf.oci.auth.OidcIssuer;
import io.wharf.oci.auth.PasswordVerifier;
import io.wharf.oci.auth.ProjectSpec;
import io.wharf.oci.auth.RegistryAuth;
import io.wharf.oci.auth.SigningKey;
import io.wharf.oci.auth.StaticUsers;
import io.wharf.oci.auth.TrustedIssuer;
import io.wharf.oci.auth.Verification;
import io.wharf.oci.storage.access.AccessStore;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns {@code wharf.yaml}'s {@code auth} section (or {@code --htpasswd}) into {@link
 * RegistryAuth}, and applies its {@code projects}. What it opens that must be closed (the LDAP
 * pool, the audit log) is in {@link #closeables()}, to close after the registry.
 */
final class AccessSetup {

  /** The group {@code --htpasswd}'s users are put in, which is made system administrator. */
  static final String HTPASSWD_ADMINS = "wharf:htpasswd-admins";

  private final RegistryAuth auth;
  private final List<Closeable> closeables;

  private AccessSetup(RegistryAuth auth, List<Closeable> closeables) {
    this.auth = auth;
    this.closeables = List.copyOf(closeables);
  }

  RegistryAuth auth() {
    return auth;
  }

  List<Closeable> closeables() {
    return closeables;
  }

  /**
   * Access control as {@code config} says, over {@code store}, with the signing key and audit log
   * in {@code data} unless the config names others, and the token realm {@code defaultRealm} unless
   * the config names one.
   */
  static AccessSetup open(AuthConfig config, AccessStore store, Path data, String defaultRealm)
      throws IOException {
    List<Closeable> closeables = new ArrayList<>();
    try {
      RegistryAuth.Builder b = RegistryAuth.builder(store);
      if (config.htpasswd().isPresent()) {
        Htpasswd htpasswd = Htpasswd.open(config.htpasswd().get());
        b.verifier(config.htpasswdUsersAreAdmins() ? inGroup(htpasswd, HTPASSWD_ADMINS) : htpasswd);
        if (config.htpasswdUsersAreAdmins()) {
          b.systemAdminGroups(Set.of(HTPASSWD_ADMINS));
        }
      }
      if (!config.users().isEmpty()) {
        StaticUsers.Builder users = StaticUsers.builder();
        for (AuthConfig.StaticUser u : config.users()) {
          users.user(u.name(), u.bcrypt(), u.groups());
        }
        b.verifier(users.build());
      }
      if (config.ldap().isPresent()) {
        AuthConfig.Ldap l = config.ldap().get();
        LdapDirectory.Builder ldap =
            LdapDirectory.builder(l.url())
                .userBase(l.userBase())
                .userFilter(l.userFilter())
                .groupNameAttribute(l.groupAttribute())
                .startTls(l.startTls());
        if (l.bindDn().isPresent()) {
          ldap.bind(l.bindDn().get(), secretFile(l.bindPasswordFile().orElseThrow()));
        }
        if (l.groupBase().isPresent()) {
          ldap.groupSearch(l.groupBase().get(), l.groupFilter());
        }
        LdapDirectory directory = ldap.build();
        closeables.add(directory);
        b.verifier(directory);
      }
      if (config.oidc().isPresent()) {
        AuthConfig.Oidc o = config.oidc().get();
        OidcIssuer.Builder oidc =
            OidcIssuer.builder(o.issuer().toString())
                .audience(o.audience())
                .userClaim(o.usernameClaim())
                .groupsClaim(o.groupsClaim())
                .allowHttp(isLoopback(o.issuer().getHost()));
        o.jwksUrl().ifPresent(oidc::jwksUri);
        b.oidc(oidc.build());
      }
      for (AuthConfig.Issuer i : config.trustedIssuers()) {
        TrustedIssuer.Builder t = TrustedIssuer.builder(i.name());
        if (i.jwksUrl().isPresent()) {
          t.jwksUri(i.jwksUrl().get());
        } else {
          t.publicKeysPem(Files.readString(i.publicKey().orElseThrow(), StandardCharsets.UTF_8));
        }
        b.trust(t.build());
      }
      b.service(config.service());
      if (config.mode() == AuthConfig.Mode.TOKEN) {
        SigningKey key =
            config.signingKey().isPresent()
                ? SigningKey.fromPem(
                    Files.readString(config.signingKey().get(), StandardCharsets.UTF_8),
                    Files.readString(config.signingCert().orElseThrow(), StandardCharsets.UTF_8))
                : SigningKey.loadOrCreate(data);
        b.tokens(key, config.service(), config.realm().map(Object::toString).orElse(defaultRealm))
            .issuer(config.issuer())
            .tokenLifetime(config.tokenLifetime());
      }
      b.systemAdmins(config.adminUsers()).systemAdminGroups(config.adminGroups());
      if (config.audit().enabled()) {
        AuditLog audit =
            AuditLog.builder(data)
                .maxFileBytes(config.audit().maxFileSize())
                .maxRotatedFiles(config.audit().files())
                .kinds(config.audit().kinds())
                .build();
        closeables.add(audit);
        b.auditLog(audit);
      }
      return new AccessSetup(b.build(), closeables);
    } catch (IOException | RuntimeException e) {
      for (Closeable c : closeables) {
        try {
          c.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /** Applies {@code projects} to the store: created or updated, members set; nothing removed. */
  static void seed(AccessSetup setup, List<ProjectSpec> projects) throws IOException {
    if (!projects.isEmpty()) {
      setup.auth().projects().seed(projects);
    }
  }

  /** {@code verifier}, its users put in {@code group}. */
  private static PasswordVerifier inGroup(PasswordVerifier verifier, String group) {
    return (user, secret) -> {
      Verification v = verifier.verify(user, secret);
      if (v instanceof Verification.Verified ok) {
        Set<String> groups = new HashSet<>(ok.identity().groups());
        groups.add(group);
        return new Verification.Verified(ok.identity().withGroups(groups));
      }
      return v;
    };
  }

  /** A secret kept in a file (its first line), never in the config itself. */
  private static String secretFile(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int newline = text.indexOf('\n');
    return (newline < 0 ? text : text.substring(0, newline)).strip();
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
  }
}
