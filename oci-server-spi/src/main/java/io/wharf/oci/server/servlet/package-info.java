/**
 * Mounts a {@link io.wharf.oci.server.RegistryHandler} in a Jakarta Servlet 6 container (Jetty,
 * Tomcat, Spring Boot) as {@link io.wharf.oci.server.servlet.RegistryServlet}. The servlet API is
 * an optional dependency that the container provides.
 */
@NullMarked
package io.wharf.oci.server.servlet;

import org.jspecify.annotations.NullMarked;
