package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import io.wharf.oci.server.Identity;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against UnboundID's in-memory directory server, started here with users and groups from LDIF. */
class LdapDirectoryTest {

  private InMemoryDirectoryServer server;
  private final List<LdapDirectory> directories = new ArrayList<>();

  @BeforeEach
  void startServer() throws Exception {
    InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=org");
    config.setSchema(null);
    config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", 0));
    config.setAuthenticationRequiredOperationTypes(
        java.util.EnumSet.of(com.unboundid.ldap.sdk.OperationType.SEARCH));
    server = new InMemoryDirectoryServer(config);
    server.importFromLDIF(true, resource("/ldap/directory.ldif"));
    server.startListening();
  }

  @AfterEach
  void stopServer() {
    directories.forEach(LdapDirectory::close);
    server.shutDown(true);
  }

  private static String resource(String name) throws Exception {
    return java.nio.file.Path.of(LdapDirectoryTest.class.getResource(name).toURI()).toString();
  }

  private LdapDirectory.Builder directory() {
    return LdapDirectory.builder(URI.create("ldap://localhost:" + server.getListenPort()))
        .bind("cn=service,dc=example,dc=org", "service-secret")
        .userBase("ou=people,dc=example,dc=org")
        .userFilter("(&(objectClass=inetOrgPerson)(uid={0}))");
  }

  private LdapDirectory build(LdapDirectory.Builder b) {
    LdapDirectory d = b.build();
    directories.add(d);
    return d;
  }

  private static Identity identity(Verification v) {
    assertThat(v).isInstanceOf(Verification.Verified.class);
    return ((Verification.Verified) v).identity();
  }

  @Test
  void bindsAsTheUserAndReadsGroupsFromMemberOf() throws Exception {
    LdapDirectory ldap = build(directory().groupsFromAttribute("memberOf"));

    Identity alice = identity(ldap.verify("alice", "wonderland"));
    assertThat(alice.name()).contains("alice");
    assertThat(alice.groups()).containsExactly("admins", "devs");
    assertThat(alice.attributes())
        .containsEntry("kind", "user")
        .containsEntry("source", "ldap")
        .containsEntry("dn", "uid=alice,ou=people,dc=example,dc=org");

    assertThat(ldap.verify("alice", "wrong")).isInstanceOf(Verification.Rejected.class);
    assertThat(ldap.verify("carol", "wonderland")).isInstanceOf(Verification.Unknown.class);
  }

  @Test
  void findsGroupsWithAGroupSearch() throws Exception {
    LdapDirectory ldap =
        build(directory().groupSearch("ou=groups,dc=example,dc=org", "(member={dn})"));

    assertThat(identity(ldap.verify("bob", "canwefixit")).groups()).containsExactly("devs");
    assertThat(identity(ldap.verify("alice", "wonderland")).groups())
        .containsExactly("admins", "devs");
  }

  @Test
  void namesTheIdentityByAnAttributeWhenAsked() throws Exception {
    LdapDirectory ldap = build(directory().userNameAttribute("uid"));
    assertThat(identity(ldap.verify("ALICE", "wonderland")).name()).contains("alice");
    assertThat(identity(build(directory()).verify("ALICE", "wonderland")).name()).contains("ALICE");
  }

  @Test
  void attack_ldapInjectionInTheUserNameMatchesNobody() throws Exception {
    LdapDirectory ldap = build(directory());
    for (String name : List.of("*", "*)(uid=*", "alice)(|(uid=*", "*)(|(objectClass=*)", "a*")) {
      assertThat(ldap.verify(name, "wonderland")).as(name).isInstanceOf(Verification.Unknown.class);
    }
    LdapDirectory wide = build(directory().userBase("dc=example,dc=org").userFilter("(uid={0})"));
    assertThat(wide.verify("*", "wonderland")).isInstanceOf(Verification.Unknown.class);
  }

  @Test
  void attack_anEmptyPasswordIsRefusedBeforeAnyBind() throws Exception {
    LdapDirectory ldap = build(directory());
    assertThat(ldap.verify("alice", ""))
        .isEqualTo(Verification.rejected("an empty LDAP password (an anonymous bind) is refused"));
    assertThat(ldap.verify("nopass", "anything")).isInstanceOf(Verification.Rejected.class);
  }

  @Test
  void aWrongServicePasswordOrAServerDownIsAnIoException() throws Exception {
    LdapDirectory badService =
        build(directory().bind("cn=service,dc=example,dc=org", "not-the-service-secret"));
    assertThatThrownBy(() -> badService.verify("alice", "wonderland"))
        .isInstanceOf(IOException.class)
        .hasMessageNotContaining("not-the-service-secret")
        .hasMessageNotContaining("wonderland");

    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    LdapDirectory down =
        build(
            LdapDirectory.builder(URI.create("ldap://localhost:" + closedPort))
                .userBase("dc=example,dc=org")
                .connectTimeout(Duration.ofSeconds(2)));
    assertThatThrownBy(() -> down.verify("alice", "wonderland"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot be used")
        .hasMessageNotContaining("wonderland");
  }

  @Test
  void aServerThatGoesAwayIsAnIoExceptionAndComingBackWorksAgain() throws Exception {
    LdapDirectory ldap = build(directory());
    identity(ldap.verify("alice", "wonderland"));
    int port = server.getListenPort();
    server.shutDown(true);
    assertThatThrownBy(() -> ldap.verify("alice", "wonderland")).isInstanceOf(IOException.class);

    InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=org");
    config.setSchema(null);
    config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", port));
    server = new InMemoryDirectoryServer(config);
    server.importFromLDIF(true, resource("/ldap/directory.ldif"));
    server.startListening();
    identity(ldap.verify("alice", "wonderland"));
  }

  @Test
  void theBuilderRefusesBadSettings() {
    URI url = URI.create("ldap://localhost:389");
    assertThatThrownBy(() -> LdapDirectory.builder(URI.create("http://localhost")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LdapDirectory.builder(url).userFilter("(uid=alice)"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LdapDirectory.builder(url).userFilter("(uid={0}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LdapDirectory.builder(url).userBase("not a dn"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(LdapDirectory.builder(url).bind("cn=x", "pw-not-shown").build().toString())
        .isEqualTo("LdapDirectory[ldap://localhost:389]")
        .doesNotContain("pw-not-shown");
  }
}
