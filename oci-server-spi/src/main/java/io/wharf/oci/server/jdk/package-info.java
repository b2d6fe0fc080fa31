/**
 * Runs a {@link io.wharf.oci.server.RegistryHandler} on the JDK's built-in HTTP server ({@code
 * com.sun.net.httpserver}), with no third-party dependency: {@link
 * io.wharf.oci.server.jdk.RegistryServer#start(io.wharf.oci.server.RegistryHandler,
 * java.net.InetSocketAddress)}, or {@link io.wharf.oci.server.jdk.JdkHttpTransport} for the limits.
 */
@NullMarked
package io.wharf.oci.server.jdk;

import org.jspecify.annotations.NullMarked;
