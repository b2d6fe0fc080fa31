package io.wharf.oci.server.servlet;

/**
 * The transport contract through {@link RegistryServlet}'s Servlet 6.0 path: bodies copied through
 * a byte array, in a container whose {@code ServletOutputStream.write(ByteBuffer)} fails as on 6.0.
 */
class RegistryServletOnServlet60Test extends RegistryServletTest {

  @Override
  boolean servlet60() {
    return true;
  }
}
