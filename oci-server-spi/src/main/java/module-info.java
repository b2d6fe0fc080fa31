/**
 * The OCI Distribution API engine ({@code io.wharf.oci.server}: the registry, its endpoint table
 * and hooks), the scheduler of its lifecycle jobs and their admin endpoint ({@code
 * io.wharf.oci.server.lifecycle}; cron-utils and Jackson inside only), its JDK {@code HttpServer}
 * transport, its Jakarta Servlet adapter and the JUnit 5 extension for tests. The transports'
 * shared helpers ({@code io.wharf.oci.server.transport}) are not exported. The servlet API and
 * JUnit are optional: the container or the test classpath brings them.
 */
module io.wharf.oci.server {
  requires transitive io.wharf.oci.model;
  requires transitive io.wharf.oci.storage;
  requires transitive io.wharf.oci.policy;
  requires jdk.httpserver;
  requires org.slf4j;
  requires com.cronutils;
  requires com.fasterxml.jackson.databind;
  requires static transitive org.jspecify;
  requires static jakarta.servlet;
  requires static org.junit.jupiter.api;

  exports io.wharf.oci.server;
  exports io.wharf.oci.server.jdk;
  exports io.wharf.oci.server.lifecycle;
  exports io.wharf.oci.server.servlet;
  exports io.wharf.oci.server.testing;
}
