/**
 * A client for OCI registries. Apache HttpClient 5 and Jackson are used inside and never appear in
 * the API; {@code io.wharf.oci.client.internal} is not exported.
 */
module io.wharf.oci.client {
  requires transitive io.wharf.oci.model;
  requires org.apache.httpcomponents.client5.httpclient5;
  requires org.apache.httpcomponents.core5.httpcore5;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires static transitive org.jspecify;

  exports io.wharf.oci.client;
  exports io.wharf.oci.client.auth;
  exports io.wharf.oci.client.copy;
}
