package io.wharf.oci.server.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/**
 * Makes a Servlet 6.1 container look like a Servlet 6.0 one to {@link RegistryServlet}: a filter
 * wraps each response so that {@code ServletOutputStream.write(ByteBuffer)} fails the way the call
 * fails on a 6.0 API, with {@link NoSuchMethodError}.
 */
final class Servlet60 implements Filter {

  private Servlet60() {}

  /** Adds the filter in front of every servlet of {@code context}. */
  static void install(ServletContextHandler context) {
    context.addFilter(new FilterHolder(new Servlet60()), "/*", EnumSet.of(DispatcherType.REQUEST));
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    chain.doFilter(request, new Response((HttpServletResponse) response));
  }

  private static final class Response extends HttpServletResponseWrapper {
    private ServletOutputStream out;

    Response(HttpServletResponse response) {
      super(response);
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
      if (out == null) {
        out = new Output(super.getOutputStream());
      }
      return out;
    }
  }

  /** The container's stream without {@code write(ByteBuffer)}. */
  private static final class Output extends ServletOutputStream {
    private final ServletOutputStream delegate;

    Output(ServletOutputStream delegate) {
      this.delegate = delegate;
    }

    @Override
    public void write(ByteBuffer buffer) {
      throw new NoSuchMethodError(
          "'void jakarta.servlet.ServletOutputStream.write(java.nio.ByteBuffer)'");
    }

    @Override
    public void write(int b) throws IOException {
      delegate.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      delegate.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      delegate.flush();
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }

    @Override
    public boolean isReady() {
      return delegate.isReady();
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      delegate.setWriteListener(listener);
    }
  }
}
