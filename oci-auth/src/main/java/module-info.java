/**
 * Access control for a Wharf registry: identities (htpasswd, static users, robot accounts, OIDC,
 * LDAP), the Docker token service, projects with Harbor's roles, and the audit log. Plugs into
 * {@code io.wharf.oci.server}'s authenticator, authorizer, route and listener seams; keeps its
 * records in the metadata store's {@code AccessStore}. Nimbus JOSE, Bouncy Castle, UnboundID and
 * Jackson are used inside only.
 */
module io.wharf.oci.auth {
  requires transitive io.wharf.oci.server;
  requires transitive io.wharf.oci.storage;
  requires com.nimbusds.jose.jwt;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
  requires unboundid.ldapsdk;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires static transitive org.jspecify;

  exports io.wharf.oci.auth;
}
