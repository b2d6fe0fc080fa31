package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.auth.ProjectSpec;
import io.wharf.oci.server.RegistryEvent;
import io.wharf.oci.storage.access.Principal;
import io.wharf.oci.storage.access.ProjectRole;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The {@code auth} and {@code projects} sections of {@code wharf.yaml}. */
class AuthConfigTest {

  private static final String HASH = "$2y$10$" + "a".repeat(53);

  private static ServerSettings parse(String yaml) throws ConfigException {
    return WharfConfig.parse(yaml, "wharf.yaml", Path.of("/etc/wharf"))
        .applyTo(ServerSettings.defaults());
  }

  @Test
  void readsACompleteAuthSection() throws Exception {
    ServerSettings s =
        parse(
            String.join(
                "\n",
                "auth:",
                "  mode: token",
                "  service: registry.example",
                "  issuer: wharf-issuer",
                "  realm: https://registry.example/token",
                "  tokenLifetime: 10m",
                "  signingKey: keys/key.pem",
                "  signingCert: keys/cert.pem",
                "  htpasswd: users.htpasswd",
                "  users:",
                "    - {name: ci, bcrypt: '" + HASH + "', groups: [builders]}",
                "  ldap:",
                "    url: ldap://ldap.example:389",
                "    bindDn: cn=svc,dc=example,dc=org",
                "    bindPasswordFile: ldap-password",
                "    userBase: ou=people,dc=example,dc=org",
                "    groupBase: ou=groups,dc=example,dc=org",
                "  oidc: {issuer: https://login.example/realms/x, audience: wharf}",
                "  trustedIssuers:",
                "    - {name: corp, jwksUrl: https://auth.example/jwks.json}",
                "  admins: {users: [alice], groups: [registry-admins]}",
                "  audit: {maxFileSize: 1MiB, files: 3, exclude: [MANIFEST_PULLED, BLOB_MOUNTED]}",
                "projects:",
                "  - name: library",
                "    public: true",
                "    members:",
                "      - {user: alice, role: projectAdmin}",
                "      - {group: devs, role: developer}",
                "  - name: team"));
    AuthConfig a = s.auth().orElseThrow();
    assertThat(a.mode()).isEqualTo(AuthConfig.Mode.TOKEN);
    assertThat(a.service()).isEqualTo("registry.example");
    assertThat(a.issuer()).isEqualTo("wharf-issuer");
    assertThat(a.realm()).contains(URI.create("https://registry.example/token"));
    assertThat(a.tokenLifetime()).isEqualTo(Duration.ofMinutes(10));
    assertThat(a.signingKey()).contains(Path.of("/etc/wharf/keys/key.pem"));
    assertThat(a.htpasswd()).contains(Path.of("/etc/wharf/users.htpasswd"));
    assertThat(a.users())
        .containsExactly(new AuthConfig.StaticUser("ci", HASH, Set.of("builders")));
    AuthConfig.Ldap ldap = a.ldap().orElseThrow();
    assertThat(ldap.userFilter()).isEqualTo("(uid={0})");
    assertThat(ldap.groupFilter()).isEqualTo("(member={dn})");
    assertThat(ldap.bindPasswordFile()).contains(Path.of("/etc/wharf/ldap-password"));
    assertThat(a.oidc().orElseThrow().usernameClaim()).isEqualTo("preferred_username");
    assertThat(a.trustedIssuers()).hasSize(1);
    assertThat(a.trustedIssuers().get(0).service()).isEqualTo("registry.example");
    assertThat(a.adminUsers()).containsExactly("alice");
    assertThat(a.adminGroups()).containsExactly("registry-admins");
    assertThat(a.audit())
        .isEqualTo(
            new AuthConfig.Audit(
                true,
                1 << 20,
                3,
                Set.of(RegistryEvent.Kind.MANIFEST_PULLED, RegistryEvent.Kind.BLOB_MOUNTED)));
    assertThat(a.audit().kinds())
        .contains(RegistryEvent.Kind.MANIFEST_PUSHED, RegistryEvent.Kind.DENIED)
        .doesNotContain(RegistryEvent.Kind.MANIFEST_PULLED, RegistryEvent.Kind.BLOB_MOUNTED);
    assertThat(a.htpasswdUsersAreAdmins()).isFalse();
    assertThat(s.projects())
        .containsExactly(
            new ProjectSpec(
                "library",
                true,
                Map.of(
                    Principal.user("alice"), ProjectRole.PROJECT_ADMIN,
                    Principal.group("devs"), ProjectRole.DEVELOPER)),
            new ProjectSpec("team", false, Map.of()));
  }

  @Test
  void htpasswdFlagMakesItsUsersAdministrators() {
    AuthConfig a = AuthConfig.htpasswdAdmins(Path.of("users"));
    assertThat(a.mode()).isEqualTo(AuthConfig.Mode.TOKEN);
    assertThat(a.htpasswdUsersAreAdmins()).isTrue();
  }

  @Test
  void badValuesNameTheKey() {
    String[][] cases = {
      {"auth: {mode: magic, htpasswd: f}", "auth.mode"},
      {"auth: {htpasswd: f, colour: red}", "unknown key 'colour'"},
      {"auth: {mode: basic}", "no identities"},
      {"auth: {htpasswd: f, users: [{name: a, bcrypt: plaintext}]}", "auth.users[0].bcrypt"},
      {"auth: {htpasswd: f, signingKey: k.pem}", "signingKey and signingCert go together"},
      {"auth: {htpasswd: f, tokenLifetime: 2d}", "auth.tokenLifetime"},
      {"auth: {htpasswd: f, tokenLifetime: 300}", "has no unit"},
      {"auth: {htpasswd: f, realm: 'ftp://x/token'}", "auth.realm"},
      {"auth: {ldap: {url: 'http://ldap'}}", "auth.ldap.url"},
      {"auth: {ldap: {url: 'ldap://l', userBase: o, bindDn: cn=x}}", "go together"},
      {"auth: {trustedIssuers: [{name: x}]}", "exactly one of jwksUrl and publicKey"},
      {"auth: {htpasswd: f, users: [{name: \"a\\nb\", bcrypt: '" + HASH + "'}]}", "control"},
      {"auth: {htpasswd: f, audit: {exclude: [PULL]}}", "auth.audit.exclude: unknown event kind"},
      {"auth: {htpasswd: f, audit: {exclude: [manifest_pulled]}}", "MANIFEST_PULLED, "},
      {"auth: {htpasswd: f, audit: {exclude: " + allKinds() + "}}", "enabled: false instead"},
      {"projects: [{name: Team}]", "projects[0].name"},
      {"projects: [{name: a}, {name: a}]", "listed twice"},
      {"projects: [{name: a, members: [{user: u, role: owner}]}]", "unknown role 'owner'"},
      {"projects: [{name: a, members: [{user: u, group: g, role: guest}]}]", "exactly one"},
      {"projects: {name: a}", "expected a list"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> parse(c[0]))
          .as(c[0])
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("wharf.yaml: ")
          .hasMessageContaining(c[1]);
    }
  }

  /** Every event kind, as a YAML list. */
  private static String allKinds() {
    return Arrays.toString(RegistryEvent.Kind.values());
  }
}
